/**
 * IMAP token redemption with a fake n8n context: the request sent to the token endpoint and how
 * each answer is classified. (With n8n-core's real refresh and the identity-provider stand-in:
 * resilience.dovecot.test.ts.)
 */
import type { ICredentialDataDecryptedObject, IHttpRequestOptions } from 'n8n-workflow';

import {
	credentialAllowsImap,
	fetchImapToken,
	ImapTokenError,
	RECONNECT_MESSAGE,
	type TokenContext,
} from '../../nodes/OutlookImapTrigger/token';
import { CLOUD_ENVIRONMENTS } from '../../nodes/shared/auth/environments';
import { resolveCredential } from '../support/n8n-harness';

const CREDENTIAL: ICredentialDataDecryptedObject = {
	clientId: 'client-1',
	clientSecret: 'secret-1',
	environment: 'global',
	permissions: ['mailRead', 'imap'],
	accessTokenUrl: 'https://login.microsoftonline.com/organizations/oauth2/v2.0/token',
	oauthTokenData: { access_token: 'at-stored', refresh_token: 'rt-stored' },
};

function context(
	reply: { statusCode: number; body: unknown } | Error,
	refresh: () => Promise<unknown> = async () => ({ refresh_token: 'rt-rotated' }),
	credential: ICredentialDataDecryptedObject = CREDENTIAL,
) {
	const requests: IHttpRequestOptions[] = [];
	const ctx: TokenContext = {
		getNode: () => ({
			id: 'trigger',
			name: 'Outlook IMAP Trigger',
			type: 'outlookImapTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
			credentials: { outlookOAuth2Api: { id: 'c1', name: 'Outlook account' } },
		}),
		getCredentials: async () => credential,
		helpers: {
			refreshOAuth2Token: refresh,
			httpRequest: async (request: IHttpRequestOptions) => {
				requests.push(request);
				if (reply instanceof Error) throw reply;
				return reply;
			},
		},
	};
	return { ctx, requests };
}

async function failure(promise: Promise<unknown>): Promise<ImapTokenError> {
	try {
		await promise;
	} catch (error) {
		if (error instanceof ImapTokenError) return error;
		throw error;
	}
	throw new Error('expected a failure');
}

test('redeems the refresh token n8n just rotated for an IMAP-audience token', async () => {
	const { ctx, requests } = context({
		statusCode: 200,
		body: { access_token: 'at-imap', expires_in: 3599 },
	});
	const before = Date.now();
	const token = await fetchImapToken(ctx);
	expect(token.accessToken).toBe('at-imap');
	expect(token.expiresAt).toBeGreaterThanOrEqual(before + 3_599_000);
	expect(requests).toHaveLength(1);
	expect(requests[0]).toMatchObject({
		method: 'POST',
		url: CREDENTIAL.accessTokenUrl,
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
	});
	expect(Object.fromEntries(new URLSearchParams(String(requests[0].body)))).toEqual({
		client_id: 'client-1',
		client_secret: 'secret-1',
		grant_type: 'refresh_token',
		refresh_token: 'rt-rotated',
		scope: 'https://outlook.office.com/IMAP.AccessAsUser.All offline_access',
	});
});

test('national clouds ask for their own IMAP resource', async () => {
	const { ctx, requests } = context({
		statusCode: 200,
		body: { access_token: 'at', expires_in: 60 },
	});
	ctx.getCredentials = async () => ({ ...CREDENTIAL, environment: 'usGov' });
	await fetchImapToken(ctx);
	expect(new URLSearchParams(String(requests[0].body)).get('scope')).toBe(
		'https://outlook.office365.us/IMAP.AccessAsUser.All offline_access',
	);
});

test("invalid_grant, from n8n's refresh or from the redemption, says to reconnect", async () => {
	const revoked = Object.assign(
		new Error('The credential "Outlook account" needs to be reconnected.'),
		{},
	);
	const fromRefresh = await failure(
		fetchImapToken(context({ statusCode: 200, body: {} }, async () => Promise.reject(revoked)).ctx),
	);
	expect(fromRefresh).toMatchObject({ kind: 'revoked', message: RECONNECT_MESSAGE });
	const fromRedeem = await failure(
		fetchImapToken(
			context({
				statusCode: 400,
				body: { error: 'invalid_grant', error_description: 'AADSTS70000: revoked\r\nTrace ID: x' },
			}).ctx,
		),
	);
	expect(fromRedeem).toMatchObject({
		kind: 'revoked',
		message: RECONNECT_MESSAGE,
		description: 'AADSTS70000: revoked',
	});
});

