#!/usr/bin/env bash
# Installs Debian packages for the tests and the demo (Dovecot, chromium, Redis, PostgreSQL), the
# one way every script here does it: as root, or through sudo when it is there without a password;
# otherwise it says which command to run and fails. Waits for another apt run to finish
# (DPkg::Lock::Timeout) and refreshes the package lists once when a package is not found.
# Usage: bash scripts/apt-install.sh <package>...
set -euo pipefail
(($#)) || exit 0
sudo=()
if [[ "$(id -u)" != 0 ]]; then
	if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		sudo=(sudo -n)
	else
		echo "[apt] these Debian packages are needed and missing: $*" >&2
		echo "[apt] this user is not root and has no password-less sudo; install them once with:" >&2
		echo "[apt]     sudo apt-get update && sudo apt-get install -y --no-install-recommends $*" >&2
		exit 1
	fi
fi
command -v apt-get >/dev/null 2>&1 || {
	echo "[apt] apt-get is not available (not Debian/Ubuntu?); install these yourself: $*" >&2
	exit 1
}
export DEBIAN_FRONTEND=noninteractive
apt=("${sudo[@]}" apt-get -o DPkg::Lock::Timeout=300 -qq)
echo "[apt] installing $* from Debian's packages" >&2
"${apt[@]}" install -y --no-install-recommends "$@" >/dev/null 2>&1 ||
	{ "${apt[@]}" update >&2 && "${apt[@]}" install -y --no-install-recommends "$@" >/dev/null; }
