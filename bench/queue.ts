/**
 * Queue mode against one regular process: 1,000 Outlook Mail executions (Manual Trigger → Outlook
 * Mail "Get Many", limit 2) in a real n8n, against the Graph stand-in (each Graph call delayed by
 * BENCH_LATENCY_MS, default 20 ms, to model the round trip to Microsoft):
 *   - regular: one `n8n start` (EXECUTIONS_MODE=regular) on PostgreSQL;
 *   - queue:   one main + 2 workers (`n8n worker --concurrency=BENCH_QUEUE_CONCURRENCY`, default 10)
 *              over Redis and the same PostgreSQL server (a fresh database).
 * The executions are submitted as fast as BENCH_SUBMITTERS (default 8) REST clients can start them
 * (POST /rest/workflows/:id/run); queue mode hands each to a worker
 * (OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS=true). Figures come from n8n's execution records in
 * PostgreSQL: throughput = executions / (last stoppedAt − first createdAt); p95 "run" is
 * startedAt→stoppedAt, p95 "end to end" createdAt→stoppedAt (includes waiting in the queue).
 *
 * Run: `npm run bench queue` (or `node bench/run.js queue`). It needs Node 24 + n8n (installed
 * into the cache on first use by scripts/queue/bench.sh, which this re-runs itself through when
 * started without the E2E_* environment) and Redis + PostgreSQL (scripts/queue/services.sh).
 * BENCH_QUEUE_EXECUTIONS changes the count (default 1000).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import type http from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { addDemoData } from '../test/e2e/support/demo-data';
import { E2eEnvironment, nodeType } from '../test/e2e/support/environment';
import { N8nRest } from '../test/e2e/support/n8n';
import {
	N8nProcess,
	psql,
	QUEUE_PORTS,
	QueueCluster,
	startServices,
	stopServices,
	type Services,
} from '../test/e2e/queue/support/cluster';
import { saveChain, type SavedWorkflow } from '../test/e2e/queue/support/queue-environment';
import { GraphStandIn } from '../test/support/graph-standin';
import { IdentityProviderStandIn } from '../test/support/identity-provider';

/** The compiled file runs from .cache/bench/bench/queue.js. */
const ROOT = resolve(__dirname, '..', '..', '..');

const EXECUTIONS = Number(process.env.BENCH_QUEUE_EXECUTIONS ?? 1000);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);
const SUBMITTERS = Number(process.env.BENCH_SUBMITTERS ?? 8);
const WORKER_CONCURRENCY = Number(process.env.BENCH_QUEUE_CONCURRENCY ?? 10);

function setLatency(graph: GraphStandIn, ms: number): void {
	const server = (graph as unknown as { server: http.Server }).server;
	const handler = server.listeners('request')[0] as (
		req: http.IncomingMessage,
		res: http.ServerResponse,
	) => void;
	server.removeAllListeners('request');
	server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) =>
		ms > 0 ? setTimeout(() => handler(req, res), ms) : handler(req, res),
	);
}

const sleep = async (ms: number) => await new Promise((r) => setTimeout(r, ms));

