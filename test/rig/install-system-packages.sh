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
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
echo "Installing ${missing[*]} from Debian's packages"
$SUDO apt-get update -qq
# The packaged service may fail to start without systemd; the tests start their own instance.
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq dovecot-core dovecot-imapd openssl >/dev/null || true
[ -x /usr/sbin/dovecot ] && [ -x /usr/lib/dovecot/imap ] || { echo "Dovecot did not install"; exit 1; }
