/** At most 4 requests in flight per mailbox (Exchange's limit); other mailboxes keep going. */
import * as concurrency from '../../../nodes/shared/graph/concurrency';
import {
	MAILBOX_CONCURRENCY_LIMIT,
	mailboxOfUrl,
	mapConcurrent,
	withMailboxSlot,
} from '../../../nodes/shared/graph/concurrency';
import {
	connectedCredential,
	expectGraphContractKept,
	startStandIns,
	type StandIns,
} from '../../support/fixtures';
import { N8nHarness } from '../../support/n8n-harness';
import { GraphProbe, PROBE_NODE_TYPE } from '../../support/probe-node';

const until = async (condition: () => boolean, what: string, ms = 5000) => {
	const deadline = Date.now() + ms;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 5));
	}
};

describe('mailbox concurrency (unit)', () => {
	it('names the mailbox of a Graph URL', () => {
		expect(mailboxOfUrl('https://graph.microsoft.com/v1.0/me/messages?$top=1')).toBe('me');
		expect(mailboxOfUrl('https://graph.microsoft.com/v1.0/users/Bob%40Contoso.com/events')).toBe(
			'users/bob@contoso.com',
		);
		expect(mailboxOfUrl('https://graph.microsoft.com/v1.0/$batch')).toBe('other');
		// $batch sub-request URLs are relative to the version root.
		expect(mailboxOfUrl('/me/messages/AAA=/move')).toBe('me');
		expect(mailboxOfUrl('/users/Bob%40Contoso.com/messages')).toBe('users/bob@contoso.com');
		expect(mailboxOfUrl('/meetings')).toBe('other');
	});

	it('holds a fifth task until a slot frees', async () => {
		let active = 0;
		let peak = 0;
		const gates: Array<() => void> = [];
		const task = async () => {
			active++;
			peak = Math.max(peak, active);
			await new Promise<void>((resolve) => gates.push(resolve));
			active--;
		};
		const all = Promise.all(
			Array.from({ length: 6 }, async () => await withMailboxSlot('unit:me', task)),
		);
		await until(() => gates.length === 4, '4 tasks');
		await new Promise((resolve) => setTimeout(resolve, 20));
		expect(active).toBe(MAILBOX_CONCURRENCY_LIMIT);
		gates.shift()!();
		await until(() => gates.length === 4, 'the fifth task');
		expect(active).toBe(MAILBOX_CONCURRENCY_LIMIT);
		const drain = setInterval(() => gates.splice(0).forEach((open) => open()), 1);
		await all;
		clearInterval(drain);
		expect(peak).toBe(4);
	});
});

/**
 * One timer wakes every task waiting for the next beat in the same microtask drain, so releases
 * and fresh acquires interleave as they do in a burst of Graph calls (each resumes after a random
 * number of microtask hops).
 */
function metronome() {
	let wake!: () => void;
	let beat = new Promise<void>((resolve) => (wake = resolve));
	const timer = setInterval(() => {
		const current = wake;
		beat = new Promise<void>((resolve) => (wake = resolve));
		current();
	}, 1);
	return {
		async beats(count: number) {
			for (let n = 0; n < count; n++) {
				await beat;
				for (let hop = Math.floor(Math.random() * 4); hop > 0; hop--) await Promise.resolve();
			}
		},
		stop: () => clearInterval(timer),
	};
}

describe('mapConcurrent', () => {
	const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

	it("runs at most `limit` at once and returns the results in the items' order", async () => {
		let running = 0;
		let peak = 0;
		const out = await mapConcurrent([50, 10, 30, 5, 20, 1, 15], 3, async (ms, index) => {
			running++;
			peak = Math.max(peak, running);
			await sleep(ms);
			running--;
			return `${index}:${ms}`;
		});
		expect(out).toEqual(['0:50', '1:10', '2:30', '3:5', '4:20', '5:1', '6:15']);
		expect(peak).toBe(3);
		expect(await mapConcurrent([], 4, async () => 1)).toEqual([]);
	});

	it('starts nothing after a failure and throws the first error once the running ones ended', async () => {
		const started: number[] = [];
		const ended: number[] = [];
		const run = mapConcurrent([0, 1, 2, 3, 4, 5], 2, async (item) => {
			started.push(item);
			if (item === 1) throw new Error('calendar 1 refused');
			await sleep(30);
			ended.push(item);
			return item;
		});
		await expect(run).rejects.toThrow('calendar 1 refused');
		expect(started).toEqual([0, 1]);
		expect(ended).toEqual([0]);
	});
});

