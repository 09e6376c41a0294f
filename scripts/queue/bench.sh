#!/usr/bin/env bash
# Prepares and runs bench/queue.ts (queue mode vs one regular process): Node 24 + n8n into the
# cache (once), Redis + PostgreSQL packages (apt-get, once), packs the built package, then runs the
# compiled benchmark with the E2E_* environment it needs. Prints the table.
# Usage: bash scripts/queue/bench.sh [compiled bench/queue.js]   (npm run bench queue calls this)
set -euo pipefail
cd "$(dirname "$0")/../.."
compiled="${1:-}"
if [[ -z "$compiled" ]]; then
	node node_modules/typescript/bin/tsc -p bench/tsconfig.json >/dev/null || true
	compiled=".cache/bench/bench/queue.js"
fi
RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/outlook-bench-queue.XXXXXX")"
# shellcheck source=scripts/n8n-install.sh
source scripts/n8n-install.sh
ensure_n8n 2>>"$RUN_DIR/install.log" || { cat "$RUN_DIR/install.log"; exit 1; }
bash scripts/queue/services.sh install 2>>"$RUN_DIR/install.log"
[[ -d dist ]] || npm run build
tgz="$(bash scripts/pack.sh "$RUN_DIR/pack")"
tar -xzOf "$tgz" package/package.json >"$RUN_DIR/packed-package.json"
export E2E_NODE24_BIN="$NODE24_BIN" E2E_N8N_BIN="$N8N_BIN" E2E_PACKAGE_TGZ="$tgz" E2E_RUN_DIR="$RUN_DIR"
export GRAPH_OPENAPI="${GRAPH_OPENAPI:-$(pwd)/test/support/graph/graph-v1.0-mail-calendar.validation.openapi.json}"
echo "bench logs: $RUN_DIR" >&2
exec node "$compiled"
