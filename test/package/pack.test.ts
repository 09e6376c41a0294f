/**
 * What `npm pack` ships (scripts/pack.sh, which `npm run dev` and the e2e stage install into n8n):
 * the compiled nodes and credentials every entry of package.json's `n8n` block names, their icons
 * and codex files, README, LICENSE and the guides in docs/ (the editor's Docs links and the README
 * point at them); no tests, no TypeScript sources, no repository tooling.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { OutlookAppOnlyApi } from '../../credentials/OutlookAppOnlyApi.credentials';
import {
	DOCS_BASE_URL,
	OutlookOAuth2Api,
	TENANT_HELP_URL,
} from '../../credentials/OutlookOAuth2Api.credentials';

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
				/^(test|bench|scripts|nodes|credentials|node_modules|\.ci)\//.test(f) ||
				(f.endsWith('.ts') && !f.endsWith('.d.ts')) ||
				/\.test\.|\.e2e\./.test(f) ||
				/(^|\/)\.(npmrc|gitignore|prettierrc)/.test(f),
		);
		expect(offending).toEqual([]);
		// docs/ ships on purpose (see "links" below): only the guides and their pictures.
		expect(
			files.every(
				(f) => f.startsWith('dist/') || !f.includes('/') || /^docs\/[\w./-]+\.(md|png)$/.test(f),
			),
		).toBe(true);
		expect(packed.devDependencies).toBeUndefined();
		expect(packed.scripts).toBeUndefined();
	});
});

/**
 * Every link to the package's own documentation, from the places a user meets it: the README (the
 * npm page), the credential ("Read our docs", the setup notice) and each node's codex (the Docs
 * link). There is no public repository, so relative README links would point nowhere on npm: each
 * must be an absolute link to a file the tarball ships.
 */
