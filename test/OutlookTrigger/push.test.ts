/**
 * Push mode of the Outlook Trigger, against the Graph stand-in's subscriptions
 * (test/support/graph-subscriptions.ts) and n8n 2.41 as pushSupport.ts models it: publishing
 * creates a validated subscription; a notification wakes the same delta sync polling runs, in the
 * request, so each change is emitted once however the notifications come (twice, late, never);
 * the subscription is renewed, recreated and deleted as its lifecycle asks.
 */
import { DateTime } from 'luxon';
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { clearAppOnlyClients } from '../../nodes/shared/auth/appOnly';
import { OutlookTrigger } from '../../nodes/OutlookTrigger/OutlookTrigger.node';
import { PUSH_EVENTS } from '../../nodes/OutlookTrigger/description';
import { MAX_LIFETIME_MINUTES } from '../../nodes/OutlookTrigger/subscription';
import { forgetOwner, ownerKey } from '../../nodes/OutlookTrigger/wake';
import {
	connectedCredential,
	expectGraphContractKept,
	startStandIns,
	type StandIns,
} from '../support/fixtures';
import { DeltaMailbox } from '../support/graph-delta';
import { graphError } from '../support/graph-standin';
import { GraphSubscriptions } from '../support/graph-subscriptions';
import { N8nHarness } from '../support/n8n-harness';
import { APP_ID, AppOnlyHarness, appOnlyFields, newSecret, SHARED } from '../appOnly/support';
import { PushHost } from './pushSupport';
import { TRIGGER } from './support';

const rl = (value: string, mode = 'id') => ({ __rl: true, mode, value });

const receivedPush: INodeParameters = {
	event: 'messageReceived',
	delivery: 'push',
	folders: { folder: [{ folder: rl('inbox') }] },
	output: 'raw',
	pollTimes: { item: [{ mode: 'everyMinute' }] },
};

let s: StandIns;
let mailbox: DeltaMailbox;
let subs: GraphSubscriptions;
let n8n: N8nHarness;
const hosts: PushHost[] = [];

beforeAll(async () => {
	s = await startStandIns();
});
afterAll(async () => await s.close());
beforeEach(() => {
	s.graph.reset();
	mailbox = new DeltaMailbox('/me').install(s.graph);
	subs = new GraphSubscriptions(s.idp).install(s.graph).watch(mailbox);
	subs.allowLoopbackHttp = true;
	subs.retryDelaysMs = [100, 200, 400];
	n8n = new N8nHarness({ [TRIGGER]: new OutlookTrigger() }, connectedCredential(s));
});
afterEach(async () => {
	await subs.close();
	for (const host of hosts.splice(0)) await host.close();
	expectGraphContractKept(s.graph);
});

async function publish(
	parameters: INodeParameters = receivedPush,
	harness: N8nHarness = n8n,
): Promise<PushHost> {
	const host = await PushHost.start(harness, parameters);
	hosts.push(host);
	const failure = await host.activate();
	if (failure) throw failure;
	return host;
}

const ids = (items: IDataObject[]) => items.map((i) => String(i.id));

/** The most webhook requests open at one moment, among those held longer than `ms`. */
function mostOpenAtOnce(host: PushHost, ms: number): number {
	const held = host.responses
		.filter((r) => r.heldMs! > ms)
		.map((r) => ({ from: r.startedAt!, to: r.startedAt! + r.heldMs! }));
	return Math.max(
		0,
		...held.map(({ from }) => held.filter((r) => r.from <= from && from < r.to).length),
	);
}

function subscriptionCalls(method?: string) {
	return s.graph
		.calls()
		.filter((c) => c.path.startsWith('/subscriptions') && (!method || c.method === method));
}

