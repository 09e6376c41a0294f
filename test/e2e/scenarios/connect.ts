/**
 * 2. The credential's connect flow, without a browser, for a matrix of settings: the authorize URL
 * n8n builds (`GET /rest/oauth2-credential/auth`, what the Connect button opens) has exactly the
 * expected host, path, scope (in order) and query; following it through the identity-provider
 * stand-in to n8n's callback stores the tokens; a tenant that is not a tenant is refused.
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow#request-an-authorization-code
 */
import { TENANT_HELP_URL } from '../../../credentials/OutlookOAuth2Api.credentials';
import type { E2eEnvironment } from '../support/environment';
import { N8N_PORT } from '../support/environment';

const CALLBACK = `http://127.0.0.1:${N8N_PORT}/rest/oauth2-credential/callback`;
const OIDC = 'offline_access openid profile email';

interface Case {
	name: string;
	fields: Record<string, unknown>;
	/** The tenant path segment Microsoft must see. */
	tenant: string;
	scope: string;
	/** Query parameters beyond client_id, redirect_uri, response_type, scope, state, response_mode. */
	extraQuery: Record<string, string>;
}

// The e2e credential's permissions (test/e2e/support/environment.ts): the three it names, not the
// new-credential defaults (which add Mailbox Settings).
const DEFAULT_SCOPE = `User.Read Mail.ReadWrite Mail.Send Calendars.ReadWrite ${OIDC}`;

const CASES: Case[] = [
	{
		name: 'tenant GUID (upper case typed), default permissions, prompt select_account',
		fields: { accountType: 'singleTenant', tenantId: ' 72F988BF-86F1-41AF-91AB-2D7CD011DB47 ' },
		tenant: '72f988bf-86f1-41af-91ab-2d7cd011db47',
		scope: DEFAULT_SCOPE,
		extraQuery: { prompt: 'select_account' },
	},
	{
		name: 'verified domain, read-only mail, prompt login, login hint',
		fields: {
			accountType: 'singleTenant',
			tenantId: 'Contoso.onmicrosoft.com',
			permissions: ['mailRead'],
			prompt: 'login',
			loginHint: 'alice@contoso.com',
		},
		tenant: 'contoso.onmicrosoft.com',
		scope: `User.Read Mail.Read ${OIDC}`,
		extraQuery: { prompt: 'login', login_hint: 'alice@contoso.com' },
	},
	{
		name: 'common, every Graph permission plus IMAP and an additional scope, prompt consent',
		fields: {
			accountType: 'common',
			permissions: [
				'mailReadWrite',
				'mailSend',
				'mailShared',
				'calendarsReadWrite',
				'calendarsShared',
				'mailboxSettings',
				'imap',
			],
			additionalScopes: 'Contacts.Read',
			prompt: 'consent',
		},
		tenant: 'common',
		scope:
			'User.Read Mail.ReadWrite Mail.Send Mail.ReadWrite.Shared Mail.Send.Shared Calendars.ReadWrite Calendars.ReadWrite.Shared ' +
			`MailboxSettings.Read Contacts.Read ${OIDC} https://outlook.office.com/IMAP.AccessAsUser.All`,
		extraQuery: { prompt: 'consent' },
	},
	{
		name: 'organizations, calendars read only, prompt none (no prompt parameter at all)',
		fields: { accountType: 'organizations', permissions: ['calendarsRead'], prompt: 'none' },
		tenant: 'organizations',
		scope: `User.Read Calendars.Read ${OIDC}`,
		extraQuery: {},
	},
	{
		name: 'consumers, mail and IMAP only',
		fields: {
			accountType: 'consumers',
			permissions: ['mailRead', 'imap'],
			prompt: 'select_account',
		},
		tenant: 'consumers',
		scope: `User.Read Mail.Read ${OIDC} https://outlook.office.com/IMAP.AccessAsUser.All`,
		extraQuery: { prompt: 'select_account' },
	},
];

