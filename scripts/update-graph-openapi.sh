#!/usr/bin/env bash
# Copies the newest Graph OpenAPI description (validation variant) from ../shared/graph/ into the
# repository (test/support/graph/), where the tests and the demo read it. Prints its sha256 for the
# table in test/support/graph/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
file=graph-v1.0-mail-calendar.validation.openapi.json
src="${1:-../shared/graph}/$file"
[[ -f "$src" ]] || { echo "not found: $src" >&2; exit 1; }
cp "$src" "test/support/graph/$file"
chmod 644 "test/support/graph/$file"
sha256sum "test/support/graph/$file"
