#!/usr/bin/env node
/**
 * `npm run bench [name]`: compiles the TypeScript benchmarks (bench/*.ts and what they import)
 * into .cache/bench with the repository's TypeScript, then runs each one (or only bench/<name>.ts)
 * with node. Benchmarks print tables; they are never part of the test run.
 */
const { spawnSync } = require('node:child_process');
const { readdirSync } = require('node:fs');
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '..');
const outDir = join(root, '.cache', 'bench');
const only = process.argv[2];

const compile = spawnSync(
	process.execPath,
	[require.resolve('typescript/bin/tsc'), '-p', join(__dirname, 'tsconfig.json')],
	{ cwd: root, stdio: 'inherit' },
);
// Type errors elsewhere in the tree (other work in progress) do not stop the emit; say so and go on.
if (compile.status !== 0)
	console.warn(
		'bench: tsc reported errors (output was still emitted); running the benchmarks anyway\n',
	);

const names = readdirSync(__dirname)
	.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
	.map((file) => file.slice(0, -3))
	.filter((name) => !only || name === only);
if (!names.length) {
	console.error(only ? `bench: no bench/${only}.ts` : 'bench: no benchmarks in bench/');
	process.exit(1);
}

const env = {
	...process.env,
	GRAPH_OPENAPI:
		process.env.GRAPH_OPENAPI ??
		resolve(root, 'test', 'support', 'graph', 'graph-v1.0-mail-calendar.validation.openapi.json'),
	N8N_LOG_LEVEL: process.env.N8N_LOG_LEVEL ?? 'silent',
};
let failed = false;
for (const name of names) {
	console.log(`\n== bench/${name}.ts ==`);
	const run = spawnSync(process.execPath, ['--expose-gc', join(outDir, 'bench', `${name}.js`)], {
		cwd: root,
		stdio: 'inherit',
		env,
	});
	if (run.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
