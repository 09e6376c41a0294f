import { GraphProbe, PROBE_NODE_TYPE } from '../../support/probe-node';
import { N8nHarness } from '../../support/n8n-harness';
import { connectedCredential, expectGraphContractKept, startStandIns, type StandIns } from '../../support/fixtures';

describe('Graph transport through n8n-core', () => {
	let s: StandIns;
	let n8n: N8nHarness;

	beforeAll(async () => {
		s = await startStandIns();
	});
	afterAll(async () => await s.close());
	beforeEach(() => {
		s.graph.reset();
		n8n = new N8nHarness({ [PROBE_NODE_TYPE]: new GraphProbe() }, connectedCredential(s));
	});
	afterEach(() => expectGraphContractKept(s.graph));

	it('sends GET /me with the stored token and the ImmutableId preference', async () => {
		s.graph.on('GET', '/me', { body: { id: 'u1', mail: 'alice@example.test' } });
		const [out] = await n8n.execute(PROBE_NODE_TYPE, { parameters: { path: '/me' } });
		expect(out).toEqual([{ json: { id: 'u1', mail: 'alice@example.test' }, pairedItem: { item: 0 } }]);
		expect(s.graph.requests[0].headers.prefer).toBe('IdType="ImmutableId"');
		expect(s.graph.requests[0].headers.authorization).toBe(`Bearer ${(n8n.credential().oauthTokenData as Record<string, string>).access_token}`);
	});
});

describe('token refresh through n8n-core', () => {
	let s: StandIns;
	beforeAll(async () => (s = await startStandIns()));
	afterAll(async () => await s.close());

	it('refreshes on 401, retries once, and n8n stores the rotated refresh token', async () => {
		const n8n = new N8nHarness({ [PROBE_NODE_TYPE]: new GraphProbe() }, connectedCredential(s));
		const before = n8n.credential().oauthTokenData as Record<string, string>;
		s.idp.expireAccessTokens();
		s.graph.on('GET', '/me', { body: { id: 'u1' } });
		const [out] = await n8n.execute(PROBE_NODE_TYPE, { parameters: { path: '/me' } });
		expect(out[0].json).toEqual({ id: 'u1' });
		const after = n8n.credential().oauthTokenData as Record<string, string>;
		expect(after.access_token).not.toBe(before.access_token);
		expect(after.refresh_token).not.toBe(before.refresh_token);
		expect(n8n.credentialsHelper.tokenUpdates).toHaveLength(1);
		const tokenCalls = s.idp.requests.filter((r) => r.path.endsWith('/token'));
		expect(tokenCalls).toHaveLength(1);
		expect(tokenCalls[0].form).toMatchObject({ grant_type: 'refresh_token', refresh_token: before.refresh_token });
		expect(s.graph.tokensSeen).toEqual([`Bearer ${before.access_token}`, `Bearer ${after.access_token}`]);
		expectGraphContractKept(s.graph);
	});
});
