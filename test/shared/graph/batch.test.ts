/**
 * graphBatch through n8n-core: up to 20 in one envelope; more in `dependsOn` chains, 4 envelopes
 * at once; per-request throttling and failures, input order.
 */
import * as retry from '../../../nodes/shared/graph/retry';
import { GRAPH_BATCH_LIMIT } from '../../../nodes/shared/graph/batch';
import { FAST_COSTS, mostAtOnce } from '../../support/graph-costs';
import {
	connectedCredential,
	expectGraphContractKept,
	startStandIns,
	type StandIns,
} from '../../support/fixtures';
import { graphError } from '../../support/graph-standin';
import { N8nHarness } from '../../support/n8n-harness';
import { GraphProbe, PROBE_NODE_TYPE } from '../../support/probe-node';

describe('$batch through n8n-core', () => {
	let s: StandIns;
	let n8n: N8nHarness;
	let waits: number[];

	beforeAll(async () => (s = await startStandIns()));
	afterAll(async () => await s.close());
	beforeEach(() => {
		s.graph.reset();
		waits = [];
		// The top of the jitter range: each wait is the full backoff.
		jest.spyOn(retry.retryClock, 'random').mockReturnValue(1);
		jest
			.spyOn(retry.retryClock, 'sleep')
			.mockImplementation(async (ms: number) => void waits.push(ms));
		s.graph.on('GET', '/me/messages/:id', (_request, params) =>
			params.id === 'missing'
				? graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.')
				: { body: { id: params.id } },
		);
		n8n = new N8nHarness({ [PROBE_NODE_TYPE]: new GraphProbe() }, connectedCredential(s));
	});
	afterEach(() => {
		jest.restoreAllMocks();
		expectGraphContractKept(s.graph);
	});

	type Sub = { id: string; method: string; url: string; dependsOn?: string[] };
	const envelopes = () =>
		s.graph.requests
			.filter((r) => r.method === 'POST' && r.path === '/$batch')
			.map((r) => (r.body as { requests: Sub[] }).requests);
	/** Each sub-request depends on the one before it: Graph runs the envelope one at a time. */
	const isChain = (requests: Sub[]) =>
		requests.every((r, k) =>
			k === 0 ? r.dependsOn === undefined : r.dependsOn?.join() === requests[k - 1].id,
		);

	const runBatch = async (ids: string[]) =>
		(
			await n8n.execute(PROBE_NODE_TYPE, {
				parameters: { mode: 'batch', method: 'GET', path: "={{ '/me/messages/' + $json.id }}" },
				items: ids.map((id) => ({ json: { id } })),
			})
		)[0];

	it('sends 20 requests in one envelope that Graph runs 4 at a time', async () => {
		const ids = Array.from({ length: 20 }, (_, i) => `m${i}`);
		await runBatch(ids);
		expect(GRAPH_BATCH_LIMIT).toBe(20);
		expect(envelopes()).toHaveLength(1);
		expect(envelopes()[0].some((r) => r.dependsOn)).toBe(false);
	});

	it('sends 45 requests as 4 envelopes of one dependsOn chain each, 4 at once, and returns the results in input order', async () => {
		const costs = s.graph.costModel(FAST_COSTS);
		// No sub-request is answered before 4 envelopes are in (or 5 s have passed): sent one after
		// the other, the first would be answered with only itself in.
		let arrived = 0;
		let allIn = () => {};
		const fourIn = new Promise<void>((resolve) => (allIn = resolve));
		s.graph.failEnvelope(() => {
			if (++arrived === 4) allIn();
			return undefined;
		});
		const inWhenAnswered: number[] = [];
		s.graph.on('GET', '/me/messages/:id', async (_request, params) => {
			await Promise.race([fourIn, new Promise((resolve) => setTimeout(resolve, 5000))]);
			inWhenAnswered.push(arrived);
			return { body: { id: params.id } };
		});
		const ids = Array.from({ length: 45 }, (_, i) => `m${i}`);
		const out = await runBatch(ids);
		expect(Math.min(...inWhenAnswered)).toBe(4);
		// 4 × ⌈45 / 80⌉ envelopes sharing the requests evenly, each a chain in input order.
		const sent = envelopes().sort((a, b) => Number(a[0].id) - Number(b[0].id));
		expect(sent.map((requests) => requests.length)).toEqual([12, 11, 11, 11]);
		for (const requests of sent) expect(isChain(requests)).toBe(true);
		expect(sent.flat().map((r) => r.url)).toEqual(ids.map((id) => `/me/messages/${id}`));
		// Each holds one of the mailbox's 4 slots: never more than 4 sub-requests on it.
		expect(mostAtOnce(costs.stats.trace.filter((entry) => entry.batch))).toBeLessThanOrEqual(4);
		expect(costs.stats.peakOnServer.me).toBeLessThanOrEqual(4);
		expect(costs.stats.laneWaits).toBe(0);
		expect(out.map((item) => item.json)).toEqual(
			ids.map((id) => ({ status: 200, body: { id }, error: null })),
		);
		expect(out.map((item) => item.pairedItem)).toEqual(ids.map((_, i) => ({ item: i })));
		expect(s.graph.calls().every((call) => call.inBatch)).toBe(true);
		// Headers are per sub-request in JSON batching: each asks for immutable IDs itself.
		expect(s.graph.requests.filter((r) => r.inBatch).map((r) => r.headers.prefer)).toEqual(
			ids.map(() => 'IdType="ImmutableId"'),
		);
		expect(waits).toEqual([]);
	});

	it('retries a throttled sub-request alone after its Retry-After; a 404 fails only its own item; the rest of a cut chain goes again at once', async () => {
		const ids = Array.from({ length: 25 }, (_, i) => (i === 11 ? 'missing' : `m${i}`));
		s.graph.throttle('GET', '/me/messages/m7', 1, { retryAfter: '3' });
		const out = await runBatch(ids);

		// Chains 0–6, 7–12, 13–18, 19–24. m7's 429 and m11's 404 each cut the chain 7–12: Graph
		// answers the rest 424 without running them, and they go again in new chains.
		const sent = envelopes();
		for (const requests of sent) expect(isChain(requests)).toBe(true);
		const urls = (requests: Sub[]) => requests.map((r) => r.url.split('/').pop());
		expect(sent.map(urls)).toEqual(
			expect.arrayContaining([
				['m7', 'm8', 'm9', 'm10', 'missing', 'm12'],
				['m8', 'm9', 'm10', 'missing', 'm12'],
				['m12'],
				['m7'],
			]),
		);
		expect(sent).toHaveLength(7);
		// The last envelope, after Retry-After: m7 alone.
		expect(sent[sent.length - 1]).toEqual([
			{
				id: '7',
				method: 'GET',
				url: '/me/messages/m7',
				headers: { Prefer: 'IdType="ImmutableId"' },
			},
		]);
		expect(waits).toEqual([3000]);
		// Each ran once, except m7 (throttled, then again); those answered 424 never ran.
		expect(s.graph.calls().filter((call) => call.path === '/me/messages/m7')).toHaveLength(2);
		expect(s.graph.calls().filter((call) => call.path === '/me/messages/m8')).toHaveLength(1);
		expect(s.graph.calls().filter((call) => call.path === '/me/messages/m12')).toHaveLength(1);

		expect(out).toHaveLength(25);
		expect(out[7].json).toEqual({ status: 200, body: { id: 'm7' }, error: null });
		expect(out[11].json).toMatchObject({
			status: 404,
			error:
				'Microsoft Graph answered 404 ErrorItemNotFound: The specified object was not found in the store.',
		});
		for (const [i, item] of out.entries()) {
			if (i !== 11) expect(item.json).toEqual({ status: 200, body: { id: ids[i] }, error: null });
		}
	});

	it('when chain after chain is cut by failures, sends the rest in parallel envelopes; each failure stays its own item', async () => {
		const ids = Array.from({ length: 100 }, (_, i) => `gone${i}`);
		s.graph.on('GET', '/me/messages/:id', () =>
			graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.'),
		);
		const out = await runBatch(ids);
		expect(out.map((item) => item.json.status)).toEqual(ids.map(() => 404));
		// Every request ran exactly once.
		expect(
			s.graph
				.calls()
				.map((call) => call.path.split('/').pop())
				.sort(),
		).toEqual([...ids].sort());
		const sent = envelopes();
		// Chains halve (20 → 10 → 5 → 4) and then give way: far fewer envelopes than requests.
		expect(sent.length).toBeLessThan(30);
		expect(sent.some((requests) => requests.length > 1 && !requests.some((r) => r.dependsOn))).toBe(
			true,
		);
	});

	it('a sub-request still throttled after Max Retries fails alone, naming its attempts', async () => {
		n8n = new N8nHarness(
			{ [PROBE_NODE_TYPE]: new GraphProbe() },
			connectedCredential(s, { maxRetries: 2 }),
		);
		s.graph.throttle('GET', '/me/messages/m1', 10, { retryAfter: '1' });
		const out = await runBatch(['m0', 'm1', 'm2']);
		expect(envelopes().map((requests) => requests.length)).toEqual([3, 1, 1]);
		expect(waits).toEqual([1000, 1000]);
		expect(out.map((item) => item.json.status)).toEqual([200, 429, 200]);
		expect(out[1].json.error).toBe(
			'Microsoft Graph answered 429 TooManyRequests: Please retry again later. (after 3 attempts)',
		);
	});
	it('waits the longest Retry-After of a round, whether seconds or an HTTP date', async () => {
		// RFC 9110 §10.2.3: delta-seconds or an HTTP-date. m1 asks for 2 s, m2 for a minute.
		const inAMinute = new Date(Date.now() + 60_000).toUTCString();
		s.graph.throttle('GET', '/me/messages/m1', 1, { retryAfter: '2' });
		s.graph.throttle('GET', '/me/messages/m2', 1, { retryAfter: inAMinute });
		const out = await runBatch(['m0', 'm1', 'm2']);
		expect(envelopes().map((requests) => requests.length)).toEqual([3, 2]);
		// One wait serves both: m2's minute (less the time the test has run), not m1's 2 s.
		expect(waits).toHaveLength(1);
		expect(waits[0]).toBeGreaterThan(50_000);
		expect(out.map((item) => item.json.status)).toEqual([200, 200, 200]);

		// And the other way round: an HTTP date 2 s away, then 60 seconds.
		s.graph.reset();
		waits.length = 0;
		s.graph.on('GET', '/me/messages/:id', (_request, params) => ({ body: { id: params.id } }));
		s.graph.throttle('GET', '/me/messages/m1', 1, {
			retryAfter: new Date(Date.now() + 2_000).toUTCString(),
		});
		s.graph.throttle('GET', '/me/messages/m2', 1, { retryAfter: '60' });
		await runBatch(['m0', 'm1', 'm2']);
		expect(waits).toEqual([60_000]);
	});

	it('after an ambiguous envelope failure (503 without Retry-After) sends its idempotent sub-requests again, never its Copy', async () => {
		const copies: string[] = [];
		s.graph.on('POST', '/me/messages/:id/copy', (_request, params) => {
			copies.push(params.id);
			return { status: 201, body: { id: `${params.id}-copy` } };
		});
		// The first envelope is answered 503 without Retry-After: Graph may or may not have run it.
		s.graph.failEnvelope((n) =>
			n === 1 ? graphError(503, 'ServiceUnavailable', 'Service unavailable') : undefined,
		);
		const out = (
			await n8n.execute(PROBE_NODE_TYPE, {
				parameters: {
					mode: 'batch',
					method: '={{ $json.method }}',
					path: '={{ $json.path }}',
					body: '={{ $json.body }}',
				},
				items: [
					{ json: { method: 'GET', path: '/me/messages/m0', body: '' } },
					{
						json: {
							method: 'POST',
							path: '/me/messages/m1/copy',
							body: { destinationId: 'archive' },
						},
					},
					{ json: { method: 'GET', path: '/me/messages/m2', body: '' } },
				],
			})
		)[0];
		expect(envelopes().map((requests) => requests.map((r) => r.method))).toEqual([
			['GET', 'POST', 'GET'],
			['GET', 'GET'],
		]);
		expect(copies).toEqual([]);
		expect(out.map((item) => item.json.status)).toEqual([200, 503, 200]);
		expect(out[1].json.error).toMatch(/503/);
	});
});
