/**
 * The IMAP trigger's app-only token (nodes/OutlookImapTrigger/token.ts): what each failure of the
 * sign-in request becomes for the reconnect policy. A field to fix or a refused credential is
 * reported ('rejected'); an unreachable sign-in endpoint is retried ('transient'). No secret in
 * any message.
 */
import { createServer } from 'node:net';

import { fetchAppOnlyImapToken, ImapTokenError } from '../../nodes/OutlookImapTrigger/token';
import { clearAppOnlyClients } from '../../nodes/shared/auth/appOnly';
import { startStandIns, type StandIns } from '../support/fixtures';
import { APP_ID, appOnlyFields, n8nHttp, newSecret } from './support';

let s: StandIns;
const secret = newSecret();

beforeAll(async () => {
	s = await startStandIns();
	s.idp.registerApp({
		clientId: APP_ID,
		secrets: [secret],
		roles: { graph: [], imap: ['IMAP.AccessAsApp'] },
	});
});
afterAll(async () => {
	await s?.close();
});
beforeEach(() => clearAppOnlyClients());

async function failure(promise: Promise<unknown>): Promise<ImapTokenError> {
	const error = await promise.then(
		() => undefined,
		(e: unknown) => e,
	);
	expect(error).toBeInstanceOf(ImapTokenError);
	return error as ImapTokenError;
}

test('a token for the IMAP resource, with its expiry; forceRefresh asks again', async () => {
	const fields = appOnlyFields(s, { secret });
	const first = await fetchAppOnlyImapToken(fields, { http: n8nHttp });
	const cached = await fetchAppOnlyImapToken(fields, { http: n8nHttp });
	const forced = await fetchAppOnlyImapToken(fields, { http: n8nHttp, forceRefresh: true });
	expect(cached.accessToken).toBe(first.accessToken);
	expect(forced.accessToken).not.toBe(first.accessToken);
	expect(first.expiresAt).toBeGreaterThan(Date.now() + 3_000_000);
	expect(s.idp.validate(first.accessToken, 'https://outlook.office.com')?.roles).toEqual([
		'IMAP.AccessAsApp',
	]);
});

test('a wrong secret is "rejected" with the AADSTS cause and fix, without the secret', async () => {
	const wrong = newSecret();
	const error = await failure(
		fetchAppOnlyImapToken(appOnlyFields(s, { secret: wrong }), { http: n8nHttp }),
	);
	expect(error.kind).toBe('rejected');
	expect(error.message).toContain('AADSTS7000215');
	expect(error.description).toMatch(/secret/i);
	expect(`${error.message} ${error.description}`).not.toContain(wrong);
});

test('a field to fix is "rejected" before any request', async () => {
	const requests = s.idp.clientCredentialRequests.length;
	const error = await failure(
		fetchAppOnlyImapToken(appOnlyFields(s, { secret }, { clientId: 'not-a-guid' }), {
			http: n8nHttp,
		}),
	);
	expect(error.kind).toBe('rejected');
	expect(error.message).toMatch(/^The App-Only credential cannot be used: The Client ID/);
	expect(s.idp.clientCredentialRequests.length).toBe(requests);
});

test('an unreachable sign-in endpoint is "transient" (the reconnect policy retries it)', async () => {
	// A port that was free a moment ago: nothing listens there.
	const port = await new Promise<number>((resolve) => {
		const server = createServer().listen(0, '127.0.0.1', () => {
			const { port: free } = server.address() as { port: number };
			server.close(() => resolve(free));
		});
	});
	const error = await failure(
		fetchAppOnlyImapToken(
			appOnlyFields(s, { secret }, { customAuthorityUrl: `http://127.0.0.1:${port}` }),
			{ http: n8nHttp },
		),
	);
	expect(error.kind).toBe('transient');
	expect(error.message).toContain('ECONNREFUSED');
	expect(error.message).not.toContain(secret);
});

test('the sign-in endpoint answering 503 (AADSTS90033, a transient error) is "transient", also while msal holds the request back', async () => {
	const fields = appOnlyFields(s, { secret });
	s.idp.failTokenRequests = 1;
	const first = await failure(fetchAppOnlyImapToken(fields, { http: n8nHttp }));
	expect(first.message).toContain('AADSTS90033');
	expect(first.kind).toBe('transient');
	// msal-node remembers a 429/5xx and answers the next request itself (ThrottlingUtils), with
	// the endpoint's error codes; the reconnect after a second meets that answer.
	const requests = s.idp.clientCredentialRequests.length;
	const again = await failure(fetchAppOnlyImapToken(fields, { http: n8nHttp }));
	expect(s.idp.clientCredentialRequests.length).toBe(requests);
	expect(again.kind).toBe('transient');
	expect(`${first.message} ${again.message}`).not.toContain(secret);
});