function percentile(values: number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

interface Result {
	setup: string;
	executions: number;
	failed: number;
	wallSeconds: number;
	throughput: number;
	p50Run: number;
	p95Run: number;
	p95EndToEnd: number;
}

async function workflowFor(
	rest: N8nRest,
	idp: IdentityProviderStandIn,
	graph: GraphStandIn,
): Promise<SavedWorkflow> {
	const env = new E2eEnvironment();
	env.idp = idp;
	env.graph = graph;
	env.rest = rest;
	const credential = await env.connectedCredential({ permissions: ['mailRead'] }, 'Bench');
	return await saveChain(rest, 'Bench: Outlook Mail get many', [
		{
			name: 'Manual Trigger',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			parameters: {},
		},
		{
			name: 'Mail',
			type: nodeType('outlookMail'),
			typeVersion: 1,
			parameters: { resource: 'message', operation: 'getAll', limit: 2 },
			credentials: { outlookOAuth2Api: credential },
		},
	]);
}

/** Starts EXECUTIONS runs, waits for all of them to end, reads the records from PostgreSQL. */
async function measure(
	setup: string,
	rest: N8nRest,
	services: Services,
	workflow: SavedWorkflow,
): Promise<Result> {
	// Warm-up (node types loaded, token fresh, first-execution costs) — not counted.
	for (let i = 0; i < 4; i++)
		await rest.data('POST', `/rest/workflows/${workflow.id}/run`, {
			triggerToStartFrom: { name: 'Manual Trigger' },
		});
	await waitForFinished(services, workflow.id, 4, 120_000);
	const since = (await psql(services, 'SELECT max(id) FROM execution_entity')) || '0';

	let next = 0;
	const submitter = async () => {
		while (next < EXECUTIONS) {
			next++;
			await rest.data('POST', `/rest/workflows/${workflow.id}/run`, {
				triggerToStartFrom: { name: 'Manual Trigger' },
			});
		}
	};
	await Promise.all(Array.from({ length: SUBMITTERS }, submitter));
	await waitForFinished(services, workflow.id, EXECUTIONS, 900_000, since);
	const rows = (
		await psql(
			services,
			`SELECT status, extract(epoch from "createdAt") * 1000, extract(epoch from "startedAt") * 1000, extract(epoch from "stoppedAt") * 1000
			 FROM execution_entity WHERE "workflowId" = '${workflow.id}' AND id > ${since}`,
		)
	)
		.split('\n')
		.map((line) => line.split('|'))
		.map(([status, created, started, stopped]) => ({
			status,
			created: Number(created),
			started: Number(started),
			stopped: Number(stopped),
		}));
	const first = Math.min(...rows.map((r) => r.created));
	const last = Math.max(...rows.map((r) => r.stopped));
	const wallSeconds = (last - first) / 1000;
	return {
		setup,
		executions: rows.length,
		failed: rows.filter((r) => r.status !== 'success').length,
		wallSeconds,
		throughput: rows.length / wallSeconds,
		p50Run: percentile(
			rows.map((r) => r.stopped - r.started),
			50,
		),
		p95Run: percentile(
			rows.map((r) => r.stopped - r.started),
			95,
		),
		p95EndToEnd: percentile(
			rows.map((r) => r.stopped - r.created),
			95,
		),
	};
}

async function waitForFinished(
	services: Services,
	workflowId: string,
	count: number,
	timeoutMs: number,
	since = '0',
): Promise<void> {
	const until = Date.now() + timeoutMs;
	for (;;) {
		const done = Number(
			await psql(
				services,
				`SELECT count(*) FROM execution_entity WHERE "workflowId" = '${workflowId}' AND id > ${since} AND status NOT IN ('new', 'running', 'waiting')`,
			),
		);
		if (done >= count) return;
		if (Date.now() > until)
			throw new Error(`only ${done} of ${count} executions finished within ${timeoutMs} ms`);
		await sleep(500);
	}
}

async function main() {
	if (!process.env.E2E_N8N_BIN) {
		// Not prepared yet: scripts/queue/bench.sh installs n8n (cached), packs the package, sets the
		// E2E_* environment and runs this file again.
		const run = spawnSync('bash', [join(ROOT, 'scripts/queue/bench.sh'), __filename], {
			stdio: 'inherit',
			cwd: ROOT,
		});
		process.exit(run.status ?? 1);
	}
	const runDir = process.env.E2E_RUN_DIR ?? mkdtempSync(join(tmpdir(), 'outlook-bench-queue-'));
	const stateDir = join(runDir, 'bench-services');
	mkdirSync(stateDir, { recursive: true });
	const idp = await IdentityProviderStandIn.start({ port: QUEUE_PORTS.idp });
	const graph = await GraphStandIn.start(idp, QUEUE_PORTS.graph);
	addDemoData(graph);
	setLatency(graph, LATENCY_MS);
	const services = await startServices(stateDir);
	const results: Result[] = [];
	try {
		// 1. One regular process, on its own database of the same PostgreSQL server.
		await psql(services, 'CREATE DATABASE n8n_regular');
		const regularServices = { ...services, pgDatabase: 'n8n_regular' };
		const regular = await N8nProcess.prepare({
			role: 'regular',
			name: 'bench-regular',
			services: regularServices,
			port: QUEUE_PORTS.main,
			brokerPort: QUEUE_PORTS.mainBroker,
		});
		await regular.start();
		try {
			const rest = new N8nRest(regular.url);
			await rest.setUpOwnerAndLogin();
			const workflow = await workflowFor(rest, idp, graph);
			results.push(await measure('1 regular process', rest, regularServices, workflow));
		} finally {
			await regular.stop();
		}
		// 2. Queue mode: main + 2 workers.
		const cluster = new QueueCluster(services, { workers: 2, concurrency: WORKER_CONCURRENCY });
		await cluster.start();
		try {
			const workflow = await workflowFor(cluster.rest, idp, graph);
			results.push(
				await measure(
					`queue: main + 2 workers (concurrency ${WORKER_CONCURRENCY})`,
					cluster.rest,
					services,
					workflow,
				),
			);
		} finally {
			await cluster.stop();
		}
	} finally {
		await stopServices(stateDir).catch(() => undefined);
		await graph.close();
		await idp.close();
	}

	const header = [
		'setup',
		'executions',
		'failed',
		'wall',
		'executions/s',
		'p50 run',
		'p95 run',
		'p95 end to end',
	];
	const rows = results.map((r) => [
		r.setup,
		String(r.executions),
		String(r.failed),
		`${r.wallSeconds.toFixed(1)} s`,
		r.throughput.toFixed(1),
		`${Math.round(r.p50Run)} ms`,
		`${Math.round(r.p95Run)} ms`,
		`${Math.round(r.p95EndToEnd)} ms`,
	]);
	const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
	const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
	console.log(
		`\n${EXECUTIONS} Outlook Mail executions (Get Many, limit 2), Graph stand-in with ${LATENCY_MS} ms modelled round trip, ${SUBMITTERS} submitters`,
	);
	console.log(line(header));
	console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
	for (const row of rows) console.log(line(row));
	if (results.some((r) => r.failed > 0 || r.executions !== EXECUTIONS)) process.exitCode = 1;
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
