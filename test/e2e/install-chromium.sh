#!/usr/bin/env bash
# Debian's chromium for the editor scenario (playwright-core drives it; playwright's own browser
# download is not used). Installs only when missing; CI machines start without it.
set -euo pipefail
CHROMIUM=/usr/lib/chromium/chromium
if [[ -x "$CHROMIUM" ]]; then
	echo "chromium is installed"
	exit 0
fi
SUDO=""
[[ "$(id -u)" = 0 ]] || SUDO="sudo"
echo "Installing chromium from Debian's packages"
# DPkg::Lock::Timeout: another step of the run may be installing packages at the same time.
$SUDO apt-get -o DPkg::Lock::Timeout=300 update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
[[ -x "$CHROMIUM" ]] || { echo "chromium did not install"; exit 1; }
