#!/usr/bin/env bash
# Installs a packed tarball into an n8n user folder's community-nodes folder, as n8n's own
# "Install a community node" does: <N8N_USER_FOLDER>/.n8n/nodes/node_modules/<package>.
# Usage: bash scripts/install-package.sh <N8N_USER_FOLDER> <tarball>
set -euo pipefail
user_folder="$1"
tgz="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"
nodes="$user_folder/.n8n/nodes"
mkdir -p "$nodes"
# n8n writes this file on first boot; writing it first saves a restart.
[[ -f "$nodes/package.json" ]] || printf '{\n  "name": "installed-nodes",\n  "private": true\n}\n' >"$nodes/package.json"
# A rebuilt tarball has a new checksum: drop the previous install so npm does not compare them.
rm -rf "$nodes/node_modules/n8n-nodes-outlook-oauth" "$nodes/package-lock.json"
# --omit=peer: n8n-workflow comes from n8n itself at run time (a second copy would not be n8n's).
# shellcheck source=scripts/clean-npm-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/clean-npm-env.sh"
(cd "$nodes" && clean_npm_env npm install --omit=peer --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error "$tgz" >/dev/null)
