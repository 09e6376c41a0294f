/**
 * Outlook Mail and Outlook Calendar with the app-only credential, through n8n-core's execution
 * context against the stand-ins: requests go to the chosen mailbox (there is no /me) with the
 * app's Bearer token; a mailbox outside the admin's scope and a missing application permission
 * fail with the Exchange command or the permission to add; one token serves 50 executions.
 */
import type { INodeParameters } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { clearAppOnlyClients } from '../../nodes/shared/auth/appOnly';
import { OutlookCalendar } from '../../nodes/OutlookCalendar/OutlookCalendar.node';
import { OutlookMail } from '../../nodes/OutlookMail/OutlookMail.node';
import { expectGraphContractKept, startStandIns, type StandIns } from '../support/fixtures';
import { initBinaryData } from '../support/n8n-harness';
import { graphMessage, MSG_ID, rl } from '../OutlookMail/message/setup';
import {
	APP_ID,
	AppOnlyHarness,
	appOnlyFields,
	makeCertificate,
	OTHER,
	SHARED,
	type TestCertificate,
} from './support';

let s: StandIns;
let cert: TestCertificate;
let n8n: AppOnlyHarness;

const types = { outlookMail: new OutlookMail(), outlookCalendar: new OutlookCalendar() };
const app = (extra: INodeParameters = {}): INodeParameters => ({
	authentication: 'appOnly',
	mailboxId: SHARED,
	...extra,
});
const getMessage = (extra: INodeParameters = {}) =>
	app({ resource: 'message', operation: 'get', messageId: rl(MSG_ID), ...extra });

async function failure(promise: Promise<unknown>) {
	try {
		await promise;
	} catch (error) {
		return error as Error & { description?: string; httpCode?: string };
	}
	throw new Error('expected the node to fail');
}

beforeAll(async () => {
	s = await startStandIns();
	cert = makeCertificate();
	await initBinaryData('default');
});
afterAll(async () => await s.close());
beforeEach(() => {
	clearAppOnlyClients();
	s.graph.reset();
	s.idp.clientCredentialRequests.length = 0;
	s.idp.registerApp({
		clientId: APP_ID,
		certificates: [cert.certPem],
		roles: { graph: ['Mail.ReadWrite', 'Mail.Send', 'Calendars.ReadWrite'], imap: [] },
	});
	s.graph.limitAppToMailboxes(APP_ID, [SHARED]);
	n8n = new AppOnlyHarness(types, appOnlyFields(s, { cert }));
	s.graph.on('GET', '/users/:mailbox/messages/:id', (_, p) => ({ body: graphMessage(p.id) }));
});
afterEach(() => expectGraphContractKept(s.graph));

