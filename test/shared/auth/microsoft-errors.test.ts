/** Each rewritten error, produced from a recorded Microsoft error body. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { CLOUD_ENVIRONMENTS } from '../../../nodes/shared/auth/environments';
import {
	adminConsentUrl,
	EXPLAINED_CODES,
	explainMicrosoftError,
} from '../../../nodes/shared/auth/microsoft-errors';
import { graphApiError } from '../../../nodes/shared/graph/errors';
import {
	connectedCredential,
	expectGraphContractKept,
	startStandIns,
	type StandIns,
} from '../../support/fixtures';
import { N8nHarness } from '../../support/n8n-harness';
import { GraphProbe, PROBE_NODE_TYPE } from '../../support/probe-node';
import { GRAPH_ERRORS, IDENTITY_PLATFORM_ERRORS, IMAP_ERRORS } from './recorded-microsoft-errors';

const node: INode = {
	id: 'n',
	name: 'Outlook',
	type: 'outlookMail',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

describe('identity platform errors (AADSTS)', () => {
	/** What each fix must tell the user to do. */
	const expected: Record<keyof typeof IDENTITY_PLATFORM_ERRORS, { cause: RegExp; fix: RegExp }> = {
		AADSTS50194: {
			cause: /single-tenant/,
			fix: /Account Type to "Single Organisation".*Directory \(tenant\) ID/,
		},
		AADSTS50011: { cause: /redirect URI/, fix: /OAuth Redirect URL.*Redirect URIs/ },
		AADSTS7000222: { cause: /client secret has expired/, fix: /new client secret.*Value/ },
		AADSTS7000215: {
			cause: /secret's ID was pasted instead of its Value/,
			fix: /copy the Value column/,
		},
		AADSTS65001: { cause: /consented/, fix: /Force Consent.*adminconsent/ },
		AADSTS700016: { cause: /No app with this Client ID/, fix: /Application \(client\) ID/ },
		AADSTS90023: { cause: /malformed/, fix: /Login Prompt/ },
		AADSTS70000: {
			cause: /revoked or has expired/,
			fix: /^Open the credential and click Reconnect\.$/,
		},
		AADSTS50076: { cause: /multi-factor authentication/, fix: /complete the MFA prompt/ },
		AADSTS50079: { cause: /register for multi-factor/, fix: /aka\.ms\/mfasetup/ },
		AADSTS53003: { cause: /Conditional Access policy blocked/, fix: /sign-in logs/ },
	};

	it.each(Object.entries(IDENTITY_PLATFORM_ERRORS))(
		'%s from the token endpoint body',
		(code, body) => {
			const explained = explainMicrosoftError({
				code: body.error,
				message: body.error_description,
				status: 400,
			});
			expect(explained?.code).toBe(code);
			expect(explained?.cause).toMatch(
				expected[code as keyof typeof IDENTITY_PLATFORM_ERRORS].cause,
			);
			expect(explained?.fix).toMatch(expected[code as keyof typeof IDENTITY_PLATFORM_ERRORS].fix);
		},
	);

	it('the AADSTS code wins over the OAuth error it is filed under (65001 is an invalid_grant)', () => {
		expect(IDENTITY_PLATFORM_ERRORS.AADSTS65001.error).toBe('invalid_grant');
		expect(
			explainMicrosoftError({
				code: 'invalid_grant',
				message: IDENTITY_PLATFORM_ERRORS.AADSTS65001.error_description,
			})?.code,
		).toBe('AADSTS65001');
		// An invalid_grant whose AADSTS code is not in the table still says to reconnect.
		const other = explainMicrosoftError({
			code: 'invalid_grant',
			message:
				'AADSTS70008: The provided authorization code or refresh token has expired due to inactivity.',
		});
		expect(other).toMatchObject({
			code: 'invalid_grant',
			fix: 'Open the credential and click Reconnect.',
		});
	});

	it('AADSTS65001 names the admin-consent URL for a single tenant', () => {
		const context = {
			authority: 'https://login.microsoftonline.com',
			tenant: 'contoso.onmicrosoft.com',
			clientId: '6731de76-14a6-49ae-97bc-6eba6914391e',
		};
		expect(
			explainMicrosoftError(
				{ message: IDENTITY_PLATFORM_ERRORS.AADSTS65001.error_description },
				context,
			)?.fix,
		).toContain(
			'ask one to open https://login.microsoftonline.com/contoso.onmicrosoft.com/adminconsent?client_id=6731de76-14a6-49ae-97bc-6eba6914391e ',
		);
		expect(
			explainMicrosoftError(
				{ message: IDENTITY_PLATFORM_ERRORS.AADSTS65001.error_description },
				{ ...context, tenant: 'common' },
			)?.fix,
		).toContain(
			'https://login.microsoftonline.com/{tenant}/adminconsent?client_id=6731de76-14a6-49ae-97bc-6eba6914391e ',
		);
		expect(
			adminConsentUrl(
				'https://login.microsoftonline.us/',
				'72f988bf-86f1-41af-91ab-2d7cd011db47',
				'a b',
			),
		).toBe(
			'https://login.microsoftonline.us/72f988bf-86f1-41af-91ab-2d7cd011db47/adminconsent?client_id=a%20b',
		);
	});

	// Each national cloud is its own Entra ID instance with its own sign-in host
	// (https://learn.microsoft.com/graph/deployments): consent at the global host cannot help there.
	it.each([
		['China', CLOUD_ENVIRONMENTS.china.authority],
		['US Government', CLOUD_ENVIRONMENTS.usGov.authority],
	])(
		'AADSTS65001 in the %s cloud names its own sign-in host, with or without a single tenant',
		(_cloud, authority) => {
			const clientId = '11111111-2222-4333-8444-555555555555';
			const explain = (tenant: string) =>
				explainMicrosoftError(
					{ code: 'consent_required', message: 'AADSTS65001: consent' },
					{ authority, tenant, clientId },
				);
			expect(explain('organizations')?.code).toBe('AADSTS65001');
			expect(explain('organizations')?.fix).toContain(
				`ask one to open ${authority}/{tenant}/adminconsent?client_id=${clientId} `,
			);
			expect(explain('contoso.partner.onmschina.cn')?.fix).toContain(
				`ask one to open ${authority}/contoso.partner.onmschina.cn/adminconsent?client_id=${clientId} `,
			);
			expect(explain('organizations')?.fix).not.toContain('login.microsoftonline.com/');
		},
	);

	it('AADSTS65001 puts no Client ID in the URL that is not one (it may be a secret typed there)', () => {
		const fix = explainMicrosoftError(
			{ message: 'AADSTS65001: consent' },
			{
				authority: CLOUD_ENVIRONMENTS.global.authority,
				tenant: 'contoso.onmicrosoft.com',
				clientId: 'Xy78Q~abcdEFGHijklMNOPqrstUVWXyz0123456789',
			},
		)?.fix;
		expect(fix).toContain('/contoso.onmicrosoft.com/adminconsent?client_id={client ID} ');
		expect(fix).not.toContain('Xy78Q');
	});

	it('unknown codes and empty input have no explanation', () => {
		expect(
			explainMicrosoftError({ code: 'SomethingElse', message: 'AADSTS99999999: unheard of' }),
		).toBeUndefined();
		expect(explainMicrosoftError({})).toBeUndefined();
	});
});

