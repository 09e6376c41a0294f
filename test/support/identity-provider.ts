/**
 * A stand-in for the Microsoft identity platform v2, as far as this package meets it:
 * `/{tenant}/oauth2/v2.0/authorize`, `/{tenant}/oauth2/v2.0/token` (authorization_code and
 * refresh_token grants), and `/introspect` for Dovecot's oauth2 passdb.
 *
 * Like Microsoft, it issues an access token for the resource of the first resource scope asked
 * for (Graph, or https://outlook.office.com for IMAP); each refresh returns a new refresh token
 * and the old one stays valid until revoked; a revoked refresh token gets `invalid_grant`.
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow
 *
 * It records every token and code it issues, so tests can check that none leaks into output.
 */
import { constants, createHash, randomBytes, verify, X509Certificate } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { hostileAnswer } from './hostile-token-endpoint';

export const GRAPH_AUDIENCE = 'https://graph.microsoft.com';
export const IMAP_AUDIENCE = 'https://outlook.office.com';

export const TEST_CLIENT_ID = '00000000-0000-4000-8000-00000000c1d0';
export const TEST_CLIENT_SECRET = 'fake-client-secret-for-tests';
export const TEST_USER = 'alice@example.test';

const TENANT =
	/^(common|organizations|consumers|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?:[a-z0-9-]+\.)+[a-z]{2,63})$/i;
const OIDC = new Set(['offline_access', 'openid', 'profile', 'email']);

export interface AccessToken {
	token: string;
	audience: string;
	username: string;
	scope: string;
	expiresAt: number;
	/** App-only tokens: the application permissions (`roles` claim) and the app's client ID. */
	roles?: string[];
	appId?: string;
}

/**
 * An app registration for the client-credentials grant: its secrets, its uploaded certificates
 * (public part only, as in the portal), and the application permissions an administrator
 * consented to, per resource (Graph, or the Exchange Online resource for IMAP.AccessAsApp).
 */
export interface AppRegistration {
	clientId: string;
	secrets: string[];
	certificates: string[];
	roles: { graph: string[]; imap: string[] };
	/**
	 * The mailboxes Exchange lets the app open over IMAP (Add-MailboxPermission). Dovecot's oauth2
	 * passdb posts only the token to /introspect, so introspection names the first of them as the
	 * token's username and Dovecot refuses a login as any other user (username_attribute). Tests
	 * grant one mailbox. Absent: the token names no user (as before).
	 */
	imapMailboxes?: string[];
}

/** What the stand-in saw in a client-credentials request, for tests (never the secret). */
export interface ClientCredentialRequestRecord {
	clientId: string;
	tenant: string;
	scope: string;
	proof: 'secret' | 'assertion';
	/** The assertion's JOSE header, when one was sent. */
	assertionHeader?: Record<string, unknown>;
	outcome: 'issued' | string;
}

interface RefreshToken {
	token: string;
	username: string;
	scope: string;
	revoked: boolean;
	clientId: string;
}

interface AuthCode {
	code: string;
	redirectUri: string;
	scope: string;
	username: string;
	used: boolean;
}

export interface RecordedIdpRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	form: Record<string, string>;
	authorization?: string;
}

export interface IdentityProviderOptions {
	port?: number;
	clientId?: string;
	clientSecret?: string;
	username?: string;
	accessTokenLifetimeSeconds?: number;
}

function random(prefix: string): string {
	return `${prefix}.${randomBytes(24).toString('base64url')}`;
}

/** The audience of a scope list: the resource of the first scope that names one. */
export function audienceOf(scope: string): string {
	for (const s of scope.split(/\s+/).filter(Boolean)) {
		if (OIDC.has(s.toLowerCase())) continue;
		const match = /^(https?:\/\/[^/]+)\//i.exec(s);
		return match ? match[1].toLowerCase() : GRAPH_AUDIENCE;
	}
	return GRAPH_AUDIENCE;
}

