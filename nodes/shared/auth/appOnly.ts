/**
 * App-only access (OAuth 2.0 client credentials) with @azure/msal-node's confidential client:
 * the credential's fields, checked and resolved; one cached client per (authority, client ID,
 * credential hash) per process so its in-memory token cache is reused across executions; and
 * tokens for Graph (`<graph root>/.default`) or Exchange Online IMAP (`https://<IMAP host>/.default`).
 *
 * msal-node, not hand-written JWT signing: it builds and signs the client assertion (PS256 with
 * `x5t#S256` for a SHA-256 thumbprint), caches tokens and renews them shortly before they expire.
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow
 * https://learn.microsoft.com/entra/msal/javascript/node/certificate-credentials
 *
 * msal-node is kept offline apart from the token request: the authority's endpoints are given
 * as `authorityMetadata` and its host as `knownAuthorities`, so it never asks
 * login.microsoftonline.com for instance discovery or an OpenID configuration. Its network client
 * is ours and refuses every host but the credential's sign-in host. It sends through the n8n HTTP
 * helper of the execution that asks for the token (`this.helpers.httpRequest`), so n8n's outbound
 * proxy (HTTP_PROXY/HTTPS_PROXY/NO_PROXY) and its other request settings apply to the sign-in
 * request as they do to Graph requests; Node's `fetch` ignores them.
 */
/* eslint-disable @n8n/community-nodes/require-node-api-error -- no node context here: the Graph
   transport, the credential test and the trigger turn these errors into NodeOperationErrors. */
import { ConfidentialClientApplication, LogLevel } from '@azure/msal-node';
import type {
	AuthenticationResult,
	Configuration,
	INetworkModule,
	NetworkRequestOptions,
	NetworkResponse,
} from '@azure/msal-node';
import type { IHttpRequestOptions, IN8nHttpFullResponse } from 'n8n-workflow';
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import forge from 'node-forge';

import { dataRecord } from '../outsideData';
import { credentialSecrets, redactOpaque } from '../redact';
import type { EnvironmentSettings, ResolvedEnvironment } from './environments';
import { CLOUD_ENVIRONMENTS, resolveEnvironment } from './environments';
import { isValidTenantId } from './tenant';

export const APP_ONLY_CREDENTIAL_TYPE = 'outlookAppOnlyApi';

export type AppOnlyAuthMethod = 'secret' | 'certificate' | 'pfx';

/** The app-only credential's fields, as n8n hands them to a node. */
export interface AppOnlyCredentialFields extends EnvironmentSettings {
	tenantId?: string;
	clientId?: string;
	authMethod?: string;
	clientSecret?: string;
	/** PEM certificate (the public part uploaded to the app registration). */
	certificate?: string;
	/** PEM private key (PKCS#8 or PKCS#1, unencrypted). */
	privateKey?: string;
	/** A PKCS#12 (.pfx/.p12) file, base64. */
	pfxCertificate?: string;
	pfxPassword?: string;
	testMailbox?: string;
}

/** What a certificate says about itself: shown by the credential test, never secret. */
export interface CertificateSummary {
	/** Upper-case hex SHA-1 thumbprint, as the Azure portal lists it. */
	thumbprint: string;
	/** Upper-case hex SHA-256 thumbprint. */
	thumbprintSha256: string;
	subject: string;
	notBefore: Date;
	notAfter: Date;
}

export interface ResolvedAppOnlyCredential {
	environment: ResolvedEnvironment;
	/** The authority the user's cloud (or Custom field) names, without the tenant. */
	authority: string;
	tenant: string;
	clientId: string;
	method: AppOnlyAuthMethod;
	secret?: string;
	/** PKCS#8 PEM private key and the certificate's PEM, for certificate methods. */
	privateKeyPem?: string;
	certificatePem?: string;
	certificate?: CertificateSummary;
}

/** A credential the user must fix: the message says what and how. */
export class AppOnlyCredentialError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'AppOnlyCredentialError';
	}
}

const MULTI_TENANT_SEGMENTS = ['common', 'organizations', 'consumers'];