describe('Graph errors', () => {
	it.each(Object.entries(GRAPH_ERRORS))(
		'%s: the message keeps the code, the description is cause and fix',
		(code, { status, body }) => {
			const explained = explainMicrosoftError({ code, status });
			expect(explained?.code).toBe(code);
			const error = graphApiError(
				{ status, body: JSON.stringify(body), method: 'GET', path: '/me/messages/x' },
				{ node },
			);
			expect(error.message).toBe(
				`Microsoft Graph answered ${status} ${code}: ${body.error.message}`,
			);
			expect(error.description).toBe(`${explained!.cause} ${explained!.fix}`);
		},
	);

	it('codes are matched whatever their case', () => {
		expect(explainMicrosoftError({ code: 'erroraccessdenied' })?.code).toBe('erroraccessdenied');
		expect(explainMicrosoftError({ code: 'ErrorAccessDenied' })?.cause).toMatch(
			/lacks a permission/,
		);
	});

	it('a 403 with a known permission keeps the specific hint', () => {
		const { status, body } = GRAPH_ERRORS.ErrorAccessDenied;
		const error = graphApiError(
			{ status, body, method: 'POST', path: '/me/sendMail' },
			{ node, permission: 'Mail.Send', action: 'send mail', grantedScope: 'User.Read' },
		);
		expect(error.description).toMatch(/^Mail\.Send is needed to send mail/);
	});

	it('throttling after retries says how many attempts and what to change', () => {
		const { status, body } = GRAPH_ERRORS.ApplicationThrottled;
		const error = graphApiError(
			{ status, body, method: 'GET', path: '/me/messages', attempts: 6 },
			{ node },
		);
		expect(error.message).toBe(
			'Microsoft Graph answered 429 ApplicationThrottled: Application is over its MailboxConcurrency limit. (after 6 attempts)',
		);
		expect(error.description).toMatch(
			/^Microsoft Graph was still throttling or unavailable after 6 attempts\. The node already waits for Retry-After .* raise Max Retries/,
		);
	});
});

