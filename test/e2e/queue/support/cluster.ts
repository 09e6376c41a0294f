/**
 * n8n in queue mode on one machine, for the queue-mode e2e scenarios and bench/queue.ts:
 * Redis and PostgreSQL of the run's own (scripts/queue/services.sh), one main (`n8n start`) and
 * workers (`n8n worker`), each with its own user folder and the packed package installed in it,
 * as separate machines would have. Every process gets `OUTLOOK_E2E_PROCESS` (main, worker-1, …),
 * which workflows read with `$env` to say where they ran.
 * https://docs.n8n.io/hosting/scaling/queue-mode/
 *
 * Ports (fixed, apart from the single-process e2e suite's 5678/5679/18090-18093):
 *   main HTTP 5690; task brokers 5691 (main), 5692+ (workers); worker health 5697+;
 *   Redis 16379, PostgreSQL 15432; a webhook process 5688 (broker 5689) (QUEUE_E2E_*_PORT override them).
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

import { N8nRest, e2eEnvironment } from '../../support/n8n';
import { stopProcessGroup } from '../../support/process';

/**
 * The repository: the nearest folder above this file with scripts/queue/services.sh (this file
 * also runs compiled, from .cache/bench/test/e2e/queue/support, for bench/queue.ts).
 */
function findRepoRoot(): string {
	let dir = __dirname;
	while (!existsSync(join(dir, 'scripts', 'queue', 'services.sh'))) {
		const parent = dirname(dir);
		if (parent === dir) throw new Error(`scripts/queue/services.sh not found above ${__dirname}`);
		dir = parent;
	}
	return dir;
}

export const REPO_ROOT = findRepoRoot();

const execFileAsync = promisify(execFile);

export const QUEUE_PORTS = {
	main: Number(process.env.QUEUE_E2E_MAIN_PORT ?? 5690),
	mainBroker: Number(process.env.QUEUE_E2E_BROKER_PORT ?? 5691),
	workerBrokerBase: Number(process.env.QUEUE_E2E_WORKER_BROKER_PORT ?? 5692),
	workerHealthBase: Number(process.env.QUEUE_E2E_WORKER_HEALTH_PORT ?? 5697),
	redis: Number(process.env.QUEUE_E2E_REDIS_PORT ?? 16379),
	postgres: Number(process.env.QUEUE_E2E_PG_PORT ?? 15432),
	idp: Number(process.env.QUEUE_E2E_IDP_PORT ?? 18094),
	graph: Number(process.env.QUEUE_E2E_GRAPH_PORT ?? 18095),
	/** An `n8n webhook` process (the send-and-wait test) and its task broker. */
	webhook: Number(process.env.QUEUE_E2E_WEBHOOK_PORT ?? 5688),
	webhookBroker: Number(process.env.QUEUE_E2E_WEBHOOK_BROKER_PORT ?? 5689),
};

/** One fixed key for main and workers: each decrypts the credentials the others stored. */
export const QUEUE_ENCRYPTION_KEY = 'outlook-oauth-queue-e2e-key-not-a-secret';

export interface Services {
	redisHost: string;
	redisPort: number;
	pgHost: string;
	pgPort: number;
	pgDatabase: string;
	pgUser: string;
	pgPassword: string;
}

const sleep = async (ms: number) => await new Promise((r) => setTimeout(r, ms));

/** Redis + PostgreSQL through scripts/queue/services.sh (installs them with apt-get if missing). */
export async function startServices(stateDir: string): Promise<Services> {
	const { stdout } = await execFileAsync(
		'bash',
		[
			join(REPO_ROOT, 'scripts/queue/services.sh'),
			'start',
			stateDir,
			String(QUEUE_PORTS.redis),
			String(QUEUE_PORTS.postgres),
		],
		{
			cwd: REPO_ROOT,
			maxBuffer: 16 * 1024 * 1024,
		},
	);
	return JSON.parse(stdout.trim().split('\n').pop()!) as Services;
}

export async function stopServices(stateDir: string): Promise<void> {
	await execFileAsync('bash', [join(REPO_ROOT, 'scripts/queue/services.sh'), 'stop', stateDir], {
		cwd: REPO_ROOT,
	});
}

/** psql against the run's PostgreSQL (trust authentication on 127.0.0.1); rows as tab-separated text. */
export async function psql(services: Services, sql: string): Promise<string> {
	const { stdout } = await execFileAsync('psql', [
		'-h',
		services.pgHost,
		'-p',
		String(services.pgPort),
		'-U',
		services.pgUser,
		'-d',
		services.pgDatabase,
		'-tA',
		'-v',
		'ON_ERROR_STOP=1',
		'-c',
		sql,
	]);
	return stdout.trim();
}