/** The tenant for client credentials: a tenant ID or verified domain; never common/organizations/consumers. */
export function appOnlyTenant(value: string | undefined): string {
	const tenant = (value ?? '').trim();
	if (MULTI_TENANT_SEGMENTS.includes(tenant.toLowerCase())) {
		throw new AppOnlyCredentialError(
			`The Tenant "${tenant}" cannot be used for app-only access: there is no signed-in user to pick the organisation, ` +
				'so Microsoft issues client-credential tokens only from one directory. Enter your Directory (tenant) ID ' +
				"(the app registration's Overview page) or one of your organisation's verified domains, e.g. contoso.onmicrosoft.com.",
		);
	}
	if (!isValidTenantId(tenant)) {
		throw new AppOnlyCredentialError(
			`The Tenant "${tenant}" is neither a directory (tenant) ID (a GUID) nor a verified domain such as contoso.onmicrosoft.com. ` +
				"Copy the Directory (tenant) ID from the app registration's Overview page.",
		);
	}
	return tenant.toLowerCase();
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Why a Client ID is not one, without repeating it: what lands there by mistake may be the client
 * secret (the credential's notice warns of it), and this message reaches the execution log and
 * the credential test. Microsoft's secret Values hold a "~", which no GUID, name or Object ID does.
 */
function notAClientId(value: string): string {
	const entered = !value
		? 'The Client ID is empty'
		: value.includes('~')
			? `The Client ID (${value.length} characters) looks like a client secret's Value, which belongs in Client Secret`
			: `The Client ID (${value.length} characters) is not an Application (client) ID`;
	return (
		`${entered}: an Application (client) ID is a GUID such as "00000000-0000-4000-8000-000000000000". ` +
		"Copy it from the app registration's Overview page; the Object ID and the client secret do not work here."
	);
}

/** A readable summary of a PEM certificate. */
export function summariseCertificate(pem: string): CertificateSummary {
	const cert = new X509Certificate(pem);
	const hex = (fingerprint: string) => fingerprint.replace(/:/g, '').toUpperCase();
	return {
		thumbprint: hex(cert.fingerprint),
		thumbprintSha256: hex(cert.fingerprint256),
		subject: cert.subject.replace(/\n/g, ', '),
		notBefore: new Date(cert.validFrom),
		notAfter: new Date(cert.validTo),
	};
}

/**
 * PEM blocks with their line breaks back: a single-line password field (or a copy through a chat
 * tool) turns them into spaces or literal `\n`, which no PEM reader accepts.
 */
export function normalisePem(text: string): string {
	const unescaped = text.replace(/\\n/g, '\n');
	return unescaped.replace(
		/-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g,
		(_block, label: string, body: string) => {
			const lines = body.split(/\r?\n/).map((line) => line.trim());
			// Encrypted PKCS#1 keys carry "Proc-Type:" headers; keep such blocks as they are.
			if (lines.some((line) => line.includes(':')))
				return `-----BEGIN ${label}-----${body}-----END ${label}-----`;
			const base64 = body.replace(/\s+/g, '');
			const wrapped = base64.match(/.{1,64}/g)?.join('\n') ?? '';
			return `-----BEGIN ${label}-----\n${wrapped}\n-----END ${label}-----`;
		},
	);
}

/** The PEM certificates in a text: one, or a chain in whatever order it was pasted. */
function pemCertificates(text: string): string[] {
	return (
		normalisePem(text).match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []
	);
}

/**
 * A key Microsoft's client assertion cannot be signed with. msal-node signs it with PS256, and the
 * identity platform documents RSA signatures only (PS256, RS256); an EC key would only fail inside
 * msal-node, before any request, in words that blame Microsoft.
 * https://learn.microsoft.com/entra/identity-platform/certificate-credentials
 */
function notRsaKey(keyType: string | undefined): AppOnlyCredentialError {
	const kind = keyType ? keyType.toUpperCase() : 'of a kind Node.js does not name';
	return new AppOnlyCredentialError(
		`The certificate's private key is ${kind}, not RSA: Microsoft's client assertion is signed with RSA (PS256 or RS256), so no other key can sign in. ` +
			'Create an RSA certificate (openssl req -x509 -newkey rsa:2048 -sha256 -days 730 -nodes -keyout app.key -out app.crt -subj "/CN=n8n app", ' +
			'or in PowerShell New-SelfSignedCertificate -Subject "CN=n8n app" -KeyAlgorithm RSA -KeyLength 2048 -KeyExportPolicy Exportable -CertStoreLocation Cert:\\CurrentUser\\My), ' +
			'upload it under Certificates & secrets in the app registration, and paste it here.',
	);
}

/** The key type Node.js reads from a PKCS#8 PrivateKeyInfo forge could not decode (it decodes RSA only). */
function pkcs8KeyType(privateKeyInfo: forge.asn1.Asn1): string | undefined {
	try {
		return createPrivateKey({
			key: Buffer.from(forge.asn1.toDer(privateKeyInfo).getBytes(), 'binary'),
			format: 'der',
			type: 'pkcs8',
		}).asymmetricKeyType;
	} catch {
		return undefined;
	}
}

/**
 * The private key and certificate of a PKCS#12 file. Node's crypto cannot read PKCS#12, so
 * node-forge does (it reads OpenSSL 3's default AES-256/PBKDF2 files as well as the older 3DES ones).
 */
export function readPfx(base64: string, password: string): { keyPem: string; certPem: string } {
	let p12: forge.pkcs12.Pkcs12Pfx;
	try {
		const der = forge.util.decode64(base64.replace(/\s+/g, ''));
		p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(der), password);
	} catch (error) {
		const reason = /mac|password|invalid/i.test((error as Error).message)
			? 'the PFX Password is wrong or the file is damaged'
			: 'it is not a PKCS#12 (.pfx/.p12) file in base64';
		throw new AppOnlyCredentialError(
			`The PFX certificate could not be read: ${reason}. Paste the file as base64 (e.g. \`base64 -w0 app.pfx\`) and its export password.`,
		);
	}
	const keyBags = [
		...(p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[
			forge.pki.oids.pkcs8ShroudedKeyBag
		] ?? []),
		...(p12.getBags({ bagType: forge.pki.oids.keyBag })[forge.pki.oids.keyBag] ?? []),
	];
	const certBags = p12.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag] ?? [];
	const key = keyBags.find((bag) => bag.key)?.key;
	// forge keeps a key it cannot decode (EC…) as its PrivateKeyInfo: named, not reported missing.
	const undecoded = keyBags.find((bag) => !bag.key && bag.asn1)?.asn1;
	if (!key && undecoded) throw notRsaKey(pkcs8KeyType(undecoded));
	if (!key || !certBags.length) {
		throw new AppOnlyCredentialError(
			'The PFX file must hold the private key and its certificate; export it with both (openssl pkcs12 -export -inkey key.pem -in cert.pem).',
		);
	}
	const keyPem = forge.pki.privateKeyInfoToPem(
		forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(key)),
	);
	// With a chain inside, the certificate is the one whose public key matches the private key.
	const publicKey = createPrivateKey(keyPem);
	for (const bag of certBags) {
		if (!bag.cert) continue;
		const certPem = forge.pki.certificateToPem(bag.cert);
		if (new X509Certificate(certPem).checkPrivateKey(publicKey)) return { keyPem, certPem };
	}
	throw new AppOnlyCredentialError(
		'No certificate in the PFX file matches its private key; export the key with its own certificate.',
	);
}

