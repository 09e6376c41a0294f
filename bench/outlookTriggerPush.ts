/**
 * Outlook Trigger, push vs polling, in a real n8n 2.41.1 (one regular process, SQLite), against the
 * Graph stand-in with change notifications (test/support/graph-subscriptions.ts; every Graph call
 * delayed by BENCH_LATENCY_MS, default 20 ms, for the round trip to Microsoft):
 *   1. change → execution started: 100 new mails, one every BENCH_PUSH_SPACING_MS (default 500),
 *      with Delivery = Push; then 100 mails at random moments over 3 minutes with Delivery =
 *      Polling every minute. p50/p95/max from n8n's execution records (startedAt) minus the moment
 *      the stand-in's mailbox changed. The stand-in notifies at once: Microsoft's own delivery
 *      delay (for messages "less than 1 minute" on average, 3 minutes at most,
 *      https://learn.microsoft.com/graph/change-notifications-overview#latency) comes on top.
 *   2. Graph requests per hour for a quiet mailbox: counted by the stand-in over a quiet window
 *      with both triggers published (per poll, per renewal), and per hour with Poll Times every
 *      minute (polling) and every 15 minutes (push's safety net), lifetimes of 10,080 minutes.
 *
 * Run: `npm run bench outlookTriggerPush`. Needs Node 24 + n8n (installed into the cache on first
 * use through scripts/queue/bench.sh, which this re-runs itself through when started without the
 * E2E_* environment). n8n listens on OUTLOOK_BENCH_N8N_PORT (default 5710; its task broker +1).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import type http from 'node:http';
import { join, resolve } from 'node:path';

import { allExecutions } from '../test/e2e/queue/support/queue-environment';
import { createWorkflow } from '../test/e2e/support/executions';
import { N8nRest, N8nServer } from '../test/e2e/support/n8n';
import { DeltaMailbox } from '../test/support/graph-delta';
import { GraphStandIn } from '../test/support/graph-standin';
import { GraphSubscriptions } from '../test/support/graph-subscriptions';
import { IdentityProviderStandIn } from '../test/support/identity-provider';
import { printTable } from './support/table';

/** The compiled file runs from .cache/bench/bench/outlookTriggerPush.js. */
const ROOT = resolve(__dirname, '..', '..', '..');

const N8N_PORT = Number(process.env.OUTLOOK_BENCH_N8N_PORT ?? 5710);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);
const PUSH_SPACING_MS = Number(process.env.BENCH_PUSH_SPACING_MS ?? 500);
const CHANGES = 100;
const POLLING_SPREAD_MS = 3 * 60_000;
const APP_ID = '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a';
const TENANT = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const PACKAGE = 'n8n-nodes-outlook-oauth';

const sleep = async (ms: number) => await new Promise((r) => setTimeout(r, ms));

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

