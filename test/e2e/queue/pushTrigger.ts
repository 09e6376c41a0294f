/**
 * The Outlook Trigger's push mode in queue mode (a main, two workers, and an `n8n webhook`
 * process), as docs/outlook-trigger.md describes it:
 *
 * - The main holds the trigger (its poller, the subscription's upkeep). When Graph's notifications
 *   reach the main (production webhooks on the main, n8n's default), the main runs the delta sync
 *   at once and the workers run the executions: mail arrives in seconds, each once.
 * - When they reach an `n8n webhook` process (N8N_DISABLE_PRODUCTION_MAIN_PROCESS=true, WEBHOOK_URL
 *   = the webhook process), that process answers the validation handshake and acknowledges them,
 *   but cannot run the sync (the cursor lives with the main's poller); the main's next poll emits
 *   each change once. A WEBHOOK_URL that changed replaces the subscription when the main starts.
 */
import { randomBytes, randomUUID } from 'node:crypto';

import { DateTime } from 'luxon';

import { DeltaMailbox } from '../../support/graph-delta';
import { GraphSubscriptions } from '../../support/graph-subscriptions';
import { createAppOnlyCredential, PACKAGE_NAME } from '../support/environment';
import { readExecution } from '../support/executions';
import { N8nProcess, QUEUE_PORTS } from './support/cluster';
import type { QueueEnvironment, SavedWorkflow } from './support/queue-environment';
import { activate, allExecutions, deactivate, saveChain } from './support/queue-environment';

const APP_ID = '7a1e2d3c-4b5a-4c6d-8e7f-901a2b3c4d5e';
const TENANT = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const MAILBOX = 'queue-push@example.test';

const sleep = async (ms: number) => await new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(
	probe: () => T | undefined | false | Promise<T | undefined | false>,
	timeoutMs: number,
	what: string,
): Promise<T> {
	const until = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value) return value;
		if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await sleep(500);
	}
}

