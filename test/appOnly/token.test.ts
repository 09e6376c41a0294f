/**
 * Token acquisition for the app-only credential through msal-node against the identity-provider
 * stand-in: client secret, PEM certificate and PFX (a signed client assertion the stand-in checks
 * against the uploaded certificate), nothing sent anywhere but the token endpoint, and refusals
 * that say what to fix.
 */
import { X509Certificate } from 'node:crypto';

import {
	AppOnlyCredentialError,
	AppOnlyTokenError,
	clearAppOnlyClients,
	resolveAppOnlyCredential,
	tokenRequestCount,
	type AppOnlyCredentialFields,
} from '../../nodes/shared/auth/appOnly';
import { explainAppOnlyTokenError } from '../../nodes/shared/auth/appOnlyErrors';
import { acquireAppOnlyToken } from '../../nodes/shared/auth/appOnlyToken';
import { GRAPH_AUDIENCE, IMAP_AUDIENCE } from '../support/identity-provider';
import { startStandIns, type StandIns } from '../support/fixtures';
import {
	APP_ID,
	appOnlyFields,
	makeCaSignedCertificate,
	makeCertificate,
	newSecret,
	n8nHttp,
	SHARED,
	TENANT,
	type TestCertificate,
} from './support';

let s: StandIns;
let cert: TestCertificate;
let stranger: TestCertificate;
const secret = newSecret();

beforeAll(async () => {
	s = await startStandIns();
	cert = makeCertificate();
	stranger = makeCertificate(365, '/CN=not uploaded');
});
afterAll(async () => await s.close());
beforeEach(() => {
	clearAppOnlyClients();
	s.idp.requests.length = 0;
	s.idp.clientCredentialRequests.length = 0;
	s.idp.accessTokenLifetimeSeconds = 3600;
	s.idp.registerApp({
		clientId: APP_ID,
		secrets: [secret],
		certificates: [cert.certPem],
		roles: { graph: ['Mail.ReadWrite', 'Mail.Send'], imap: ['IMAP.AccessAsApp'] },
	});
});

const fields = (proof: Parameters<typeof appOnlyFields>[1], extra = {}) =>
	appOnlyFields(s, proof, extra) as AppOnlyCredentialFields;

/** Only token requests reached the sign-in host: no instance discovery, no OpenID configuration. */
function expectOnlyTokenRequests(count: number) {
	expect(s.idp.requests.map((r) => `${r.method} ${r.path}`)).toEqual(
		Array(count).fill(`POST /${TENANT}/oauth2/v2.0/token`),
	);
}