function percentile(values: number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function waitFor<T>(probe: () => Promise<T | undefined | false>, ms: number, what: string) {
	const until = Date.now() + ms;
	for (;;) {
		const value = await probe();
		if (value) return value;
		if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
		await sleep(1000);
	}
}

async function main() {
	if (!process.env.E2E_N8N_BIN) {
		// Not prepared yet: the script installs n8n (cached), packs the package, sets the E2E_*
		// environment and runs this file again.
		const run = spawnSync('bash', [join(ROOT, 'scripts/queue/bench.sh'), __filename], {
			cwd: ROOT,
			stdio: 'inherit',
			env: process.env,
		});
		process.exit(run.status ?? 1);
	}
	const idp = await IdentityProviderStandIn.start();
	const graph = await GraphStandIn.start(idp);
	setLatency(graph, LATENCY_MS);
	const secret = `app-secret.${randomBytes(24).toString('base64url')}`;
	idp.registerApp({
		clientId: APP_ID,
		secrets: [secret],
		roles: { graph: ['Mail.Read'], imap: [] },
	});
	const pushBox = new DeltaMailbox('/users/push%40bench.test').install(graph);
	const pollBox = new DeltaMailbox('/users/poll%40bench.test').install(graph);
	const subs = new GraphSubscriptions(idp).install(graph).watch(pushBox).watch(pollBox);
	subs.allowLoopbackHttp = true;
	const server = await N8nServer.prepare({ port: N8N_PORT, logName: 'n8n-bench-push.log' });
	await server.start();
	const rest = new N8nRest(server.url);
	try {
		await rest.setUpOwnerAndLogin();
		const credential = await rest.data<{ id: string; name: string }>('POST', '/rest/credentials', {
			name: 'Outlook bench',
			type: 'outlookAppOnlyApi',
			data: {
				environment: 'custom',
				customAuthorityUrl: idp.authority,
				customGraphUrl: graph.url,
				tenantId: TENANT,
				clientId: APP_ID,
				authMethod: 'secret',
				clientSecret: secret,
			},
		});
		const trigger = (mailbox: string, delivery: string, mode: string) =>
			createWorkflow(rest, `Bench ${delivery}`, {
				nodes: [
					{
						id: randomUUID(),
						name: 'New Mail',
						type: `${PACKAGE}.outlookTrigger`,
						typeVersion: 1,
						position: [0, 0],
						webhookId: randomUUID(),
						parameters: {
							authentication: 'appOnly',
							mailboxId: mailbox,
							event: 'messageReceived',
							delivery,
							folders: { folder: [{ folder: { __rl: true, mode: 'id', value: 'inbox' } }] },
							pollTimes: { item: [{ mode }] },
						},
						credentials: { outlookAppOnlyApi: credential },
					} as never,
				],
				connections: {},
			});
		const push = await trigger('push@bench.test', 'push', 'everyHour');
		const poll = await trigger('poll@bench.test', 'poll', 'everyMinute');
		for (const workflow of [push, poll])
			await rest.data('POST', `/rest/workflows/${workflow.id}/activate`, {
				versionId: workflow.versionId,
			});
		await waitFor(async () => subs.active().length === 1, 60_000, 'the subscription');
		await sleep(5_000);

		// Quiet window: what each mode asks Graph while nothing happens. Requests of one poll come
		// together: a request more than 10 s after the previous one starts the next poll.
		const quietFrom = Date.now();
		const countFrom = graph.requests.length;
		const isPoll = (r: { path: string }) => r.path.startsWith('/users/poll%40bench.test');
		let polls = 0;
		let lastAt = 0;
		let seen = countFrom;
		while (Date.now() - quietFrom < Number(process.env.BENCH_QUIET_MS ?? 125_000)) {
			await sleep(500);
			const fresh = graph.requests.slice(seen).filter(isPoll);
			seen = graph.requests.length;
			if (fresh.length && Date.now() - lastAt > 10_000) polls++;
			if (fresh.length) lastAt = Date.now();
		}
		const quietMinutes = (Date.now() - quietFrom) / 60_000;
		const quiet = graph.requests.slice(countFrom);
		const pollDeltas = quiet.filter(isPoll).length;
		const pushRequests = quiet.filter((r) => r.path.startsWith('/users/push%40bench.test')).length;

		// 1. Push: one mail every PUSH_SPACING_MS.
		const delivered = new Map<string, number>();
		for (let i = 0; i < CHANGES; i++) {
			delivered.set(pushBox.deliver('inbox', { subject: `Push ${i}` }), Date.now());
			await sleep(PUSH_SPACING_MS);
		}
		// 1. Polling: 100 mails at random moments over 3 minutes.
		const moments = Array.from({ length: CHANGES }, () => Math.random() * POLLING_SPREAD_MS).sort(
			(a, b) => a - b,
		);
		const pollStart = Date.now();
		const polled = new Map<string, number>();
		for (const at of moments) {
			await sleep(Math.max(0, pollStart + at - Date.now()));
			polled.set(pollBox.deliver('inbox', { subject: 'Poll' }), Date.now());
		}
		const latencies = async (workflowId: string, changed: Map<string, number>) => {
			const out: number[] = [];
			await waitFor(
				async () => {
					out.length = 0;
					for (const execution of await allExecutions(rest, workflowId)) {
						if (execution.status !== 'success') continue;
						const detail = await rest.data<{ data: string }>(
							'GET',
							`/rest/executions/${execution.id}`,
						);
						for (const id of changed.keys())
							if (detail.data.includes(id))
								out.push(Date.parse(execution.startedAt ?? '') - changed.get(id)!);
					}
					return out.length >= changed.size;
				},
				180_000,
				'every change to start an execution',
			);
			return out;
		};
		const pushLatency = await latencies(push.id, delivered);
		const pollLatency = await latencies(poll.id, polled);

		const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
		const row = (mode: string, values: number[]) => [
			mode,
			String(values.length),
			seconds(percentile(values, 50)),
			seconds(percentile(values, 95)),
			seconds(Math.max(...values)),
		];
		console.log(
			`\nchange in the mailbox → execution started (n8n ${server.url}, Graph round trip ${LATENCY_MS} ms)`,
		);
		printTable(
			['delivery', 'changes', 'p50', 'p95', 'max'],
			[row('push', pushLatency), row('polling, every minute', pollLatency)],
		);

		// 2. Requests per hour, quiet mailbox.
		const perPoll = polls ? pollDeltas / polls : 0;
		const renewalsPerHour = 60 / (10_080 / 2);
		console.log(
			`\nGraph requests for a quiet mailbox (measured over ${quietMinutes.toFixed(1)} min: the polling trigger ${pollDeltas} in ${polls} polls, the push trigger ${pushRequests}; per hour from the schedule)`,
		);
		printTable(
			['delivery', 'requests per hour', 'what'],
			[
				[
					'polling, Poll Times every minute',
					String(Math.round(perPoll * 60)),
					'one delta per poll',
				],
				[
					'push, Poll Times every 15 minutes',
					(4 * perPoll + 1 + renewalsPerHour).toFixed(2),
					'4 safety-net deltas, 1 subscription check, a renewal every 3.5 days',
				],
				[
					'push, Poll Times every hour',
					(perPoll + 1 + renewalsPerHour).toFixed(2),
					'1 safety-net delta, 1 subscription check, a renewal every 3.5 days',
				],
			],
		);
		console.log(
			`\nnotifications: ${subs.deliveries.length} POSTs, ${subs.deliveries.filter((d) => d.status === 202).length} answered 202; Graph contract violations: ${graph.violations.length}`,
		);
		for (const workflow of [push, poll])
			await rest.request('POST', `/rest/workflows/${workflow.id}/deactivate`, {});
	} finally {
		await server.stop();
		await subs.close();
		await graph.close();
		await idp.close();
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