export function connectScenario(env: E2eEnvironment) {
	const connected: Array<{ id: string; scope: string }> = [];

	describe.each(CASES)('$name', (c) => {
		let credentialId: string;
		let authorizeUrl: URL;

		beforeAll(async () => {
			credentialId = (await env.createCredential(c.fields, `Connect: ${c.name}`)).id;
			authorizeUrl = await env.authorizeUrl(credentialId);
		});

		test('the authorize URL has exactly the expected host, path and query', () => {
			const idp = new URL(env.idp.authority);
			expect(authorizeUrl.protocol).toBe(idp.protocol);
			expect(authorizeUrl.host).toBe(idp.host);
			expect(authorizeUrl.pathname).toBe(`/${c.tenant}/oauth2/v2.0/authorize`);
			const query = Object.fromEntries(authorizeUrl.searchParams);
			const { state, ...rest } = query;
			expect(state).toMatch(/^[A-Za-z0-9_\-=%.]+$/);
			expect(rest).toEqual({
				client_id: env.idp.clientId,
				redirect_uri: CALLBACK,
				response_type: 'code',
				response_mode: 'query',
				scope: c.scope,
				...c.extraQuery,
			});
			// Each parameter once: a repeated prompt or scope is rejected by Microsoft (AADSTS90015).
			expect([...authorizeUrl.searchParams.keys()].length).toBe(Object.keys(query).length);
		});

		test('following it through the identity provider and n8n\u2019s callback stores the tokens', async () => {
			const before = env.idp.requests.length;
			const result = await env.connect(credentialId);
			expect(result.callback.origin + result.callback.pathname).toBe(CALLBACK);
			expect(result.status).toBe(200);
			expect(result.page).toContain('Connection successful');
			const tokenRequests = env.idp.requests.slice(before).filter((r) => r.path.endsWith('/token'));
			expect(tokenRequests).toHaveLength(1);
			expect(tokenRequests[0].path).toBe(`/${c.tenant}/oauth2/v2.0/token`);
			expect(tokenRequests[0].form).toMatchObject({
				grant_type: 'authorization_code',
				redirect_uri: CALLBACK,
				client_id: env.idp.clientId,
			});
			connected.push({ id: credentialId, scope: c.scope });
		});
	});

	test('n8n stored the issued tokens for every connected credential (export:credentials --decrypted)', async () => {
		expect(connected).toHaveLength(CASES.length);
		const exported = await env.server.exportCredentials();
		for (const { id, scope } of connected) {
			const stored = exported.find((c) => c.id === id);
			const tokens = stored?.data.oauthTokenData as Record<string, string> | undefined;
			expect(tokens).toBeDefined();
			const access = env.idp.accessTokens.get(tokens!.access_token);
			expect(access).toBeDefined();
			// The token's audience follows the first resource scope: Graph, never the IMAP resource.
			expect(access!.audience).toBe('https://graph.microsoft.com');
			expect(access!.scope).toBe(scope);
			expect(env.idp.refreshTokens.has(tokens!.refresh_token)).toBe(true);
			expect(Number(tokens!.n8n_expires_at)).toBeGreaterThan(Date.now());
		}
	});

	describe.each([
		['a path', 'contoso.com/../../evil'],
		['a query', 'contoso.com?x=1'],
		['a user-information part', 'evil.test@contoso.com'],
		['a fragment', 'contoso.com#x'],
	])('a tenant with %s is refused', (_what, tenantId) => {
		test('n8n builds no sign-in URL: Connect opens the page that explains the Tenant, and the identity provider is never asked', async () => {
			const before = env.idp.requests.length;
			const credential = await env.createCredential({ accountType: 'singleTenant', tenantId });
			const response = await env.rest.request(
				'GET',
				`/rest/oauth2-credential/auth?id=${credential.id}`,
			);
			// Not n8n's "Invalid URL" (HTTP 500, issue #26): the fixed help page, nothing typed in it.
			expect(response.status).toBe(200);
			const url = new URL(JSON.parse(response.text).data as string);
			expect(`${url.origin}${url.pathname}`).toBe(TENANT_HELP_URL);
			expect(response.text).not.toContain(env.idp.authority);
			expect(url.href).not.toContain(encodeURIComponent(tenantId));
			expect(env.idp.requests.length).toBe(before);
		});
	});

	test('an empty tenant is refused when the credential is saved', async () => {
		const response = await env.rest.request('POST', '/rest/credentials', {
			name: 'Empty tenant',
			type: 'outlookOAuth2Api',
			data: env.credentialFields({ accountType: 'singleTenant', tenantId: '' }),
		});
		expect(response.status).toBe(400);
		expect(response.text).toContain('tenantId');
	});
}
