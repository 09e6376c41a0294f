/**
 * The credential's hidden OAuth2 fields, evaluated by n8n-workflow's expression engine the way n8n
 * resolves a credential ($self = the credential), for every environment and account type; and
 * hostile input, which must never change the host or path of the authorize and token URLs.
 */
import type { ICredentialDataDecryptedObject, INodeParameters } from 'n8n-workflow';
import { NodeHelpers, NodeOperationError } from 'n8n-workflow';

import { OutlookOAuth2Api, TENANT_HELP_URL } from '../../credentials/OutlookOAuth2Api.credentials';
import { CLOUD_ENVIRONMENTS, resolveEnvironment } from '../../nodes/shared/auth/environments';
import {
	buildScopes,
	DEFAULT_PERMISSIONS,
	PERMISSION_GROUPS,
} from '../../nodes/shared/auth/scopes';
import { resolveTenant } from '../../nodes/shared/auth/tenant';
import { connectedCredential, startStandIns, type StandIns } from '../support/fixtures';
import { N8nHarness, resolveCredential } from '../support/n8n-harness';
import { GraphProbe, PROBE_NODE_TYPE } from '../support/probe-node';

const resolve = (fields: ICredentialDataDecryptedObject) =>
	resolveCredential('outlookOAuth2Api', {
		clientId: 'client-1',
		clientSecret: 'not-a-real-secret',
		...fields,
	});
const credential = new OutlookOAuth2Api();
const property = (name: string) => credential.properties.find((p) => p.name === name)!;
/** The test request's base URL, resolved like the hidden fields. */
const testBaseUrl = (fields: ICredentialDataDecryptedObject) =>
	(
		resolveCredential('outlookOAuth2Api', {
			...fields,
			baseUrlProbe: credential.test.request.baseURL,
		}) as { baseUrlProbe?: string }
	).baseUrlProbe;

const GUID = '72F988BF-86F1-41AF-91AB-2D7CD011DB47';

describe('credential shape', () => {
	it("extends n8n's OAuth2 credential with the authorization-code grant and the secret in the body", () => {
		expect(credential.name).toBe('outlookOAuth2Api');
		expect(credential.extends).toEqual(['oAuth2Api']);
		for (const name of [
			'grantType',
			'authUrl',
			'accessTokenUrl',
			'scope',
			'authQueryParameters',
			'authentication',
		])
			expect(property(name).type).toBe('hidden');
		expect(property('grantType').default).toBe('authorizationCode');
		expect(property('authentication').default).toBe('body');
		expect(property('permissions').default).toEqual(DEFAULT_PERMISSIONS);
		expect(credential.test.request.url).toBe('/v1.0/me');
	});
});

