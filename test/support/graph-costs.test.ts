/**
 * The Graph stand-in's own rules, where the node tests rely on them: the cost model (lanes, link,
 * `$batch` envelopes and chains, the bound), compression, `dependsOn`, and the mailbox switches
 * for Graph as documented and as reported (seconds shown while milliseconds are stored,
 * `@odata.count` -1 with `$filter`, 504 for pages of many full messages).
 */
import { connectedCredential, startStandIns, type StandIns } from './fixtures';
import { GRAPH_COSTS, GraphCostModel, Timeline } from './graph-costs';
import { GRAPH_AS_DOCUMENTED, GRAPH_AS_OBSERVED, serveMessages } from './graph-mailbox';
import { graphError } from './graph-standin';

const { roundTripMs, requestBaseMs, perItemMs, batchBaseMs, subRequestMs } = GRAPH_COSTS;
const link = GRAPH_COSTS.linkBytesPerSecond / 1000;

describe('cost model', () => {
	it('a timeline finds the first time enough units are free, and keeps its peak', () => {
		const lanes = new Timeline(2);
		lanes.add(0, 10);
		lanes.add(5, 20);
		expect(lanes.earliest(6, 5)).toBe(10);
		expect(lanes.earliest(20, 5)).toBe(20);
		lanes.add(10, 15);
		expect(lanes.peak).toBe(2);
	});

	it('runs 4 requests of a mailbox at once; a fifth waits for a lane and is counted', () => {
		const model = new GraphCostModel();
		const answer = { mailbox: 'me', items: 100, bytes: 0, rawBytes: 0 };
		const work = requestBaseMs + 100 * perItemMs;
		const deliveries = Array.from({ length: 5 }, () => model.planRequest(0, answer));
		expect(deliveries.slice(0, 4)).toEqual([1, 2, 3, 4].map(() => roundTripMs + work));
		expect(deliveries[4]).toBe(roundTripMs + 2 * work);
		expect(model.stats.laneWaits).toBe(1);
		expect(model.stats.peakOnServer.me).toBe(4);
		// Another mailbox has lanes of its own.
		model.planRequest(0, { ...answer, mailbox: 'users/b@contoso.com' });
		expect(model.stats.laneWaits).toBe(1);
	});

	it('sends answers one after the other over the link', () => {
		const model = new GraphCostModel();
		const answer = { mailbox: 'me', items: 0, bytes: 125_000, rawBytes: 500_000 };
		const first = model.planRequest(0, answer);
		const second = model.planRequest(0, answer);
		expect(first).toBe(roundTripMs + requestBaseMs + 125_000 / link);
		expect(second - first).toBeCloseTo(125_000 / link);
		expect(model.stats).toMatchObject({ bytes: 250_000, rawBytes: 1_000_000, requests: 2 });
	});

	it('runs a parallel envelope 4 at a time and a dependsOn chain one at a time; the envelope itself holds no lane', () => {
		const subs = (chain: boolean) =>
			Array.from({ length: 8 }, (_, k) => ({
				id: String(k),
				mailbox: 'me',
				items: 0,
				dependsOn: chain && k > 0 ? [String(k - 1)] : [],
				ran: true,
			}));
		const parallel = new GraphCostModel();
		expect(parallel.planBatch(0, subs(false), { bytes: 0, rawBytes: 0 })).toBe(
			roundTripMs + batchBaseMs + 2 * subRequestMs,
		);
		expect(parallel.stats.peakOnServer.me).toBe(4);
		expect(parallel.stats.peakInFlight.me).toBe(4);
		const chain = new GraphCostModel();
		expect(chain.planBatch(0, subs(true), { bytes: 0, rawBytes: 0 })).toBe(
			roundTripMs + batchBaseMs + 8 * subRequestMs,
		);
		expect(chain.stats.peakOnServer.me).toBe(1);
		expect(chain.stats.peakInFlight.me).toBe(1);
		// Four chains at once fill the 4 lanes without a wait; the envelopes' bases overlap freely.
		for (let k = 0; k < 3; k++) chain.planBatch(0, subs(true), { bytes: 0, rawBytes: 0 });
		expect(chain.stats.peakOnServer.me).toBe(4);
		expect(chain.stats.laneWaits).toBe(0);
		chain.planBatch(0, subs(true), { bytes: 0, rawBytes: 0 });
		expect(chain.stats.laneWaits).toBe(1);
		expect(chain.stats.serverWorkMs.me).toBe(5 * (batchBaseMs + 8 * subRequestMs));
	});

	it('a sub-request that did not run (failed dependency) costs nothing', () => {
		const model = new GraphCostModel();
		const delivery = model.planBatch(
			0,
			[
				{ id: '1', mailbox: 'me', items: 0, dependsOn: [], ran: true },
				{ id: '2', mailbox: 'me', items: 0, dependsOn: ['1'], ran: false },
			],
			{ bytes: 0, rawBytes: 0 },
		);
		expect(delivery).toBe(roundTripMs + batchBaseMs + subRequestMs);
	});

	it('bounds a run by one round trip and the larger of the lanes’ share of the work and the link', () => {
		const model = new GraphCostModel();
		for (let k = 0; k < 8; k++)
			model.planRequest(0, { mailbox: 'me', items: 1000, bytes: 10_000, rawBytes: 0 });
		const work = 8 * (requestBaseMs + 1000 * perItemMs);
		expect(model.bound()).toEqual({
			ms: roundTripMs + work / 4,
			workMs: work / 4,
			linkMs: 80_000 / link,
		});
	});
});

