/**
 * The app-only credential: its fields, and its test (the nodes' credentialTest method, run the
 * way n8n's CredentialsTester calls it) against the stand-ins: a token, a Graph call for the Test
 * Mailbox or one user, the missing role or Exchange command by name, the certificate's thumbprint
 * and expiry, and never a secret or key in the message.
 */
import { CredentialTestContext } from 'n8n-core';
import type {
	ICredentialTestFunctions,
	INodeCredentialTestResult,
	INodeParameters,
} from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import {
	APP_ONLY_GUIDE_URL,
	APP_ONLY_INVALID_TENANT_NOTICE,
	OutlookAppOnlyApi,
} from '../../credentials/OutlookAppOnlyApi.credentials';
import { clearAppOnlyClients, summariseCertificate } from '../../nodes/shared/auth/appOnly';
import { outlookAppOnlyApiTest } from '../../nodes/shared/auth/appOnlyCredentialTest';
import { OutlookCalendar } from '../../nodes/OutlookCalendar/OutlookCalendar.node';
import { OutlookMail } from '../../nodes/OutlookMail/OutlookMail.node';
import {
	APP_ID,
	appOnlyFields,
	makeCertificate,
	newSecret,
	OTHER,
	SHARED,
	type TestCertificate,
} from '../appOnly/support';
import { expectGraphContractKept, startStandIns, type StandIns } from '../support/fixtures';

const credential = new OutlookAppOnlyApi();
const property = (name: string) => credential.properties.find((p) => p.name === name)!;

describe('credential shape', () => {
	it('is outlookAppOnlyApi with the environment, tenant, client ID and three ways to sign in', () => {
		expect(credential.name).toBe('outlookAppOnlyApi');
		expect(credential).not.toHaveProperty('extends');
		expect(property('environment').options?.map((o) => (o as { value: string }).value)).toEqual([
			'global',
			'usGov',
			'usGovDod',
			'china',
			'custom',
		]);
		expect(property('tenantId').required).toBe(true);
		expect(property('tenantId').description).toMatch(/Not common, organizations or consumers/);
		expect(property('authMethod').options?.map((o) => (o as { value: string }).value)).toEqual([
			'secret',
			'certificate',
			'pfx',
		]);
		for (const secret of ['clientSecret', 'privateKey', 'pfxCertificate', 'pfxPassword'])
			expect(property(secret).typeOptions?.password).toBe(true);
	});

	it('both Graph nodes offer it under Authentication and test it with outlookAppOnlyApiTest', () => {
		for (const node of [new OutlookMail(), new OutlookCalendar()]) {
			const entry = node.description.credentials?.find((c) => c.name === 'outlookAppOnlyApi');
			expect(entry).toMatchObject({
				testedBy: 'outlookAppOnlyApiTest',
				displayOptions: { show: { authentication: ['appOnly'] } },
			});
			expect(node.methods?.credentialTest?.outlookAppOnlyApiTest).toBe(outlookAppOnlyApiTest);
			const authentication = node.description.properties.find((p) => p.name === 'authentication');
			expect(authentication?.default).toBe('oAuth2');
			const appMailbox = node.description.properties.find(
				(p) => p.name === 'mailboxId' && p.displayOptions?.show?.authentication?.[0] === 'appOnly',
			);
			expect(appMailbox).toMatchObject({ required: true });
			expect(appMailbox?.description).toMatch(/Required with the app-only credential/);
		}
	});
});

