#!/usr/bin/env bash
# Packs the built package (dist/) as `npm pack` would for the registry, and prints the tarball path.
# Usage: bash scripts/pack.sh <destination folder>
#
# The package.json in the tarball lists only the node and credential files that exist in dist/:
# while a node is still being written, n8n would otherwise refuse to load the whole package
# because one listed file is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
dest="$1"
mkdir -p "$dest"
[[ -d dist ]] || { echo "dist/ is missing: run npm run build first" >&2; exit 1; }
stage="$(mktemp -d "${TMPDIR:-/tmp}/outlook-oauth-pack.XXXXXX")"
trap 'rm -rf "$stage"' EXIT
# docs/ ships too (package.json `files`): the editor's Docs links and the README point at it.
cp -R dist docs package.json "$stage/"
for f in README.md LICENSE LICENSE.md; do [[ -f "$f" ]] && cp "$f" "$stage/"; done
node -e '
const fs = require("fs");
const path = require("path");
const dir = process.argv[1];
const file = path.join(dir, "package.json");
const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
for (const key of ["nodes", "credentials"]) {
	const listed = pkg.n8n[key] || [];
	const present = listed.filter((p) => fs.existsSync(path.join(dir, p)));
	for (const p of listed) if (!present.includes(p)) console.error(`[pack] not built yet, left out of the tarball: ${p}`);
	pkg.n8n[key] = present;
}
delete pkg.devDependencies;
delete pkg.scripts;
fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");
' "$stage"
# --ignore-scripts: the project .npmrc sets it too; packing must not run lifecycle scripts.
tgz="$(cd "$stage" && npm pack --ignore-scripts --silent --pack-destination "$dest" | tail -1)"
echo "$dest/$tgz"
