#!/usr/bin/env bash
# Installs the package's npm dependencies (npm ci) when node_modules is missing or older than
# package-lock.json, so `npm run dev` and `npm test` work on a fresh clone as the only command.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || ! cmp -s package-lock.json node_modules/.package-lock.json.copy 2>/dev/null; then
	echo "[setup] npm ci"
	npm ci --no-audit --no-fund
	cp package-lock.json node_modules/.package-lock.json.copy
fi