test('5xx and network failures are transient; other refusals are not', async () => {
	expect(
		(
			await failure(
				fetchImapToken(
					context({ statusCode: 503, body: { error: 'temporarily_unavailable' } }).ctx,
				),
			)
		).kind,
	).toBe('transient');
	const network = await failure(
		fetchImapToken(
			context(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })).ctx,
		),
	);
	expect(network).toMatchObject({
		kind: 'transient',
		message: 'The token endpoint could not be reached (ECONNREFUSED)',
	});
	const scope = await failure(
		fetchImapToken(context({ statusCode: 400, body: { error: 'invalid_scope' } }).ctx),
	);
	expect(scope.kind).toBe('rejected');
	expect(scope.message).toMatch(/IMAP Trigger/);
	// No secret in any message.
	for (const error of [network, scope])
		expect(`${error.message} ${error.description ?? ''}`).not.toMatch(/secret-1|rt-rotated/);
});

test('the IMAP permission is read from the credential', () => {
	expect(credentialAllowsImap({ permissions: ['imap'] })).toBe(true);
	expect(credentialAllowsImap({ permissions: ['mailRead'] })).toBe(false);
	expect(
		credentialAllowsImap({
			permissions: [],
			additionalScopes: 'https://outlook.office.com/IMAP.AccessAsUser.All',
		}),
	).toBe(true);
});

test('the token endpoint’s error is read by the shared decoder: a refresh failure whose body is JSON text is still a refusal with cause and fix', async () => {
	// n8n hands some failures over with the body as the raw response text.
	const refused = Object.assign(new Error('Request failed with status code 401'), {
		body: JSON.stringify({
			error: 'invalid_client',
			error_description: 'AADSTS7000215: Invalid client secret provided.\r\nTrace ID: x',
		}),
	});
	const error = await failure(
		fetchImapToken(context({ statusCode: 200, body: {} }, async () => Promise.reject(refused)).ctx),
	);
	expect(error.kind).toBe('rejected');
	expect(error.message).toMatch(/refreshing its token \(invalid_client, AADSTS7000215\)/);
	expect(error.message).not.toContain('Trace ID');
});

test('Microsoft’s description is cut as the Graph transport cuts it (first line, 300 characters)', async () => {
	// Words (an unbroken run of 24+ token characters would be redacted as a possible echoed secret).
	const long = `AADSTS50173: ${'grant expired '.repeat(40)}`;
	const error = await failure(
		fetchImapToken(
			context({
				statusCode: 400,
				body: { error: 'invalid_grant', error_description: `${long}\r\nTrace ID: y` },
			}).ctx,
		),
	);
	expect(error.kind).toBe('revoked');
	expect(error.description).toBe(long.slice(0, 300));
});

test('a credential saved but never connected (n8n hands it oauthTokenData {}) says so before any request', async () => {
	let refreshed = 0;
	const { ctx, requests } = context(
		{ statusCode: 200, body: { access_token: 'at', expires_in: 60 } },
		async () => {
			refreshed++;
			throw new Error('Unable to sign without access token');
		},
		{ ...CREDENTIAL, oauthTokenData: {} },
	);
	const error = await failure(fetchImapToken(ctx));
	expect(error.message).toBe(
		'The credential "Outlook account" was never connected to a Microsoft account: open the credential and click Connect',
	);
	expect(error.kind).toBe('rejected');
	expect(refreshed).toBe(0);
	expect(requests).toEqual([]);
});