describe('publishing', () => {
	it('creates one subscription to the webhook URL after Graph validated it; the secret is saved before Graph can use it', async () => {
		const host = await publish();
		const [create] = subscriptionCalls('POST');
		const body = create.body as IDataObject;
		expect(body).toMatchObject({
			changeType: 'created',
			notificationUrl: host.webhookUrl,
			lifecycleNotificationUrl: host.webhookUrl,
			resource: "me/mailFolders('folder-inbox')/messages",
		});
		expect(String(body.clientState)).toMatch(/^[\w-]{43}$/);
		const ahead = (Date.parse(String(body.expirationDateTime)) - Date.now()) / 60_000;
		expect(ahead).toBeGreaterThan(MAX_LIFETIME_MINUTES - 11);
		expect(ahead).toBeLessThan(MAX_LIFETIME_MINUTES);
		// Both URLs answered the handshake: 200, text/plain, the token.
		expect(subs.validations.map((v) => [v.url, v.ok])).toEqual([
			[host.webhookUrl, true],
			[host.webhookUrl, true],
		]);
		expect(subs.active()).toHaveLength(1);
		const saved = (host.saved['node:New Mail'] as IDataObject).outlookTriggerPush as IDataObject;
		expect(saved).toMatchObject({
			clientState: body.clientState,
			subscription: { id: subs.active()[0].id },
		});
	});

	it('a polling trigger registers no webhook: the webhook method is empty unless Delivery is Push', () => {
		const nodeType = new OutlookTrigger();
		const methodFor = (parameters: INodeParameters) => {
			const workflow = new Workflow({
				nodes: [
					{
						id: 'n',
						name: 'T',
						type: TRIGGER,
						typeVersion: 1,
						position: [0, 0],
						parameters,
					},
				],
				connections: {},
				active: true,
				nodeTypes: n8n.nodeTypes,
			});
			return workflow.expression.getSimpleParameterValue(
				workflow.getNode('T')!,
				nodeType.description.webhooks![0].httpMethod,
				'internal',
				{},
				undefined,
				'GET',
			);
		};
		// Every Trigger On option: a webhook exactly for the events push serves (PUSH_EVENTS), and
		// none unless Delivery is Push (a saved workflow without the field polls).
		const events = (
			nodeType.description.properties.find((p) => p.name === 'event')!.options as Array<{
				value: string;
			}>
		).map((o) => o.value);
		expect(events.length).toBeGreaterThan(6);
		for (const event of events) {
			expect({ event, method: methodFor({ event, delivery: 'push' }) }).toEqual({
				event,
				method: PUSH_EVENTS.includes(event as never) ? 'POST' : '',
			});
			expect(methodFor({ event })).toBe('');
			expect(methodFor({ event, delivery: 'poll' })).toBe('');
		}
		expect(PUSH_EVENTS).not.toContain('eventStartingSoon');
	});

	it('when Graph cannot reach n8n, publishing fails with Graph’s message and the fix, and no subscription is left', async () => {
		const host = await PushHost.start(n8n, receivedPush);
		hosts.push(host);
		host.unreachable = true;
		const failure = await host.activate();
		expect(failure?.message).toBe(
			`Microsoft Graph could not reach n8n at ${host.webhookUrl}: 400 InvalidRequest: Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request. Set WEBHOOK_URL to n8n's public HTTPS address, or set Delivery to Polling.`,
		);
		expect((failure as { description?: string }).description).toMatch(
			/WEBHOOK_URL.*https:\/\/.*Delivery to Polling/,
		);
		expect(subs.active()).toEqual([]);
		expect(subs.validations[0]).toMatchObject({ ok: false, status: 404 });
	});

	it('an error that echoes the clientState secret carries it nowhere: message, description, response', async () => {
		const host = await PushHost.start(n8n, receivedPush);
		hosts.push(host);
		let sent = '';
		s.graph.on('POST', '/subscriptions', (request) => {
			sent = String((request.body as IDataObject).clientState);
			return graphError(400, 'InvalidRequest', `clientState '${sent}' is not accepted here`);
		});
		const failure = await host.activate();
		expect(sent).toMatch(/^[\w-]{43}$/);
		expect(failure?.message).toContain('is not accepted here');
		expect(
			JSON.stringify({ ...failure, message: failure?.message, stack: failure?.stack }),
		).not.toContain(sent);
		expect(failure?.message).toContain('[redacted]');
	});

	it('with OAuth2 and a shared mailbox, publishing says push needs App-Only, and Graph is not asked', async () => {
		new DeltaMailbox('/users/shared%40contoso.com').install(s.graph);
		const host = await PushHost.start(n8n, {
			...receivedPush,
			mailbox: 'other',
			mailboxId: 'shared@contoso.com',
		});
		hosts.push(host);
		const failure = await host.activate();
		expect(failure?.message).toBe(
			'Push works for another or a shared mailbox only with the App-Only credential',
		);
		expect((failure as { description?: string }).description).toMatch(
			/application permissions.*App-Only.*Polling/,
		);
		expect(subscriptionCalls()).toEqual([]);
		// n8n 2.41 registered the poller all the same: the trigger keeps polling.
		expect(s.graph.calls().some((c) => c.path.endsWith('/delta'))).toBe(true);
	});

	it('asks again under the lifetime Graph says is its limit, and remembers it', async () => {
		subs.maxLifetimeMinutes = 30;
		const host = await publish();
		const posts = subscriptionCalls('POST');
		expect(posts).toHaveLength(2);
		const minutes =
			(Date.parse(String((posts[1].body as IDataObject).expirationDateTime)) - Date.now()) / 60_000;
		expect(minutes).toBeGreaterThan(26);
		expect(minutes).toBeLessThan(30);
		const saved = (host.saved['node:New Mail'] as IDataObject).outlookTriggerPush as IDataObject;
		expect(saved.maxLifetimeMinutes).toBe(30);
	});
});