describe('derived fields for every environment and account type', () => {
	const environments = Object.entries(CLOUD_ENVIRONMENTS);
	const accountTypes: Array<[string, ICredentialDataDecryptedObject, string]> = [
		['common', { accountType: 'common' }, 'common'],
		['organizations', { accountType: 'organizations' }, 'organizations'],
		['consumers', { accountType: 'consumers' }, 'consumers'],
		[
			'single tenant by ID',
			{ accountType: 'singleTenant', tenantId: ` ${GUID} ` },
			GUID.toLowerCase(),
		],
		[
			'single tenant by domain',
			{ accountType: 'singleTenant', tenantId: 'Contoso.OnMicrosoft.com' },
			'contoso.onmicrosoft.com',
		],
	];

	describe.each(environments)('%s', (environment, cloud) => {
		it.each(accountTypes)('%s', (_label, fields, tenant) => {
			const resolved = resolve({ environment, ...fields });
			expect(resolved.authUrl).toBe(`${cloud.authority}/${tenant}/oauth2/v2.0/authorize`);
			expect(resolved.accessTokenUrl).toBe(`${cloud.authority}/${tenant}/oauth2/v2.0/token`);
			// Outside the global cloud Graph scopes carry the cloud's Graph resource (national cloud docs).
			const prefix = environment === 'global' ? '' : cloud.graph;
			expect(resolved.scope).toBe(
				buildScopes({ permissions: DEFAULT_PERMISSIONS }, prefix, cloud.imapResource).join(' '),
			);
			expect(resolved.authQueryParameters).toBe('response_mode=query&prompt=select_account');
			expect(testBaseUrl({ environment, ...fields })).toBe(cloud.graph);
			// The transport reads the same tables.
			expect(resolveEnvironment({ environment }).graph).toBe(cloud.graph);
			expect(resolveTenant(fields.accountType as string, fields.tenantId as string)).toBe(tenant);
		});
	});

	it('spells out the global scope string (Graph scopes first, IMAP last)', () => {
		expect(
			resolve({
				permissions: ['mailRead', 'mailSend', 'imap'],
				additionalScopes: 'Contacts.Read, mail.read',
			}).scope,
		).toBe(
			'User.Read Mail.Read Mail.Send Contacts.Read offline_access openid profile email https://outlook.office.com/IMAP.AccessAsUser.All',
		);
		expect(resolve({ environment: 'usGov', permissions: ['calendarsRead', 'imap'] }).scope).toBe(
			'https://graph.microsoft.us/User.Read https://graph.microsoft.us/Calendars.Read offline_access openid profile email https://outlook.office365.us/IMAP.AccessAsUser.All',
		);
	});

	it.each(PERMISSION_GROUPS.map((group) => [group.value]))(
		'permission %s alone matches buildScopes',
		(permission) => {
			expect(resolve({ permissions: [permission] }).scope).toBe(
				buildScopes({ permissions: [permission] }, '', CLOUD_ENVIRONMENTS.global.imapResource).join(
					' ',
				),
			);
		},
	);

	it('custom environment: the typed authority and Graph URL, trailing slashes dropped', () => {
		const fields = {
			environment: 'custom',
			customAuthorityUrl: 'https://login.proxy.example:8443/ms/',
			customGraphUrl: 'https://graph.proxy.example/',
			accountType: 'organizations',
		};
		const resolved = resolve(fields);
		expect(resolved.authUrl).toBe(
			'https://login.proxy.example:8443/ms/organizations/oauth2/v2.0/authorize',
		);
		expect(resolved.accessTokenUrl).toBe(
			'https://login.proxy.example:8443/ms/organizations/oauth2/v2.0/token',
		);
		expect(resolved.scope).toBe(
			'User.Read Mail.ReadWrite Mail.Send Calendars.ReadWrite MailboxSettings.Read offline_access openid profile email',
		);
		expect(testBaseUrl(fields)).toBe('https://graph.proxy.example');
	});

	it('login prompt and hint become query parameters, the hint encoded', () => {
		expect(resolve({ prompt: 'none' }).authQueryParameters).toBe('response_mode=query');
		expect(resolve({ prompt: 'login' }).authQueryParameters).toBe(
			'response_mode=query&prompt=login',
		);
		expect(resolve({ prompt: 'consent' }).authQueryParameters).toBe(
			'response_mode=query&prompt=consent',
		);
		const hint = 'a@contoso.com&prompt=none&redirect_uri=https://evil.example#x';
		const query = new URLSearchParams(
			resolve({ prompt: 'select_account', loginHint: ` ${hint} ` }).authQueryParameters as string,
		);
		expect([...query.keys()]).toEqual(['response_mode', 'prompt', 'login_hint']);
		expect(query.get('login_hint')).toBe(hint);
		expect(query.get('prompt')).toBe('select_account');
	});
});

