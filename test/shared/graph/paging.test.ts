/** graphCollect through n8n-core against the stand-in's opaque-nextLink paging. */
import { MAX_PAGE_SIZE } from '../../../nodes/shared/graph/paging';
import {
	connectedCredential,
	expectGraphContractKept,
	startStandIns,
	type StandIns,
} from '../../support/fixtures';
import { N8nHarness } from '../../support/n8n-harness';
import { GraphProbe, PROBE_NODE_TYPE } from '../../support/probe-node';

const messages = Array.from({ length: 2500 }, (_, i) => ({ id: `m${i}`, subject: `Message ${i}` }));

describe('paging through n8n-core', () => {
	let s: StandIns;
	let n8n: N8nHarness;

	beforeAll(async () => (s = await startStandIns()));
	afterAll(async () => await s.close());
	beforeEach(() => {
		s.graph.reset();
		s.graph.collection('GET', '/me/messages', () => messages, { maxPageSize: MAX_PAGE_SIZE });
		n8n = new N8nHarness({ [PROBE_NODE_TYPE]: new GraphProbe() }, connectedCredential(s));
	});
	afterEach(() => expectGraphContractKept(s.graph));

	const collect = async (parameters: Record<string, unknown>) =>
		(
			await n8n.execute(PROBE_NODE_TYPE, {
				parameters: { mode: 'collect', path: '/me/messages', ...parameters },
			})
		)[0];

	it('Return All returns all 2,500 items across 3 pages, following the opaque nextLink', async () => {
		const out = await collect({ returnAll: true });
		expect(out.map((item) => item.json.id)).toEqual(messages.map((m) => m.id));
		expect(
			out.every((item) => item.pairedItem && (item.pairedItem as { item: number }).item === 0),
		).toBe(true);
		const calls = s.graph.calls();
		expect(calls).toHaveLength(3);
		expect(calls[0].query).toEqual({ $top: '1000' });
		// Pages 2 and 3 are the stand-in's nextLinks as given: its $skiptoken, never a rebuilt $skip.
		for (const call of calls.slice(1)) {
			expect(Object.keys(call.query).sort()).toEqual(['$skiptoken', '$top']);
			expect(call.path).toBe('/me/messages');
		}
	});

	it('Limit within the first page sends one request with $top = limit', async () => {
		const out = await collect({ returnAll: false, limit: 30 });
		expect(out.map((item) => item.json.id)).toEqual(messages.slice(0, 30).map((m) => m.id));
		expect(s.graph.calls()).toEqual([
			{
				method: 'GET',
				path: '/me/messages',
				query: { $top: '30' },
				body: undefined,
				inBatch: false,
			},
		]);
	});

	it('Limit stops at the page that reaches it and fetches no further page', async () => {
		const out = await collect({ returnAll: false, limit: 1500 });
		expect(out).toHaveLength(1500);
		expect(out[1499].json.id).toBe('m1499');
		expect(s.graph.calls()).toHaveLength(2);
	});

	it('Limit equal to one full page sends exactly one request', async () => {
		const out = await collect({ returnAll: false, limit: 1000 });
		expect(out).toHaveLength(1000);
		expect(s.graph.calls()).toHaveLength(1);
	});

	it('a nextLink to another host is refused before the token goes there', async () => {
		s.graph.on('GET', '/me/messages', {
			body: {
				value: [{ id: 'a' }],
				'@odata.nextLink': 'https://evil.example/v1.0/me/messages?$skiptoken=x',
			},
		});
		await expect(collect({ returnAll: true })).rejects.toThrow(
			/Refused to follow a link to https:\/\/evil\.example/,
		);
		expect(s.graph.calls()).toHaveLength(1);
	});
});
