/**
 * 4. Token life: the access token expires at the identity provider before n8n expects it to; the next
 * execution gets 401 from Graph, n8n refreshes through its own OAuth2 code, retries, and stores the
 * rotated refresh token (what `n8n export:credentials --decrypted` shows). Uses n8n's own HTTP
 * Request node with the predefined credential type, so this holds for any node using the credential.
 * https://learn.microsoft.com/entra/identity-platform/refresh-tokens
 * And a credential saved but never connected: what n8n 2.41.1 really hands the node (token data
 * `{}`, so n8n-core fails with "Unable to sign without access token") must read as "never
 * connected", not as a network failure.
 */
import type { E2eEnvironment } from '../support/environment';
import { hasNode, nodeType } from '../support/environment';
import { chain, createWorkflow, runWorkflow } from '../support/executions';
import type { CreatedWorkflow } from '../support/executions';

export function tokensScenario(env: E2eEnvironment) {
	let credential: { id: string; name: string };
	let workflow: CreatedWorkflow;

	async function storedTokens(): Promise<Record<string, string>> {
		const exported = await env.server.exportCredentials();
		return exported.find((c) => c.id === credential.id)!.data.oauthTokenData as Record<
			string,
			string
		>;
	}

	beforeAll(async () => {
		credential = await env.connectedCredential({ permissions: ['mailRead'] }, 'Token life');
		workflow = await createWorkflow(
			env.rest,
			'Token life: who am I',
			chain([
				{
					name: 'Manual Trigger',
					type: 'n8n-nodes-base.manualTrigger',
					typeVersion: 1,
					parameters: {},
				},
				{
					name: 'Who Am I',
					type: 'n8n-nodes-base.httpRequest',
					typeVersion: 4.2,
					parameters: {
						method: 'GET',
						url: `${env.graph.url}/v1.0/me`,
						authentication: 'predefinedCredentialType',
						nodeCredentialType: 'outlookOAuth2Api',
						options: {},
					},
					credentials: { outlookOAuth2Api: credential },
				},
			]),
		);
	});

	test('an execution with the connected credential reaches Graph', async () => {
		const first = await storedTokens();
		const before = env.graph.requests.length;
		const execution = await runWorkflow(env.rest, workflow);
		expect(execution.status).toBe('success');
		expect(execution.output('Who Am I').map((i) => i.json.userPrincipalName)).toEqual([
			'alice@example.test',
		]);
		const seen = env.graph.requests.slice(before);
		expect(seen.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /me']);
		expect(seen[0].headers.authorization).toBe(`Bearer ${first.access_token}`);
	});

	test('after the access token expires, the next execution refreshes and n8n stores the rotated refresh token', async () => {
		const first = await storedTokens();
		const expired = await fetch(`${env.idp.authority}/_control/expire`, { method: 'POST' });
		expect(expired.status).toBe(200);
		const idpBefore = env.idp.requests.length;
		const graphBefore = env.graph.requests.length;

		const execution = await runWorkflow(env.rest, workflow);
		expect(execution.status).toBe('success');
		expect(execution.output('Who Am I').map((i) => i.json.userPrincipalName)).toEqual([
			'alice@example.test',
		]);

		// Graph: the old token refused (401), then the same request with the new one.
		const graphSeen = env.graph.requests.slice(graphBefore);
		expect(env.graph.tokensSeen.slice(-2)).toEqual([
			`Bearer ${first.access_token}`,
			expect.stringMatching(/^Bearer at-graph\./),
		]);
		expect(graphSeen.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /me']);
		// The identity provider: one refresh_token grant with the stored refresh token.
		const refreshes = env.idp.requests
			.slice(idpBefore)
			.filter((r) => r.form.grant_type === 'refresh_token');
		expect(refreshes).toHaveLength(1);
		expect(refreshes[0].form.refresh_token).toBe(first.refresh_token);
		expect(refreshes[0].path).toBe('/organizations/oauth2/v2.0/token');

		const second = await storedTokens();
		expect(second.refresh_token).not.toBe(first.refresh_token);
		expect(second.access_token).not.toBe(first.access_token);
		// What n8n stored is what the identity provider issued last, and it works.
		const newest = [...env.idp.refreshTokens.values()]
			.filter((t) => t.scope === env.idp.refreshTokens.get(first.refresh_token)!.scope)
			.pop()!;
		expect(second.refresh_token).toBe(newest.token);
		expect(graphSeen[0].headers.authorization).toBe(`Bearer ${second.access_token}`);
		expect(env.idp.validate(second.access_token, 'https://graph.microsoft.com')).toBeDefined();
	});

	test('with the refresh token revoked, the execution fails and says the credential needs reconnecting', async () => {
		env.idp.expireAccessTokens();
		const revoked = await fetch(`${env.idp.authority}/_control/revoke`, { method: 'POST' });
		expect(revoked.status).toBe(200);
		const execution = await runWorkflow(env.rest, workflow);
		expect(execution.status).toBe('error');
		const error = execution.error('Who Am I');
		expect(error).toBeDefined();
		expect(JSON.stringify(error)).not.toMatch(/at-graph\.|rt\./);
	});

	(hasNode('OutlookMail') ? test : test.skip)(
		'a credential saved but never connected: Outlook Mail → Get Many says to open it and click Connect, and nothing is sent',
		async () => {
			const unconnected = await env.createCredential(
				{ permissions: ['mailRead'] },
				'Never connected',
			);
			const getMany = await createWorkflow(
				env.rest,
				'Never connected: get many',
				chain([
					{
						name: 'Manual Trigger',
						type: 'n8n-nodes-base.manualTrigger',
						typeVersion: 1,
						parameters: {},
					},
					{
						name: 'Get Many',
						type: nodeType('outlookMail'),
						typeVersion: 1,
						parameters: { resource: 'message', operation: 'getAll', limit: 5 },
						credentials: { outlookOAuth2Api: unconnected },
					},
				]),
			);
			const graphBefore = env.graph.requests.length;
			const idpBefore = env.idp.requests.length;
			const execution = await runWorkflow(env.rest, getMany);
			expect(execution.status).toBe('error');
			const error = execution.error('Get Many');
			expect(error?.message).toBe(
				'The credential "Never connected" was never connected to a Microsoft account: open the credential and click Connect',
			);
			expect(error?.description).toMatch(/click Connect \(Sign in with Microsoft\)/);
			expect(JSON.stringify(error)).not.toMatch(/Could not reach/);
			expect(env.graph.requests.length).toBe(graphBefore);
			expect(env.idp.requests.length).toBe(idpBefore);
		},
	);
}