describe('notifications wake the delta sync', () => {
	it('a new mail is emitted by its notification’s request, once; the duplicate and the late copy emit nothing', async () => {
		subs.setFaults({ duplicateRate: 1 });
		const host = await publish();
		const id = mailbox.deliver('inbox', { subject: 'Invoice 7' });
		await host.until(() => host.emitted().length === 1, 'the mail');
		await subs.settled();
		expect(host.executions).toEqual([
			{ source: 'webhook', items: [expect.objectContaining({ id, subject: 'Invoice 7' })] },
		]);
		// Both copies were acknowledged with 202.
		expect(subs.deliveries.filter((d) => d.status === 202)).toHaveLength(2);
		expect(await host.poll()).toEqual([]);
	});

	it('100 mails with notifications dropped, duplicated and delayed: each exactly once (the safety-net poll brings what no notification did)', async () => {
		subs.setFaults({ dropRate: 0.3, duplicateRate: 0.3, delayRate: 0.3, delayMs: [50, 400] });
		const host = await publish();
		const delivered: string[] = [];
		for (let burst = 0; burst < 10; burst++) {
			for (let i = 0; i < 10; i++)
				delivered.push(mailbox.deliver('inbox', { subject: `M ${burst}-${i}` }));
			await new Promise((r) => setTimeout(r, 30));
		}
		await subs.settled();
		await host.until(() => host.responses.every((r) => r.status !== 0), 'the requests to finish');
		await host.poll();
		const emitted = ids(host.emitted());
		expect(emitted).toHaveLength(100);
		expect(new Set(emitted)).toEqual(new Set(delivered));
		expect(subs.dropped.length).toBeGreaterThan(10);
		expect(host.executions.some((e) => e.source === 'webhook')).toBe(true);
	});

	it('a burst keeps at most two requests per trigger open (one syncing, one waiting to); the others return once acknowledged', async () => {
		const host = await publish();
		// Each Graph request takes 150 ms: a sync is slow, and notifications pile up behind it.
		s.graph.exchangeLimits({ serviceMs: 150, concurrency: 100 });
		const delivered = Array.from({ length: 30 }, (_, i) =>
			mailbox.deliver('inbox', { subject: `Burst ${i}` }),
		);
		await subs.settled();
		await host.until(() => host.emitted().length === 30, 'the burst');
		await host.until(() => host.responses.every((r) => r.heldMs !== undefined), 'the requests');
		expect(new Set(ids(host.emitted()))).toEqual(new Set(delivered));
		const notifications = host.responses.filter((r) => r.status === 202);
		expect(notifications).toHaveLength(30);
		// n8n keeps an expression isolate per open request: only the syncing and the waiting request
		// stay open long.
		expect(mostOpenAtOnce(host, 140)).toBeLessThanOrEqual(2);
		// A handful of syncs for 30 notifications.
		expect(s.graph.calls().filter((c) => c.path.endsWith('/delta')).length).toBeLessThan(8);
	});

	it('a stream of notifications holds nothing back: the mail a sync found is emitted when that sync ends, and the safety-net poll is not kept waiting', async () => {
		// Only the boss's mail starts the workflow; the newsletters are filtered out.
		const host = await publish({ ...receivedPush, filters: { from: 'boss@contoso.com' } });
		s.graph.exchangeLimits({ serviceMs: 100, concurrency: 100 });
		// A newsletter every 40 ms for 8 s (a busy shared mailbox): notifications come faster than a
		// sync (a Graph round trip of 100 ms).
		let stop = false;
		const flood = (async () => {
			const end = Date.now() + 8_000;
			while (!stop && Date.now() < end) {
				mailbox.deliver('inbox', { subject: 'Newsletter' });
				await new Promise((r) => setTimeout(r, 40));
			}
		})();
		try {
			await new Promise((r) => setTimeout(r, 500));
			const boss = mailbox.deliver('inbox', {
				subject: 'Approve this',
				from: { emailAddress: { name: 'Boss', address: 'boss@contoso.com' } },
			});
			const sentAt = Date.now();
			await host.until(() => ids(host.emitted()).includes(boss), 'the boss’s mail', 12_000);
			expect(Date.now() - sentAt).toBeLessThan(3_000);
			// The poll takes its turn behind at most the running sync and the waiting one.
			const pollAt = Date.now();
			expect(await host.poll()).toEqual([]);
			expect(Date.now() - pollAt).toBeLessThan(2_000);
			expect(stop).toBe(false);
			expect(host.executions).toEqual([
				{ source: 'webhook', items: [expect.objectContaining({ id: boss })] },
			]);
		} finally {
			stop = true;
			await flood;
		}
		await subs.settled();
		await host.until(() => host.responses.every((r) => r.heldMs !== undefined), 'the requests');
		expect(ids(host.emitted())).toHaveLength(1);
	}, 30_000);

	it('a change whose notification came during a sync is emitted when the notifications stop right after that sync returned', async () => {
		const host = await publish({ ...receivedPush, options: { downloadAttachments: true } });
		// The first sync is held while it reads a mail's attachments.
		let release!: () => void;
		const held = new Promise<void>((resolve) => (release = resolve));
		let attachmentReads = 0;
		s.graph.on('GET', '/me/messages/:id/attachments', async () => {
			attachmentReads++;
			await held;
			return { body: { value: [] } };
		});
		const notified = () => host.responses.filter((r) => r.status === 202);
		const first = mailbox.deliver('inbox', { subject: 'With attachment', hasAttachments: true });
		const later: string[] = [];
		try {
			await host.until(() => attachmentReads === 1, 'the first sync to read the attachments');
			// Two more mails while it runs; their notifications are the last ones.
			later.push(mailbox.deliver('inbox', { subject: 'Later 1' }));
			await host.until(() => notified().length === 2, 'the second notification');
			later.push(mailbox.deliver('inbox', { subject: 'Later 2' }));
			await host.until(
				() => notified().length === 3 && notified()[2].heldMs !== undefined,
				'the third notification to return',
			);
			await subs.settled();
		} finally {
			release();
		}
		// No notification follows, and no poll runs: the request that waited syncs them.
		await host.until(() => host.emitted().length === 3, 'the later mails', 5_000);
		expect(host.executions.map((e) => [e.source, ids(e.items)])).toEqual([
			['webhook', [first]],
			['webhook', later],
		]);
		// The second one waited for its turn; the third returned at once.
		expect(notified()[1].heldMs).toBeGreaterThan(notified()[2].heldMs!);
		expect(await host.poll()).toEqual([]);
	});

	it('Max Items per Poll holds for an execution woken by notifications: it carries one sync’s items, and the mail notified during that sync comes with the next', async () => {
		const host = await publish({
			...receivedPush,
			options: { maxItemsPerPoll: 5, downloadAttachments: true },
		});
		// The first sync is held while it reads a mail's attachments.
		let release!: () => void;
		const held = new Promise<void>((resolve) => (release = resolve));
		let attachmentReads = 0;
		s.graph.on('GET', '/me/messages/:id/attachments', async () => {
			if (++attachmentReads === 1) await held;
			return { body: { value: [] } };
		});
		const first = [1, 2, 3].map((i) =>
			mailbox.deliver('inbox', { subject: `First ${i}`, hasAttachments: true }),
		);
		const then: string[] = [];
		try {
			await host.until(() => attachmentReads > 0, 'the first sync to read the attachments');
			// Four more while it runs: with the first three, more than the cap.
			for (let i = 1; i <= 4; i++) then.push(mailbox.deliver('inbox', { subject: `Then ${i}` }));
			await subs.settled();
		} finally {
			release();
		}
		await host.until(() => host.emitted().length === 7, 'the mails');
		expect(host.executions.map((e) => [e.source, ids(e.items)])).toEqual([
			['webhook', first],
			['webhook', then],
		]);
		expect(await host.poll()).toEqual([]);
	});

	it('mail arriving every 40 ms with Max Items per Poll 5: no execution carries more than 5, and each mail comes once', async () => {
		const host = await publish({ ...receivedPush, options: { maxItemsPerPoll: 5 } });
		// A sync takes a Graph round trip of 100 ms: it finds two to four mails, and notifications keep
		// coming while it runs.
		s.graph.exchangeLimits({ serviceMs: 100, concurrency: 100 });
		const delivered: string[] = [];
		const end = Date.now() + 3_000;
		while (Date.now() < end) {
			delivered.push(mailbox.deliver('inbox', { subject: `M ${delivered.length}` }));
			await new Promise((r) => setTimeout(r, 40));
		}
		await subs.settled();
		await host.until(() => host.responses.every((r) => r.heldMs !== undefined), 'the requests');
		const sizes = host.executions.map((e) => e.items.length);
		expect(Math.max(...sizes)).toBeLessThanOrEqual(5);
		// The notifications brought every mail: the safety-net poll finds nothing left.
		expect(await host.poll()).toEqual([]);
		expect(ids(host.emitted()).sort()).toEqual([...delivered].sort());
	}, 20_000);

	it('a notification without this trigger’s clientState is refused (403) and runs nothing', async () => {
		const host = await publish();
		const response = await fetch(host.webhookUrl, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({
				value: [
					{ subscriptionId: subs.active()[0].id, clientState: 'guess', changeType: 'created' },
				],
			}),
		});
		expect(response.status).toBe(403);
		mailbox.deliver('inbox', { subject: 'Real' });
		await host.until(() => host.emitted().length === 1, 'the real mail');
		expect(s.graph.calls().filter((c) => c.path.endsWith('/delta'))).toHaveLength(2);
	});

	it('a notification that reaches a process without the trigger is acknowledged; the next poll emits the change', async () => {
		const host = await publish();
		forgetOwner(ownerKey('wf-push', { id: 'node-under-test', name: 'New Mail' } as never));
		const id = mailbox.deliver('inbox', { subject: 'Elsewhere' });
		await subs.settled();
		expect(subs.deliveries.at(-1)?.status).toBe(202);
		expect(host.emitted()).toEqual([]);
		expect(host.warnings.join('\n')).toMatch(/where this workflow’s trigger is not running/);
		expect(ids(await host.poll())).toEqual([id]);
	});
});