describe('credential test', () => {
	let s: StandIns;
	let cert: TestCertificate;
	const secret = newSecret();
	// n8n's own context for credential tests (its `request` helper is n8n's outbound HTTP).
	const thisContext: ICredentialTestFunctions = new CredentialTestContext();
	const test = async (fields: Record<string, unknown>): Promise<INodeCredentialTestResult> =>
		await outlookAppOnlyApiTest.call(thisContext, {
			id: 'c1',
			name: 'Outlook app',
			type: 'outlookAppOnlyApi',
			data: fields as never,
		});

	beforeAll(async () => {
		s = await startStandIns();
		cert = makeCertificate(200);
	});
	afterAll(async () => await s.close());
	beforeEach(() => {
		clearAppOnlyClients();
		s.graph.reset();
		s.idp.registerApp({
			clientId: APP_ID,
			secrets: [secret],
			certificates: [cert.certPem],
			roles: { graph: ['Mail.ReadWrite'], imap: [] },
		});
		s.graph.limitAppToMailboxes(APP_ID, [SHARED]);
		s.graph.on('GET', '/users/:mailbox/mailFolders/:folder', (_, p) => ({
			body: { id: `inbox-of-${p.mailbox}` },
		}));
		// GET /users (https://learn.microsoft.com/graph/api/user-list) is outside the repo's mail+calendar subset.
		s.graph.allowOutsideContract('GET', '/users');
		s.graph.on('GET', '/users', { body: { value: [{ id: 'u1' }] } });
	});
	afterEach(() => expectGraphContractKept(s.graph));

	const expectNoSecrets = (result: INodeCredentialTestResult) => {
		expect(result.message).not.toContain(secret);
		expect(result.message).not.toMatch(/PRIVATE KEY|eyJ/);
	};

	it('OK for a Test Mailbox in scope, with the roles, the certificate thumbprint and expiry', async () => {
		const result = await test(appOnlyFields(s, { cert }, { testMailbox: SHARED }));
		const summary = summariseCertificate(cert.certPem);
		expect(result.status).toBe('OK');
		expect(result.message).toContain(`Application permissions: Mail.ReadWrite.`);
		expect(result.message).toContain(`read the inbox of ${SHARED}`);
		expect(result.message).toContain(`Certificate thumbprint ${summary.thumbprint}`);
		expect(result.message).toContain(`expires ${summary.notAfter.toISOString().slice(0, 10)}`);
		expect(s.graph.requests[0].path).toBe(`/users/${encodeURIComponent(SHARED)}/mailFolders/inbox`);
		expectNoSecrets(result);
	});

	it('a Test Mailbox outside the scope: Error naming the Exchange commands', async () => {
		const result = await test(appOnlyFields(s, { cert }, { testMailbox: OTHER }));
		expect(result.status).toBe('Error');
		expect(result.message).toContain('403 ErrorAccessDenied');
		expect(result.message).toContain('New-ManagementRoleAssignment');
		expect(result.message).toContain('Test-ApplicationAccessPolicy');
	});

	it('an app without mail permissions: Error naming Mail.Read', async () => {
		s.idp.registerApp({ clientId: APP_ID, secrets: [secret], roles: { graph: [], imap: [] } });
		const result = await test(appOnlyFields(s, { secret }, { testMailbox: SHARED }));
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/no Mail\.Read application permission/);
		expect(result.message).toContain('Application permissions: none.');
		expectNoSecrets(result);
	});

	it('an app with Calendars.Read and no mail permission reads the Test Mailbox’s calendar instead', async () => {
		// docs/setup-guide.md 10.5: the inbox, or the calendar for an app that may read only calendars.
		s.idp.registerApp({
			clientId: APP_ID,
			secrets: [secret],
			roles: { graph: ['Calendars.Read'], imap: [] },
		});
		s.graph.on('GET', '/users/:mailbox/calendar', (_, p) => ({
			body: { id: `calendar-of-${p.mailbox}` },
		}));
		const result = await test(appOnlyFields(s, { secret }, { testMailbox: SHARED }));
		expect(result.status).toBe('OK');
		expect(result.message).toContain(`read the calendar of ${SHARED}`);
		expect(s.graph.requests[0].path).toBe(`/users/${encodeURIComponent(SHARED)}/calendar`);
	});

	it('an app for sending only (Mail.Send): OK without a request, saying the mailbox shows on the first send', async () => {
		s.idp.registerApp({
			clientId: APP_ID,
			secrets: [secret],
			roles: { graph: ['Mail.Send'], imap: [] },
		});
		const result = await test(appOnlyFields(s, { secret }, { testMailbox: SHARED }));
		expect(result.status).toBe('OK');
		expect(result.message).toContain('Application permissions: Mail.Send.');
		expect(result.message).toContain(`send as ${SHARED} shows when a workflow first sends`);
		expect(s.graph.requests).toHaveLength(0);
		expectNoSecrets(result);
	});

	it('an app for contacts only (Contacts.Read): the Test Mailbox is checked with its contacts, OK', async () => {
		s.idp.registerApp({
			clientId: APP_ID,
			secrets: [secret],
			roles: { graph: ['Contacts.Read'], imap: [] },
		});
		s.graph.on('GET', '/users/:mailbox/contacts', { body: { value: [] } });
		const result = await test(appOnlyFields(s, { secret }, { testMailbox: SHARED }));
		expect(result.status).toBe('OK');
		expect(result.message).toContain(`read the contacts of ${SHARED}`);
		expect(s.graph.requests.map((r) => r.path)).toEqual([
			`/users/${encodeURIComponent(SHARED)}/contacts`,
		]);
	});

	it('no Test Mailbox: lists one user, and names User.Read.All when the app lacks it', async () => {
		const result = await test(appOnlyFields(s, { secret }));
		expect(result.status).toBe('Error');
		expect(result.message).toContain('Authorization_RequestDenied');
		expect(result.message).toMatch(/no User\.Read\.All application permission/);
		expect(s.graph.requests[0]).toMatchObject({ path: '/users', query: { $top: '1' } });
		s.idp.registerApp({
			clientId: APP_ID,
			secrets: [secret],
			roles: { graph: ['User.Read.All'], imap: [] },
		});
		expect((await test(appOnlyFields(s, { secret }))).status).toBe('OK');
	});

	it('a certificate Microsoft does not know: Error with AADSTS700027, the fix and the thumbprint to compare', async () => {
		const stranger = makeCertificate();
		const result = await test(appOnlyFields(s, { cert: stranger }, { testMailbox: SHARED }));
		expect(result.status).toBe('Error');
		expect(result.message).toContain('AADSTS700027');
		expect(result.message).toMatch(/Upload the certificate/);
		expect(result.message).toContain(summariseCertificate(stranger.certPem).thumbprint);
		expect(s.graph.requests).toEqual([]);
	});

	it('an unknown Client ID (AADSTS700016): the fix names fields this credential has (Client ID, Tenant), not Account Type', async () => {
		const result = await test(
			appOnlyFields(s, { secret }, { clientId: '99999999-2222-4333-8444-555555555555' }),
		);
		expect(result.status).toBe('Error');
		expect(result.message).toContain('AADSTS700016');
		expect(result.message).toMatch(/Client ID.*Tenant/);
		const fields = credential.properties.map((p) => p.displayName);
		expect(fields).toEqual(expect.arrayContaining(['Client ID', 'Tenant', 'Environment']));
		expect(fields).not.toContain('Account Type');
		expect(result.message).not.toContain('Account Type');
	});

	it('a tenant of common: Error saying why, no request', async () => {
		const result = await test(appOnlyFields(s, { secret }, { tenantId: 'common' }));
		expect(result).toEqual({
			status: 'Error',
			message: expect.stringMatching(/no signed-in user/),
		});
		expect(s.graph.requests).toEqual([]);
	});

	it('an EC certificate: Error saying the key must be RSA, not that Microsoft refused it', async () => {
		const ec = makeCertificate(200, '/CN=ec app', 'ec');
		s.idp.registerApp({
			clientId: APP_ID,
			certificates: [ec.certPem],
			roles: { graph: ['Mail.Read'], imap: [] },
		});
		s.idp.requests.length = 0;
		for (const pfx of [false, true]) {
			const result = await test(appOnlyFields(s, { cert: ec, pfx }, { testMailbox: SHARED }));
			expect(result.status).toBe('Error');
			expect(result.message).toMatch(/private key is EC, not RSA/);
			expect(result.message).not.toMatch(/Microsoft refused/);
			expectNoSecrets(result);
		}
		expect(s.idp.requests).toEqual([]);
	});

	it('a certificate expiring within 30 days is flagged', async () => {
		const soon = makeCertificate(10);
		s.idp.registerApp({
			clientId: APP_ID,
			certificates: [soon.certPem],
			roles: { graph: ['Mail.Read'], imap: [] },
		});
		const result = await test(appOnlyFields(s, { cert: soon }, { testMailbox: SHARED }));
		expect(result.status).toBe('OK');
		expect(result.message).toMatch(/Renew it soon/);
	});
});