test('a Tenant edited into a non-tenant after Connect names the Tenant field, not the hidden Access Token URL', async () => {
	// As n8n hands the credential over: the hidden expressions resolved with $self (the token URL
	// is built from no invalid tenant).
	const { accessTokenUrl: _saved, ...fields } = CREDENTIAL;
	const credential = resolveCredential('outlookOAuth2Api', {
		...fields,
		accountType: 'singleTenant',
		tenantId: 'contoso.com/x',
	});
	let refreshed = 0;
	const { ctx, requests } = context(
		{ statusCode: 500, body: {} },
		async () => {
			refreshed++;
			return { refresh_token: 'rt-rotated' };
		},
		credential,
	);
	const error = await failure(fetchImapToken(ctx));
	expect(error.kind).toBe('rejected');
	expect(error.message).toMatch(/Tenant "contoso\.com\/x" is neither a directory \(tenant\) ID/);
	expect(error.message).not.toMatch(/Access Token URL/);
	expect(refreshed).toBe(0);
	expect(requests).toEqual([]);
});

test('AADSTS65001 in a national cloud: the fix names the admin-consent URL on that cloud’s sign-in host, with the tenant and client ID', async () => {
	const china = CLOUD_ENVIRONMENTS.china.authority;
	const clientId = '11111111-2222-4333-8444-555555555555';
	const tenant = 'contoso.partner.onmschina.cn';
	const body = {
		error: 'invalid_grant',
		error_description: `AADSTS65001: The user or administrator has not consented to use the application with ID '${clientId}'.\r\nTrace ID: x`,
		suberror: 'consent_required',
	};
	const credential = {
		...CREDENTIAL,
		clientId,
		environment: 'china',
		accountType: 'singleTenant',
		tenantId: tenant,
		accessTokenUrl: `${china}/${tenant}/oauth2/v2.0/token`,
	};
	const fromRedeem = await failure(
		fetchImapToken(context({ statusCode: 400, body }, undefined, credential).ctx),
	);
	// n8n's refresh of the stored token refused alike (its AuthError carries the body).
	const refused = Object.assign(new Error('Request failed with status code 400'), { body });
	const fromRefresh = await failure(
		fetchImapToken(
			context({ statusCode: 200, body: {} }, async () => Promise.reject(refused), credential).ctx,
		),
	);
	for (const error of [fromRedeem, fromRefresh]) {
		expect(error.kind).toBe('rejected');
		expect(error.message).toContain('AADSTS65001');
		expect(error.description).toContain(`${china}/${tenant}/adminconsent?client_id=${clientId} `);
		expect(error.description).not.toContain('login.microsoftonline.com');
	}
});

test('a client secret typed into Client ID: Microsoft’s AADSTS700016 echoes it, the error does not', async () => {
	const pasted = 'Xy78Q~abcdEFGHijklMNOPqrstUVWXyz0123456789';
	const { ctx } = context(
		{
			statusCode: 400,
			body: {
				error: 'unauthorized_client',
				error_description: `AADSTS700016: Application with identifier '${pasted}' was not found in the directory 'Contoso'.\r\nTrace ID: x`,
			},
		},
		undefined,
		{ ...CREDENTIAL, clientId: pasted },
	);
	const error = await failure(fetchImapToken(ctx));
	expect(error.message).toContain('AADSTS700016');
	expect(`${error.message} ${error.description ?? ''}`).not.toContain(pasted.slice(0, 8));
});

test('n8n’s refresh refused as a bad request (AADSTS90002: the tenant no longer exists) is "rejected" with Microsoft’s code, not retried as a network problem', async () => {
	// n8n's OAuth2 client throws the endpoint's OAuth error for a 4xx answer as an AuthError: the
	// parsed body, code EAUTH, no HTTP status (@n8n/client-oauth2 getAuthError).
	const refused = Object.assign(
		new Error(
			'The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed.',
		),
		{
			code: 'EAUTH',
			body: {
				error: 'invalid_request',
				error_description:
					"AADSTS90002: Tenant 'contoso.example' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.\r\nTrace ID: 0d5b7c1e-0000-4000-8000-000000000000",
				error_codes: [90002],
			},
		},
	);
	const { ctx, requests } = context({ statusCode: 200, body: {} }, async () =>
		Promise.reject(refused),
	);
	const error = await failure(fetchImapToken(ctx));
	expect(error.kind).toBe('rejected');
	expect(`${error.message} ${error.description ?? ''}`).toContain('AADSTS90002');
	expect(requests).toEqual([]);
});