describe('links to our documentation', () => {
	const links: Array<{ where: string; url: string }> = [];
	beforeAll(() => {
		const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
		for (const m of readme.matchAll(/\]\(([^)\s]+)\)/g))
			links.push({ where: 'README.md', url: m[1] });
		for (const credential of [new OutlookOAuth2Api(), new OutlookAppOnlyApi()]) {
			// The page Connect opens for a Tenant that is not one.
			if (credential instanceof OutlookOAuth2Api)
				links.push({ where: 'outlookOAuth2Api authUrl (bad tenant)', url: TENANT_HELP_URL });
			links.push({
				where: `${credential.name} documentationUrl`,
				url: credential.documentationUrl,
			});
			for (const property of credential.properties)
				for (const m of property.displayName.matchAll(/href="([^"]+)"/g))
					links.push({ where: `${credential.name} ${property.name}`, url: m[1] });
		}
		for (const node of source.n8n.nodes) {
			const codex = join(ROOT, node.replace(/^dist\//, '').replace(/\.node\.js$/, '.node.json'));
			const { resources } = JSON.parse(readFileSync(codex, 'utf8')) as {
				resources: Record<string, Array<{ url: string }>>;
			};
			for (const [kind, entries] of Object.entries(resources))
				for (const { url } of entries) links.push({ where: `${codex} ${kind}`, url });
		}
	});

	/**
	 * A heading's anchor as GitHub and npm render Markdown (github-slugger): lower case, punctuation
	 * other than hyphens dropped, spaces to hyphens; a repeated heading gets -1, -2….
	 */
	const anchorsOf = (markdown: string): Set<string> => {
		const seen = new Map<string, number>();
		const anchors = new Set<string>();
		let fenced = false;
		for (const line of markdown.split('\n')) {
			if (/^```/.test(line)) fenced = !fenced;
			const heading = !fenced && /^#{1,6} (.+?)\s*#*\s*$/.exec(line);
			if (!heading) continue;
			const text = heading[1].replace(/`/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
			const base = text
				.toLowerCase()
				.replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
				.replace(/ /g, '-');
			const count = seen.get(base) ?? 0;
			seen.set(base, count + 1);
			anchors.add(count ? `${base}-${count}` : base);
		}
		return anchors;
	};

	it('every link to a section names a heading that exists in that page (README, credentials, codex, guides)', () => {
		const packagePrefix = DOCS_BASE_URL.slice(0, DOCS_BASE_URL.lastIndexOf('/') + 1);
		const targets: Array<{ where: string; file: string; anchor: string }> = [];
		for (const link of links)
			if (link.url.startsWith(packagePrefix) && link.url.includes('#')) {
				const [file, anchor] = link.url.slice(packagePrefix.length).split('#');
				targets.push({ where: link.where, file, anchor });
			}
		for (const doc of files.filter((f) => /^docs\/.*\.md$/.test(f))) {
			const text = readFileSync(join(ROOT, doc), 'utf8');
			for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
				if (/^(https?:|mailto:)/.test(m[1]) || !m[1].includes('#')) continue;
				const [file, anchor] = m[1].split('#');
				const target = file ? join(doc.slice(0, doc.lastIndexOf('/')), file) : doc;
				targets.push({ where: doc, file: target, anchor });
			}
		}
		expect(targets.length).toBeGreaterThanOrEqual(6);
		const broken = targets.filter(
			(t) => !anchorsOf(readFileSync(join(ROOT, t.file), 'utf8')).has(t.anchor),
		);
		expect(broken).toEqual([]);
	});

	it("each node's Docs link opens its own page where it has one", () => {
		const primary = (node: string) =>
			(
				JSON.parse(readFileSync(join(ROOT, `nodes/${node}/${node}.node.json`), 'utf8')) as {
					resources: { primaryDocumentation: Array<{ url: string }> };
				}
			).resources.primaryDocumentation[0].url;
		expect(primary('OutlookMail')).toBe(`${DOCS_BASE_URL}/outlook-mail.md`);
		expect(primary('OutlookImapTrigger')).toBe(`${DOCS_BASE_URL}/imap-trigger.md`);
		expect(primary('OutlookTrigger')).toBe(`${DOCS_BASE_URL}/outlook-trigger.md`);
	});

	it('the README has no relative links (npm cannot resolve them without a repository)', () => {
		const relative = links.filter(
			(l) => l.where === 'README.md' && !/^(https?:|mailto:|#)/.test(l.url),
		);
		expect(relative).toEqual([]);
	});

	it('the credential and every node open our own docs', () => {
		const ours = (url: string) => url.startsWith(`${DOCS_BASE_URL}/`);
		const credentialAndCodex = links.filter((l) => l.where !== 'README.md');
		expect(credentialAndCodex.length).toBeGreaterThanOrEqual(4 + 2 * source.n8n.nodes.length);
		expect(credentialAndCodex.filter((l) => !ours(l.url))).toEqual([]);
		expect(links.filter((l) => l.where === 'README.md' && ours(l.url)).length).toBeGreaterThan(0);
	});

	it('every link into the package names a file the tarball ships, and docs link only to shipped files', () => {
		const packagePrefix = DOCS_BASE_URL.slice(0, DOCS_BASE_URL.lastIndexOf('/') + 1);
		const missing = links
			.filter((l) => l.url.startsWith(packagePrefix))
			.map((l) => ({ ...l, file: l.url.slice(packagePrefix.length).split('#')[0] }))
			.filter((l) => !files.includes(l.file));
		expect(missing).toEqual([]);
		// Relative links inside the shipped guides (to each other and to their pictures).
		const broken: string[] = [];
		for (const doc of files.filter((f) => /^docs\/.*\.md$/.test(f))) {
			const text = readFileSync(join(ROOT, doc), 'utf8');
			for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
				if (/^(https?:|mailto:|#)/.test(m[1])) continue;
				const target = join(doc.slice(0, doc.lastIndexOf('/')), m[1].split('#')[0]);
				if (!files.includes(target)) broken.push(`${doc} -> ${m[1]}`);
			}
		}
		expect(broken).toEqual([]);
	});
});