/** The scopes Microsoft grants in the token response: those of the token's resource, plus OIDC ones. */
function grantedScope(scope: string, audience: string): string {
	return scope
		.split(/\s+/)
		.filter(Boolean)
		.filter((s) => OIDC.has(s.toLowerCase()) || audienceOf(s) === audience)
		.map((s) =>
			audience === GRAPH_AUDIENCE ? s.replace(/^https:\/\/graph\.microsoft\.com\//i, '') : s,
		)
		.join(' ');
}

export class IdentityProviderStandIn {
	readonly clientId: string;

	readonly clientSecret: string;

	username: string;

	accessTokenLifetimeSeconds: number;

	readonly requests: RecordedIdpRequest[] = [];

	readonly accessTokens = new Map<string, AccessToken>();

	readonly refreshTokens = new Map<string, RefreshToken>();

	private readonly codes = new Map<string, AuthCode>();

	/** App registrations for the client-credentials grant, by client ID (see registerApp). */
	readonly apps = new Map<string, AppRegistration>();

	/** Every client-credentials request, in order. */
	readonly clientCredentialRequests: ClientCredentialRequestRecord[] = [];

	/** Signs nothing real: app tokens are JWT-shaped so clients can read `roles`; validation is by lookup. */
	private readonly tokenSigningKey = randomBytes(32);

	/** When set, the token endpoint answers 503 this many times (to test retries of the trigger). */
	failTokenRequests = 0;

	/**
	 * Hostile mode (hostile-token-endpoint.ts): token requests for which this returns true are
	 * refused with the request's secrets echoed in every field of the error.
	 */
	hostile: ((form: Record<string, string>) => boolean) | undefined;

	/** The OAuth error code and status the hostile mode answers with (the echo follows the code). */
	hostileError = { error: 'invalid_client', status: 401 };

	/** Every secret the hostile mode echoed (client assertions included), for the secrets check. */
	readonly echoed = new Set<string>();

	private server!: http.Server;

	url = '';

	private constructor(options: IdentityProviderOptions) {
		this.clientId = options.clientId ?? TEST_CLIENT_ID;
		this.clientSecret = options.clientSecret ?? TEST_CLIENT_SECRET;
		this.username = options.username ?? TEST_USER;
		this.accessTokenLifetimeSeconds = options.accessTokenLifetimeSeconds ?? 3600;
	}

	static async start(options: IdentityProviderOptions = {}): Promise<IdentityProviderStandIn> {
		const idp = new IdentityProviderStandIn(options);
		idp.server = http.createServer((req, res) => {
			idp.handle(req, res).catch((error) => {
				res.writeHead(500, { 'content-type': 'text/plain' });
				res.end(String(error));
			});
		});
		await new Promise<void>((resolve) =>
			idp.server.listen(options.port ?? 0, '127.0.0.1', resolve),
		);
		idp.url = `http://127.0.0.1:${(idp.server.address() as AddressInfo).port}`;
		return idp;
	}

	async close() {
		// test/run.sh greps the whole run's output for every secret issued here.
		const file = process.env.OUTLOOK_TEST_SECRETS_FILE;
		if (file)
			appendFileSync(
				file,
				this.secrets()
					.map((s) => `${s}\n`)
					.join(''),
			);
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	/** The authority to put in a Custom-environment credential. */
	get authority(): string {
		return this.url;
	}

	/**
	 * Registers an app for the client-credentials grant (replacing one with the same client ID).
	 * Certificates are PEM, public part only.
	 */
	registerApp(app: Partial<AppRegistration> & { clientId: string }): AppRegistration {
		const registration: AppRegistration = {
			clientId: app.clientId,
			secrets: app.secrets ?? [],
			certificates: app.certificates ?? [],
			roles: { graph: app.roles?.graph ?? [], imap: app.roles?.imap ?? [] },
			...(app.imapMailboxes ? { imapMailboxes: [...app.imapMailboxes] } : {}),
		};
		this.apps.set(app.clientId.toLowerCase(), registration);
		return registration;
	}

	/** Every secret value this stand-in knows: client secret, codes, access and refresh tokens. */
	secrets(): string[] {
		return [
			this.clientSecret,
			...[...this.apps.values()].flatMap((app) => app.secrets),
			...this.codes.keys(),
			...this.accessTokens.keys(),
			...this.refreshTokens.keys(),
			...this.echoed,
		];
	}

	/** Issues tokens without the browser flow, as if the user had connected the credential. */
	issueTokens(scope: string, username = this.username) {
		const refresh = this.newRefreshToken(username, scope);
		return this.tokenResponse(scope, username, refresh.token);
	}

	/** oauthTokenData as n8n stores it after the connect flow. */
	oauthTokenData(scope: string, username = this.username) {
		const response = this.issueTokens(scope, username);
		return { ...response, n8n_expires_at: String(Date.now() + response.expires_in * 1000) };
	}

	expireAccessTokens() {
		for (const token of this.accessTokens.values()) token.expiresAt = 0;
	}

	revokeRefreshTokens() {
		for (const token of this.refreshTokens.values()) token.revoked = true;
	}

	revokeRefreshToken(value: string) {
		const token = this.refreshTokens.get(value);
		if (token) token.revoked = true;
	}

	/** The user name of a valid, unexpired access token for this audience; undefined otherwise. */
	validate(token: string | undefined, audience: string): AccessToken | undefined {
		const found = token ? this.accessTokens.get(token) : undefined;
		if (!found || found.audience !== audience || found.expiresAt <= Date.now()) return undefined;
		return found;
	}

	private newRefreshToken(username: string, scope: string): RefreshToken {
		const refresh: RefreshToken = {
			token: random('rt'),
			username,
			scope,
			revoked: false,
			clientId: this.clientId,
		};
		this.refreshTokens.set(refresh.token, refresh);
		return refresh;
	}

	private tokenResponse(scope: string, username: string, refreshToken: string) {
		const audience = audienceOf(scope);
		const access: AccessToken = {
			token: random(audience === GRAPH_AUDIENCE ? 'at-graph' : 'at-imap'),
			audience,
			username,
			scope,
			expiresAt: Date.now() + this.accessTokenLifetimeSeconds * 1000,
		};
		this.accessTokens.set(access.token, access);
		return {
			token_type: 'Bearer',
			scope: grantedScope(scope, audience),
			expires_in: this.accessTokenLifetimeSeconds,
			ext_expires_in: this.accessTokenLifetimeSeconds,
			access_token: access.token,
			refresh_token: refreshToken,
		};
	}

	/**
	 * The client-credentials grant: the app proves itself with a secret or a client assertion (a
	 * JWT signed with the key of a certificate uploaded to the app), asks for `<resource>/.default`,
	 * and gets a token whose `roles` are the application permissions consented for that resource.
	 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow
	 * https://learn.microsoft.com/entra/identity-platform/certificate-credentials
	 */
	private clientCredentials(
		tenant: string,
		path: string,
		form: Record<string, string>,
	):
		| { error?: undefined; body: Record<string, unknown> }
		| { error: string; status: number; code: string; description: string } {
		const fail = (status: number, error: string, code: string, description: string) => ({
			error,
			status,
			code,
			description,
		});
		const record: ClientCredentialRequestRecord = {
			clientId: form.client_id ?? '',
			tenant,
			scope: form.scope ?? '',
			proof: form.client_assertion ? 'assertion' : 'secret',
			outcome: 'issued',
		};
		this.clientCredentialRequests.push(record);
		const refuse = (status: number, error: string, code: string, description: string) => {
			record.outcome = code;
			return fail(status, error, code, description);
		};
		if (['common', 'organizations', 'consumers'].includes(tenant.toLowerCase())) {
			return refuse(
				400,
				'invalid_request',
				'AADSTS700016',
				`Application with identifier '${record.clientId}' was not found in the directory '${tenant}'. Use a tenant-specific endpoint for client credentials.`,
			);
		}
		const app = this.apps.get(record.clientId.toLowerCase());
		if (!app) {
			return refuse(
				400,
				'unauthorized_client',
				'AADSTS700016',
				`Application with identifier '${record.clientId}' was not found in the directory '${tenant}'.`,
			);
		}
		if (form.client_assertion) {
			const problem = this.checkAssertion(app, path, form, record);
			if (problem) return refuse(401, 'invalid_client', problem.code, problem.description);
		} else if (!form.client_secret || !app.secrets.includes(form.client_secret)) {
			return refuse(
				401,
				'invalid_client',
				'AADSTS7000215',
				'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.',
			);
		}
		const scopes = (form.scope ?? '').split(/\s+/).filter(Boolean);
		const resource = /^(https?:\/\/[^/]+)\/\.default$/i.exec(scopes[0] ?? '')?.[1]?.toLowerCase();
		if (scopes.length !== 1 || !resource) {
			return refuse(
				400,
				'invalid_scope',
				'AADSTS1002012',
				`The provided value for scope ${form.scope ?? ''} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
			);
		}
		// outlook.office365.com and outlook.office.com are the same resource (Exchange Online).
		const imap = resource === IMAP_AUDIENCE || resource === 'https://outlook.office365.com';
		const audience = imap ? IMAP_AUDIENCE : resource === GRAPH_AUDIENCE ? GRAPH_AUDIENCE : resource;
		const roles = imap ? app.roles.imap : audience === GRAPH_AUDIENCE ? app.roles.graph : [];
		const now = Math.floor(Date.now() / 1000);
		const exp = now + this.accessTokenLifetimeSeconds;
		const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
		const unsigned = `${b64({ typ: 'JWT', alg: 'HS256' })}.${b64({
			aud: audience,
			iss: `${this.url}/${tenant}/v2.0`,
			iat: now,
			nbf: now,
			exp,
			appid: app.clientId,
			azp: app.clientId,
			idtyp: 'app',
			oid: createHash('sha256').update(app.clientId).digest('hex').slice(0, 32),
			roles,
			tid: tenant,
			jti: randomBytes(8).toString('hex'),
		})}`;
		const signature = createHash('sha256')
			.update(this.tokenSigningKey)
			.update(unsigned)
			.digest('base64url');
		const token: AccessToken = {
			token: `${unsigned}.${signature}`,
			audience,
			username: imap ? (app.imapMailboxes?.[0] ?? '') : '',
			scope: scopes[0],
			expiresAt: exp * 1000,
			roles,
			appId: app.clientId,
		};
		this.accessTokens.set(token.token, token);
		return {
			body: {
				token_type: 'Bearer',
				expires_in: this.accessTokenLifetimeSeconds,
				ext_expires_in: this.accessTokenLifetimeSeconds,
				access_token: token.token,
			},
		};
	}

	/**
	 * A client assertion as Microsoft checks it: a JWT whose header names an uploaded certificate
	 * by `x5t#S256` (or the older SHA-1 `x5t`), signed with that certificate's key (PS256 or RS256),
	 * with `aud` the token endpoint, `iss` = `sub` = the client ID, and `exp` in the future.
	 * msal-node only speaks https, and this stand-in is plain http: `aud` is compared without its
	 * scheme (the client's network module maps the https URL onto this http origin).
	 */
	private checkAssertion(
		app: AppRegistration,
		path: string,
		form: Record<string, string>,
		record: ClientCredentialRequestRecord,
	): { code: string; description: string } | undefined {
		const invalid = (description: string) => ({ code: 'AADSTS700027', description });
		if (form.client_assertion_type !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') {
			return {
				code: 'AADSTS700025',
				description: `Client assertion type '${form.client_assertion_type}' is not supported.`,
			};
		}
		const parts = form.client_assertion.split('.');
		if (parts.length !== 3) return invalid('Client assertion is not a JWT.');
		let header: Record<string, unknown>;
		let claims: Record<string, unknown>;
		try {
			header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
			claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
		} catch {
			return invalid('Client assertion is not a JWT.');
		}
		record.assertionHeader = header;
		const thumbprint = (pem: string, sha: 'sha1' | 'sha256') =>
			Buffer.from(
				(sha === 'sha256'
					? new X509Certificate(pem).fingerprint256
					: new X509Certificate(pem).fingerprint
				).replace(/:/g, ''),
				'hex',
			).toString('base64url');
		const byS256 = typeof header['x5t#S256'] === 'string' ? header['x5t#S256'] : undefined;
		const bySha1 = typeof header.x5t === 'string' ? header.x5t : undefined;
		const certificate = app.certificates.find(
			(pem) =>
				(byS256 && thumbprint(pem, 'sha256') === byS256) ||
				(bySha1 && thumbprint(pem, 'sha1') === bySha1),
		);
		if (!certificate) {
			return invalid(
				`The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${String(byS256 ?? bySha1)}']`,
			);
		}
		const key = new X509Certificate(certificate).publicKey;
		const data = Buffer.from(`${parts[0]}.${parts[1]}`);
		const signature = Buffer.from(parts[2], 'base64url');
		let valid = false;
		if (header.alg === 'PS256') {
			valid = verify(
				'sha256',
				data,
				{
					key,
					padding: constants.RSA_PKCS1_PSS_PADDING,
					saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
				},
				signature,
			);
		} else if (header.alg === 'RS256') {
			valid = verify('sha256', data, key, signature);
		}
		if (!valid) return invalid('Client assertion contains an invalid signature.');
		const endpoint = `${new URL(this.url).host}${path}`;
		const audience = String(claims.aud ?? '').replace(/^https?:\/\//, '');
		if (audience !== endpoint) {
			return invalid(
				`The audience '${String(claims.aud)}' of the client assertion is not the token endpoint.`,
			);
		}
		if (claims.iss !== app.clientId || claims.sub !== app.clientId) {
			return invalid('The issuer and subject of the client assertion must be the client ID.');
		}
		const now = Math.floor(Date.now() / 1000);
		if (typeof claims.exp !== 'number' || claims.exp <= now) {
			return {
				code: 'AADSTS700024',
				description: 'Client assertion is not within its valid time range.',
			};
		}
		if (typeof claims.nbf === 'number' && claims.nbf > now + 300) {
			return {
				code: 'AADSTS700024',
				description: 'Client assertion is not within its valid time range.',
			};
		}
		return undefined;
	}

	private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
		const url = new URL(req.url ?? '/', this.url);
		const raw = await new Promise<string>((resolve) => {
			let data = '';
			req.on('data', (chunk) => (data += chunk));
			req.on('end', () => resolve(data));
		});
		const form = Object.fromEntries(new URLSearchParams(raw));
		const recorded: RecordedIdpRequest = {
			method: req.method ?? 'GET',
			path: url.pathname,
			query: Object.fromEntries(url.searchParams),
			form,
			authorization: req.headers.authorization,
		};
		this.requests.push(recorded);
		const json = (status: number, body: unknown) => {
			res.writeHead(status, {
				'content-type': 'application/json; charset=utf-8',
				'cache-control': 'no-store',
			});
			res.end(JSON.stringify(body));
		};
		const oauthError = (status: number, error: string, code: string, description: string) =>
			json(status, {
				error,
				error_description: `${code}: ${description}`,
				error_codes: [Number(code.replace('AADSTS', ''))],
			});

		if (url.pathname === '/introspect' && req.method === 'POST') {
			// Dovecot's oauth2 passdb (introspection_mode = post): only IMAP-audience tokens are active.
			const token = this.validate(form.token, IMAP_AUDIENCE);
			// An app's token: Exchange checks the mailbox grant at login, so the grant as it is now.
			const app = token?.appId ? this.apps.get(token.appId.toLowerCase()) : undefined;
			const username = app?.imapMailboxes ? (app.imapMailboxes[0] ?? '') : token?.username;
			json(
				200,
				token
					? { active: true, username, exp: Math.floor(token.expiresAt / 1000) }
					: { active: false },
			);
			return;
		}
		if (url.pathname.startsWith('/_control/') && req.method === 'POST') {
			// For other processes (a real n8n, Dovecot tests): expire or revoke tokens over HTTP.
			if (url.pathname === '/_control/expire') this.expireAccessTokens();
			else if (url.pathname === '/_control/revoke') this.revokeRefreshTokens();
			else return json(404, { error: 'unknown control' });
			return json(200, { ok: true });
		}
		const match = /^\/([^/]+)\/oauth2\/v2\.0\/(authorize|token)$/.exec(url.pathname);
		if (!match) return json(404, { error: 'not_found' });
		const [, tenant, endpoint] = match;
		if (!TENANT.test(decodeURIComponent(tenant))) {
			return oauthError(400, 'invalid_request', 'AADSTS90002', `Tenant '${tenant}' not found.`);
		}

		if (endpoint === 'authorize' && req.method === 'GET') {
			const q = recorded.query;
			const redirect = q.redirect_uri;
			if (q.client_id !== this.clientId) {
				return oauthError(
					400,
					'unauthorized_client',
					'AADSTS700016',
					`Application with identifier '${q.client_id}' was not found in the directory.`,
				);
			}
			if (!redirect)
				return oauthError(
					400,
					'invalid_request',
					'AADSTS900144',
					"The request body must contain the following parameter: 'redirect_uri'.",
				);
			const back = new URL(redirect);
			if (q.state) back.searchParams.set('state', q.state);
			if (q.response_type !== 'code') {
				back.searchParams.set('error', 'unsupported_response_type');
			} else if (q.prompt && !['login', 'consent', 'select_account', 'none'].includes(q.prompt)) {
				back.searchParams.set('error', 'invalid_request');
				back.searchParams.set(
					'error_description',
					`AADSTS90023: Invalid prompt value '${q.prompt}'.`,
				);
			} else if (q.prompt === 'none') {
				// No browser session exists here, so silent sign-in fails as it would at Microsoft.
				back.searchParams.set('error', 'login_required');
			} else {
				const code: AuthCode = {
					code: random('code'),
					redirectUri: redirect,
					scope: q.scope ?? '',
					username: q.login_hint || this.username,
					used: false,
				};
				this.codes.set(code.code, code);
				back.searchParams.set('code', code.code);
			}
			res.writeHead(302, { location: back.toString() });
			res.end();
			return;
		}

		if (endpoint === 'token' && req.method === 'POST') {
			if (this.hostile?.(form)) {
				const answer = hostileAnswer(
					form,
					req.headers.authorization,
					this.hostileError.error,
					this.hostileError.status,
				);
				for (const secret of answer.echoed) this.echoed.add(secret);
				return json(answer.status, answer.body);
			}
			if (this.failTokenRequests > 0) {
				this.failTokenRequests--;
				return oauthError(
					503,
					'temporarily_unavailable',
					'AADSTS90033',
					'A transient error has occurred. Please try again.',
				);
			}
			if (form.grant_type === 'client_credentials') {
				const answer = this.clientCredentials(decodeURIComponent(tenant), url.pathname, form);
				return 'body' in answer
					? json(200, answer.body)
					: oauthError(answer.status, answer.error, answer.code, answer.description);
			}
			let clientId = form.client_id;
			let secret = form.client_secret;
			const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
			if (basic)
				[clientId, secret] = Buffer.from(basic[1], 'base64')
					.toString()
					.split(':')
					.map(decodeURIComponent);
			if (clientId !== this.clientId) {
				return oauthError(
					400,
					'unauthorized_client',
					'AADSTS700016',
					`Application with identifier '${clientId}' was not found in the directory.`,
				);
			}
			if (secret !== this.clientSecret) {
				return oauthError(
					401,
					'invalid_client',
					'AADSTS7000215',
					'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.',
				);
			}
			if (form.grant_type === 'authorization_code') {
				const code = this.codes.get(form.code ?? '');
				if (!code || code.used)
					return oauthError(
						400,
						'invalid_grant',
						'AADSTS70008',
						'The provided authorization code or refresh token has expired or was already redeemed.',
					);
				if (code.redirectUri !== form.redirect_uri)
					return oauthError(
						400,
						'invalid_grant',
						'AADSTS50011',
						'The redirect URI does not match the one used to request the code.',
					);
				code.used = true;
				const scope = form.scope || code.scope;
				const refresh = this.newRefreshToken(code.username, scope);
				return json(200, this.tokenResponse(scope, code.username, refresh.token));
			}
			if (form.grant_type === 'refresh_token') {
				const old = this.refreshTokens.get(form.refresh_token ?? '');
				if (!old || old.revoked) {
					return oauthError(
						400,
						'invalid_grant',
						'AADSTS70000',
						'The provided grant has expired due to it being revoked, a fresh auth token is needed.',
					);
				}
				const scope = form.scope || old.scope;
				const refresh = this.newRefreshToken(old.username, scope);
				return json(200, this.tokenResponse(scope, old.username, refresh.token));
			}
			return oauthError(
				400,
				'unsupported_grant_type',
				'AADSTS70003',
				`The app requested an unsupported grant type '${form.grant_type}'.`,
			);
		}
		json(405, { error: 'method_not_allowed' });
	}
}
