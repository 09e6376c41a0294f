#!/usr/bin/env bash
# `npm run dev`: build, pack, install n8n once into a cache folder outside the clone, install the
# package into n8n's community-nodes folder, and start n8n on http://127.0.0.1:5678 (SQLite).
#
#   npm run dev                  n8n with the package; sign in and connect your Microsoft account
#   npm run dev -- --demo        also start the identity-provider and Graph stand-ins with a demo
#                                mailbox and calendar, an owner account and a demo credential:
#                                try the nodes without a Microsoft account
#   npm run dev -- --fresh       start from an empty n8n user folder (drops workflows and credentials)
#   npm run dev -- --port 5688   another port for n8n
#   npm run dev -- --no-build    skip `npm run build` (use dist/ as it is)
#
# Cache: ${XDG_CACHE_HOME:-~/.cache}/n8n-nodes-outlook-oauth (Node 24, n8n, the dev user folder).
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
		--port) port="$2"; shift ;;
		--port=*) port="${1#--port=}" ;;
		-h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
		*) echo "unknown option $1 (try --help)" >&2; exit 2 ;;
	esac
	shift
done

bash scripts/ensure-node-modules.sh

# shellcheck source=scripts/n8n-install.sh
source scripts/n8n-install.sh
ensure_n8n

if ((build)); then
	echo "[dev] npm run build"
	npm run build --silent
fi
DEV_HOME="$OUTLOOK_CACHE_ROOT/dev"
mkdir -p "$DEV_HOME"
rm -f "$DEV_HOME"/pack/*.tgz
tgz="$(bash scripts/pack.sh "$DEV_HOME/pack")"
export N8N_USER_FOLDER="$DEV_HOME/user"
if ((fresh)); then rm -rf "$N8N_USER_FOLDER"; fi
mkdir -p "$N8N_USER_FOLDER"
echo "[dev] installing $(basename "$tgz") into $N8N_USER_FOLDER/.n8n/nodes"
bash scripts/install-package.sh "$N8N_USER_FOLDER" "$tgz"

export N8N_PORT="$port"
# shellcheck source=scripts/n8n-env.sh
source scripts/n8n-env.sh
export PATH="$NODE24_BIN:$PATH"
N8N_LOG="$DEV_HOME/n8n.log"

pids=()
cleanup() {
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ((demo)); then
	rm -f "$DEV_HOME/standins.json"
	echo "[dev] compiling and starting the stand-ins"
	bash scripts/demo-standins.sh "$DEV_HOME" &
	pids+=($!)
	# Compiling the stand-ins takes a few seconds; then they listen at once.
	for _ in $(seq 1 600); do
		[[ -s "$DEV_HOME/standins.json" ]] && break
		sleep 0.2
	done
	[[ -s "$DEV_HOME/standins.json" ]] || { echo "[dev] the stand-ins did not start (see above)"; exit 1; }
	# The demo credential, before n8n starts (the CLI and the server must not share the SQLite file).
	node scripts/demo-credential.js "$DEV_HOME/standins.json" >"$DEV_HOME/demo-credential.json"
	"$NODE24_BIN/node" "$N8N_BIN" import:credentials --input="$DEV_HOME/demo-credential.json" >>"$N8N_LOG" 2>&1 ||
		{ echo "[dev] importing the demo credential failed; see $N8N_LOG"; exit 1; }
fi

echo "[dev] starting n8n $N8N_VERSION on Node $NODE24_VERSION (log: $N8N_LOG)"
"$NODE24_BIN/node" "$N8N_BIN" start > >(tee -a "$N8N_LOG") 2>&1 &
n8n_pid=$!
pids+=("$n8n_pid")
url="http://127.0.0.1:$port"
for _ in $(seq 1 240); do
	curl -fsS "$url/healthz/readiness" >/dev/null 2>&1 && break
	kill -0 "$n8n_pid" 2>/dev/null || { echo "[dev] n8n exited; see $N8N_LOG"; exit 1; }
	sleep 0.5
done
curl -fsS "$url/healthz/readiness" >/dev/null 2>&1 || { echo "[dev] n8n did not become ready; see $N8N_LOG"; exit 1; }

if ((demo)); then
	node scripts/demo-owner.js "$url" || true
fi

cat <<MSG

  n8n is ready: $url
  Open it, then add a node and search "Outlook".
MSG
if ((demo)); then
	cat <<MSG
  Demo: sign in as demo@example.test / Demo-password-1 (created on first run);
  the credential "Outlook (demo stand-ins)" is set up for the stand-ins:
  open it and click Connect, then run Outlook Mail -> Get Many.
  Identity-provider stand-in: $(node -p 'require(process.argv[1]).authority' "$DEV_HOME/standins.json")
  Graph stand-in:             $(node -p 'require(process.argv[1]).graph' "$DEV_HOME/standins.json")/v1.0
MSG
fi
echo "  Stop with Ctrl+C."
echo
wait "$n8n_pid"