/** `webhook`: an `n8n webhook` process (production and waiting webhooks only, queue mode). */
export type ProcessRole = 'main' | 'worker' | 'regular' | 'webhook';

export interface N8nProcessOptions {
	role: ProcessRole;
	/** main, worker-1, …: also the value of OUTLOOK_E2E_PROCESS. */
	name: string;
	services: Services;
	port?: number;
	brokerPort: number;
	healthPort?: number;
	concurrency?: number;
	/** Extra environment (applied last). */
	env?: Record<string, string>;
}

/** One n8n process (main, worker or a regular single process) with its own user folder. */
export class N8nProcess {
	readonly userFolder: string;

	readonly logFile: string;

	private child?: ChildProcess;

	private exited = true;

	private exitReason = '';

	private recent = '';

	private constructor(
		readonly options: N8nProcessOptions,
		userFolder: string,
	) {
		this.userFolder = userFolder;
		this.logFile = join(e2eEnvironment().runDir, `queue-${options.name}.log`);
	}

	/** A fresh user folder with the package installed in .n8n/nodes (scripts/install-package.sh). */
	static async prepare(options: N8nProcessOptions): Promise<N8nProcess> {
		const e2e = e2eEnvironment();
		const base = join(e2e.runDir, 'queue');
		mkdirSync(base, { recursive: true });
		const userFolder = mkdtempSync(join(base, `${options.name}-`));
		await execFileAsync(
			'bash',
			[join(REPO_ROOT, 'scripts/install-package.sh'), userFolder, e2e.packageTgz],
			{ cwd: REPO_ROOT },
		);
		return new N8nProcess(options, userFolder);
	}

	get name(): string {
		return this.options.name;
	}

	get url(): string {
		return `http://127.0.0.1:${this.options.port ?? QUEUE_PORTS.main}`;
	}

	/** Where readiness is asked: the main's HTTP port, or a worker's health server. */
	private get readinessUrl(): string {
		if (this.options.role === 'worker')
			return `http://127.0.0.1:${this.options.healthPort}/healthz/readiness`;
		return `${this.url}/healthz/readiness`;
	}

	/** n8n's environment for this role, after scripts/n8n-env.sh (which sets DB_TYPE=sqlite). */
	environment(): Record<string, string> {
		const { role, services } = this.options;
		const env: Record<string, string> = {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: services.pgHost,
			DB_POSTGRESDB_PORT: String(services.pgPort),
			DB_POSTGRESDB_DATABASE: services.pgDatabase,
			DB_POSTGRESDB_USER: services.pgUser,
			DB_POSTGRESDB_PASSWORD: services.pgPassword,
			N8N_ENCRYPTION_KEY: QUEUE_ENCRYPTION_KEY,
			N8N_RUNNERS_BROKER_PORT: String(this.options.brokerPort),
			// Lets workflows read OUTLOOK_E2E_PROCESS with $env (n8n 2.x blocks $env by default).
			N8N_BLOCK_ENV_ACCESS_IN_NODE: 'false',
			OUTLOOK_E2E_PROCESS: this.options.name,
			EXECUTIONS_MODE: role === 'regular' ? 'regular' : 'queue',
		};
		if (role !== 'regular') {
			Object.assign(env, {
				QUEUE_BULL_REDIS_HOST: services.redisHost,
				QUEUE_BULL_REDIS_PORT: String(services.redisPort),
				// Manual runs go to workers too (n8n's deprecation notice: the future default).
				OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
			});
		}
		if (role === 'worker') {
			Object.assign(env, {
				QUEUE_HEALTH_CHECK_ACTIVE: 'true',
				QUEUE_HEALTH_CHECK_PORT: String(this.options.healthPort),
			});
		} else {
			env.N8N_PORT = String(this.options.port ?? QUEUE_PORTS.main);
		}
		return { ...env, ...(this.options.env ?? {}) };
	}

	private command(args: string[]): string[] {
		const e2e = e2eEnvironment();
		const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
		const assignments = Object.entries(this.environment())
			.map(([name, value]) => `export ${name}=${quote(value)}`)
			.join(' && ');
		return [
			'-c',
			`source ${quote(join(REPO_ROOT, 'scripts/n8n-env.sh'))} && ${assignments} && exec ${quote(`${e2e.node24Bin}/node`)} ${quote(e2e.n8nBin)} ${args.map(quote).join(' ')}`,
		];
	}