export function queuePushScenario(env: QueueEnvironment) {
	const secret = `app-secret.${randomBytes(24).toString('base64url')}`;
	let subs: GraphSubscriptions;
	let mailbox: DeltaMailbox;
	let credential: { id: string; name: string };
	let workflow: SavedWorkflow;
	let calendar: SavedWorkflow;
	let webhookProcess: N8nProcess | undefined;
	const seen = new Map<
		string,
		{ workflowId: string; mode: string; ids: string[]; startedAt?: string }
	>();
	const delivered = new Map<string, number>();

	/** Every item a trigger emitted, with the execution's mode and start. */
	async function emitted(of: SavedWorkflow = workflow, node = 'New Mail') {
		for (const execution of await allExecutions(env.rest, of.id)) {
			if (seen.has(execution.id) || execution.status !== 'success') continue;
			const run = await readExecution(env.rest, execution.id);
			seen.set(execution.id, {
				workflowId: of.id,
				mode: execution.mode,
				ids: run.output(node).map((i) => String(i.json.id)),
				startedAt: execution.startedAt,
			});
		}
		return [...seen.values()]
			.filter((e) => e.workflowId === of.id)
			.flatMap((e) =>
				e.ids.map((id) => ({ id, mode: e.mode, startedAt: Date.parse(e.startedAt ?? '') })),
			);
	}

	function deliver(count: number, tag: string): string[] {
		return Array.from({ length: count }, (_, i) => {
			const id = mailbox.deliver('inbox', { subject: `${tag} ${i}` });
			delivered.set(id, Date.now());
			return id;
		});
	}

	beforeAll(async () => {
		env.idp.registerApp({
			clientId: APP_ID,
			secrets: [secret],
			roles: { graph: ['Mail.Read', 'Calendars.Read'], imap: [] },
		});
		env.graph.limitAppToMailboxes(APP_ID, [MAILBOX]);
		mailbox = new DeltaMailbox(`/users/${encodeURIComponent(MAILBOX)}`).install(env.graph);
		subs = new GraphSubscriptions(env.idp).install(env.graph).watch(mailbox);
		subs.allowLoopbackHttp = true;
		subs.retryDelaysMs = [2_000, 4_000, 8_000, 15_000];
		subs.batchWindowMs = 250;
		credential = await createAppOnlyCredential(env, 'Outlook push queue e2e', {
			tenantId: TENANT,
			clientId: APP_ID,
			clientSecret: secret,
		});
	}, 60_000);

	afterAll(async () => {
		for (const saved of [workflow, calendar])
			if (saved) await deactivate(env.rest, saved).catch(() => undefined);
		await webhookProcess?.stop();
		await subs?.close();
		// The next scenarios set the main's environment themselves.
		env.cluster.main.options.env = {};
	}, 120_000);

	test('notifications that reach the main: validated by the main; 100 mails and 20 event changes each once, though notifications are dropped, duplicated and delayed; run on the workers', async () => {
		// Graph grants 3 minutes here: the main's polls renew the subscriptions every minute.
		subs.maxLifetimeMinutes = 3;
		const trigger = (name: string, parameters: Record<string, unknown>) => ({
			name,
			type: `${PACKAGE_NAME}.outlookTrigger`,
			typeVersion: 1,
			webhookId: randomUUID(),
			parameters: {
				authentication: 'appOnly',
				mailboxId: MAILBOX,
				delivery: 'push',
				pollTimes: { item: [{ mode: 'everyMinute' }] },
				...parameters,
			},
			credentials: { outlookAppOnlyApi: credential },
		});
		const start = new Date(Date.now() + 2 * 86_400_000);
		const events = Array.from({ length: 20 }, (_, i) =>
			mailbox.addInstance({
				subject: `Queue planning ${i}`,
				start: DateTime.fromJSDate(start).plus({ hours: i }),
				end: DateTime.fromJSDate(start).plus({ hours: i, minutes: 30 }),
			}),
		);
		workflow = await saveChain(env.rest, 'Queue push: new mail', [
			trigger('New Mail', {
				event: 'messageReceived',
				folders: { folder: [{ folder: { __rl: true, mode: 'id', value: 'inbox' } }] },
				output: 'raw',
			}),
		]);
		calendar = await saveChain(env.rest, 'Queue push: event updated', [
			trigger('Event Updated', { event: 'eventUpdated', windowDays: 30 }),
		]);
		await activate(env.rest, workflow);
		await activate(env.rest, calendar);
		await waitFor(() => subs.active().length === 2, 60_000, 'the subscriptions');
		for (const subscription of subs.active())
			expect(subscription.notificationUrl.startsWith(`${env.cluster.main.url}/webhook/`)).toBe(
				true,
			);
		expect(subs.validations.filter((v) => v.ok)).toHaveLength(4);
		// Let the first polls (at publication) finish.
		await sleep(3_000);
		subs.setFaults({ dropRate: 0.2, duplicateRate: 0.3, delayRate: 0.3, delayMs: [1_000, 5_000] });
		const burst: string[] = [];
		for (let round = 0; round < 10; round++) {
			burst.push(...deliver(10, `Queue push ${round}`));
			if (round === 4 || round === 9)
				for (const id of events.slice(round === 4 ? 0 : 10, round === 4 ? 10 : 20))
					mailbox.updateInstance(id, { subject: 'Moved' });
			await sleep(500);
		}
		await waitFor(
			async () => {
				const all = await emitted();
				return burst.every((id) => all.some((m) => m.id === id)) && all;
			},
			150_000,
			'the 100 mails',
		);
		await waitFor(
			async () => (await emitted(calendar, 'Event Updated')).length >= 20,
			150_000,
			'the 20 event changes',
		);
		subs.setFaults({});
		await subs.settled(60_000);
		await sleep(3_000);
		const final = await emitted();
		expect(final.map((m) => m.id).sort()).toEqual([...burst].sort());
		const changes = await emitted(calendar, 'Event Updated');
		expect(changes.map((c) => c.id).sort()).toEqual([...events].sort());
		const latencies = final
			.filter((m) => m.mode === 'webhook')
			.map((m) => m.startedAt - delivered.get(m.id)!)
			.sort((a, b) => a - b);
		const modes = final.reduce<Record<string, number>>(
			(acc, m) => ({ ...acc, [m.mode]: (acc[m.mode] ?? 0) + 1 }),
			{},
		);
		console.log(
			`queue push, main receives: 100 mails ${JSON.stringify(modes)}, ${subs.dropped.length} notifications dropped; change → execution started p50 ${latencies[Math.floor(latencies.length / 2)]} ms, max ${latencies.at(-1)} ms`,
		);
		expect(modes.webhook ?? 0).toBeGreaterThan(50);
		// The workers ran them (queue mode), not the main.
		for (const id of seen.keys()) expect(env.cluster.workerOf(id)).toBeDefined();
		await deactivate(env.rest, calendar);
	}, 420_000);

	test('notifications that reach an n8n webhook process: it answers the handshake and acknowledges them; the main’s poll emits each mail once', async () => {
		const webhook = await N8nProcess.prepare({
			role: 'webhook',
			name: 'webhook-push',
			services: env.services,
			port: QUEUE_PORTS.webhook,
			brokerPort: QUEUE_PORTS.webhookBroker,
		});
		webhookProcess = webhook;
		await webhook.start();
		const [before] = subs.active().filter((sub) => sub.kind === 'message');
		// Production webhooks go to the webhook process only, and WEBHOOK_URL says so.
		env.cluster.main.options.env = {
			N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true',
			N8N_WEBHOOK_URL: `${webhook.url}/`,
		};
		await env.restartMain();
		// The main found the subscription pointing at its old URL: replaced by one for the new URL,
		// which the webhook process validated.
		const [now] = await waitFor(
			() => subs.active().length === 1 && subs.active()[0].id !== before.id && subs.active(),
			120_000,
			'the subscription for the new URL',
		);
		expect(now.notificationUrl.startsWith(`${webhook.url}/webhook/`)).toBe(true);
		// The old one was deleted by the main (or had expired while the main restarted).
		expect(['deleted', 'expired']).toContain(
			subs.events.filter((e) => e.id === before.id).at(-1)?.type,
		);
		expect(subs.validations.filter((v) => v.ok && v.url === now.notificationUrl)).toHaveLength(2);

		const mails = deliver(10, 'Via webhook process');
		await waitFor(
			() => subs.deliveries.some((d) => d.url === now.notificationUrl && d.status === 202),
			60_000,
			'the webhook process to acknowledge',
		);
		const items = await waitFor(
			async () => {
				const all = await emitted();
				return mails.every((id) => all.some((m) => m.id === id)) && all;
			},
			150_000,
			'the main’s poll',
		);
		await subs.settled(30_000);
		await sleep(3_000);
		const final = await emitted();
		expect(final.length).toBe(items.length);
		expect(final.map((m) => m.id).sort()).toEqual([...delivered.keys()].sort());
		const late = final.filter((m) => mails.includes(m.id));
		expect(new Set(late.map((m) => m.mode))).toEqual(new Set(['trigger']));
		expect(webhook.logText()).toMatch(/where this workflow’s trigger is not running/);
		const latencies = late.map((m) => m.startedAt - delivered.get(m.id)!).sort((a, b) => a - b);
		console.log(
			`queue push, webhook process receives: 10 mails, change → execution started ${latencies[0]}…${latencies.at(-1)} ms (the main's poll, every minute)`,
		);

		// The main keeps the subscription alive though it never sees a notification: ≥ 3 renewals of
		// its 3-minute lifetime, none expired.
		await waitFor(
			() => subs.events.filter((e) => e.id === now.id && e.type === 'renewed').length >= 3,
			300_000,
			'three renewals',
		);
		const history = subs.events.filter((e) => e.id === now.id);
		for (let i = 1; i < history.length; i++)
			expect(history[i].at).toBeLessThan(history[i - 1].expiresAt!);
		expect(subs.events.filter((e) => e.id === now.id && e.type === 'expired')).toEqual([]);

		await deactivate(env.rest, workflow);
		await waitFor(() => subs.active().length === 0, 60_000, 'the subscription to be deleted');
		expect(subs.events.filter((e) => e.id === now.id).at(-1)?.type).toBe('deleted');
	}, 600_000);
}
