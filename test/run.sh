#!/usr/bin/env bash
# The README's test command (`npm test`). On a fresh machine it installs what the tests need
# (npm packages, Debian's Dovecot; the e2e stage installs n8n into a cache outside the repo),
# then runs: type check, lint, build, unit and node tests, real-server tests, e2e with a real n8n.
# Finally it checks that no token or secret the stand-ins issued appears in the run's output.
#
# Environment: SKIP_E2E=1 skips the real-n8n stage; JEST_ARGS adds jest arguments.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/outlook-oauth-test.XXXXXX")
export OUTLOOK_TEST_SECRETS_FILE="$RUN_DIR/secrets.txt"
: > "$OUTLOOK_TEST_SECRETS_FILE"
LOG="$RUN_DIR/output.log"
started=$(date +%s)
step() { printf '\n=== %s (%ss)\n' "$*" "$(( $(date +%s) - started ))"; }

{
step "npm packages"
bash scripts/ensure-node-modules.sh

step "system packages (Dovecot)"
bash test/rig/install-system-packages.sh

step "type check"
npx tsc -p tsconfig.json --noEmit

step "lint"
npm run lint

step "build"
npm run build

step "unit, node and real-server tests (jest)"
set +e
npx jest --ci --maxWorkers=2 --json --outputFile="$RUN_DIR/jest.json" ${JEST_ARGS:-}
jest_status=$?
set -e

e2e_status=0
if [ -d test/e2e ] && [ "${SKIP_E2E:-0}" != "1" ]; then
	step "end to end: a real n8n loading the packed package"
	set +e
	bash test/e2e/run.sh "$RUN_DIR"
	e2e_status=$?
	set -e
fi
step "done"
echo "$jest_status $e2e_status" > "$RUN_DIR/status"
} 2>&1 | tee "$LOG"

read -r jest_status e2e_status < "$RUN_DIR/status" || { echo "test run aborted before the tests finished"; exit 1; }

# Secrets check: no token, refresh token, code or client secret the stand-ins issued may appear in
# anything the run printed (test output, logs of n8n and Dovecot that the suites print on failure).
leaks=0
if [ -s "$OUTLOOK_TEST_SECRETS_FILE" ]; then
	sort -u "$OUTLOOK_TEST_SECRETS_FILE" -o "$OUTLOOK_TEST_SECRETS_FILE"
	if grep -F -f "$OUTLOOK_TEST_SECRETS_FILE" "$LOG" "$RUN_DIR"/*.log 2>/dev/null | grep -v "^$OUTLOOK_TEST_SECRETS_FILE" | head -5 | grep -q .; then
		echo "SECRETS CHECK FAILED: a token or secret issued by the stand-ins appears in the test output"
		leaks=1
	else
		echo "Secrets check: $(wc -l < "$OUTLOOK_TEST_SECRETS_FILE") issued secrets, none in the output"
	fi
fi

# Closing summary: jest's counts plus the e2e stage's (its jest prints "Tests: N failed, M passed, T total").
e2e_counts=$(awk '/^=== end to end/{e=1} e && /^Tests:/{line=$0} END{print line}' "$LOG")
e2e_passed=$(printf '%s' "$e2e_counts" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+' || echo 0)
e2e_failed=$(printf '%s' "$e2e_counts" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+' || echo 0)
node -e '
const r = require(process.argv[1]);
const [e2ePassed, e2eFailed] = [Number(process.argv[2] || 0), Number(process.argv[3] || 0)];
console.log(`jest ${r.numPassedTests} passed and ${r.numFailedTests} failed in ${r.numTotalTestSuites} suites; e2e ${e2ePassed} passed and ${e2eFailed} failed`);
' "$RUN_DIR/jest.json" "${e2e_passed:-0}" "${e2e_failed:-0}" 2>/dev/null || true
if [ "$jest_status" != 0 ] || [ "$e2e_status" != 0 ] || [ "$leaks" != 0 ]; then
	echo "FAILED (jest $jest_status, e2e $e2e_status, secrets $leaks) after $(( $(date +%s) - started )) s"
	node -e 'const r=require(process.argv[1]); console.log(`Summary: ${r.numPassedTests + Number(process.argv[2]||0)} passed, ${Math.max(1, r.numFailedTests + Number(process.argv[3]||0))} failed`)' "$RUN_DIR/jest.json" "${e2e_passed:-0}" "${e2e_failed:-0}" 2>/dev/null || echo "Summary: 0 passed, 1 failed"
	exit 1
fi
echo "All tests passed in $(( $(date +%s) - started )) s"
node -e 'const r=require(process.argv[1]); console.log(`Summary: ${r.numPassedTests + Number(process.argv[2]||0)} passed, 0 failed`)' "$RUN_DIR/jest.json" "${e2e_passed:-0}"
