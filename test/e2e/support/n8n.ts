/**
 * A real n8n (the version scripts/n8n-install.sh pins) as a child process on Node 24, loading the
 * packed package from its community-nodes folder, and a small REST client for it.
 *
 * test/e2e/run.sh passes the paths in the environment:
 *   E2E_NODE24_BIN  Node 24's bin folder      E2E_N8N_BIN       n8n's bin/n8n script
 *   E2E_PACKAGE_TGZ the packed package        E2E_RUN_DIR       where every log goes (secrets check)
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { stopProcessGroup } from './process';

const execFileAsync = promisify(execFile);

/**
 * The repository: the nearest folder above this file with scripts/n8n-env.sh (this file also runs
 * compiled, from .cache/bench/test/e2e/support, for the benches).
 */
function findRepoRoot(): string {
	let dir = resolve(__dirname, '../../..');
	while (!existsSync(join(dir, 'scripts', 'n8n-env.sh'))) {
		const parent = resolve(dir, '..');
		if (parent === dir) return resolve(__dirname, '../../..');
		dir = parent;
	}
	return dir;
}

export const REPO_ROOT = findRepoRoot();

export const OWNER = {
	email: 'owner@example.test',
	firstName: 'Olivia',
	lastName: 'Owner',
	password: 'E2e-password-1',
};

/** Any fixed value: n8n ties the auth cookie to the browser-id header it was issued with. */
const BROWSER_ID = 'outlook-oauth-e2e-browser';

function required(name: string): string {
	const value = process.env[name];
	if (!value) throw new Error(`${name} is not set: run the e2e tests through test/e2e/run.sh`);
	return value;
}

export function e2eEnvironment() {
	return {
		node24Bin: required('E2E_NODE24_BIN'),
		n8nBin: required('E2E_N8N_BIN'),
		packageTgz: required('E2E_PACKAGE_TGZ'),
		runDir: required('E2E_RUN_DIR'),
	};
}

export interface N8nStartOptions {
	port?: number;
	/** Log file name inside the run folder. */
	logName?: string;
	env?: Record<string, string>;
	readyTimeoutMs?: number;
}

function sleep(ms: number) {
	return new Promise((r) => setTimeout(r, ms));
}

export class N8nServer {
	readonly url: string;

	private child?: ChildProcess;

	private exited = false;

	private exitReason = '';

	/** The last output, for error messages (the log file is written asynchronously). */
	private recent = '';

	private constructor(
		readonly userFolder: string,
		readonly port: number,
		readonly logFile: string,
		private readonly env: Record<string, string>,
	) {
		this.url = `http://127.0.0.1:${port}`;
	}

	/** A fresh user folder with the package installed in .n8n/nodes, as n8n's own installer leaves it. */
	static async prepare(options: N8nStartOptions = {}): Promise<N8nServer> {
		const e2e = e2eEnvironment();
		const userFolder = mkdtempSync(join(e2e.runDir, 'n8n-user-'));
		await execFileAsync(
			'bash',
			[join(REPO_ROOT, 'scripts/install-package.sh'), userFolder, e2e.packageTgz],
			{ cwd: REPO_ROOT },
		);
		const port = options.port ?? 5678;
		const logFile = join(e2e.runDir, options.logName ?? 'n8n.log');
		return new N8nServer(userFolder, port, logFile, options.env ?? {});
	}

	/** The shell line that sets n8n's environment (scripts/n8n-env.sh, shared with `npm run dev`). */
	private command(args: string[]): string[] {
		const e2e = e2eEnvironment();
		const quoted = args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
		return [
			'-c',
			`source '${join(REPO_ROOT, 'scripts/n8n-env.sh')}' && exec '${e2e.node24Bin}/node' '${e2e.n8nBin}' ${quoted}`,
		];
	}

