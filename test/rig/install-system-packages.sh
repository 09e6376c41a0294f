#!/usr/bin/env bash
# Debian packages the real-server tests need: Dovecot (IMAP with XOAUTH2) and openssl.
# Installs only what is missing; needs root or sudo (CI machines run as root).
set -euo pipefail
missing=()
command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ] || missing+=(dovecot-core)
[ -x /usr/lib/dovecot/imap ] || missing+=(dovecot-imapd)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if [ ${#missing[@]} -eq 0 ]; then
	echo "Dovecot and openssl are installed"
	exit 0
fi
# The packaged service may fail to start without systemd (dpkg then reports an error although the
# files are in place); the tests start their own instance, so only the binaries are checked.
bash "$(dirname "$0")/../../scripts/apt-install.sh" dovecot-core dovecot-imapd openssl || true
[ -x /usr/sbin/dovecot ] && [ -x /usr/lib/dovecot/imap ] || { echo "Dovecot did not install"; exit 1; }