describe('hostile input cannot move the authorize and token URLs', () => {
	const hostileTenants = [
		'evil.example/x',
		'contoso.com/../../evil',
		'contoso.com?x=1',
		'contoso.com#frag',
		'user@evil.example',
		'evil.example@contoso.com',
		'..',
		'../common',
		'a..b.com',
		'contoso.com%2F..',
		'contoso.com\\evil',
		'contoso.com/',
		'contoso com',
		'common',
		'',
		'https://evil.example',
		'72f988bf-86f1-41af-91ab-2d7cd011db47/../x',
	];

	it.each(hostileTenants)(
		'tenant %j resolves to no sign-in URL: Connect opens the page that explains the Tenant',
		(tenantId) => {
			const resolved = resolve({ accountType: 'singleTenant', tenantId });
			// Nothing typed is part of the address: the fixed help page, not n8n's "Invalid URL" toast.
			expect(resolved.authUrl).toBe(TENANT_HELP_URL);
			expect(resolved.accessTokenUrl).toBeUndefined();
			expect(resolved.scope).toBeUndefined();
			expect(() => resolveTenant('singleTenant', tenantId)).toThrow(
				/Tenant .* is neither a directory \(tenant\) ID/,
			);
		},
	);

	it('an unknown account type or environment resolves to no URL', () => {
		expect(resolve({ accountType: 'evil.example/x' }).authUrl).toBeUndefined();
		expect(resolve({ environment: 'evil' }).authUrl).toBeUndefined();
	});

	const hostileUrls = [
		'https://login.example.com?x=1',
		'https://login.example.com/path?',
		'https://login.example.com#x',
		'https://user:pw@login.example.com',
		'https://login.example.com@evil.example',
		'https://evil.example\\@login.example.com',
		'https://login.example.com/../evil',
		'https://login.example.com/a/..',
		'javascript:alert(1)',
		'ftp://login.example.com',
		'//evil.example',
		'login.example.com',
		'https://login.example.com/ space',
		'',
	];

	it.each(hostileUrls)('custom authority %j resolves to no URL', (customAuthorityUrl) => {
		const resolved = resolve({
			environment: 'custom',
			customAuthorityUrl,
			customGraphUrl: 'https://graph.example.com',
			accountType: 'common',
		});
		expect(resolved.authUrl).toBeUndefined();
		expect(resolved.accessTokenUrl).toBeUndefined();
	});

	it.each(hostileUrls)(
		'custom Graph URL %j is refused by the credential test and by the transport',
		(customGraphUrl) => {
			expect(
				testBaseUrl({
					environment: 'custom',
					customAuthorityUrl: 'https://login.example.com',
					customGraphUrl,
				}),
			).toBeUndefined();
			expect(() =>
				resolveEnvironment({
					environment: 'custom',
					customAuthorityUrl: 'https://login.example.com',
					customGraphUrl,
				}),
			).toThrow(/^Graph URL /);
		},
	);

	it.each(['a', 'contoso.com', GUID, 'évil.com', 'x'.repeat(300)])(
		'whatever the tenant %j, a resolved URL keeps host and path shape',
		(tenantId) => {
			const resolved = resolve({ accountType: 'singleTenant', tenantId });
			if (resolved.authUrl === TENANT_HELP_URL)
				return expect(() => resolveTenant('singleTenant', tenantId)).toThrow();
			const url = new URL(resolved.authUrl as string);
			expect(url.origin).toBe('https://login.microsoftonline.com');
			expect(url.pathname).toBe(`/${tenantId.toLowerCase()}/oauth2/v2.0/authorize`);
			expect(url.search + url.hash).toBe('');
		},
	);
});

describe('an invalid tenant fails every node run with a field-named error', () => {
	let s: StandIns;
	beforeAll(async () => (s = await startStandIns()));
	afterAll(async () => await s.close());
	beforeEach(() => s.graph.reset());

	it.each(['evil.example/x?', 'user@evil.example', '..'])(
		'tenant %j: NodeOperationError before any request',
		async (tenantId) => {
			// Saved after connecting: the stored tokens stay, the edited tenant no longer resolves.
			const n8n = new N8nHarness(
				{ [PROBE_NODE_TYPE]: new GraphProbe() },
				{ ...connectedCredential(s), accountType: 'singleTenant', tenantId },
			);
			const error = (await n8n
				.execute(PROBE_NODE_TYPE, { parameters: { path: '/me' } })
				.catch((e: unknown) => e)) as NodeOperationError;
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error.message).toBe(
				`The credential's Tenant "${tenantId}" is neither a directory (tenant) ID such as "72f988bf-86f1-41af-91ab-2d7cd011db47" nor a verified domain such as "contoso.onmicrosoft.com". Copy the Directory (tenant) ID from the app registration's Overview page in the Azure portal.`,
			);
			expect(error.description).toBe('Fix the Outlook OAuth2 credential and reconnect it.');
			expect(s.graph.requests).toHaveLength(0);
			expect(s.graph.tokensSeen).toHaveLength(0);
		},
	);

	it('a custom Graph URL with user information fails the run naming the field', async () => {
		const n8n = new N8nHarness(
			{ [PROBE_NODE_TYPE]: new GraphProbe() },
			{ ...connectedCredential(s), customGraphUrl: `http://user:pw@${new URL(s.graph.url).host}` },
		);
		const error = (await n8n
			.execute(PROBE_NODE_TYPE, { parameters: { path: '/me' } })
			.catch((e: unknown) => e)) as NodeOperationError;
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe(
			'Graph URL must not contain a query, a fragment or user information',
		);
		expect(s.graph.tokensSeen).toHaveLength(0);
	});
});

