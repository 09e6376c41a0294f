#!/usr/bin/env bash
# `npm run dev`: build, pack, install n8n once into a cache folder outside the clone, install the
# package into n8n's community-nodes folder, and start n8n on http://127.0.0.1:5678 (SQLite).
#
#   npm run dev                  n8n with the package; sign in and connect your Microsoft account
#   npm run dev -- --demo        also start the identity-provider and Graph stand-ins with a demo
#                                mailbox and calendar, a Dovecot IMAP server for the trigger, an
#                                owner account, a demo credential and workflow: try all three
#                                nodes without a Microsoft account
#   npm run dev -- --fresh       start from an empty n8n user folder (drops workflows and credentials)
#   npm run dev -- --port 5688   another port for n8n (when 5678 is taken)
#   npm run dev -- --no-build    skip `npm run build` (use dist/ as it is)
#
# Cache: ${XDG_CACHE_HOME:-~/.cache}/n8n-nodes-outlook-oauth (Node 24, n8n, the dev user folder);
# OUTLOOK_CACHE_ROOT moves it.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"

demo=0 fresh=0 build=1
port="${N8N_PORT:-5678}"
while [[ $# -gt 0 ]]; do
	case "$1" in
		--demo) demo=1 ;;
		--fresh) fresh=1 ;;
		--no-build) build=0 ;;
		--port)
			port="$2"
			shift
			;;
		--port=*) port="${1#--port=}" ;;
		-h | --help)
			sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
			exit 0
			;;
		*)
			echo "unknown option $1 (try --help)" >&2
			exit 2
			;;
	esac
	shift
done
[[ "$port" =~ ^[0-9]+$ ]] && ((port > 0 && port < 65535)) || {
	echo "[dev] --port takes a port number, not '$port'" >&2
	exit 2
}

started=$SECONDS
steps=5
((demo)) || steps=4
step_no=0
step() {
	step_no=$((step_no + 1))
	printf '[dev] %d/%d %s (%ss so far)\n' "$step_no" "$steps" "$*" "$((SECONDS - started))"
}

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# Checked first, so a taken port does not cost a build before failing.
if port_taken "$port" || port_taken "$((port + 1))"; then
	cat >&2 <<MSG
