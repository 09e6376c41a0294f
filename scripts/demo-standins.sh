#!/usr/bin/env bash
# Compiles the stand-ins (test/support, TypeScript) into the cache folder and runs them with a demo
# mailbox. Writes their addresses to <dev home>/standins.json once they listen.
# Usage: bash scripts/demo-standins.sh <dev home>
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
home="$1"
out="$home/standins-js"
rm -f "$home/standins.json"
# Compiled with explicit options (not the repo's tsconfig): only the stand-ins, not the test suites.
npx tsc --outDir "$out" --rootDir "$ROOT" --module commonjs --moduleResolution node --target es2022 \
	--esModuleInterop --skipLibCheck --resolveJsonModule --types node --sourceMap false \
	test/e2e/support/demo-standins.ts
# Microsoft's Graph OpenAPI description (every request is checked against it); the stand-in's
# own lookup is relative to test/support, which the compiled copy is not next to.
if [[ -z "${GRAPH_OPENAPI:-}" ]]; then
	export GRAPH_OPENAPI="$ROOT/test/support/graph/graph-v1.0-mail-calendar.validation.openapi.json"
fi
# NODE_PATH: the compiled files live outside the clone but need its node_modules (ajv, openapi-backend).
relay() {
	while IFS= read -r line; do
		if [[ "$line" == '{"ready":true'* ]]; then
			printf '%s\n' "$line" >"$home/standins.json.tmp" && mv "$home/standins.json.tmp" "$home/standins.json"
		else
			printf '%s\n' "$line"
		fi
	done
}
NODE_PATH="$ROOT/node_modules" node "$out/test/e2e/support/demo-standins.js" > >(relay) &
standins_pid=$!
trap 'kill "$standins_pid" 2>/dev/null || true' EXIT
trap 'exit 143' INT TERM
wait "$standins_pid"
