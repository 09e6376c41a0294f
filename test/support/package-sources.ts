/**
 * The package as tests generated from it see it: its source files (nodes/, credentials/) and the
 * nodes package.json lists. Checks that hold for every file or node use these, so a file or node
 * added tomorrow is covered.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

import type { ICredentialType, INodeType } from 'n8n-workflow';

export const ROOT = join(__dirname, '..', '..');

function filesUnder(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return filesUnder(path);
		return path.endsWith('.ts') ? [path] : [];
	});
}

/**
 * The lines of the package's sources that match `pattern`, as `path:line: text`. `except` leaves
 * out files by their path relative to the package; `skipComments` leaves out comment lines.
 */
export function sourceLinesMatching(
	pattern: RegExp,
	options: { except?: (path: string) => boolean; skipComments?: boolean } = {},
): string[] {
	return [...filesUnder(join(ROOT, 'nodes')), ...filesUnder(join(ROOT, 'credentials'))]
		.map((path) => relative(ROOT, path))
		.filter((path) => !options.except?.(path))
		.flatMap((path) =>
			readFileSync(join(ROOT, path), 'utf8')
				.split('\n')
				.map((line, i) => ({ line, at: `${path}:${i + 1}` }))
				.filter(({ line }) => !(options.skipComments && /^\s*(\/\/|\*|\/\*)/.test(line)))
				.filter(({ line }) => pattern.test(line))
				.map(({ at, line }) => `${at}: ${line.trim()}`),
		);
}

/** Every node package.json lists, by class name, loaded from its TypeScript source. */
export function packageNodes(): Array<readonly [string, INodeType]> {
	const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
		n8n: { nodes: string[] };
	};
	return packageJson.n8n.nodes.map((file) => {
		const source = file.replace(/^dist\//, '').replace(/\.js$/, '');
		const className = /([^/]+)\.node$/.exec(source)![1];
		// eslint-disable-next-line @typescript-eslint/no-require-imports -- the list comes from package.json
		const module = require(join(ROOT, source)) as Record<string, new () => INodeType>;
		return [className, new module[className]()] as const;
	});
}

/** Every credential package.json lists, by class name, loaded from its TypeScript source. */
export function packageCredentials(): Array<readonly [string, ICredentialType]> {
	const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
		n8n: { credentials: string[] };
	};
	return packageJson.n8n.credentials.map((file) => {
		const source = file.replace(/^dist\//, '').replace(/\.js$/, '');
		const className = /([^/]+)\.credentials$/.exec(source)![1];
		// eslint-disable-next-line @typescript-eslint/no-require-imports -- the list comes from package.json
		const module = require(join(ROOT, source)) as Record<string, new () => ICredentialType>;
		return [className, new module[className]()] as const;
	});
}