/**
 * Checks the fields and resolves where tokens come from and how the app proves who it is.
 * Throws an AppOnlyCredentialError naming the field to fix; never echoes a secret or key.
 */
export function resolveAppOnlyCredential(
	fields: AppOnlyCredentialFields,
	now: Date = new Date(),
): ResolvedAppOnlyCredential {
	let environment: ResolvedEnvironment;
	try {
		environment = resolveEnvironment(fields);
	} catch (error) {
		throw new AppOnlyCredentialError((error as Error).message);
	}
	const tenant = appOnlyTenant(fields.tenantId);
	const clientId = String(fields.clientId ?? '').trim();
	if (!GUID.test(clientId)) throw new AppOnlyCredentialError(notAClientId(clientId));
	const method = (fields.authMethod ?? 'secret') as AppOnlyAuthMethod;
	const base = { environment, authority: environment.authority, tenant, clientId, method };
	if (method === 'secret') {
		const secret = String(fields.clientSecret ?? '').trim();
		if (!secret) {
			throw new AppOnlyCredentialError(
				"The Client Secret is empty: paste the secret's Value from Certificates & secrets in the app registration.",
			);
		}
		return { ...base, secret };
	}
	let keyPem: string;
	let certPem: string;
	if (method === 'pfx') {
		({ keyPem, certPem } = readPfx(
			String(fields.pfxCertificate ?? ''),
			String(fields.pfxPassword ?? ''),
		));
	} else if (method === 'certificate') {
		const certs = pemCertificates(String(fields.certificate ?? ''));
		if (!certs.length) {
			throw new AppOnlyCredentialError(
				'The Certificate field holds no PEM certificate (-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----).',
			);
		}
		try {
			keyPem = createPrivateKey(normalisePem(String(fields.privateKey ?? '')))
				.export({ type: 'pkcs8', format: 'pem' })
				.toString();
		} catch {
			throw new AppOnlyCredentialError(
				'The Private Key field holds no unencrypted PEM private key (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----). ' +
					'Decrypt an encrypted key first: openssl pkey -in key.pem -out key-plain.pem',
			);
		}
		const keyType = createPrivateKey(keyPem).asymmetricKeyType;
		if (keyType !== 'rsa') throw notRsaKey(keyType);
		// A chain may come issuer first (`cat ca.pem cert.pem`, `openssl pkcs12 -nodes` on many
		// exported PFX files): the certificate is the one whose public key matches the private key,
		// as in readPfx. With none, the first is refused below with its thumbprint.
		const key = createPrivateKey(keyPem);
		certPem = certs.find((pem) => new X509Certificate(pem).checkPrivateKey(key)) ?? certs[0];
	} else {
		throw new AppOnlyCredentialError(`Unknown authentication method "${String(method)}"`);
	}
	const summary = summariseCertificate(certPem);
	if (!new X509Certificate(certPem).checkPrivateKey(createPrivateKey(keyPem))) {
		throw new AppOnlyCredentialError(
			`The private key does not belong to the certificate (thumbprint ${summary.thumbprint}): paste the key the certificate was created with.`,
		);
	}
	if (summary.notAfter.getTime() <= now.getTime()) {
		throw new AppOnlyCredentialError(
			`The certificate (thumbprint ${summary.thumbprint}) expired on ${summary.notAfter.toISOString()}. ` +
				'Create a new one, upload it under Certificates & secrets in the app registration, and paste it here.',
		);
	}
	return { ...base, privateKeyPem: keyPem, certificatePem: certPem, certificate: summary };
}

