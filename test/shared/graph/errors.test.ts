/** Graph failures as NodeApiErrors that say what to do: 403 names the permission, 401 says reconnect. */
import type { INode, INodeParameters } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { graphApiError, graphErrorParts } from '../../../nodes/shared/graph/errors';
import {
	connectedCredential,
	expectGraphContractKept,
	startStandIns,
	type StandIns,
} from '../../support/fixtures';
import { graphError } from '../../support/graph-standin';
import { N8nHarness } from '../../support/n8n-harness';
import { GraphProbe, PROBE_NODE_TYPE } from '../../support/probe-node';

const node: INode = {
	id: 'n',
	name: 'Outlook',
	type: 'outlookMail',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};
const denied = {
	error: {
		code: 'ErrorAccessDenied',
		message: 'Access is denied. Check credentials and try again.',
	},
};

describe('graphApiError (unit)', () => {
	it('reads Graph error bodies as JSON text, objects, or plain text', () => {
		expect(graphErrorParts(JSON.stringify(denied))).toEqual({
			code: 'ErrorAccessDenied',
			message: 'Access is denied. Check credentials and try again.',
		});
		expect(graphErrorParts(denied)).toEqual({
			code: 'ErrorAccessDenied',
			message: 'Access is denied. Check credentials and try again.',
		});
		expect(graphErrorParts('<html>Bad gateway</html>')).toEqual({
			code: '',
			message: '<html>Bad gateway</html>',
		});
		expect(graphErrorParts(undefined)).toEqual({ code: '', message: '' });
	});

	it('403: names the permission and says the granted scope lacks it', () => {
		const error = graphApiError(
			{ status: 403, body: denied, method: 'POST', path: '/me/sendMail' },
			{
				node,
				itemIndex: 3,
				permission: 'Mail.Send',
				action: 'send mail',
				grantedScope: 'User.Read Mail.ReadWrite openid profile email',
			},
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(
			'Microsoft Graph answered 403 ErrorAccessDenied: Access is denied. Check credentials and try again.',
		);
		expect(error.description).toBe(
			"Mail.Send is needed to send mail, and the credential's granted permissions do not include it. Add *Send Mail* to the credential's permissions, grant it in the app registration, and reconnect.",
		);
		expect(error.httpCode).toBe('403');
		expect(error.context.itemIndex).toBe(3);
	});

	it('403: when the granted scope has the permission, points at mailbox sharing instead', () => {
		const error = graphApiError(
			{ status: 403, body: denied, method: 'GET', path: '/users/boss%40contoso.com/messages' },
			{
				node,
				permission: 'Mail.ReadWrite.Shared',
				action: 'read the shared mailbox',
				grantedScope: 'User.Read Mail.ReadWrite.Shared offline_access',
			},
		);
		expect(error.description).toMatch(
			/^Mail\.ReadWrite\.Shared is needed to read the shared mailbox\. The credential holds it, so the mailbox owner has not given you access/,
		);
	});

	it('403: matches a granted scope with a resource prefix (national clouds) case-insensitively', () => {
		const error = graphApiError(
			{ status: 403, body: denied, method: 'POST', path: '/me/sendMail' },
			{
				node,
				permission: 'Mail.Send',
				grantedScope: 'https://graph.microsoft.us/mail.send openid',
			},
		);
		expect(error.description).toMatch(/The credential holds it/);
	});

	it('401 after refresh says to reconnect', () => {
		const error = graphApiError(
			{
				status: 401,
				body: {
					error: {
						code: 'InvalidAuthenticationToken',
						message: 'Access token has expired or is not yet valid.',
					},
				},
				method: 'GET',
				path: '/me',
			},
			{ node },
		);
		expect(error.message).toMatch(/^Microsoft Graph answered 401 InvalidAuthenticationToken/);
		expect(error.description).toMatch(/reconnect/i);
	});
});

describe('Graph errors through n8n-core', () => {
	let s: StandIns;

	beforeAll(async () => (s = await startStandIns()));
	afterAll(async () => await s.close());
	beforeEach(() => s.graph.reset());
	afterEach(() => expectGraphContractKept(s.graph));

	const run = async (n8n: N8nHarness, parameters: INodeParameters) =>
		await n8n.execute(PROBE_NODE_TYPE, { parameters }).then(
			() => {
				throw new Error('expected the node to fail');
			},
			(error: unknown) => error as NodeApiError,
		);

	it('403 from Graph names the missing permission for a credential without it', async () => {
		const n8n = new N8nHarness(
			{ [PROBE_NODE_TYPE]: new GraphProbe() },
			connectedCredential(s, { permissions: ['mailRead'] }),
		);
		s.graph.on(
			'POST',
			'/me/sendMail',
			graphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.'),
		);
		const error = await run(n8n, { method: 'POST', path: '/me/sendMail', permission: 'Mail.Send' });
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(
			'Microsoft Graph answered 403 ErrorAccessDenied: Access is denied. Check credentials and try again.',
		);
		expect(error.description).toMatch(
			/^Mail\.Send is needed to do this, and the credential's granted permissions do not include it\. Add \*Send Mail\*/,
		);
	});

	it('403 with the permission granted says the mailbox is not shared with the account', async () => {
		const n8n = new N8nHarness({ [PROBE_NODE_TYPE]: new GraphProbe() }, connectedCredential(s));
		s.graph.on(
			'GET',
			'/users/:user/messages',
			graphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.'),
		);
		const error = await run(n8n, {
			path: '/users/boss%40example.test/messages',
			permission: 'Mail.ReadWrite.Shared',
		});
		expect(error.description).toMatch(
			/The credential holds it, so the mailbox owner has not given you access/,
		);
	});

	it('401 even after n8n refreshed the token says to reconnect', async () => {
		const n8n = new N8nHarness({ [PROBE_NODE_TYPE]: new GraphProbe() }, connectedCredential(s));
		s.graph.on(
			'GET',
			'/me',
			graphError(401, 'InvalidAuthenticationToken', 'Access token validation failure.'),
		);
		const error = await run(n8n, { path: '/me' });
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(
			'Microsoft Graph answered 401 InvalidAuthenticationToken: Access token validation failure.',
		);
		expect(error.description).toMatch(/Reconnect/);
		// n8n refreshed once and sent the request again with the new token.
		expect(s.idp.requests.filter((r) => r.form.grant_type === 'refresh_token')).toHaveLength(1);
		expect(s.graph.requests).toHaveLength(2);
		expect(s.graph.tokensSeen[0]).not.toBe(s.graph.tokensSeen[1]);
	});

	it("a refresh token Microsoft revoked gives n8n's reconnect error, not a network error", async () => {
		const n8n = new N8nHarness({ [PROBE_NODE_TYPE]: new GraphProbe() }, connectedCredential(s));
		s.graph.on('GET', '/me', { body: { id: 'u1' } });
		s.idp.expireAccessTokens();
		s.idp.revokeRefreshTokens();
		const error = (await run(n8n, { path: '/me' })) as unknown as NodeOperationError;
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('The credential "Outlook account" needs to be reconnected.');
		expect(error.description).toMatch(/reconnect/i);
	});
});

it("keeps Graph's words when the code contains a Node.js error name (ResourceNotFound ⊃ ENOTFOUND)", () => {
	const error = graphApiError(
		{
			status: 404,
			body: {
				error: { code: 'ResourceNotFound', message: "Resource not found for the segment 'x'." },
			},
			method: 'GET',
			path: '/me/x',
		},
		{ node },
	);
	expect(error.message).toBe(
		"Microsoft Graph answered 404 ResourceNotFound: Resource not found for the segment 'x'.",
	);
});

describe('a request the server does not serve ("Resource not found for the segment")', () => {
	const failure = (status: number, code: string, message: string) =>
		graphApiError(
			{
				status,
				body: { error: { code, message } },
				method: 'POST',
				path: '/me/messages/AAMk1/createReply',
			},
			{ node },
		);

	it('says the server knows no such request and points at the Graph URL, not at the ID or the Mailbox field', () => {
		// Graph answers an unknown segment 400 BadRequest; a stand-in or proxy in front of it 404.
		for (const error of [
			failure(404, 'ResourceNotFound', "Resource not found for the segment 'createReply'."),
			failure(400, 'BadRequest', "Resource not found for the segment 'createReply'."),
		]) {
			expect(error.description).toContain("it knows no 'createReply' there");
			expect(error.description).toContain('The ID and the Mailbox field are not the cause');
			expect(error.description).toContain("check the credential's Graph URL");
			expect(error.description).not.toContain('Check the ID');
		}
	});

	it('a missing item still says to check the ID and the Mailbox field', () => {
		const error = failure(
			404,
			'ErrorItemNotFound',
			'The specified object was not found in the store.',
		);
		expect(error.description).toContain('Check the ID and the Mailbox field');
	});
});

describe('the fix names the field as the node shows it', () => {
	const notFound = (on: INode) =>
		graphApiError(
			{
				status: 404,
				body: {
					error: {
						code: 'ResourceNotFound',
						message: 'Resource could not be discovered.',
					},
				},
				method: 'POST',
				path: '/me/calendars/x/events',
			},
			{ node: on },
		);

	it('Outlook Calendar calls the mailbox field Calendar Owner (and its option Me)', () => {
		const error = notFound({ ...node, type: 'n8n-nodes-outlook-oauth.outlookCalendar' });
		expect(error.description).toContain('the Calendar Owner field');
		expect(error.description).toContain('"Me"');
		expect(error.description).not.toMatch(/Mailbox field|My Mailbox/);
	});

	it('Outlook Mail, and Outlook Calendar with the App-Only credential, keep "Mailbox field"', () => {
		expect(notFound(node).description).toContain('the Mailbox field');
		const appOnly = {
			...node,
			type: 'n8n-nodes-outlook-oauth.outlookCalendar',
			parameters: { authentication: 'appOnly' },
		};
		expect(notFound(appOnly).description).toContain('the Mailbox field');
	});
});
