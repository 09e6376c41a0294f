#!/usr/bin/env bash
# The queue-mode scenarios alone (test/e2e/queue/*.e2e.ts), outside the full e2e stage:
# installs Node 24 + n8n into the cache (once), packs the built package, runs jest on the queue
# suite and prints its wall time. Logs (n8n main/workers, Redis, PostgreSQL) go to the run folder.
# Usage: bash scripts/queue/e2e.sh [run folder] [extra jest arguments...]
set -euo pipefail
cd "$(dirname "$0")/../.."
RUN_DIR="${1:-$(mktemp -d "${TMPDIR:-/tmp}/outlook-oauth-queue.XXXXXX")}"
shift || true
mkdir -p "$RUN_DIR"
export OUTLOOK_TEST_SECRETS_FILE="${OUTLOOK_TEST_SECRETS_FILE:-$RUN_DIR/secrets.txt}"
touch "$OUTLOOK_TEST_SECRETS_FILE"
t0=$SECONDS
# shellcheck source=scripts/n8n-install.sh
source scripts/n8n-install.sh
ensure_n8n 2>>"$RUN_DIR/install.log" || { cat "$RUN_DIR/install.log"; exit 1; }
bash scripts/queue/services.sh install 2>>"$RUN_DIR/install.log"
[[ -d dist ]] || npm run build
tgz="$(bash scripts/pack.sh "$RUN_DIR/pack")"
tar -xzOf "$tgz" package/package.json >"$RUN_DIR/packed-package.json"
export E2E_NODE24_BIN="$NODE24_BIN" E2E_N8N_BIN="$N8N_BIN" E2E_PACKAGE_TGZ="$tgz" E2E_RUN_DIR="$RUN_DIR"
set +e
npx jest -c test/e2e/jest.config.js --ci --runInBand test/e2e/queue "$@"
status=$?
set -e
printf '\nqueue-mode e2e wall time: %ss (logs: %s)\n' "$((SECONDS - t0))" "$RUN_DIR"
exit "$status"