[dev] port $port (or $((port + 1)), n8n's task broker next to it) is already in use on 127.0.0.1.
      Another n8n, or an earlier \`npm run dev\`, is probably running: stop it, or start this one
      on another port:  npm run dev -- --port 5688   (the editor is then http://127.0.0.1:5688)
MSG
	exit 1
fi

step "npm packages of this repository"
bash scripts/ensure-node-modules.sh

step "Node 24 and n8n in the cache (the first time about 8-10 min and 2.9 GB; later a quick check)"
# shellcheck source=scripts/n8n-install.sh
source scripts/n8n-install.sh
ensure_n8n

step "build and pack the package"
if ((build)); then
	npm run build --silent
fi
# OUTLOOK_DEV_HOME: another folder for the dev user folder and logs (two checkouts at once).
DEV_HOME="${OUTLOOK_DEV_HOME:-$OUTLOOK_CACHE_ROOT/dev}"
mkdir -p "$DEV_HOME"
rm -f "$DEV_HOME"/pack/*.tgz
tgz="$(bash scripts/pack.sh "$DEV_HOME/pack")"
export N8N_USER_FOLDER="$DEV_HOME/user"
if ((fresh)); then rm -rf "$N8N_USER_FOLDER"; fi
mkdir -p "$N8N_USER_FOLDER"
echo "[dev]     installing $(basename "$tgz") into $N8N_USER_FOLDER/.n8n/nodes"
bash scripts/install-package.sh "$N8N_USER_FOLDER" "$tgz"

export N8N_PORT="$port"
# shellcheck source=scripts/n8n-env.sh
source scripts/n8n-env.sh
# A dev instance has nothing worth a 30 s graceful shutdown: Ctrl+C stops it in a few seconds.
export N8N_GRACEFUL_SHUTDOWN_TIMEOUT="${N8N_GRACEFUL_SHUTDOWN_TIMEOUT:-5}"
export PATH="$NODE24_BIN:$PATH"
N8N_LOG="$DEV_HOME/n8n.log"
: >"$N8N_LOG"

pids=()
# Stops what this script started: TERM first, then KILL whatever is still running after 10 s.
cleanup() {
	trap - EXIT INT TERM
	((${#pids[@]})) || return 0
	echo "[dev] stopping n8n and the stand-ins"
	kill -TERM "${pids[@]}" 2>/dev/null || true
	local _
	for _ in $(seq 1 50); do
		kill -0 "${pids[@]}" 2>/dev/null || break
		sleep 0.2
	done
	kill -KILL "${pids[@]}" 2>/dev/null || true
	wait 2>/dev/null || true
	echo "[dev] stopped"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ((demo)); then
	step "demo: identity-provider, Graph and IMAP (Dovecot) stand-ins, demo credential"
	rm -f "$DEV_HOME/standins.json"
	# Dovecot for the IMAP trigger, installed the way the tests install it; without it the demo
	# still runs Outlook Mail and Outlook Calendar and says why the trigger cannot be tried.
	if [[ "${OUTLOOK_DEMO_IMAP:-1}" != 0 ]] && ! { [[ -x /usr/sbin/dovecot ]] && [[ -x /usr/lib/dovecot/imap ]]; }; then
		echo "[dev]     installing Dovecot (the demo's IMAP server) with apt-get"
		bash scripts/apt-install.sh dovecot-core dovecot-imapd openssl ||
			echo "[dev]     Dovecot could not be installed (see above): the demo runs without the IMAP trigger"
	fi
	bash scripts/demo-standins.sh "$DEV_HOME" &
	pids+=($!)
	# Compiling the stand-ins takes a few seconds; then they listen at once.
	for _ in $(seq 1 600); do
		[[ -s "$DEV_HOME/standins.json" ]] && break
		kill -0 "${pids[0]}" 2>/dev/null || break
		sleep 0.2
	done
	[[ -s "$DEV_HOME/standins.json" ]] || {
		echo "[dev] the stand-ins did not start (see above)"
		exit 1
	}
	# The demo credential, before n8n starts (the CLI and the server must not share the SQLite file).
	node scripts/demo-credential.js "$DEV_HOME/standins.json" >"$DEV_HOME/demo-credential.json"
	"$NODE24_BIN/node" "$N8N_BIN" import:credentials --input="$DEV_HOME/demo-credential.json" >>"$N8N_LOG" 2>&1 ||
		{
			echo "[dev] importing the demo credential failed; the end of $N8N_LOG:"
			tail -n 20 "$N8N_LOG"
			exit 1
		}
	node scripts/demo-credential.js "$DEV_HOME/standins.json" --workflow >"$DEV_HOME/demo-workflow.json"
	if [[ -s "$DEV_HOME/demo-workflow.json" ]]; then
		"$NODE24_BIN/node" "$N8N_BIN" import:workflow --input="$DEV_HOME/demo-workflow.json" >>"$N8N_LOG" 2>&1 ||
			echo "[dev]     importing the demo workflow failed (see $N8N_LOG); the rest of the demo works"
	fi
fi

step "start n8n $N8N_VERSION on Node $NODE24_VERSION (about 10-20 s; log: $N8N_LOG)"
"$NODE24_BIN/node" "$N8N_BIN" start >>"$N8N_LOG" 2>&1 &
n8n_pid=$!
pids+=("$n8n_pid")
url="http://127.0.0.1:$port"
for _ in $(seq 1 240); do
	curl -fsS "$url/healthz/readiness" >/dev/null 2>&1 && break
	kill -0 "$n8n_pid" 2>/dev/null || {
		echo "[dev] n8n exited during start-up; the end of $N8N_LOG:"
		tail -n 20 "$N8N_LOG"
		exit 1
	}
	sleep 0.5
done
curl -fsS "$url/healthz/readiness" >/dev/null 2>&1 || {
	echo "[dev] n8n did not become ready in 2 minutes; see $N8N_LOG"
	exit 1
}

if ((demo)); then
	node scripts/demo-owner.js "$url" || true
fi

echo
echo "[dev] n8n is ready after $((SECONDS - started)) s: $url"
if ((demo)); then
	cat <<MSG
  1. Open $url and sign in as demo@example.test / Demo-password-1.
  2. Overview -> Credentials -> "Outlook (demo stand-ins)" -> Connect: a stand-in sign-in page
     answers at once, and the modal says "Account connected".
  3. Create a workflow, add the node "Outlook Mail" -> Message -> Get Many, pick that credential,
     and click "Execute step": the demo mailbox's messages come back. "Outlook Calendar" ->
     Event -> Create works the same way, with or without a calendar picked from the list.
  Identity-provider stand-in: $(node -p 'require(process.argv[1]).authority' "$DEV_HOME/standins.json")
  Graph stand-in:             $(node -p 'require(process.argv[1]).graph' "$DEV_HOME/standins.json")/v1.0
  (the stand-ins print each request the nodes send)
MSG
	imap_port="$(node -p 'const i = require(process.argv[1]).imap || {}; i.port || ""' "$DEV_HOME/standins.json")"
	mail_port="$(node -p 'require(process.argv[1]).mailPort' "$DEV_HOME/standins.json")"
	# The command as it works for this demo: with the port its mail endpoint listens on when that
	# is not demo-mail.js's default.
	mail_env=''
	[[ "$mail_port" == 18082 ]] || mail_env="OUTLOOK_DEMO_MAIL_PORT=$mail_port "
	mail_cmd="${mail_env}node scripts/demo-mail.js \"Invoice 42\""
	if [[ -n "$imap_port" ]]; then
		cat <<MSG
  4. Triggers: open the workflow "Outlook demo: new mail" (Outlook IMAP Trigger on the demo
     mailbox, Dovecot on 127.0.0.1:$imap_port) and Publish it, or add the Outlook Trigger (Outlook
     Mail -> Triggers -> On message received) to a workflow; then feed the mailbox a new mail from
     another terminal:   $mail_cmd
     One mail reaches both triggers: IMAP at once, Graph at the Outlook Trigger's next poll. Each
     mail starts one execution (Overview -> Executions). The IMAP path, scripted:
     ${mail_env}node scripts/demo-trigger-check.js $url
MSG
	else
		cat <<MSG
  4. Outlook Trigger: add it to a workflow (Outlook Mail -> Triggers -> On message received) and
     Publish it, then feed the mailbox a new mail:   $mail_cmd
  (IMAP trigger: not in this demo: $(node -p 'require(process.argv[1]).imap.unavailable' "$DEV_HOME/standins.json"))
MSG
	fi
else
	cat <<MSG
  1. Open $url and create the owner account (first start only).
  2. Create the credential "Outlook OAuth2 (Graph + IMAP) API": the setup guide (docs/setup-guide.md) walks
     through the app registration in Microsoft Entra ID.
  3. Add a node and search "Outlook".
  No Microsoft account at hand? npm run dev -- --demo
MSG
fi
echo "  Stop with Ctrl+C."
echo
tail -n 0 -f "$N8N_LOG" --pid="$n8n_pid" &
pids+=($!)
wait "$n8n_pid"
