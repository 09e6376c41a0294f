#!/usr/bin/env bash
# The e2e stage of the README's test command (test/run.sh calls it after the build):
# installs Node 24 + n8n into the cache (once), chromium (once), packs the package, and runs the
# scenarios in test/e2e/*.e2e.ts against a real n8n. Every log goes into the run folder, which
# test/run.sh's secrets check covers. Prints a timing table at the end.
# Usage: bash test/e2e/run.sh [run folder]   (E2E_JEST_ARGS adds jest arguments)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$(pwd)"
RUN_DIR="${1:-$(mktemp -d "${TMPDIR:-/tmp}/outlook-oauth-e2e.XXXXXX")}"
mkdir -p "$RUN_DIR"
export OUTLOOK_TEST_SECRETS_FILE="${OUTLOOK_TEST_SECRETS_FILE:-$RUN_DIR/secrets.txt}"
touch "$OUTLOOK_TEST_SECRETS_FILE"

t0=$SECONDS
timing=()
mark() { timing+=("$(printf '%-34s %5ss' "$1" "$((SECONDS - $2))")"); }

t=$SECONDS
# shellcheck source=scripts/n8n-install.sh
source scripts/n8n-install.sh
cached="cached"
[[ -f "$OUTLOOK_CACHE_ROOT/n8n-$N8N_VERSION-node-$NODE24_VERSION/.complete" ]] || cached="cold"
ensure_n8n 2>>"$RUN_DIR/e2e-install.log" || { cat "$RUN_DIR/e2e-install.log"; exit 1; }
mark "n8n $N8N_VERSION + Node $NODE24_VERSION ($cached)" "$t"

t=$SECONDS
bash test/e2e/install-chromium.sh >>"$RUN_DIR/e2e-install.log" 2>&1 || { cat "$RUN_DIR/e2e-install.log"; exit 1; }
mark "chromium" "$t"

t=$SECONDS
[[ -d dist ]] || npm run build
rm -rf "$RUN_DIR/pack"
tgz="$(bash scripts/pack.sh "$RUN_DIR/pack")"
tar -xzOf "$tgz" package/package.json >"$RUN_DIR/packed-package.json"
mark "pack" "$t"

export E2E_NODE24_BIN="$NODE24_BIN" E2E_N8N_BIN="$N8N_BIN" E2E_PACKAGE_TGZ="$tgz" E2E_RUN_DIR="$RUN_DIR"
t=$SECONDS
set +e
# shellcheck disable=SC2086
npx jest -c test/e2e/jest.config.js --ci --runInBand ${E2E_JEST_ARGS:-}
status=$?
set -e
mark "scenarios (jest)" "$t"

echo
echo "e2e wall time"
printf '  %s\n' "${timing[@]}"
printf '  %-34s %5ss\n' "total" "$((SECONDS - t0))"
echo "  logs: $RUN_DIR/*.log"
exit "$status"