/**
 * `<graph root>/.default`: every Graph application permission the app was granted. A Custom
 * environment (a proxy or test server in front of Graph) asks for the global Graph resource, as
 * the OAuth2 credential does with its short scope names.
 */
export function graphDefaultScope(credential: ResolvedAppOnlyCredential): string {
	const root =
		credential.environment.name === 'custom'
			? CLOUD_ENVIRONMENTS.global.graph
			: credential.environment.graph;
	return `${root}/.default`;
}

/**
 * `https://outlook.office365.com/.default` (per cloud) for IMAP with IMAP.AccessAsApp. A Custom
 * environment keeps the global Exchange Online resource, as the OAuth2 credential does.
 * https://learn.microsoft.com/exchange/client-developer/legacy-protocols/how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth#use-client-credentials-grant-flow-to-authenticate-smtp-imap-and-pop-connections
 */
export function imapDefaultScope(credential: ResolvedAppOnlyCredential): string {
	const host =
		credential.environment.name === 'custom'
			? CLOUD_ENVIRONMENTS.global.imapHost
			: credential.environment.imapHost;
	return `https://${host}/.default`;
}

/**
 * n8n's HTTP helper (`this.helpers.httpRequest` of a node, or an adapter over the credential
 * test's `helpers.request`): what the token request is sent with.
 */
export type TokenHttpRequest = (options: IHttpRequestOptions) => Promise<unknown>;

/**
 * msal-node's network module: sends only to the credential's sign-in host. msal-node refuses
 * authorities that are not https; a Custom environment may name an http authority (a local test
 * server, as the OAuth2 credential allows), so msal is given the https form of that origin and the
 * request goes to the origin the user typed.
 *
 * The client (and msal's token cache) is shared by every execution in the process, while the HTTP
 * helper belongs to the execution asking for a token: msal calls this module inside that call, so
 * the helper travels in an AsyncLocalStorage around it (`withHttp`).
 */
class AuthorityNetworkClient implements INetworkModule {
	/** Token requests sent, for the count test and the bench. */
	requests = 0;

	/** Why the last request failed (msal-node replaces what a network client throws with network_error). */
	lastFailure: string | undefined;