describe('IMAP', () => {
	it.each(Object.entries(IMAP_ERRORS))('%s AUTHENTICATIONFAILED answer', (_server, answer) => {
		const explained = explainMicrosoftError({ message: answer });
		expect(explained?.code).toBe('AUTHENTICATIONFAILED');
		expect(explained?.fix).toMatch(/IMAP\.AccessAsUser\.All/);
		expect(explainMicrosoftError({ code: 'AUTHENTICATIONFAILED' })?.cause).toMatch(
			/refused the IMAP sign-in/,
		);
	});
});

it('the table covers every code the issue lists', () => {
	expect(EXPLAINED_CODES.sort()).toEqual(
		[
			'AADSTS50194',
			'AADSTS50011',
			'AADSTS7000222',
			'AADSTS7000215',
			'AADSTS65001',
			'AADSTS700016',
			'AADSTS90023',
			'AADSTS70000',
			'INVALID_GRANT',
			'AADSTS50076',
			'AADSTS50079',
			'AADSTS53003',
			'INVALIDAUTHENTICATIONTOKEN',
			'ERRORACCESSDENIED',
			'AUTHORIZATION_REQUESTDENIED',
			'ERRORITEMNOTFOUND',
			'RESOURCENOTFOUND',
			'APPLICATIONTHROTTLED',
			'TOOMANYREQUESTS',
			'MAILBOXNOTENABLEDFORRESTAPI',
			'ERRORINVALIDUSER',
			'ERRORSENDASDENIED',
			'AUTHENTICATIONFAILED',
		].sort(),
	);
});

describe('rewritten errors through n8n-core', () => {
	let s: StandIns;
	beforeAll(async () => (s = await startStandIns()));
	afterAll(async () => await s.close());
	beforeEach(() => s.graph.reset());

	const failure = async (n8n: N8nHarness, path = '/me') =>
		(await n8n.execute(PROBE_NODE_TYPE, { parameters: { path } }).then(
			() => {
				throw new Error('expected the node to fail');
			},
			(e: unknown) => e,
		)) as NodeOperationError;

	it('a refresh refused for the secret ID (AADSTS7000215) explains the Value/ID mix-up', async () => {
		const n8n = new N8nHarness(
			{ [PROBE_NODE_TYPE]: new GraphProbe() },
			connectedCredential(s, { clientSecret: '0a1b2c3d-secret-id-not-value' }),
		);
		s.idp.expireAccessTokens();
		const error = await failure(n8n);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(
			/^Microsoft refused to refresh the access token: invalid_client \(AADSTS7000215: /,
		);
		const explained = explainMicrosoftError({ code: 'AADSTS7000215' })!;
		expect(error.description).toBe(`${explained.cause} ${explained.fix}`);
	});

	it('a refresh for an unknown Client ID (AADSTS700016) says where to copy the ID from', async () => {
		const n8n = new N8nHarness(
			{ [PROBE_NODE_TYPE]: new GraphProbe() },
			connectedCredential(s, { clientId: '11111111-2222-4333-8444-555555555555' }),
		);
		s.idp.expireAccessTokens();
		const error = await failure(n8n);
		expect(error.message).toMatch(/unauthorized_client \(AADSTS700016: /);
		expect(error.description).toMatch(/Application \(client\) ID/);
	});

	it('MailboxNotEnabledForRESTAPI from Graph is explained', async () => {
		const n8n = new N8nHarness({ [PROBE_NODE_TYPE]: new GraphProbe() }, connectedCredential(s));
		const { status, body } = GRAPH_ERRORS.MailboxNotEnabledForRESTAPI;
		s.graph.on('GET', '/users/:user/messages', { status, body });
		const error = await failure(n8n, '/users/onprem%40contoso.com/messages');
		expect(error.message).toBe(
			'Microsoft Graph answered 404 MailboxNotEnabledForRESTAPI: The mailbox is either inactive, soft-deleted, or is hosted on-premise.',
		);
		expect(error.description).toMatch(/on-premises Exchange.*Exchange Online/);
		expectGraphContractKept(s.graph);
	});
});

it('docs/troubleshooting.md has one row per code, with the same cause and fix', () => {
	const doc = readFileSync(join(__dirname, '../../../docs/troubleshooting.md'), 'utf8');
	const rows = doc
		.split('\n')
		.filter(
			(line) => line.startsWith('| ') && !line.startsWith('| Error') && !line.startsWith('| ---'),
		);
	const inputs = EXPLAINED_CODES.map((key) =>
		key.startsWith('AADSTS') ? { message: key } : { code: key },
	);
	for (const input of inputs) {
		const explained = explainMicrosoftError(input)!;
		const row = rows.find((line) => line.includes(`| ${explained.cause} |`));
		expect(row).toBeDefined();
		expect(row).toContain(`| ${explained.fix} |`);
	}
	expect(rows).toHaveLength(EXPLAINED_CODES.length - 1); // invalid_grant shares the AADSTS70000 row
});
