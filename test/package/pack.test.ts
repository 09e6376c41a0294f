/**
 * What `npm pack` ships (scripts/pack.sh, which `npm run dev` and the e2e stage install into n8n):
 * the compiled nodes and credentials every entry of package.json's `n8n` block names, their icons
 * and codex files, README and LICENSE; no tests, no TypeScript sources, no repository tooling.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const source = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
	main?: string;
	files: string[];
	n8n: { nodes: string[]; credentials: string[] };
};

let files: string[] = [];
let packed: {
	main?: string;
	n8n: { nodes: string[]; credentials: string[] };
	devDependencies?: unknown;
	scripts?: unknown;
};
let dest: string;

beforeAll(() => {
	// test/run.sh builds before jest; a lone `npx jest` run builds here.
	if (!existsSync(join(ROOT, 'dist'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT });
	dest = mkdtempSync(join(tmpdir(), 'outlook-pack-'));
	const tgz = execFileSync('bash', ['scripts/pack.sh', dest], {
		cwd: ROOT,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'pipe'],
	}).trim();
	files = execFileSync('tar', ['-tzf', tgz], { encoding: 'utf8' })
		.split('\n')
		.filter(Boolean)
		.map((f) => f.replace(/^package\//, ''));
	packed = JSON.parse(
		execFileSync('tar', ['-xzOf', tgz, 'package/package.json'], { encoding: 'utf8' }),
	);
}, 180_000);

afterAll(() => rmSync(dest, { recursive: true, force: true }));

describe('the packed package', () => {
	it('ships every node and credential the n8n block names, and the block is unchanged', () => {
		const listed = [...source.n8n.nodes, ...source.n8n.credentials];
		expect(listed.length).toBeGreaterThanOrEqual(4);
		for (const file of listed) expect(files).toContain(file);
		// pack.sh drops entries whose file is missing; the shipped block must still be complete.
		expect(packed.n8n).toEqual(source.n8n);
	});

	it('ships each node its icon and codex file', () => {
		for (const node of source.n8n.nodes) {
			const dir = node.slice(0, node.lastIndexOf('/') + 1);
			const name = node.slice(dir.length).replace(/\.node\.js$/, '');
			expect(files).toContain(`${dir}${name}.node.json`);
			expect(files.some((f) => f.startsWith(dir) && f.endsWith('.svg'))).toBe(true);
		}
	});

	it('ships README and LICENSE, and main names a file that exists (or is absent)', () => {
		expect(files).toContain('README.md');
		expect(files).toContain('LICENSE');
		expect(files).toContain('package.json');
		if (packed.main) expect(files).toContain(packed.main);
	});

	it('ships no tests, sources, benches, scripts or development metadata', () => {
		const offending = files.filter(
			(f) =>
				/^(test|bench|scripts|docs|nodes|credentials|node_modules|\.ci)\//.test(f) ||
				(f.endsWith('.ts') && !f.endsWith('.d.ts')) ||
				/\.test\.|\.e2e\./.test(f) ||
				/(^|\/)\.(npmrc|gitignore|prettierrc)/.test(f),
		);
		expect(offending).toEqual([]);
		expect(files.every((f) => f.startsWith('dist/') || !f.includes('/'))).toBe(true);
		expect(packed.devDependencies).toBeUndefined();
		expect(packed.scripts).toBeUndefined();
	});
});
