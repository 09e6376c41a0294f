#!/usr/bin/env bash
# Debian's chromium for the editor scenario (playwright-core drives it; playwright's own browser
# download is not used). Installs only when missing; CI machines start without it.
set -euo pipefail
CHROMIUM=/usr/lib/chromium/chromium
if [[ -x "$CHROMIUM" ]]; then
	echo "chromium is installed"
	exit 0
fi
bash "$(dirname "$0")/../../scripts/apt-install.sh" chromium fonts-dejavu-core
[[ -x "$CHROMIUM" ]] || { echo "chromium did not install"; exit 1; }