describe('notices: the exact scopes and the admin-consent URL', () => {
	/** The notices n8n's credential modal shows for these values (displayOptions, as the modal applies them). */
	const shownNotices = (fields: ICredentialDataDecryptedObject) => {
		const values = resolve(fields);
		return credential.properties
			.filter(
				(p) =>
					p.type === 'notice' &&
					NodeHelpers.displayParameter(values as INodeParameters, p, null, null),
			)
			.map((p) => p.displayName);
	};

	it.each([
		['global', ['mailRead', 'mailSend']],
		['global', ['mailShared', 'calendarsReadWrite', 'mailboxSettings', 'imap']],
		['custom', DEFAULT_PERMISSIONS],
		['usGov', ['mailReadWrite', 'imap']],
		['usGovDod', ['calendarsShared']],
		['china', ['mailRead', 'calendarsRead', 'imap']],
	])('%s with %j: every requested scope is named in a shown notice', (environment, permissions) => {
		const fields = {
			environment,
			permissions,
			customAuthorityUrl: 'https://login.example.com',
			customGraphUrl: 'https://graph.example.com',
		};
		// The permissions to add: the shown notices, and the description beside each chosen option.
		const chosen = PERMISSION_GROUPS.filter((g) => permissions.includes(g.value)).map(
			(g) => g.description,
		);
		const text = [...shownNotices(fields), ...chosen].join('\n');
		const cloud =
			environment === 'custom'
				? CLOUD_ENVIRONMENTS.global
				: CLOUD_ENVIRONMENTS[environment as keyof typeof CLOUD_ENVIRONMENTS];
		for (const scope of String(resolve(fields).scope).split(' ')) {
			// Graph scopes appear by their portal name; outside the global cloud the notice shows the prefix once.
			const name = scope.replace(`${cloud.graph}/`, '');
			if (scope.startsWith(cloud.imapResource)) expect(text).toContain(`requested as ${scope}`);
			else
				expect(text).toMatch(
					new RegExp(`(: |, |\\()${name.replace(/\./g, '\\.')}(,|\\.|$| |\\))`, 'm'),
				);
		}
		if (environment !== 'global' && environment !== 'custom')
			expect(text).toContain(`with the Graph address in front, e.g. ${cloud.graph}/User.Read`);
		// Nothing is shown for a permission that is not chosen.
		for (const group of PERMISSION_GROUPS.filter((g) => !permissions.includes(g.value)))
			expect(text).not.toContain(`${group.name}:`);
	});

	it('a single tenant shows the admin-consent URL of its cloud; other account types do not', () => {
		expect(
			shownNotices({ accountType: 'singleTenant', tenantId: 'contoso.com' }).join('\n'),
		).toContain('https://login.microsoftonline.com/{Tenant}/adminconsent?client_id={Client ID}');
		expect(
			shownNotices({
				environment: 'china',
				accountType: 'singleTenant',
				tenantId: 'contoso.com',
			}).join('\n'),
		).toContain(
			'https://login.partner.microsoftonline.cn/{Tenant}/adminconsent?client_id={Client ID}',
		);
		expect(shownNotices({ accountType: 'organizations' }).join('\n')).not.toContain('adminconsent');
	});

	it('notices carry no expressions (the modal would show them as text)', () => {
		for (const p of credential.properties.filter((p) => p.type === 'notice'))
			expect(p.displayName).not.toMatch(/\{\{|^=/);
	});
});