function pushState(data: IDataObject): IDataObject & { subscription: IDataObject } {
	return data.outlookTriggerPush as IDataObject & { subscription: IDataObject };
}

describe('the subscription’s lifecycle', () => {
	it('a poll renews it half-way through its life and times the next renewal from what Graph answers', async () => {
		const host = await publish();
		const [created] = subs.active();
		expect(await host.poll()).toEqual([]);
		expect(subscriptionCalls('PATCH')).toEqual([]);
		// Half of its life has passed.
		pushState(host.live).subscription.expiresAt = new Date(Date.now() + 60_000).toISOString();
		pushState(host.live).subscription.lifetimeMinutes = 10;
		await host.poll();
		const [renewal] = subscriptionCalls('PATCH');
		expect(renewal.path).toBe(`/subscriptions/${created.id}`);
		const graphExpiry = subs.active()[0].expiresAt;
		expect(graphExpiry / 60_000 - Date.now() / 60_000).toBeGreaterThan(MAX_LIFETIME_MINUTES - 11);
		expect(Date.parse(String(pushState(host.live).subscription.expiresAt))).toBe(graphExpiry);
		expect(subs.events.map((e) => e.type)).toEqual(['created', 'renewed']);
	});

	it('a poll whose record says the subscription expired asks Graph first: one Graph still has is kept, found by its ID or by its URL and secret', async () => {
		const host = await publish();
		const [sub] = subs.active();
		await host.poll();
		const newSubscriptions = () =>
			subscriptionCalls('POST').filter((c) => c.path === '/subscriptions');
		// The poll's copy is older than Graph's: a renewal whose static data n8n never saved (a
		// poll saves it only with items), or one the webhook methods made on their own copy.
		pushState(host.live).subscription.expiresAt = new Date(Date.now() - 1000).toISOString();
		await host.poll();
		expect(subs.active().map((active) => active.id)).toEqual([sub.id]);
		expect(newSubscriptions()).toHaveLength(1);
		expect(Date.parse(String(pushState(host.live).subscription.expiresAt))).toBe(
			subs.active()[0].expiresAt,
		);
		// An older ID as well: Graph's own list of the app's subscriptions finds this trigger's.
		pushState(host.live).subscription.id = '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9';
		pushState(host.live).subscription.expiresAt = new Date(Date.now() - 1000).toISOString();
		await host.poll();
		expect(subs.active().map((active) => active.id)).toEqual([sub.id]);
		expect(newSubscriptions()).toHaveLength(1);
		expect(pushState(host.live).subscription.id).toBe(sub.id);
		// Notifications still reach the trigger.
		const id = mailbox.deliver('inbox', { subject: 'Still pushed' });
		await host.until(() => host.emitted().length === 1, 'the mail');
		expect(ids(host.emitted())).toEqual([id]);
	});

	it('Graph’s list of the app’s subscriptions is read to its last page: this trigger’s is found there and kept, and unpublishing deletes what posts to its URL there', async () => {
		const host = await publish();
		const [sub] = subs.active();
		await host.poll();
		const newSubscriptions = () =>
			subscriptionCalls('POST').filter((c) => c.path === '/subscriptions');
		// Another trigger of the same app and user, listed first; Graph pages the list (one a page here).
		const other = { ...sub, id: '1a2b3c4d-5e6f-4071-8293-a4b5c6d7e8f9' };
		other.notificationUrl = 'https://n8n.example.com/webhook/another/notifications';
		other.clientState = 'another-trigger-secret';
		subs.subscriptions.delete(sub.id);
		subs.subscriptions.set(other.id, other);
		subs.subscriptions.set(sub.id, sub);
		subs.listPageSize = 1;
		// The poll's record holds an older ID and expiry: Graph's list finds this trigger's.
		pushState(host.live).subscription.id = '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9';
		pushState(host.live).subscription.expiresAt = new Date(Date.now() - 1000).toISOString();
		await host.poll();
		expect(newSubscriptions()).toHaveLength(1);
		expect(pushState(host.live).subscription.id).toBe(sub.id);
		expect(subs.active().map((active) => active.id)).toEqual([other.id, sub.id]);

		// One of this trigger's that n8n lost track of, posting to its URL, listed last.
		const lost = { ...sub, id: '2b3c4d5e-6f70-4182-93a4-b5c6d7e8f9a0' };
		subs.subscriptions.set(lost.id, lost);
		await host.deactivate();
		expect(subs.active().map((active) => active.id)).toEqual([other.id]);
	});

	it('a renewal answered 404 recreates it with the same secret and URL, and the same poll catches up', async () => {
		subs.setFaults({ dropRate: 1 });
		const host = await publish();
		const [old] = subs.active();
		subs.subscriptions.delete(old.id); // gone without a word
		const id = mailbox.deliver('inbox', { subject: 'While it was gone' });
		pushState(host.live).subscription.expiresAt = new Date(Date.now() + 1000).toISOString();
		expect(ids(await host.poll())).toEqual([id]);
		const [now] = subs.active();
		expect(now.id).not.toBe(old.id);
		expect(now).toMatchObject({
			clientState: old.clientState,
			notificationUrl: old.notificationUrl,
		});
		expect(pushState(host.live).subscription.id).toBe(now.id);
	});

	it('subscriptionRemoved: recreated at once, and what changed meanwhile is caught up', async () => {
		subs.setFaults({ dropRate: 1 });
		const host = await publish();
		const [old] = subs.active();
		const id = mailbox.deliver('inbox', { subject: 'Before the removal' });
		subs.setFaults({});
		subs.removeSubscription(old.id);
		await host.until(() => host.emitted().length === 1, 'the catch-up');
		expect(host.executions).toEqual([
			{ source: 'webhook', items: [expect.objectContaining({ id })] },
		]);
		expect(subs.active()).toHaveLength(1);
		expect(subs.active()[0].id).not.toBe(old.id);
		// The new subscription works.
		const next = mailbox.deliver('inbox', { subject: 'After' });
		await host.until(() => host.emitted().length === 2, 'the next mail');
		expect(ids(host.emitted())).toEqual([id, next]);
	});

	it('missed: the changes Graph could not deliver are caught up at once', async () => {
		const host = await publish();
		subs.setFaults({ dropRate: 1, missedOnDrop: true });
		const id = mailbox.deliver('inbox', { subject: 'Dropped' });
		await host.until(() => host.emitted().length === 1, 'the catch-up');
		expect(ids(host.emitted())).toEqual([id]);
		expect(subs.deliveries.map((d) => d.notifications[0].lifecycleEvent)).toContain('missed');
	});

	it('reauthorizationRequired is answered with /reauthorize, and notifications keep coming', async () => {
		subs.reauthorizationGraceMs = 0;
		const host = await publish();
		const [sub] = subs.active();
		subs.requireReauthorization(sub.id);
		await host.until(
			() => subs.events.some((e) => e.type === 'reauthorized'),
			'the reauthorization',
		);
		expect(subscriptionCalls('POST').map((c) => c.path)).toContain(
			`/subscriptions/${sub.id}/reauthorize`,
		);
		const id = mailbox.deliver('inbox', { subject: 'After reauthorization' });
		await host.until(() => host.emitted().length === 1, 'the mail');
		expect(ids(host.emitted())).toEqual([id]);
	});

	it('n8n restarted: the subscription is found and reused; mail that came while it was down arrives once', async () => {
		const host = await publish();
		const early = mailbox.deliver('inbox', { subject: 'Before' });
		await host.until(() => host.emitted().length === 1, 'the first mail');
		let during = '';
		const failure = await host.restart(async () => {
			during = mailbox.deliver('inbox', { subject: 'While n8n was down' });
			await host.until(() => subs.deliveries.some((d) => d.status === 404), 'a failed delivery');
		});
		expect(failure).toBeUndefined();
		await subs.settled();
		await host.until(() => host.responses.every((r) => r.status !== 0), 'the requests to finish');
		expect(ids(host.emitted())).toEqual([early, during]);
		expect(subscriptionCalls('POST')).toHaveLength(1);
		// Publishing listed the app's subscriptions; starting again read this one, then the list.
		expect(subscriptionCalls('GET').map((c) => c.path)).toEqual([
			'/subscriptions',
			`/subscriptions/${subs.active()[0].id}`,
			'/subscriptions',
		]);
		// Graph's resends of the failed delivery came through after the restart, and emitted nothing more.
		expect(subs.deliveries.filter((d) => d.status === 202).length).toBeGreaterThanOrEqual(2);
	});

	it('n8n restarted after Graph dropped the subscription: it is replaced', async () => {
		const host = await publish();
		const [old] = subs.active();
		await host.restart(async () => {
			subs.subscriptions.delete(old.id);
		});
		expect(subs.active()).toHaveLength(1);
		expect(subs.active()[0].id).not.toBe(old.id);
		expect(pushState(host.saved['node:New Mail'] as IDataObject).subscription.id).toBe(
			subs.active()[0].id,
		);
	});

	it.each([{ pollFirst: false }, { pollFirst: true }])(
		'n8n restarted after the subscription expired (first poll %j): one new subscription, made by the webhook methods, and the webhook syncs at once',
		async ({ pollFirst }) => {
			const host = await publish();
			const [old] = subs.active();
			await host.restart(
				async () => {
					// Expired while n8n was down: Graph deleted it.
					subs.subscriptions.delete(old.id);
					const saved = pushState(host.saved['node:New Mail'] as IDataObject);
					saved.subscription.expiresAt = new Date(Date.now() - 1000).toISOString();
				},
				{ pollFirst },
			);
			expect(subs.active()).toHaveLength(1);
			expect(subscriptionCalls('POST').filter((c) => c.path === '/subscriptions')).toHaveLength(2);
			const id = mailbox.deliver('inbox', { subject: 'Right after the restart' });
			await host.until(() => host.emitted().length === 1, 'the mail');
			expect(host.executions).toEqual([
				{ source: 'webhook', items: [expect.objectContaining({ id })] },
			]);
		},
	);

	it('unpublishing deletes the subscription', async () => {
		const host = await publish();
		const [sub] = subs.active();
		await host.deactivate();
		expect(subscriptionCalls('DELETE').map((c) => c.path)).toEqual([`/subscriptions/${sub.id}`]);
		expect(subs.active()).toEqual([]);
		expect(pushState(host.saved['node:New Mail'] as IDataObject).subscription).toBeUndefined();
	});

	it('what the webhook emitted is saved with its request: after a restart nothing comes again', async () => {
		const host = await publish();
		const delivered = [0, 1, 2].map((i) => mailbox.deliver('inbox', { subject: `Saved ${i}` }));
		await host.until(() => host.emitted().length === 3, 'the mails');
		await subs.settled();
		await host.restart();
		expect(await host.poll()).toEqual([]);
		expect(ids(host.emitted()).sort()).toEqual([...delivered].sort());
	});

	it('a sync woken by a notification that spans a new publication: its mail once, and the new activation goes on after it', async () => {
		const host = await publish({ ...receivedPush, options: { downloadAttachments: true } });
		// Reading a mail's attachments takes a while (a large attachment).
		let attachmentReads = 0;
		s.graph.on('GET', '/me/messages/:id/attachments', async () => {
			attachmentReads++;
			await new Promise((r) => setTimeout(r, 1500));
			return { body: { value: [] } };
		});
		const id = mailbox.deliver('inbox', { subject: 'Big attachment', hasAttachments: true });
		await host.until(() => attachmentReads === 1, 'the webhook sync to read the attachments');
		// The user publishes a changed trigger meanwhile: n8n removes it and adds it again, with a
		// Workflow built from the static data saved before that sync ends.
		await host.deactivate();
		expect(await host.activate()).toBeUndefined();
		await host.until(
			() => host.responses.every((r) => r.status !== 0 && r.heldMs !== undefined),
			'the requests to finish',
			20_000,
		);
		await subs.settled();
		expect(await host.poll()).toEqual([]);
		expect(host.executions.map((e) => [e.source, ids(e.items)])).toEqual([['webhook', [id]]]);
		await host.restart();
		expect(await host.poll()).toEqual([]);
	}, 30_000);
});