describe('client credentials through msal-node', () => {
	it('with a client secret: a Graph token whose roles are the consented application permissions', async () => {
		const token = await acquireAppOnlyToken(fields({ secret }), 'graph', { http: n8nHttp });
		const issued = s.idp.validate(token.accessToken, GRAPH_AUDIENCE);
		expect(issued?.roles).toEqual(['Mail.ReadWrite', 'Mail.Send']);
		expect(issued?.appId).toBe(APP_ID);
		expect(s.idp.clientCredentialRequests).toEqual([
			expect.objectContaining({
				proof: 'secret',
				scope: 'https://graph.microsoft.com/.default',
				outcome: 'issued',
			}),
		]);
		expect(s.idp.requests[0].form.grant_type).toBe('client_credentials');
		expectOnlyTokenRequests(1);
	});

	it('with a PEM certificate: a PS256 assertion naming the certificate by x5t#S256, checked against the uploaded certificate', async () => {
		const token = await acquireAppOnlyToken(fields({ cert }), 'graph', { http: n8nHttp });
		expect(s.idp.validate(token.accessToken, GRAPH_AUDIENCE)).toBeDefined();
		const [request] = s.idp.clientCredentialRequests;
		expect(request.proof).toBe('assertion');
		const sha256 = Buffer.from(
			new X509Certificate(cert.certPem).fingerprint256.replace(/:/g, ''),
			'hex',
		).toString('base64url');
		expect(request.assertionHeader).toMatchObject({ alg: 'PS256', 'x5t#S256': sha256 });
		expect(s.idp.requests[0].form.client_secret).toBeUndefined();
		expectOnlyTokenRequests(1);
	});

	it('with a PFX file and its password', async () => {
		const token = await acquireAppOnlyToken(fields({ cert, pfx: true }), 'graph', {
			http: n8nHttp,
		});
		expect(s.idp.validate(token.accessToken, GRAPH_AUDIENCE)).toBeDefined();
		expect(s.idp.clientCredentialRequests[0].proof).toBe('assertion');
	});

	it('an IMAP token for Exchange Online (https://outlook.office365.com/.default) carries IMAP.AccessAsApp', async () => {
		const token = await acquireAppOnlyToken(fields({ cert }), 'imap', { http: n8nHttp });
		expect(s.idp.clientCredentialRequests[0].scope).toBe('https://outlook.office365.com/.default');
		expect(s.idp.validate(token.accessToken, IMAP_AUDIENCE)?.roles).toEqual(['IMAP.AccessAsApp']);
		expect(token.imapHost).toBe('127.0.0.1');
	});

	it('a PEM chain in either order (issuer first, as `cat ca.pem cert.pem` gives): the certificate whose key is pasted signs', async () => {
		const { leaf, caPem } = makeCaSignedCertificate();
		s.idp.registerApp({
			clientId: APP_ID,
			secrets: [],
			certificates: [leaf.certPem],
			roles: { graph: ['Mail.Read'], imap: [] },
		});
		const thumbprint = new X509Certificate(leaf.certPem).fingerprint.replace(/:/g, '');
		for (const chain of [leaf.certPem + caPem, caPem + leaf.certPem]) {
			clearAppOnlyClients();
			const credential = fields({ cert: leaf }, { certificate: chain });
			expect(resolveAppOnlyCredential(credential).certificate?.thumbprint).toBe(thumbprint);
			const token = await acquireAppOnlyToken(credential, 'graph', { http: n8nHttp });
			expect(s.idp.validate(token.accessToken, GRAPH_AUDIENCE)).toBeDefined();
		}
	});

	it('PEM pasted into a one-line field (line breaks lost) still works', async () => {
		const flat = (pem: string) => pem.replace(/\n/g, ' ');
		const token = await acquireAppOnlyToken(
			fields({ cert }, { certificate: flat(cert.certPem), privateKey: flat(cert.keyPem) }),
			'graph',
			{ http: n8nHttp },
		);
		expect(s.idp.validate(token.accessToken, GRAPH_AUDIENCE)).toBeDefined();
	});
});

