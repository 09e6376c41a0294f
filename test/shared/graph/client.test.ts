import { GraphProbe, PROBE_NODE_TYPE } from '../../support/probe-node';
import { N8nHarness } from '../../support/n8n-harness';
import {
	connectedCredential,
	expectGraphContractKept,
	startStandIns,
	type StandIns,
} from '../../support/fixtures';

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
		expect(out).toEqual([
			{ json: { id: 'u1', mail: 'alice@example.test' }, pairedItem: { item: 0 } },
		]);
		expect(s.graph.requests[0].headers.prefer).toBe('IdType="ImmutableId"');
		expect(s.graph.requests[0].headers.authorization).toBe(
			`Bearer ${(n8n.credential().oauthTokenData as Record<string, string>).access_token}`,
		);
	});

	it('asks for gzip itself (not by the HTTP client defaults) and reads the compressed answer', async () => {
		s.graph.compressResponses();
		const value = Array.from({ length: 200 }, (_, k) => ({
			id: `m${k}`,
			subject: 'Quarterly report',
		}));
		s.graph.on('GET', '/me/messages', { body: { value } });
		const [out] = await n8n.execute(PROBE_NODE_TYPE, { parameters: { path: '/me/messages' } });
		expect(out[0].json).toEqual({ value });
		expect(s.graph.requests[0].headers['accept-encoding']).toBe('gzip');
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
		expect(tokenCalls[0].form).toMatchObject({
			grant_type: 'refresh_token',
			refresh_token: before.refresh_token,
		});
		expect(s.graph.tokensSeen).toEqual([
			`Bearer ${before.access_token}`,
			`Bearer ${after.access_token}`,
		]);
		expectGraphContractKept(s.graph);
	});

	it('sends a POST body again, unchanged, after the refresh', async () => {
		s.graph.reset();
		const n8n = new N8nHarness({ [PROBE_NODE_TYPE]: new GraphProbe() }, connectedCredential(s));
		s.idp.expireAccessTokens();
		s.graph.on('POST', '/me/mailFolders', (request) => ({
			status: 201,
			body: { id: 'f1', ...(request.body as object) },
		}));
		const [out] = await n8n.execute(PROBE_NODE_TYPE, {
			parameters: { method: 'POST', path: '/me/mailFolders', body: '{"displayName":"Invoices"}' },
		});
		expect(out[0].json).toEqual({ id: 'f1', displayName: 'Invoices' });
		// The stand-in answers 401 before recording a request; the one recorded came with the new token.
		expect(s.graph.requests.map((r) => [r.method, r.path, r.body])).toEqual([
			['POST', '/me/mailFolders', { displayName: 'Invoices' }],
		]);
		expect(s.graph.tokensSeen).toHaveLength(2);
		expect(s.graph.requests[0].headers.authorization).toBe(
			`Bearer ${(n8n.credential().oauthTokenData as Record<string, string>).access_token}`,
		);
		expectGraphContractKept(s.graph);
	});

	it('refreshes once for a run: later items use the stored new token', async () => {
		s.graph.reset();
		const n8n = new N8nHarness({ [PROBE_NODE_TYPE]: new GraphProbe() }, connectedCredential(s));
		s.idp.expireAccessTokens();
		const refreshesBefore = s.idp.requests.filter(
			(r) => r.form.grant_type === 'refresh_token',
		).length;
		s.graph.on('GET', '/me', { body: { id: 'u1' } });
		const [out] = await n8n.execute(PROBE_NODE_TYPE, {
			parameters: { path: '/me' },
			items: [{ json: {} }, { json: {} }, { json: {} }],
		});
		expect(out).toHaveLength(3);
		expect(
			s.idp.requests.filter((r) => r.form.grant_type === 'refresh_token').length - refreshesBefore,
		).toBe(1);
		const stored = (n8n.credential().oauthTokenData as Record<string, string>).access_token;
		expect(s.graph.tokensSeen.slice(1)).toEqual([
			`Bearer ${stored}`,
			`Bearer ${stored}`,
			`Bearer ${stored}`,
		]);
		expectGraphContractKept(s.graph);
	});

	it('refreshes when the $batch envelope gets 401, and the batch goes through', async () => {
		s.graph.reset();
		const n8n = new N8nHarness({ [PROBE_NODE_TYPE]: new GraphProbe() }, connectedCredential(s));
		s.idp.expireAccessTokens();
		s.graph.on('GET', '/me/messages/:id', (_request, params) => ({ body: { id: params.id } }));
		const [out] = await n8n.execute(PROBE_NODE_TYPE, {
			parameters: { mode: 'batch', path: "={{ '/me/messages/' + $json.id }}" },
			items: [{ json: { id: 'a' } }, { json: { id: 'b' } }],
		});
		expect(out.map((item) => item.json)).toEqual([
			{ status: 200, body: { id: 'a' }, error: null },
			{ status: 200, body: { id: 'b' }, error: null },
		]);
		expect(s.graph.tokensSeen).toHaveLength(2);
		expect(s.graph.tokensSeen[1]).toBe(
			`Bearer ${(n8n.credential().oauthTokenData as Record<string, string>).access_token}`,
		);
		expectGraphContractKept(s.graph);
	});
});