describe('Outlook Mail with the app-only credential', () => {
	it("reads the chosen mailbox with the app's token: /users/{mailbox}, Bearer, roles in the token", async () => {
		const [out] = await n8n.execute('outlookMail', { parameters: getMessage() });
		expect(out[0].json).toMatchObject({ id: MSG_ID, subject: `Subject ${MSG_ID}` });
		const [request] = s.graph.requests;
		expect(request.path).toBe(
			`/users/${encodeURIComponent(SHARED)}/messages/${encodeURIComponent(MSG_ID)}`,
		);
		expect(request.app).toEqual({
			appId: APP_ID,
			roles: ['Mail.ReadWrite', 'Mail.Send', 'Calendars.ReadWrite'],
		});
		expect(request.headers.authorization).toMatch(/^Bearer /);
		// The token is not in the output.
		const token = request.headers.authorization.slice('Bearer '.length);
		expect(JSON.stringify(out)).not.toContain(token);
	});

	it("a mailbox outside the app's Exchange scope: 403 ErrorAccessDenied naming the Exchange commands", async () => {
		const error = await failure(
			n8n.execute('outlookMail', { parameters: getMessage({ mailboxId: OTHER }) }),
		);
		expect(error.message).toContain('403 ErrorAccessDenied');
		expect(error.description).toMatch(/outside the mailboxes the app may open/);
		// Reading needs the Application Mail.Read role there (message-get), not write access.
		expect(error.description).toContain(
			`New-ManagementRoleAssignment -App ${APP_ID} -Role "Application Mail.Read"`,
		);
		expect(error.description).toContain('Test-ApplicationAccessPolicy');
	});

	it('a read-only app (Mail.Read) refused a mailbox: the 403 names the mailbox scope, not a missing Mail.ReadWrite', async () => {
		// Microsoft documents Mail.Read as the application permission for reading messages
		// (message-get); the app holds it, so Exchange's mailbox scope is what refused.
		s.idp.registerApp({
			clientId: APP_ID,
			certificates: [cert.certPem],
			roles: { graph: ['Mail.Read'], imap: [] },
		});
		const error = await failure(
			n8n.execute('outlookMail', { parameters: getMessage({ mailboxId: OTHER }) }),
		);
		expect(error.message).toContain('403 ErrorAccessDenied');
		expect(error.description).toMatch(/^The app holds Mail\.Read to read mail, so Exchange Online/);
		expect(error.description).toContain(
			`New-ManagementRoleAssignment -App ${APP_ID} -Role "Application Mail.Read"`,
		);
	});

	it('an app without Mail.Send: the 403 names the application permission and admin consent', async () => {
		s.idp.registerApp({
			clientId: APP_ID,
			certificates: [cert.certPem],
			roles: { graph: ['Mail.Read'], imap: [] },
		});
		s.graph.on('POST', '/users/:mailbox/sendMail', { status: 202 });
		const error = await failure(
			n8n.execute('outlookMail', {
				parameters: app({
					resource: 'message',
					operation: 'send',
					toRecipients: 'bob@contoso.com',
					subject: 'Hello',
					bodyContentType: 'text',
					bodyContent: 'Hi',
				}),
			}),
		);
		expect(error.message).toContain('403 ErrorAccessDenied');
		expect(error.description).toMatch(
			/no Mail\.Send application permission .*its token grants: Mail\.Read/,
		);
		expect(error.description).toMatch(/Application permissions → Mail\.Send .*Grant admin consent/);
	});

	it('a Mailbox choice stored from an OAuth2 setup ("My Mailbox") does not matter: the node works in the address the app-only field shows', async () => {
		const [out] = await n8n.execute('outlookMail', {
			parameters: getMessage({ mailbox: 'me' }),
		});
		expect(out[0].json).toMatchObject({ id: MSG_ID });
		expect(s.graph.requests.map((r) => r.path)).toEqual([
			`/users/${encodeURIComponent(SHARED)}/messages/${encodeURIComponent(MSG_ID)}`,
		]);
	});

	it('an empty mailbox is refused with the field named', async () => {
		const error = await failure(
			n8n.execute('outlookMail', { parameters: getMessage({ mailboxId: '' }) }),
		);
		expect(error.message).toMatch(/Mailbox Address or ID/);
	});

	it('with continueOnFail, a mailbox outside the scope is an error item, and the next item still runs', async () => {
		const [out] = await n8n.execute('outlookMail', {
			parameters: getMessage({ mailboxId: '={{ $json.mailbox }}' }),
			items: [{ json: { mailbox: OTHER } }, { json: { mailbox: SHARED } }],
			continueOnFail: true,
		});
		expect(out[0].json.error).toMatch(/403 ErrorAccessDenied/);
		expect(out[1].json).toMatchObject({ id: MSG_ID });
	});
});

describe('Outlook Calendar with the app-only credential', () => {
	it('lists events of the chosen mailbox', async () => {
		s.graph.collection('GET', '/users/:mailbox/calendarView', () => [
			{
				id: 'EV1',
				subject: 'Standup',
				start: { dateTime: '2026-01-05T09:00:00', timeZone: 'UTC' },
				end: { dateTime: '2026-01-05T09:15:00', timeZone: 'UTC' },
			},
		]);
		const [out] = await n8n.execute('outlookCalendar', {
			parameters: app({
				resource: 'event',
				operation: 'getAll',
				from: '2026-01-01T00:00:00',
				to: '2026-02-01T00:00:00',
				returnAll: true,
			}),
		});
		expect(out.map((item) => item.json.id)).toEqual(['EV1']);
		// The mailbox's time zone is asked for first (the app has no MailboxSettings.Read role here:
		// 403, so the workflow's zone applies), then the events.
		expect(s.graph.requests.map((r) => r.path)).toEqual([
			`/users/${encodeURIComponent(SHARED)}/mailboxSettings`,
			`/users/${encodeURIComponent(SHARED)}/calendarView`,
		]);
		for (const request of s.graph.requests) expect(request.app?.appId).toBe(APP_ID);
	});

	it('an app with mail permissions only: the 403 names Calendars.Read', async () => {
		s.idp.registerApp({
			clientId: APP_ID,
			certificates: [cert.certPem],
			roles: { graph: ['Mail.ReadWrite'], imap: [] },
		});
		s.graph.collection('GET', '/users/:mailbox/calendarView', () => []);
		const error = await failure(
			n8n.execute('outlookCalendar', {
				parameters: app({
					resource: 'event',
					operation: 'getAll',
					from: '2026-01-01T00:00:00',
					to: '2026-02-01T00:00:00',
					returnAll: true,
				}),
			}),
		);
		expect(error.message).toContain('403');
		expect(error.description).toMatch(/no Calendars\.Read(Write)? application permission/);
	});

	it('Find Meeting Times is refused before any request: Graph does not support it with application permissions', async () => {
		const error = await failure(
			n8n.execute('outlookCalendar', {
				parameters: app({
					resource: 'availability',
					operation: 'findMeetingTimes',
					attendees: 'bea@contoso.com',
					from: '2026-06-01T09:00:00',
					to: '2026-06-01T18:00:00',
				}),
			}),
		);
		expect(error.message).toBe(
			'Find Meeting Times needs the OAuth2 credential: Microsoft Graph does not support findMeetingTimes with application permissions',
		);
		expect(error.description).toMatch(/Get Schedule, which works with the app-only credential/);
		expect(s.graph.requests).toHaveLength(0);
	});
});