describe('refusals say what to fix', () => {
	const failure = async (promise: Promise<unknown>) => {
		try {
			await promise;
		} catch (error) {
			return error as Error;
		}
		throw new Error('expected a failure');
	};

	it('a certificate that is not uploaded to the app: AADSTS700027, explained', async () => {
		const error = await failure(
			acquireAppOnlyToken(fields({ cert: stranger }), 'graph', { http: n8nHttp }),
		);
		expect(error).toBeInstanceOf(AppOnlyTokenError);
		expect(error.message).toContain('AADSTS700027');
		const explained = explainAppOnlyTokenError((error as AppOnlyTokenError).code, error.message);
		expect(explained?.fix).toMatch(/Upload the certificate/);
		expect(s.idp.clientCredentialRequests[0].outcome).toBe('AADSTS700027');
	});

	it('a wrong client secret: AADSTS7000215, and the secret appears nowhere in the error', async () => {
		const wrong = newSecret();
		const error = await failure(
			acquireAppOnlyToken(fields({ secret: wrong }), 'graph', { http: n8nHttp }),
		);
		expect(error.message).toContain('AADSTS7000215');
		expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain(
			wrong,
		);
	});

	it.each(['common', 'organizations', 'consumers'])(
		'tenant %s is refused before any request, saying why',
		async (tenant) => {
			const error = await failure(
				acquireAppOnlyToken(fields({ secret }, { tenantId: tenant }), 'graph', { http: n8nHttp }),
			);
			expect(error).toBeInstanceOf(AppOnlyCredentialError);
			expect(error.message).toMatch(/no signed-in user/);
			expect(s.idp.requests).toEqual([]);
		},
	);

	it('a private key that does not belong to the certificate is refused before any request', async () => {
		const error = await failure(
			acquireAppOnlyToken(fields({ cert }, { privateKey: stranger.keyPem }), 'graph', {
				http: n8nHttp,
			}),
		);
		expect(error.message).toMatch(/does not belong to the certificate/);
		expect(error.message).not.toContain('PRIVATE KEY');
		expect(s.idp.requests).toEqual([]);
	});

	it('an unreachable sign-in endpoint: says which host and why, not "refused"', async () => {
		const { createServer } = await import('node:net');
		const server = createServer();
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const port = (server.address() as { port: number }).port;
		await new Promise<void>((resolve) => server.close(() => resolve()));
		const error = await failure(
			acquireAppOnlyToken(
				fields({ secret }, { customAuthorityUrl: `http://127.0.0.1:${port}` }),
				'graph',
				{ http: n8nHttp },
			),
		);
		expect(error).toBeInstanceOf(AppOnlyTokenError);
		expect((error as AppOnlyTokenError).code).toBe('network_error');
		expect(error.message).toBe(
			`Could not reach the Microsoft sign-in endpoint at http://127.0.0.1:${port}: ECONNREFUSED`,
		);
	});

	it('a connection closed under the token request is retried once on a new connection; a second is reported', async () => {
		const http = await import('node:http');
		let drops = 1;
		const proxy = http.createServer(async (req, res) => {
			if (drops-- > 0) {
				req.socket.destroy();
				return;
			}
			const chunks: Buffer[] = [];
			for await (const chunk of req) chunks.push(chunk as Buffer);
			const answer = await fetch(`${s.idp.url}${req.url}`, {
				method: req.method,
				headers: { 'content-type': String(req.headers['content-type']) },
				body: Buffer.concat(chunks),
			});
			res.writeHead(answer.status, { 'content-type': 'application/json' });
			res.end(await answer.text());
		});
		await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
		const url = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
		try {
			const credential = fields({ secret }, { customAuthorityUrl: url });
			const token = await acquireAppOnlyToken(credential, 'graph', { http: n8nHttp });
			expect(s.idp.validate(token.accessToken, GRAPH_AUDIENCE)).toBeDefined();
			drops = 2;
			const error = await failure(
				acquireAppOnlyToken(credential, 'graph', { http: n8nHttp, forceRefresh: true }),
			);
			expect((error as AppOnlyTokenError).code).toBe('network_error');
			expect(error.message).toMatch(
				new RegExp(`^Could not reach the Microsoft sign-in endpoint at ${url}: `),
			);
		} finally {
			proxy.closeAllConnections();
			await new Promise<void>((resolve) => proxy.close(() => resolve()));
		}
	});

	// msal-node signs the client assertion with PS256, and Microsoft documents RSA signatures only
	// (PS256, RS256): https://learn.microsoft.com/entra/identity-platform/certificate-credentials
	it.each([
		['PEM', false],
		['PFX', true],
	])(
		'an EC certificate and key (%s) are refused as not RSA before any request, saying how to create an RSA one',
		async (_format, pfx) => {
			const ec = makeCertificate(365, '/CN=ec app', 'ec');
			s.idp.registerApp({
				clientId: APP_ID,
				secrets: [],
				certificates: [ec.certPem],
				roles: { graph: ['Mail.Read'], imap: [] },
			});
			const error = await failure(
				acquireAppOnlyToken(fields({ cert: ec, pfx }), 'graph', { http: n8nHttp }),
			);
			expect(error).toBeInstanceOf(AppOnlyCredentialError);
			expect(error.message).toMatch(/^The certificate's private key is EC, not RSA/);
			expect(error.message).toContain('openssl req -x509 -newkey rsa:2048');
			expect(error.message).toContain('New-SelfSignedCertificate');
			expect(error.message).not.toMatch(/Microsoft refused|must hold the private key|PRIVATE KEY/);
			expect(s.idp.requests).toEqual([]);
		},
	);

	it.each([
		// A client secret's Value (Microsoft's have a "~"), with the secret's ID in Client Secret.
		[
			'a client secret',
			'Xy78Q~abcdEFGHijklMNOPqrstUVWXyz0123456789',
			/looks like a client secret's Value, which belongs in Client Secret/,
		],
		['the app name', 'My n8n mail app', /is not an Application \(client\) ID/],
	])(
		'%s typed into Client ID is not repeated in the error, which says what a Client ID looks like',
		(_what, clientId, reason) => {
			const credential = fields({ secret: 'b0e1c2d3-0000-4000-8000-000000000000' }, { clientId });
			let message = '';
			try {
				resolveAppOnlyCredential(credential);
			} catch (error) {
				expect(error).toBeInstanceOf(AppOnlyCredentialError);
				message = (error as Error).message;
			}
			expect(message).toMatch(reason);
			expect(message).toContain(`(${clientId.length} characters)`);
			expect(message).toMatch(/a GUID such as/);
			expect(message).not.toContain(clientId.slice(0, 5));
			expect(message).not.toContain(clientId.slice(-5));
		},
	);

	it('a wrong PFX password', async () => {
		const error = await failure(
			acquireAppOnlyToken(fields({ cert, pfx: true }, { pfxPassword: 'nope' }), 'graph', {
				http: n8nHttp,
			}),
		);
		expect(error.message).toMatch(/PFX Password is wrong/);
	});

	it('an expired certificate is refused with its thumbprint and date', () => {
		const later = new Date(Date.now() + 400 * 86_400_000);
		expect(() => resolveAppOnlyCredential(fields({ cert }), later)).toThrow(
			/expired on .* Create a new one/,
		);
	});
});

describe('the token is reused until shortly before it expires', () => {
	it('one token request for many acquisitions while the token is valid', async () => {
		const credential = fields({ cert });
		for (let i = 0; i < 20; i++) await acquireAppOnlyToken(credential, 'graph', { http: n8nHttp });
		expect(tokenRequestCount(resolveAppOnlyCredential(credential))).toBe(1);
		expectOnlyTokenRequests(1);
	});

	it('one token request for acquisitions that start together on an empty cache', async () => {
		const credential = fields({ cert });
		const tokens = await Promise.all(
			Array.from({ length: 4 }, async () =>
				acquireAppOnlyToken(credential, 'graph', { http: n8nHttp }),
			),
		);
		expect(new Set(tokens.map((token) => token.accessToken)).size).toBe(1);
		expect(tokenRequestCount(resolveAppOnlyCredential(credential))).toBe(1);
		expectOnlyTokenRequests(1);
	});

	it("a token within msal-node's 5-minute renewal window is fetched again", async () => {
		s.idp.accessTokenLifetimeSeconds = 240;
		const credential = fields({ cert });
		await acquireAppOnlyToken(credential, 'graph', { http: n8nHttp });
		await acquireAppOnlyToken(credential, 'graph', { http: n8nHttp });
		expectOnlyTokenRequests(2);
	});

	it('a changed secret is a new client with its own cache', async () => {
		const other = newSecret();
		s.idp.registerApp({
			clientId: APP_ID,
			secrets: [secret, other],
			roles: { graph: ['Mail.Read'], imap: [] },
		});
		await acquireAppOnlyToken(fields({ secret }), 'graph', { http: n8nHttp });
		await acquireAppOnlyToken(fields({ secret: other }), 'graph', { http: n8nHttp });
		expectOnlyTokenRequests(2);
	});
});

describe('for the IMAP trigger', () => {
	it('the fix for a refused IMAP login names the Exchange commands with the mailbox and app filled in', async () => {
		const { appOnlyImapLoginFix } = await import('../../nodes/shared/auth/appOnlyErrors');
		const fix = appOnlyImapLoginFix(SHARED, APP_ID);
		expect(fix).toContain(`New-ServicePrincipal -AppId ${APP_ID}`);
		expect(fix).toContain(`Add-MailboxPermission -Identity ${SHARED}`);
		expect(fix).toContain('IMAP.AccessAsApp');
	});
});