describe('Graph stand-in rules', () => {
	let s: StandIns;
	let token: string;
	beforeAll(async () => {
		s = await startStandIns();
		token = (connectedCredential(s).oauthTokenData as Record<string, string>).access_token;
	});
	afterAll(async () => await s.close());
	beforeEach(() => s.graph.reset());

	const get = async (path: string, headers: Record<string, string> = {}) =>
		await fetch(`${s.graph.url}/v1.0${path}`, {
			headers: { authorization: `Bearer ${token}`, ...headers },
		});
	const batch = async (requests: unknown[]) => {
		const response = await fetch(`${s.graph.url}/v1.0/$batch`, {
			method: 'POST',
			headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
			body: JSON.stringify({ requests }),
		});
		return { status: response.status, body: (await response.json()) as Record<string, unknown> };
	};

	it('compresses JSON with gzip only when the request accepts it', async () => {
		s.graph.compressResponses().on('GET', '/me', { body: { id: 'u1' } });
		const raw = await fetch(`${s.graph.url}/v1.0/me`, {
			headers: { authorization: `Bearer ${token}`, 'accept-encoding': 'gzip' },
		});
		expect(raw.headers.get('content-encoding')).toBe('gzip');
		const plain = await new Promise<{ encoding?: string; body: string }>((resolve, reject) => {
			// node:http, which (unlike fetch) sends no Accept-Encoding of its own.
			void import('node:http').then(({ get: httpGet }) =>
				httpGet(
					`${s.graph.url}/v1.0/me`,
					{ headers: { authorization: `Bearer ${token}` } },
					(response) => {
						const chunks: Buffer[] = [];
						response.on('data', (chunk: Buffer) => chunks.push(chunk));
						response.on('end', () =>
							resolve({
								encoding: response.headers['content-encoding'],
								body: Buffer.concat(chunks).toString(),
							}),
						);
					},
				).on('error', reject),
			);
		});
		expect(plain).toEqual({ encoding: undefined, body: '{"id":"u1"}' });
	});

	it('runs a dependsOn chain in order and answers 424 for what follows a failure', async () => {
		const order: string[] = [];
		s.graph.on('DELETE', '/me/messages/:id', (_request, params) => {
			order.push(params.id);
			return params.id === 'b'
				? graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.')
				: { status: 204 };
		});
		const { status, body } = await batch(
			['a', 'b', 'c', 'd'].map((id, k) => ({
				id: String(k),
				method: 'DELETE',
				url: `/me/messages/${id}`,
				...(k ? { dependsOn: [String(k - 1)] } : {}),
			})),
		);
		expect(status).toBe(200);
		expect(order).toEqual(['a', 'b']);
		expect((body.responses as Array<{ status: number }>).map((r) => r.status)).toEqual([
			204, 404, 424, 424,
		]);
	});

	it('refuses a batch that is neither fully sequential nor fully parallel, or depends on a later request', async () => {
		s.graph.on('DELETE', '/me/messages/:id', { status: 204 });
		const partial = await batch([
			{ id: '1', method: 'DELETE', url: '/me/messages/a' },
			{ id: '2', method: 'DELETE', url: '/me/messages/b', dependsOn: ['1'] },
			{ id: '3', method: 'DELETE', url: '/me/messages/c' },
		]);
		expect(partial.status).toBe(400);
		expect(JSON.stringify(partial.body)).toMatch(/fully sequential or fully parallel/);
		const forward = await batch([
			{ id: '1', method: 'DELETE', url: '/me/messages/a', dependsOn: ['2'] },
			{ id: '2', method: 'DELETE', url: '/me/messages/b' },
		]);
		expect(forward.status).toBe(400);
		expect(JSON.stringify(forward.body)).toMatch(/Invalid dependency/);
		// Recorded as violations, which every suite asserts empty.
		expect(s.graph.violations).toHaveLength(2);
	});

	it('as reported: shows receivedDateTime to the second and filters by the milliseconds stored', async () => {
		const items = [
			{ id: 'early', receivedDateTime: '2024-05-01T09:00:00.000Z' },
			{ id: 'late', receivedDateTime: '2024-05-01T09:00:00.750Z' },
		];
		serveMessages(s.graph, '/me/messages', () => items, GRAPH_AS_OBSERVED);
		const filter = encodeURIComponent('receivedDateTime le 2024-05-01T09:00:00Z');
		const body = (await (await get(`/me/messages?$filter=${filter}`)).json()) as {
			value: Array<{ id: string; receivedDateTime: string }>;
		};
		expect(body.value).toEqual([{ id: 'early', receivedDateTime: '2024-05-01T09:00:00Z' }]);

		s.graph.reset();
		serveMessages(s.graph, '/me/messages', () => items, GRAPH_AS_DOCUMENTED);
		const shown = (await (await get('/me/messages')).json()) as {
			value: Array<{ receivedDateTime: string }>;
		};
		expect(shown.value.map((m) => m.receivedDateTime)).toEqual([
			'2024-05-01T09:00:00.750Z',
			'2024-05-01T09:00:00.000Z',
		]);
	});

	it('counts a filtered list exactly as documented, -1 as reported', async () => {
		const items = Array.from({ length: 30 }, (_, k) => ({
			id: `m${k}`,
			isRead: k % 2 === 0,
			receivedDateTime: '2024-05-01T09:00:00Z',
		}));
		const query = `?$count=true&$filter=${encodeURIComponent('isRead eq false')}`;
		serveMessages(s.graph, '/me/messages', () => items, GRAPH_AS_DOCUMENTED);
		expect(
			((await (await get(`/me/messages${query}`)).json()) as Record<string, unknown>)[
				'@odata.count'
			],
		).toBe(15);
		s.graph.reset();
		serveMessages(s.graph, '/me/messages', () => items, GRAPH_AS_OBSERVED);
		expect(
			((await (await get(`/me/messages${query}`)).json()) as Record<string, unknown>)[
				'@odata.count'
			],
		).toBe(-1);
		expect(
			((await (await get('/me/messages?$count=true')).json()) as Record<string, unknown>)[
				'@odata.count'
			],
		).toBe(30);
	});

	it('as documented: answers 504 for a page of more than 200 messages with their bodies', async () => {
		const items = Array.from({ length: 300 }, (_, k) => ({
			id: `m${k}`,
			receivedDateTime: '2024-05-01T09:00:00Z',
			body: { contentType: 'html', content: '<p>Hello</p>' },
		}));
		serveMessages(s.graph, '/me/messages', () => items, GRAPH_AS_DOCUMENTED);
		expect((await get('/me/messages?$top=250')).status).toBe(504);
		expect((await get('/me/messages?$top=200')).status).toBe(200);
		expect((await get('/me/messages?$top=250&$select=id')).status).toBe(200);
		expect((await get('/me/messages?$top=250&$select=id,body')).status).toBe(504);
		s.graph.reset();
		serveMessages(s.graph, '/me/messages', () => items, GRAPH_AS_OBSERVED);
		expect((await get('/me/messages?$top=250')).status).toBe(200);
	});
});