describe('a poll that spans a new publication', () => {
	it('n8n discards the old activation’s poll: its mail is emitted once, by the new activation', async () => {
		// No notification arrives: only the polls sync.
		subs.setFaults({ dropRate: 1 });
		const host = await publish({ ...receivedPush, options: { downloadAttachments: true } });
		// Reading a mail's attachments takes a while (a large attachment).
		let attachmentReads = 0;
		s.graph.on('GET', '/me/messages/:id/attachments', async () => {
			attachmentReads++;
			await new Promise((r) => setTimeout(r, 1500));
			return { body: { value: [] } };
		});
		const id = mailbox.deliver('inbox', { subject: 'Big attachment', hasAttachments: true });
		const polling = host.poll();
		await host.until(() => attachmentReads === 1, 'the poll’s sync to read the attachments');
		// The user publishes a changed trigger meanwhile: n8n removes it and adds it again; the old
		// poll's result comes back to a superseded workflow, and n8n discards it.
		await host.deactivate();
		expect(await host.activate()).toBeUndefined();
		expect(await polling).toEqual([]);
		expect(await host.poll()).toEqual([]);
		expect(host.executions.map((e) => [e.source, ids(e.items)])).toEqual([['activation', [id]]]);
		await host.restart();
		expect(await host.poll()).toEqual([]);
		expect(host.executions).toHaveLength(1);
	}, 30_000);
});