	private processEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
		const e2e = e2eEnvironment();
		const env: NodeJS.ProcessEnv = {
			...process.env,
			...this.env,
			...extra,
			N8N_USER_FOLDER: this.userFolder,
			N8N_PORT: String(this.port),
			PATH: `${e2e.node24Bin}:${process.env.PATH ?? ''}`,
			N8N_ENCRYPTION_KEY: 'outlook-oauth-e2e-key-not-a-secret',
			// Read/Write Files from Disk may only touch this folder (n8n 2.x restricts file access).
			N8N_RESTRICT_FILE_ACCESS_TO: this.filesFolder,
		};
		// The jest process's own settings for n8n's libraries must not leak into the real n8n.
		// (jest sets NODE_ENV=test, with which n8n silences its log and exits without a word).
		for (const name of ['N8N_LOG_LEVEL', 'NODE_OPTIONS', 'NODE_ENV', 'JEST_WORKER_ID'])
			delete env[name];
		return env;
	}

	async start(readyTimeoutMs = 120_000): Promise<void> {
		const busy = await fetch(`${this.url}/healthz`).then(
			() => true,
			() => false,
		);
		if (busy)
			throw new Error(
				`Port ${this.port} is in use (is \`npm run dev\` running?); stop it or set E2E_N8N_PORT`,
			);
		const log = createWriteStream(this.logFile, { flags: 'a' });
		const child = spawn('bash', this.command(['start']), {
			env: this.processEnv(),
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		});
		this.child = child;
		this.exited = false;
		this.recent = '';
		for (const stream of [child.stdout!, child.stderr!]) {
			stream.on('data', (chunk: Buffer) => {
				log.write(chunk);
				this.recent = (this.recent + chunk.toString('utf8')).slice(-8000);
			});
		}
		// 'close': the process has exited and its output is in the log.
		child.on('close', (code, signal) => {
			this.exited = true;
			this.exitReason = signal ? `signal ${signal}` : `exit code ${code}`;
		});
		const deadline = Date.now() + readyTimeoutMs;
		while (Date.now() < deadline) {
			if (this.exited)
				throw new Error(
					`n8n exited during start-up (${this.exitReason}); see ${this.logFile}:\n${this.logTail()}`,
				);
			try {
				const response = await fetch(`${this.url}/healthz/readiness`);
				if (response.ok) return;
			} catch {
				// not listening yet
			}
			await sleep(250);
		}
		throw new Error(
			`n8n was not ready after ${readyTimeoutMs} ms; see ${this.logFile}:\n${this.logTail()}`,
		);
	}

	async stop(): Promise<void> {
		const child = this.child;
		if (!child || this.exited) return;
		// n8n and its task runner: the process group started above.
		await stopProcessGroup(child, 20_000);
	}

	/** The folder n8n's file nodes may read and write. */
	get filesFolder(): string {
		return join(this.userFolder, 'files');
	}

	logText(): string {
		return existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8') : '';
	}

	logTail(lines = 40): string {
		return this.recent.split('\n').slice(-lines).join('\n');
	}

	/**
	 * An n8n CLI command beside the live server, on another task-broker port (the server's is its
	 * port + 1; this one is port + 3, so runs on other ports do not collide).
	 * Output is returned, not logged: `export:credentials --decrypted` prints tokens.
	 */
	async cli(args: string[]): Promise<string> {
		const { stdout } = await execFileAsync('bash', this.command(args), {
			env: this.processEnv({ N8N_RUNNERS_BROKER_PORT: String(this.port + 3) }),
			maxBuffer: 64 * 1024 * 1024,
		});
		return stdout;
	}

	/** Stored credentials with their secrets, as `n8n export:credentials --decrypted` writes them. */
	async exportCredentials(): Promise<
		Array<{ id: string; name: string; type: string; data: Record<string, unknown> }>
	> {
		const file = join(this.userFolder, `export-${Date.now()}.json`);
		await this.cli(['export:credentials', '--all', '--decrypted', `--output=${file}`]);
		const exported = JSON.parse(readFileSync(file, 'utf8'));
		writeFileSync(file, '');
		return exported;
	}
}

export interface RestResponse<T = unknown> {
	status: number;
	body: T;
	text: string;
	headers: Headers;
}

/** n8n's internal REST API as the editor uses it: auth cookie plus the browser-id header. */
export class N8nRest {
	private cookie = '';

	constructor(readonly url: string) {}

	async request<T = unknown>(
		method: string,
		path: string,
		body?: unknown,
		headers: Record<string, string> = {},
	): Promise<RestResponse<T>> {
		const response = await fetch(`${this.url}${path}`, {
			method,
			redirect: 'manual',
			headers: {
				'browser-id': BROWSER_ID,
				...(this.cookie ? { cookie: this.cookie } : {}),
				...(body !== undefined ? { 'content-type': 'application/json' } : {}),
				...headers,
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const setCookie = response.headers.getSetCookie().find((c) => c.startsWith('n8n-auth='));
		if (setCookie) this.cookie = setCookie.split(';')[0];
		const text = await response.text();
		let parsed: unknown = text;
		try {
			parsed = JSON.parse(text);
		} catch {
			// HTML pages (the OAuth2 callback) stay text
		}
		return { status: response.status, body: parsed as T, text, headers: response.headers };
	}

	/** `{ data }` of a 2xx answer; anything else throws with n8n's message. */
	async data<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
		const response = await this.request<{ data: T; message?: string }>(method, path, body);
		if (response.status < 200 || response.status > 299) {
			throw new Error(
				`${method} ${path} answered ${response.status}: ${response.text.slice(0, 500)}`,
			);
		}
		return response.body.data;
	}

	async setUpOwnerAndLogin(): Promise<void> {
		const setup = await this.request('POST', '/rest/owner/setup', OWNER);
		if (setup.status !== 200 && setup.status !== 400)
			throw new Error(`owner setup answered ${setup.status}: ${setup.text}`);
		await this.data('POST', '/rest/login', {
			emailOrLdapLoginId: OWNER.email,
			password: OWNER.password,
		});
	}
}