describe('mailbox concurrency (stress)', () => {
	it('50 tasks with random delays on a limit of 4: never more than 4 active, and the key is dropped when idle', async () => {
		const clock = metronome();
		let active = 0;
		let peak = 0;
		try {
			for (let round = 0; round < 5; round++) {
				await Promise.all(
					Array.from({ length: 50 }, async () => {
						await clock.beats(Math.floor(Math.random() * 3));
						await withMailboxSlot('stress:me', async () => {
							active++;
							peak = Math.max(peak, active);
							await clock.beats(1 + Math.floor(Math.random() * 2));
							active--;
						});
					}),
				);
			}
		} finally {
			clock.stop();
		}
		expect(peak).toBe(MAILBOX_CONCURRENCY_LIMIT);
		expect(concurrency.trackedMailboxCount()).toBe(0);
	});
});

describe('mailbox concurrency through n8n-core', () => {
	let s: StandIns;

	beforeAll(async () => (s = await startStandIns()));
	afterAll(async () => await s.close());
	beforeEach(() => s.graph.reset());
	afterEach(() => expectGraphContractKept(s.graph));

	it('no more than 4 requests to one mailbox are in flight, while another mailbox is served', async () => {
		const inFlight = { me: 0, bob: 0 };
		const peak = { me: 0, bob: 0 };
		const finished = { me: 0, bob: 0 };
		let releaseMe!: () => void;
		const meGate = new Promise<void>((resolve) => (releaseMe = resolve));
		const slow =
			(who: 'me' | 'bob', gate: () => Promise<void>) =>
			async (_request: unknown, params: Record<string, string>) => {
				inFlight[who]++;
				peak[who] = Math.max(peak[who], inFlight[who]);
				await gate();
				await new Promise((resolve) => setTimeout(resolve, 15));
				inFlight[who]--;
				finished[who]++;
				return { body: { id: params.id } };
			};
		s.graph.on(
			'GET',
			'/me/messages/:id',
			slow('me', async () => await meGate),
		);
		s.graph.on(
			'GET',
			'/users/:user/messages/:id',
			// Bob's requests wait for company (4 in flight, or the last ones), so a busy machine
			// cannot serialise them by chance and hide a limit that is too low.
			slow('bob', async () => {
				await until(() => inFlight.bob === 4 || finished.bob + inFlight.bob === 10, 'Bob busy');
			}),
		);

		const n8n = new N8nHarness({ [PROBE_NODE_TYPE]: new GraphProbe() }, connectedCredential(s));
		const run = n8n.execute(PROBE_NODE_TYPE, {
			parameters: { mode: 'parallel', path: "={{ $json.mailbox + '/messages/' + $json.id }}" },
			items: [
				...Array.from({ length: 10 }, (_, i) => ({ json: { mailbox: '/me', id: `me${i}` } })),
				...Array.from({ length: 10 }, (_, i) => ({
					json: { mailbox: '/users/bob%40example.test', id: `bob${i}` },
				})),
			],
		});
		// /me is stuck at its limit while every request to Bob's mailbox completes.
		await until(() => finished.bob === 10, "Bob's requests");
		expect(inFlight.me).toBe(4);
		expect(s.graph.calls().filter((call) => call.path.startsWith('/me/'))).toHaveLength(4);
		releaseMe();
		const [out] = await run;
		expect(out).toHaveLength(20);
		expect(out.map((item) => item.json.id)).toEqual([
			...Array.from({ length: 10 }, (_, i) => `me${i}`),
			...Array.from({ length: 10 }, (_, i) => `bob${i}`),
		]);
		expect(peak.me).toBe(4);
		expect(peak.bob).toBe(4);
		expect(finished.me).toBe(10);
	});

	it("a $batch holds its mailbox's slots: with parallel requests beside it, Exchange never sees more than 4 in flight (no 429)", async () => {
		s.graph.exchangeLimits({ serviceMs: 15 });
		s.graph.on('GET', '/me/messages/:id', (_request, params) => ({ body: { id: params.id } }));
		const n8n = new N8nHarness({ [PROBE_NODE_TYPE]: new GraphProbe() }, connectedCredential(s));
		const path = "={{ '/me/messages/' + $json.id }}";
		const items = (prefix: string, count: number) =>
			Array.from({ length: count }, (_, i) => ({ json: { id: `${prefix}${i}` } }));
		const [batched, parallel] = await Promise.all([
			n8n.execute(PROBE_NODE_TYPE, { parameters: { mode: 'batch', path }, items: items('b', 40) }),
			n8n.execute(PROBE_NODE_TYPE, {
				parameters: { mode: 'parallel', path },
				items: items('p', 12),
			}),
		]);
		expect(s.graph.limitStats.throttled).toBe(0);
		expect(s.graph.limitStats.peakInFlight.me).toBe(4);
		expect(batched[0].map((item) => item.json.status)).toEqual(new Array(40).fill(200));
		expect(parallel[0]).toHaveLength(12);
	});
});
