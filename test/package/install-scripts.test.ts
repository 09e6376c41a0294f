/**
 * The install steps of the README's two commands do not trust the calling environment:
 * - `npm run …` exports the repository's .npmrc (ignore-scripts=true) and more to child processes;
 *   clean_npm_env removes them, so an install in another folder behaves as a user's shell would;
 * - an n8n install whose SQLite driver was never built (what that leak caused) fails the check
 *   that decides whether the cache can be used, with a message naming the problem.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const SCRIPTS = resolve(__dirname, '../../scripts');

function bash(script: string, env: Record<string, string> = {}) {
	return spawnSync('bash', ['-c', script], {
		encoding: 'utf8',
		env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
	});
}

describe('clean_npm_env', () => {
	it('runs a command without the npm_* variables npm run exports, keeping the rest', () => {
		const result = bash(`source ${SCRIPTS}/clean-npm-env.sh; clean_npm_env env`, {
			npm_config_ignore_scripts: 'true',
			npm_config_local_prefix: '/somewhere/else',
			npm_lifecycle_event: 'dev',
			npm_package_name: 'n8n-nodes-outlook-oauth',
			INIT_CWD: '/work',
			KEEP_ME: 'yes',
		});
		expect(result.status).toBe(0);
		expect(result.stdout).not.toMatch(/^npm_/m);
		expect(result.stdout).not.toMatch(/^INIT_CWD=/m);
		expect(result.stdout).toMatch(/^KEEP_ME=yes$/m);
	});

	it('lets npm itself see ignore-scripts as false in a folder of its own', () => {
		const dir = mkdtempSync(join(tmpdir(), 'outlook-npm-env-'));
		try {
			const leaked = bash(`cd ${dir} && npm config get ignore-scripts`, {
				npm_config_ignore_scripts: 'true',
			});
			expect(leaked.stdout.trim()).toBe('true');
			const cleaned = bash(
				`source ${SCRIPTS}/clean-npm-env.sh; cd ${dir} && clean_npm_env npm config get ignore-scripts`,
				{ npm_config_ignore_scripts: 'true' },
			);
			expect(cleaned.stdout.trim()).toBe('false');
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});

describe('the n8n install check', () => {
	let dir: string;
	beforeEach(() => {
		dir = mkdtempSync(join(tmpdir(), 'outlook-n8n-check-'));
	});
	afterEach(() => rmSync(dir, { recursive: true, force: true }));

	const check = () =>
		bash(
			`source ${SCRIPTS}/n8n-install.sh; NODE24_BIN=$(dirname "$(command -v node)"); n8n_install_ok ${dir}`,
			{
				OUTLOOK_CACHE_ROOT: join(dir, 'cache'),
			},
		);

	it('refuses a folder without n8n', () => {
		const result = check();
		expect(result.status).not.toBe(0);
		expect(result.stdout).toContain("n8n's CLI is missing");
	});

	it('refuses an install whose sqlite3 binding was never built, naming it', () => {
		mkdirSync(join(dir, 'node_modules/n8n/bin'), { recursive: true });
		writeFileSync(join(dir, 'node_modules/n8n/bin/n8n'), 'console.log("2.41.1")');
		mkdirSync(join(dir, 'node_modules/sqlite3/lib'), { recursive: true });
		const result = check();
		expect(result.status).not.toBe(0);
		expect(result.stdout).toContain('node_sqlite3.node');
		expect(result.stdout).toContain('never built');
	});

	it('refuses a binding that does not load', () => {
		mkdirSync(join(dir, 'node_modules/n8n/bin'), { recursive: true });
		writeFileSync(join(dir, 'node_modules/n8n/bin/n8n'), 'console.log("2.41.1")');
		mkdirSync(join(dir, 'node_modules/sqlite3/build/Release'), { recursive: true });
		writeFileSync(
			join(dir, 'node_modules/sqlite3/build/Release/node_sqlite3.node'),
			'not a binary',
		);
		writeFileSync(
			join(dir, 'node_modules/sqlite3/package.json'),
			JSON.stringify({ name: 'sqlite3', main: 'index.js' }),
		);
		writeFileSync(
			join(dir, 'node_modules/sqlite3/index.js'),
			'module.exports = require("./build/Release/node_sqlite3.node");',
		);
		const result = check();
		expect(result.status).not.toBe(0);
		expect(result.stdout).toContain('sqlite3 does not load');
	});
});