describe('token reuse across executions', () => {
	it('50 executions, one token request; every Graph request carries the same token', async () => {
		for (let i = 0; i < 50; i++) await n8n.execute('outlookMail', { parameters: getMessage() });
		expect(s.idp.clientCredentialRequests).toHaveLength(1);
		expect(s.graph.requests).toHaveLength(50);
		expect(new Set(s.graph.requests.map((r) => r.headers.authorization)).size).toBe(1);
	});

	it('a cached token Graph refuses (401) is replaced once by a fresh one', async () => {
		await n8n.execute('outlookMail', { parameters: getMessage() });
		s.idp.expireAccessTokens();
		const [out] = await n8n.execute('outlookMail', { parameters: getMessage() });
		expect(out[0].json).toMatchObject({ id: MSG_ID });
		expect(s.idp.clientCredentialRequests).toHaveLength(2);
		const tokens = s.graph.tokensSeen;
		expect(tokens).toHaveLength(3);
		expect(tokens[1]).toBe(tokens[0]);
		expect(tokens[2]).not.toBe(tokens[0]);
	});

	it('the delegated credential is untouched: a node without the Authentication parameter still uses OAuth2', async () => {
		const node = n8n.makeNode('outlookMail', { parameters: { resource: 'message' } });
		expect(Object.keys(node.credentials ?? {})).toEqual(['outlookOAuth2Api']);
		const { graphCredentialType } = await import('../../nodes/shared/auth/appOnlyGraph');
		expect(graphCredentialType(node)).toBe('outlookOAuth2Api');
		expect(graphCredentialType({ ...node, parameters: { authentication: 'appOnly' } })).toBe(
			'outlookAppOnlyApi',
		);
	});
});

describe('switching Authentication back to OAuth2 (issue #26)', () => {
	it('leaves the Mailbox field on "My Mailbox", not on "Another Mailbox" with an empty address', () => {
		const { description } = new OutlookMail();
		const node = (parameters: INodeParameters) => ({
			id: 'n',
			name: 'Outlook Mail',
			type: 'outlookMail',
			typeVersion: 1,
			position: [0, 0] as [number, number],
			parameters,
		});
		// What n8n keeps for the node with App-Only and a mailbox typed in (defaults resolved).
		const appOnly = NodeHelpers.getNodeParameters(
			description.properties,
			{ authentication: 'appOnly', mailboxId: SHARED, resource: 'message', operation: 'getAll' },
			true,
			false,
			node({}),
			description,
		)!;
		expect(appOnly.mailbox).toBeUndefined();
		// The user switches Authentication to OAuth2: the other values stay, as n8n keeps them.
		const back = NodeHelpers.getNodeParameters(
			description.properties,
			{ ...appOnly, authentication: 'oAuth2' },
			true,
			false,
			node({}),
			description,
		)!;
		expect(back.mailbox).toBe('me');
		expect(
			NodeHelpers.displayParameter(
				back,
				description.properties.find(
					(p) => p.name === 'mailboxId' && p.displayOptions?.show?.mailbox,
				)!,
				node(back),
				description,
			),
		).toBe(false);
	});
});

describe('the sign-in endpoint answering 503 (AADSTS90033, a transient error)', () => {
	it('says it is passing and to run again, not to check the credential', async () => {
		s.idp.failTokenRequests = 1;
		const error = await failure(n8n.execute('outlookMail', { parameters: getMessage() }));
		expect(error.message).toContain('AADSTS90033');
		expect(error.description).not.toMatch(/Check the Tenant, Client ID/);
		expect(error.description).toMatch(/busy or unavailable/);
		s.idp.failTokenRequests = 0;
	});
});
