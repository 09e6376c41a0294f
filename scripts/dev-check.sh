#!/usr/bin/env bash
# Proves the README's first command the way a new user runs it: starts `npm run dev -- --demo`
# (with whatever cache OUTLOOK_CACHE_ROOT names: .ci/run gives it an empty one), waits until it
# says n8n is ready, checks in n8n that the four nodes, both credential types and the demo
# credential are there (scripts/dev-check.js), that the demo's IMAP trigger starts an execution
# for a new mail (scripts/demo-trigger-check.js), then presses Ctrl+C (SIGINT to its process group)
# and checks that everything it started has stopped within 20 s.
# Usage: bash scripts/dev-check.sh <log file>      DEV_CHECK_PORT (default 5678)
set -euo pipefail
cd "$(dirname "$0")/.."
log="${1:-$(mktemp "${TMPDIR:-/tmp}/outlook-dev-check.XXXXXX.log")}"
port="${DEV_CHECK_PORT:-5678}"
limit="${DEV_CHECK_TIMEOUT:-2400}"
started=$SECONDS
echo "[dev-check] npm run dev -- --demo --fresh --port $port (log: $log)"
# Its own session and process group, as a terminal would give it; Ctrl+C goes to that group.
setsid npm run dev -- --demo --fresh --port "$port" >"$log" 2>&1 </dev/null &
dev_pid=$!
stop_group() { kill "-$1" "-$dev_pid" 2>/dev/null || true; }
trap 'stop_group KILL' EXIT
ready=0
while ((SECONDS - started < limit)); do
	if grep -q '^\[dev\] n8n is ready' "$log"; then
		ready=1
		break
	fi
	kill -0 "$dev_pid" 2>/dev/null || break
	sleep 1
done
# Progress lines, as the user saw them.
grep -E '^\[(dev|n8n-install)\]' "$log" | sed 's/^/    /'
if ((!ready)); then
	echo "[dev-check] FAIL npm run dev -- --demo did not become ready in $((SECONDS - started)) s; the end of its output:"
	tail -n 30 "$log"
	exit 1
fi
echo "[dev-check] ready after $((SECONDS - started)) s"
status=0
node scripts/dev-check.js "http://127.0.0.1:$port" || status=1
# The banner's mail command, as printed (with the mail port the demo started on): it delivers.
mail_line="$(grep -o '\(OUTLOOK_DEMO_MAIL_PORT=[0-9]* \)\?node scripts/demo-mail.js "Invoice 42"' "$log" | head -1)"
if [[ -n "$mail_line" ]] && bash -c "$mail_line" | grep -q '^\[demo\] delivered "Invoice 42"'; then
	echo "[dev-check] ok   the banner's command delivers a mail: $mail_line"
else
	echo "[dev-check] FAIL the banner's mail command did not deliver (${mail_line:-not printed})"
	status=1
fi
# The README's trigger path: connect the demo credential, activate "Outlook demo: new mail", deliver
# a mail to the demo mailbox, see the execution it starts.
node scripts/demo-trigger-check.js "http://127.0.0.1:$port" || status=1

t=$SECONDS
stop_group INT
stopped=0
for _ in $(seq 1 100); do
	if ! kill -0 "$dev_pid" 2>/dev/null && ! pgrep -g "$dev_pid" >/dev/null 2>&1; then
		stopped=1
		break
	fi
	sleep 0.2
done
if ((stopped)); then
	echo "[dev-check] ok   Ctrl+C stopped n8n and the stand-ins in $((SECONDS - t)) s"
else
	echo "[dev-check] FAIL processes still running 20 s after Ctrl+C: $(pgrep -g "$dev_pid" -a | head -5)"
	status=1
fi
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
	echo "[dev-check] FAIL port $port still answers after Ctrl+C"
	status=1
fi
exit "$status"