describe('Listen for test event (the editor)', () => {
	it('subscribes the test URL for an hour; the first change shows the newest mail and moves no cursor; stopping deletes it and leaves the published trigger as it was', async () => {
		const host = await publish();
		const published = subs.active()[0];
		const first = mailbox.deliver('inbox', { subject: 'Before listening' });
		await host.until(() => host.emitted().length === 1, 'the published trigger’s mail');
		const savedBefore = JSON.stringify(host.saved);

		await host.listenForTestEvent();
		const test = subs.active().find((sub) => sub.id !== published.id)!;
		expect(test.notificationUrl).toBe(host.testWebhookUrl);
		const minutes = (test.expiresAt - Date.now()) / 60_000;
		expect(minutes).toBeGreaterThan(50);
		expect(minutes).toBeLessThanOrEqual(60);

		const second = mailbox.deliver('inbox', { subject: 'While listening' });
		await host.until(() => host.testExecutions.length === 1, 'the test event');
		expect(host.testExecutions[0].map((i) => i.subject)).toEqual([
			'While listening',
			'Before listening',
		]);
		await host.until(() => subs.active().length === 1, 'the test subscription to go');
		expect(subs.active()[0].id).toBe(published.id);
		// The published trigger emitted the new mail once, from its own cursor.
		await host.until(() => host.emitted().length === 2, 'the published trigger’s second mail');
		expect(ids(host.emitted())).toEqual([first, second]);
		expect(savedBefore).not.toBe(JSON.stringify(host.saved));
		expect(await host.poll()).toEqual([]);
	});
});