	private readonly http = new AsyncLocalStorage<TokenHttpRequest>();

	constructor(
		private readonly msalOrigin: string,
		private readonly realOrigin: string,
	) {}

	async withHttp<T>(http: TokenHttpRequest, call: () => Promise<T>): Promise<T> {
		return await this.http.run(http, call);
	}

	async sendGetRequestAsync<T>(
		url: string,
		options?: NetworkRequestOptions,
		timeout?: number,
	): Promise<NetworkResponse<T>> {
		return await this.send<T>('GET', url, options, timeout);
	}

	async sendPostRequestAsync<T>(
		url: string,
		options?: NetworkRequestOptions,
	): Promise<NetworkResponse<T>> {
		return await this.send<T>('POST', url, options);
	}

	private async send<T>(
		method: 'GET' | 'POST',
		url: string,
		options: NetworkRequestOptions | undefined,
		timeout = TOKEN_REQUEST_TIMEOUT_MS,
	): Promise<NetworkResponse<T>> {
		const target = new URL(url);
		if (target.origin !== this.msalOrigin) {
			throw new AppOnlyCredentialError(
				`Refused to send the app's credentials to ${target.origin}: it is not the credential's sign-in host`,
			);
		}
		const http = this.http.getStore();
		if (!http) throw new Error('No n8n HTTP helper was given for the app-only token request');
		this.requests++;
		this.lastFailure = undefined;
		let response: IN8nHttpFullResponse | undefined;
		for (let attempt = 1; !response; attempt++) {
			try {
				response = (await http({
					method,
					url: `${this.realOrigin}${target.pathname}${target.search}`,
					headers: options?.headers,
					// msal's form-encoded body, sent as the string it built.
					body: method === 'POST' ? options?.body : undefined,
					// Microsoft's error answers (400/401) carry the AADSTS code msal reads.
					ignoreHttpStatusErrors: true,
					returnFullResponse: true,
					disableFollowRedirect: true,
					encoding: 'text',
					json: false,
					timeout,
				})) as IN8nHttpFullResponse;
			} catch (error) {
				const code = transportCode(error);
				// A pooled keep-alive connection the server closed just as it was reused: the request
				// never arrived, so it is sent once more on a new connection (token requests are idempotent).
				if (attempt === 1 && code && STALE_CONNECTION_CODES.includes(code)) continue;
				// Only the code: the helper's errors may carry the request, whose body holds the secret.
				this.lastFailure = `Could not reach the Microsoft sign-in endpoint at ${this.realOrigin}: ${code ?? 'request failed'}`;
				throw new AppOnlyCredentialError(this.lastFailure);
			}
		}
		const raw = response.body;
		let body: unknown;
		try {
			body =
				typeof raw === 'string' || Buffer.isBuffer(raw) ? JSON.parse(raw.toString()) : (raw ?? {});
		} catch {
			body = {
				error: 'invalid_response',
				error_description: `The sign-in endpoint answered ${response.statusCode} with a body that is not JSON`,
			};
		}
		const headers = dataRecord<string>();
		for (const [key, value] of Object.entries(response.headers ?? {}))
			headers[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
		return { headers, body: body as T, status: response.statusCode };
	}
}

/** The system error code of a failed request (axios puts it on the error, fetch on its cause). */
function transportCode(error: unknown): string | undefined {
	const e = error as { code?: unknown; cause?: { code?: unknown } };
	const code = typeof e.code === 'string' ? e.code : e.cause?.code;
	return typeof code === 'string' ? code : undefined;
}

/** undici's codes for a connection closed under a request (https://undici.nodejs.org/#/docs/api/Errors). */
const STALE_CONNECTION_CODES = ['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE'];

/** msal-node's own default for its token request; a hung sign-in endpoint must not hang a workflow. */
const TOKEN_REQUEST_TIMEOUT_MS = 30_000;

/** Distinct credentials kept per process; beyond this the oldest client (and its cache) is dropped. */
export const MAX_CACHED_CLIENTS = 50;

interface CachedClient {
	app: ConfidentialClientApplication;
	network: AuthorityNetworkClient;
	/** Token requests under way, by scope. */
	pending: Map<string, Promise<AppOnlyToken>>;
}

const clients = new Map<string, CachedClient>();

/** Which cache entry a credential uses: its authority, client ID and a hash of how it signs in. */
export function clientCacheKey(credential: ResolvedAppOnlyCredential): string {
	const proof = createHash('sha256')
		.update(
			JSON.stringify([
				credential.method,
				credential.secret ?? '',
				credential.privateKeyPem ?? '',
				credential.certificatePem ?? '',
			]),
		)
		.digest('hex');
	return `${credential.authority}/${credential.tenant}|${credential.clientId}|${proof}`;
}

function msalConfiguration(
	credential: ResolvedAppOnlyCredential,
	network: AuthorityNetworkClient,
	msalAuthority: string,
): Configuration {
	const host = new URL(msalAuthority).host;
	const base = `${msalAuthority}/${credential.tenant}`;
	// The identity platform v2 endpoints (https://learn.microsoft.com/entra/identity-platform/v2-protocols#endpoints),
	// given so msal-node needs no OpenID configuration request.
	const authorityMetadata = JSON.stringify({
		token_endpoint: `${base}/oauth2/v2.0/token`,
		authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
		end_session_endpoint: `${base}/oauth2/v2.0/logout`,
		issuer: `${base}/v2.0`,
		jwks_uri: `${msalAuthority}/${credential.tenant}/discovery/v2.0/keys`,
	});
	return {
		auth: {
			clientId: credential.clientId,
			authority: base,
			knownAuthorities: [host],
			authorityMetadata,
			...(credential.method === 'secret'
				? { clientSecret: credential.secret }
				: {
						clientCertificate: {
							thumbprintSha256: credential.certificate!.thumbprintSha256,
							privateKey: credential.privateKeyPem!,
						},
					}),
		},
		system: {
			networkClient: network,
			// The token endpoint's transient answers are retried by the caller's policy, not silently here.
			disableInternalRetries: true,
			loggerOptions: {
				piiLoggingEnabled: false,
				logLevel: LogLevel.Error,
				loggerCallback: () => {},
			},
		},
	};
}

function clientFor(credential: ResolvedAppOnlyCredential): CachedClient {
	const key = clientCacheKey(credential);
	const cached = clients.get(key);
	if (cached) {
		// Most recently used last, so the oldest is first to go.
		clients.delete(key);
		clients.set(key, cached);
		return cached;
	}
	const real = new URL(credential.authority);
	const msalAuthority = `https://${real.host}${real.pathname.replace(/\/+$/, '')}`;
	const network = new AuthorityNetworkClient(new URL(msalAuthority).origin, real.origin);
	const app = new ConfidentialClientApplication(
		msalConfiguration(credential, network, msalAuthority),
	);
	const entry = { app, network, pending: new Map<string, Promise<AppOnlyToken>>() };
	clients.set(key, entry);
	while (clients.size > MAX_CACHED_CLIENTS) clients.delete(clients.keys().next().value as string);
	return entry;
}

/** An app-only access token and what it grants; the token itself must never be logged or returned. */
export interface AppOnlyToken {
	accessToken: string;
	expiresOn: Date | null;
	/** The application permissions in the token's `roles` claim, when the token is a readable JWT. */
	roles: string[] | undefined;
	fromCache: boolean;
}

/** The `roles` claim of a JWT access token; undefined for tokens that are not JWTs. */
export function tokenRoles(accessToken: string): string[] | undefined {
	const parts = accessToken.split('.');
	if (parts.length !== 3) return undefined;
	try {
		const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as {
			roles?: unknown;
		};
		return Array.isArray(payload.roles) ? payload.roles.map(String) : [];
	} catch {
		return undefined;
	}
}

/** A failed token request, with Microsoft's error code and a message free of secrets. */
export class AppOnlyTokenError extends Error {
	constructor(
		message: string,
		readonly code: string | undefined,
		readonly aadsts: string | undefined,
		/**
		 * The endpoint answered 429 or 5xx, or msal-node answered for it because it did a moment ago
		 * (its ThrottlingUtils, up to the Retry-After or 60 s): worth asking again later, whatever
		 * AADSTS code the answer carries (AADSTS90033 is "a transient error has occurred").
		 */
		readonly transient = false,
	) {
		super(message);
		this.name = 'AppOnlyTokenError';
	}
}

function tokenError(
	error: unknown,
	origin: string,
	networkFailure: string | undefined,
	secrets: string[],
): Error {
	if (error instanceof AppOnlyCredentialError) return error;
	const msal = error as {
		name?: string;
		errorCode?: string;
		errorMessage?: string;
		subError?: string;
		status?: number;
	};
	if (msal.errorCode === 'network_error') {
		return new AppOnlyTokenError(
			networkFailure ?? `Could not reach the Microsoft sign-in endpoint at ${origin}`,
			'network_error',
			undefined,
		);
	}
	// The sign-in endpoint's answer (a Custom authority, a proxy) may echo what it was sent: the
	// secret, the client assertion. Redacted before anything is cut or read from it.
	const text = redactOpaque(`${msal.errorMessage ?? (error as Error)?.message ?? ''}`, secrets);
	const code =
		msal.errorCode === undefined ? undefined : redactOpaque(msal.errorCode, secrets).slice(0, 100);
	// Microsoft's error_description: "AADSTS7000215: Invalid client secret … Trace ID: … Timestamp: …".
	const aadsts = /\bAADSTS(\d{3,})\b/.exec(text)?.[0];
	const first = text
		.split(/\r?\n|Trace ID:/)[0]
		.trim()
		.slice(0, 300);
	// msal-node's ServerError carries the HTTP status of the answer it read (ClientCredentialClient);
	// one without a status is msal's own answer while it holds back a request after a 429 or 5xx
	// (ThrottlingUtils.preProcess, whose error code is the endpoint's error_codes).
	const status = typeof msal.status === 'number' ? msal.status : undefined;
	const transient =
		msal.name === 'ServerError' && (status === undefined || status === 429 || status >= 500);
	return new AppOnlyTokenError(
		`Microsoft refused the app-only token request at ${origin}: ${code ?? 'error'}${first ? ` (${first})` : ''}`,
		code,
		aadsts,
		transient,
	);
}

export interface AppOnlyTokenOptions {
	/** n8n's HTTP helper of the execution asking (token requests go through it). */
	http: TokenHttpRequest;
	/** Skip msal's cache: a new token from the endpoint. */
	forceRefresh?: boolean;
}

/**
 * A token for one resource's `.default` scope, from msal-node's cache while it is valid and not
 * about to expire (msal renews 5 minutes before expiry), else from the token endpoint.
 */
export async function acquireTokenForScope(
	credential: ResolvedAppOnlyCredential,
	scope: string,
	options: AppOnlyTokenOptions,
): Promise<AppOnlyToken> {
	const client = clientFor(credential);
	if (options.forceRefresh) return await requestToken(credential, client, scope, options);
	// Requests that start together (Get Many reads 4 pages of a list at once) share one token
	// request while msal's cache is still empty, instead of each asking the endpoint.
	const pending = client.pending.get(scope);
	if (pending) return await pending;
	const request = requestToken(credential, client, scope, options).finally(() =>
		client.pending.delete(scope),
	);
	client.pending.set(scope, request);
	return await request;
}

async function requestToken(
	credential: ResolvedAppOnlyCredential,
	{ app, network }: CachedClient,
	scope: string,
	options: AppOnlyTokenOptions,
): Promise<AppOnlyToken> {
	let result: AuthenticationResult | null;
	try {
		result = await network.withHttp(
			options.http,
			async () =>
				await app.acquireTokenByClientCredential({
					scopes: [scope],
					skipCache: options.forceRefresh === true,
				}),
		);
	} catch (error) {
		throw tokenError(
			error,
			new URL(credential.authority).origin,
			network.lastFailure,
			credentialSecrets({
				clientSecret: credential.secret,
				privateKey: credential.privateKeyPem,
			}),
		);
	}
	if (!result?.accessToken) {
		throw new AppOnlyTokenError(
			'The sign-in endpoint returned no access token',
			undefined,
			undefined,
		);
	}
	return {
		accessToken: result.accessToken,
		expiresOn: result.expiresOn,
		roles: tokenRoles(result.accessToken),
		fromCache: result.fromCache,
	};
}

/** For tests and the bench: how many requests the cached client for this credential sent. */
export function tokenRequestCount(credential: ResolvedAppOnlyCredential): number {
	return clients.get(clientCacheKey(credential))?.network.requests ?? 0;
}

/** For tests: forget every cached client and token. */
export function clearAppOnlyClients(): void {
	clients.clear();
}