describe('checked as it is typed, as the OAuth2 credential is (issue #26)', () => {
	const values = (typed: Record<string, unknown>) =>
		({
			...Object.fromEntries(
				credential.properties.filter((p) => p.type !== 'notice').map((p) => [p.name, p.default]),
			),
			...typed,
		}) as INodeParameters;
	const shown = (name: string, typed: Record<string, unknown>) =>
		NodeHelpers.displayParameter(values(typed), property(name), null, null);
	const names = credential.properties.map((p) => p.name);

	it.each(['contoso', 'common', 'organizations', 'https://login.microsoftonline.com/contoso.com'])(
		'Tenant %j: the notice under the field says it is not a tenant',
		(tenantId) =>
			expect(
				shown('tenantIdInvalidNotice', { tenantId }) ||
					shown('tenantIdAddressNotice', { tenantId }),
			).toBe(true),
	);

	it.each(['', 'contoso.onmicrosoft.com', '72f988bf-86f1-41af-91ab-2d7cd011db47'])(
		'Tenant %j: no notice',
		(tenantId) =>
			expect(
				shown('tenantIdInvalidNotice', { tenantId }) ||
					shown('tenantIdAddressNotice', { tenantId }),
			).toBe(false),
	);

	it.each([
		['my n8n app', true],
		['00000000-0000-4000-8000-00000000c1d0', false],
		['', false],
	])('Client ID %j: notice %s', (clientId, expected) =>
		expect(shown('clientIdInvalidNotice', { clientId })).toBe(expected),
	);

	it('each notice stands right under its field', () => {
		expect(names.indexOf('tenantIdInvalidNotice')).toBe(names.indexOf('tenantId') + 1);
		expect(names.indexOf('tenantIdAddressNotice')).toBe(names.indexOf('tenantId') + 2);
		expect(property('tenantIdAddressNotice').displayName).toBe(APP_ONLY_INVALID_TENANT_NOTICE);
		expect(names.indexOf('clientIdInvalidNotice')).toBe(names.indexOf('clientId') + 1);
		expect(property('tenantIdInvalidNotice').displayName).toBe(APP_ONLY_INVALID_TENANT_NOTICE);
	});

	it('the setup notice names the button n8n shows after saving (Retry) and links chapter 10 itself', () => {
		const text = property('setupNotice').displayName;
		expect(text).not.toMatch(/Click Test/);
		expect(text).toContain('Retry');
		expect(text).toContain(`href="${APP_ONLY_GUIDE_URL}"`);
		expect(APP_ONLY_GUIDE_URL).toMatch(/setup-guide\.md#10-app-only-access-no-signed-in-user$/);
	});
});