describe('other events, and shared mailboxes', () => {
	it('Event Updated: 20 changes, each once, woken by event notifications', async () => {
		const start = DateTime.now().plus({ days: 3 }).startOf('hour');
		const events = Array.from({ length: 20 }, (_, i) =>
			mailbox.addInstance({
				subject: `Meeting ${i}`,
				start: start.plus({ hours: i }),
				end: start.plus({ hours: i, minutes: 30 }),
			}),
		);
		subs.setFaults({ duplicateRate: 0.5, delayRate: 0.3, delayMs: [20, 200] });
		const host = await publish({ event: 'eventUpdated', delivery: 'push', windowDays: 30 });
		expect(subscriptionCalls('POST')[0].body).toMatchObject({
			resource: 'me/events',
			changeType: 'created,updated,deleted',
		});
		for (const id of events) mailbox.updateInstance(id, { subject: 'Moved' });
		await host.until(() => host.emitted().length >= 20, 'the updates');
		await subs.settled();
		await host.until(() => host.responses.every((r) => r.status !== 0), 'the requests to finish');
		expect(ids(host.emitted()).sort()).toEqual([...events].sort());
		expect(await host.poll()).toEqual([]);
		expect(host.executions.every((e) => e.source === 'webhook')).toBe(true);
	});

	it('Message Flagged: a flag set on a message wakes the sync at once; flagged once, emitted once', async () => {
		const id = mailbox.deliver('inbox', { subject: 'To follow up' });
		const host = await publish({ ...receivedPush, event: 'messageFlagged' });
		expect(subscriptionCalls('POST')[0].body).toMatchObject({
			resource: "me/mailFolders('folder-inbox')/messages",
			changeType: 'created,updated',
		});
		mailbox.updateMessage(id, { flag: { flagStatus: 'flagged' } });
		await host.until(() => host.emitted().length === 1, 'the flagged message');
		mailbox.updateMessage(id, { isRead: true });
		await subs.settled();
		await host.until(() => host.responses.every((r) => r.status !== 0), 'the requests to finish');
		expect(host.executions).toEqual([
			{ source: 'webhook', items: [expect.objectContaining({ id })] },
		]);
		expect(await host.poll()).toEqual([]);
	});

	it('App-Only: a shared mailbox’s folder, with the app’s token; with OAuth2 Graph itself refuses it', async () => {
		const secret = newSecret();
		clearAppOnlyClients();
		s.idp.registerApp({
			clientId: APP_ID,
			secrets: [secret],
			roles: { graph: ['Mail.Read'], imap: [] },
		});
		const shared = new DeltaMailbox(`/users/${encodeURIComponent(SHARED)}`).install(s.graph);
		subs.watch(shared);
		const app = new AppOnlyHarness(
			{ [TRIGGER]: new OutlookTrigger() },
			appOnlyFields(s, { secret }),
		);
		const host = await publish(
			{ ...receivedPush, authentication: 'appOnly', mailboxId: SHARED },
			app,
		);
		expect(subscriptionCalls('POST')[0].body).toMatchObject({
			resource: `users/${SHARED}/mailFolders('folder-inbox')/messages`,
		});
		expect(
			s.graph.requests.find((r) => r.path === '/subscriptions' && r.method === 'POST')?.app,
		).toEqual({
			appId: APP_ID,
			roles: ['Mail.Read'],
		});
		const id = shared.deliver('inbox', { subject: 'To the team' });
		await host.until(() => host.emitted().length === 1, 'the shared mail');
		expect(ids(host.emitted())).toEqual([id]);

		// The stand-in's rule the node's own check anticipates: delegated tokens, own mailbox only.
		const token = /^Bearer (.+)$/.exec(
			s.graph.requests.find((r) => !r.app)?.headers.authorization ?? '',
		);
		expect(token).toBeNull(); // every request above was the app's
		const refused = await fetch(`${s.graph.url}/v1.0/subscriptions`, {
			method: 'POST',
			headers: {
				authorization: `Bearer ${s.idp.oauthTokenData('https://graph.microsoft.com/Mail.Read').access_token}`,
				'content-type': 'application/json',
			},
			body: JSON.stringify({
				changeType: 'created',
				notificationUrl: host.webhookUrl,
				resource: `users/${SHARED}/messages`,
				expirationDateTime: new Date(Date.now() + 3_600_000).toISOString(),
			}),
		});
		expect(refused.status).toBe(403);
	});
});
