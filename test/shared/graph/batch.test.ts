/** graphBatch through n8n-core: chunks of 20, per-request throttling and failures, input order. */
import * as retry from '../../../nodes/shared/graph/retry';
import { GRAPH_BATCH_LIMIT } from '../../../nodes/shared/graph/batch';
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

	const envelopes = () =>
		s.graph.requests
			.filter((r) => r.method === 'POST' && r.path === '/$batch')
			.map(
				(r) =>
					(r.body as { requests: Array<{ id: string; method: string; url: string }> }).requests,
			);

	const runBatch = async (ids: string[]) =>
		(
			await n8n.execute(PROBE_NODE_TYPE, {
				parameters: { mode: 'batch', method: 'GET', path: "={{ '/me/messages/' + $json.id }}" },
				items: ids.map((id) => ({ json: { id } })),
			})
		)[0];

	it('sends 45 requests as 3 calls of at most 20 and returns the results in input order', async () => {
		const ids = Array.from({ length: 45 }, (_, i) => `m${i}`);
		const out = await runBatch(ids);
		expect(GRAPH_BATCH_LIMIT).toBe(20);
		expect(envelopes().map((requests) => requests.length)).toEqual([20, 20, 5]);
		expect(envelopes()[2].map((r) => r.url)).toEqual(
			ids.slice(40).map((id) => `/me/messages/${id}`),
		);
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

	it('retries a throttled sub-request alone after its Retry-After; a 404 fails only its own item', async () => {
		const ids = Array.from({ length: 25 }, (_, i) => (i === 11 ? 'missing' : `m${i}`));
		s.graph.throttle('GET', '/me/messages/m7', 1, { retryAfter: '3' });
		const out = await runBatch(ids);

		expect(envelopes().map((requests) => requests.length)).toEqual([20, 5, 1]);
		expect(envelopes()[2]).toEqual([
			{
				id: '7',
				method: 'GET',
				url: '/me/messages/m7',
				headers: { Prefer: 'IdType="ImmutableId"' },
			},
		]);
		expect(waits).toEqual([3000]);
		expect(s.graph.calls().filter((call) => call.path === '/me/messages/m7')).toHaveLength(2);
		expect(s.graph.calls().filter((call) => call.path === '/me/messages/m8')).toHaveLength(1);

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
});