	private processEnv(): NodeJS.ProcessEnv {
		const e2e = e2eEnvironment();
		const env: NodeJS.ProcessEnv = {
			...process.env,
			N8N_USER_FOLDER: this.userFolder,
			N8N_PORT: String(this.options.port ?? QUEUE_PORTS.main),
			PATH: `${e2e.node24Bin}:${process.env.PATH ?? ''}`,
		};
		// jest's settings must not reach n8n (NODE_ENV=test silences its log).
		for (const name of ['N8N_LOG_LEVEL', 'NODE_OPTIONS', 'NODE_ENV', 'JEST_WORKER_ID'])
			delete env[name];
		return env;
	}

	get running(): boolean {
		return !this.exited;
	}

	async start(readyTimeoutMs = 180_000): Promise<void> {
		const args =
			this.options.role === 'worker'
				? ['worker', `--concurrency=${this.options.concurrency ?? 5}`]
				: this.options.role === 'webhook'
					? ['webhook']
					: ['start'];
		const log = createWriteStream(this.logFile, { flags: 'a' });
		const child = spawn('bash', this.command(args), {
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
		child.on('close', (code, signal) => {
			this.exited = true;
			this.exitReason = signal ? `signal ${signal}` : `exit code ${code}`;
			log.end();
		});
		const deadline = Date.now() + readyTimeoutMs;
		while (Date.now() < deadline) {
			if (this.exited)
				throw new Error(
					`n8n ${this.name} exited during start-up (${this.exitReason}); see ${this.logFile}:\n${this.logTail()}`,
				);
			try {
				const response = await fetch(this.readinessUrl);
				if (response.ok) return;
			} catch {
				// not listening yet
			}
			await sleep(250);
		}
		throw new Error(
			`n8n ${this.name} was not ready after ${readyTimeoutMs} ms; see ${this.logFile}:\n${this.logTail()}`,
		);
	}

	/** SIGTERM to the process group (n8n and its task runner), SIGKILL after 30 s. */
	async stop(): Promise<void> {
		const child = this.child;
		if (!child || this.exited) return;
		await stopProcessGroup(child, 30_000);
	}

	logText(): string {
		return existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8') : '';
	}

	logTail(lines = 40): string {
		return this.recent.split('\n').slice(-lines).join('\n');
	}

	/** Execution IDs this worker's log says it started ("Worker started execution 12 (job 7)"). */
	startedExecutions(): string[] {
		return [...this.logText().matchAll(/Worker started execution (\d+)/g)].map((m) => m[1]);
	}
}

export interface QueueClusterOptions {
	workers?: number;
	concurrency?: number;
}

/** Main + workers over the given services; `rest` is signed in as the owner on the main. */
export class QueueCluster {
	main!: N8nProcess;

	workers: N8nProcess[] = [];

	rest!: N8nRest;

	constructor(
		readonly services: Services,
		private readonly options: QueueClusterOptions = {},
	) {}

	async start(): Promise<void> {
		const count = this.options.workers ?? 2;
		const [main, ...workers] = await Promise.all([
			N8nProcess.prepare({
				role: 'main',
				name: 'main',
				services: this.services,
				port: QUEUE_PORTS.main,
				brokerPort: QUEUE_PORTS.mainBroker,
			}),
			...Array.from({ length: count }, (_, i) =>
				N8nProcess.prepare({
					role: 'worker',
					name: `worker-${i + 1}`,
					services: this.services,
					brokerPort: QUEUE_PORTS.workerBrokerBase + i,
					healthPort: QUEUE_PORTS.workerHealthBase + i,
					concurrency: this.options.concurrency ?? 5,
				}),
			),
		]);
		this.main = main;
		this.workers = workers;
		// The main first: it runs the database migrations the workers expect.
		await main.start();
		await Promise.all(workers.map(async (worker) => await worker.start()));
		this.rest = new N8nRest(main.url);
		await this.rest.setUpOwnerAndLogin();
	}

	/** Stops and starts the main (workers keep running), then signs in again. */
	async restartMain(whileDown?: () => Promise<void>): Promise<void> {
		await this.main.stop();
		if (whileDown) await whileDown();
		await this.main.start();
		this.rest = new N8nRest(this.main.url);
		await this.rest.setUpOwnerAndLogin();
	}

	async stop(): Promise<void> {
		await Promise.all(
			[this.main, ...this.workers].filter(Boolean).map(async (p) => await p.stop()),
		);
	}

	/** Which worker's log says it started an execution. */
	workerOf(executionId: string): string | undefined {
		return this.workers.find((w) => w.startedExecutions().includes(executionId))?.name;
	}
}
