import { Client, ResponseType } from '@microsoft/microsoft-graph-client';
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import type {
	ICredentialDataDecryptedObject,
	IAllExecuteFunctions,
	IDataObject,
	IHttpRequestMethods,
	IHttpRequestOptions,
	INode,
	Logger,
	RequestHelperFunctions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { AppOnlyCredentialFields } from '../auth/appOnly';
import { AppOnlyGraphAuth, appOnlyAuthFailure, graphCredentialType } from '../auth/appOnlyGraph';
import { credentialStateFailure } from '../auth/credential-state';
import { resolveEnvironment } from '../auth/environments';
import type { ExplainContext } from '../auth/microsoft-errors';
import { describeMicrosoftError } from '../auth/microsoft-errors';
import { resolveTenant } from '../auth/tenant';
import { mailboxOfUrl, withMailboxSlot } from './concurrency';
import type { ErrorContext } from './errors';
import { graphApiError } from './errors';
import { buildQueryString, type GraphQuery } from './request';
import type { RetryPolicy } from './retry';
import type { RetryCredentialFields } from './retry';
import { isRetryable, retryDelayMs, retryPolicyFromCredential, sleep } from './retry';

export const CREDENTIAL_TYPE = 'outlookOAuth2Api';
export const GRAPH_VERSION = 'v1.0';

/** What the transport needs of an n8n execution context (execute, load options, trigger…). */
export interface GraphCallingContext {
	getNode(): INode;
	// The helpers are called with `this` set to the context, as n8n's own nodes do.
	getCredentials<T extends object = ICredentialDataDecryptedObject>(
		type: string,
		itemIndex?: number,
	): Promise<T>;
	logger: Logger;
	helpers: Pick<RequestHelperFunctions, 'httpRequestWithAuthentication' | 'httpRequest'>;
}

export interface GraphRequestOptions {
	method: IHttpRequestMethods;
	/** Path under /v1.0 (e.g. `/me/messages`), already built with `segment()` for user input. */
	path: string;
	query?: GraphQuery;
	body?: unknown;
	headers?: Record<string, string>;
	/** Adds `Prefer: outlook.timezone="…"` so Graph returns times in that zone. */
	timeZone?: string;
	/** Extra `Prefer` values, e.g. `outlook.body-content-type="text"`. */
	prefer?: string[];
	/** 'json' (default) parses the body; 'buffer' returns the bytes (MIME, attachments). */
	responseType?: 'json' | 'buffer';
	itemIndex?: number;
	/** For error messages: the permission needed and what the operation does. */
	permission?: string;
	action?: string;
}

export interface GraphRawResponse {
	status: number;
	headers: Record<string, string>;
	body: Buffer;
}

/** Carries per-request facts through the middleware chain. */
class RequestState {
	attempts = 0;

	/** Set when n8n could not refresh the token; the Graph client keeps only an error's message. */
	authFailure: TokenRefreshFailure | undefined;
}

/** Names of credential fields the transport reads. */
interface OutlookCredential extends RetryCredentialFields {
	environment?: string;
	customAuthorityUrl?: string;
	customGraphUrl?: string;
	accountType?: string;
	tenantId?: string;
	oauthTokenData?: IDataObject & { scope?: string };
	clientId?: unknown;
}

function headerRecord(headers: unknown): Record<string, string> {
	const out: Record<string, string> = {};
	if (!headers) return out;
	if (typeof (headers as Headers).forEach === 'function' && !(headers instanceof Array)) {
		(headers as Headers).forEach((value, key) => (out[key.toLowerCase()] = value));
		return out;
	}
	for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
		if (value !== undefined && value !== null)
			out[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
	}
	return out;
}

/**
 * The last middleware: sends through n8n's `httpRequestWithAuthentication`, so n8n signs the
 * request with the stored token, refreshes it on 401 and stores the rotated refresh token.
 */
class N8nSendMiddleware implements Middleware {
	constructor(
		private readonly ctx: GraphCallingContext,
		private readonly graphOrigin: string,
		private readonly appOnly?: AppOnlyGraphAuth,
	) {}

	async execute(context: Context): Promise<void> {
		const url = typeof context.request === 'string' ? context.request : context.request.url;
		const target = new URL(url);
		// The token goes only to the credential's Graph host (scheme, host and port).
		if (target.origin !== this.graphOrigin) {
			throw new NodeOperationError(
				this.ctx.getNode(),
				`Refused to send the Microsoft token to ${target.origin}: it is not the credential's Graph host ${this.graphOrigin}`,
			);
		}
		const options = context.options ?? {};
		const headers = headerRecord(options.headers);
		const request: IHttpRequestOptions = {
			url,
			method: (options.method ?? 'GET') as IHttpRequestMethods,
			headers,
			body: options.body as IHttpRequestOptions['body'],
			json: false,
			encoding: 'arraybuffer',
			returnFullResponse: true,
			// n8n refreshes the token only when the request throws with 401, so only 401 throws.
			ignoreHttpStatusErrors: { ignore: true, except: [401] },
			disableFollowRedirect: true,
		};
		let status: number;
		let responseHeaders: Record<string, string>;
		let body: Buffer;
		try {
			// The app-only credential: msal-node's token as a Bearer header (auth/appOnlyGraph.ts).
			const response = (await (this.appOnly
				? this.appOnly.send(this.ctx.helpers, request)
				: this.ctx.helpers.httpRequestWithAuthentication.call(
						this.ctx as unknown as IAllExecuteFunctions,
						CREDENTIAL_TYPE,
						request,
					))) as {
				statusCode: number;
				headers: Record<string, unknown>;
				body: ArrayBuffer | Buffer | string | undefined;
			};
			status = response.statusCode;
			responseHeaders = headerRecord(response.headers);
			body = toBuffer(response.body);
		} catch (error) {
			// n8n wraps what fails in a NodeApiError whose `cause` is the library error (with the response).
			const failed = responseOf(error) ?? responseOf((error as { cause?: unknown }).cause);
			if (failed?.status) {
				status = failed.status;
				responseHeaders = headerRecord(failed.headers);
				body = toBuffer(failed.data as ArrayBuffer | Buffer | string | undefined);
			} else {
				const authFailure =
					credentialStateFailure(error, this.ctx.getNode(), CREDENTIAL_TYPE) ??
					tokenRefreshFailure(error);
				const state = context.middlewareControl?.getMiddlewareOptions(RequestState) as
					| RequestState
					| undefined;
				if (authFailure && state) state.authFailure = authFailure;
				// Library errors carry the request config, Authorization header included: never pass them on.
				throw authFailure
					? new GraphAuthError(authFailure.message)
					: redactedNetworkError(error, target.origin);
			}
		}
		const hasBody = status !== 204 && status !== 304 && body.length > 0;
		context.response = new Response(hasBody ? new Uint8Array(body) : null, {
			status,
			headers: responseHeaders,
		});
	}
}

type FailedResponse = { status?: number; headers?: unknown; data?: unknown };

function responseOf(error: unknown): FailedResponse | undefined {
	if (!error || typeof error !== 'object') return undefined;
	return (error as { response?: FailedResponse }).response;
}

/** Why n8n could not get a fresh token: what to tell the user, without tokens or request config. */
export interface TokenRefreshFailure {
	message: string;
	description: string;
	/** The identity platform's error (`invalid_grant`, `invalid_client`…) and its AADSTS text, when known. */
	oauthError?: string;
	oauthDescription?: string;
}

/** The description for a failed refresh: the cause and fix of a known AADSTS code, else the generic advice. */
function refreshFailureDescription(failure: TokenRefreshFailure, context: ExplainContext): string {
	if (!failure.oauthError) return failure.description;
	return (
		describeMicrosoftError(
			{ code: failure.oauthError, message: failure.oauthDescription },
			context,
		) ?? failure.description
	);
}

/**
 * n8n-core's refresh failures: a revoked or expired grant becomes its "needs to be reconnected"
 * NodeOperationError (failure.cause 'credential-invalid'); other token-endpoint answers arrive as
 * the OAuth client's AuthError, whose `body` is Microsoft's JSON error (no secrets in it).
 * https://learn.microsoft.com/entra/identity-platform/reference-error-codes
 */
function tokenRefreshFailure(error: unknown): TokenRefreshFailure | undefined {
	const appOnly = appOnlyAuthFailure(error);
	if (appOnly) return appOnly;
	const chain: unknown[] = [error, (error as { cause?: unknown } | undefined)?.cause];
	for (const link of chain) {
		if (!link || typeof link !== 'object') continue;
		const failure = (link as { failure?: { cause?: string } }).failure;
		if (failure?.cause === 'credential-invalid') {
			return {
				message: (link as Error).message,
				description:
					(link as { description?: string }).description ??
					'Access could not be refreshed: the grant was revoked or expired. Open the credential and reconnect it.',
			};
		}
		const body = (link as { body?: { error?: unknown; error_description?: unknown } }).body;
		if ((link as { code?: string }).code === 'EAUTH' && body && typeof body.error === 'string') {
			const detail =
				typeof body.error_description === 'string'
					? body.error_description.split(/\r?\n/)[0].slice(0, 300)
					: '';
			return {
				message: `Microsoft refused to refresh the access token: ${body.error}${detail ? ` (${detail})` : ''}`,
				description:
					'Open the credential, check the Client ID and Client Secret, and reconnect it.',
				oauthError: body.error,
				oauthDescription: detail || undefined,
			};
		}
	}
	return undefined;
}

/** A failed token refresh, passed through the Graph client (which keeps only name and message). */
export class GraphAuthError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'GraphAuthError';
	}
}

function toBuffer(
	body: ArrayBuffer | Buffer | string | Uint8Array | undefined | null | object,
): Buffer {
	if (body === undefined || body === null) return Buffer.alloc(0);
	if (Buffer.isBuffer(body)) return body;
	if (body instanceof ArrayBuffer) return Buffer.from(body);
	if (body instanceof Uint8Array) return Buffer.from(body);
	if (typeof body === 'string') return Buffer.from(body);
	return Buffer.from(JSON.stringify(body));
}

/** A network failure, stripped of everything a library attached to it (headers, config, tokens). */
export class GraphNetworkError extends Error {
	constructor(
		message: string,
		readonly code?: string,
	) {
		super(message);
		this.name = 'GraphNetworkError';
	}
}

function redactedNetworkError(error: unknown, origin: string): GraphNetworkError {
	if (error instanceof GraphNetworkError) return error;
	const code = (error as { code?: string }).code;
	const raw = error instanceof Error ? error.message : String(error);
	// Keep the library's message only when it is short and says nothing about headers.
	const safe =
		raw.length < 200 && !/bearer|authorization|token|secret/i.test(raw) ? raw : 'request failed';
	// n8n refreshes the token inside the same call: a failure there is the sign-in endpoint's, not Graph's.
	const failedUrl = [error, (error as { cause?: unknown } | undefined)?.cause]
		.map((link) => (link as { config?: { url?: unknown } } | undefined)?.config?.url)
		.find((url): url is string => typeof url === 'string' && URL.canParse(url));
	const failedOrigin = failedUrl ? new URL(failedUrl).origin : origin;
	if (failedOrigin !== origin) {
		return new GraphNetworkError(
			`Could not reach the Microsoft sign-in endpoint at ${failedOrigin} to refresh the access token: ${code ?? safe}`,
			code,
		);
	}
	return new GraphNetworkError(
		`Could not reach Microsoft Graph at ${origin}: ${code ?? safe}`,
		code,
	);
}

/** Retries per the credential's policy; Retry-After wins over backoff. */
class RetryMiddleware implements Middleware {
	private next!: Middleware;

	constructor(
		private readonly policy: RetryPolicy,
		private readonly logger: Logger,
	) {}

	setNext(next: Middleware) {
		this.next = next;
	}

	async execute(context: Context): Promise<void> {
		const state = context.middlewareControl?.getMiddlewareOptions(RequestState) as
			| RequestState
			| undefined;
		for (let attempt = 1; ; attempt++) {
			if (state) state.attempts = attempt;
			let status: number | undefined;
			try {
				context.response = undefined;
				await this.next.execute(context);
				status = (context.response as Response | undefined)?.status;
			} catch (error) {
				const network = error instanceof GraphNetworkError;
				// Passed on unchanged: GraphTransport.request turns it into a NodeOperationError for the item.
				if (!network || !isRetryable(this.policy, undefined) || attempt > this.policy.maxRetries) {
					// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
					throw error;
				}
			}
			const answered = status as number | undefined;
			const method = context.options?.method;
			if (
				answered !== undefined &&
				(answered < 400 ||
					!isRetryable(this.policy, answered, method) ||
					attempt > this.policy.maxRetries)
			)
				return;
			const retryAfter =
				(context.response as Response | undefined)?.headers.get('retry-after') ?? null;
			const wait = retryDelayMs(this.policy, attempt, retryAfter);
			this.logger.warn(
				`Microsoft Graph answered ${answered ?? 'with a network error'}; retry ${attempt} of ${this.policy.maxRetries} in ${wait} ms`,
			);
			await sleep(wait);
		}
	}
}

/** Holds one of the mailbox's 4 slots while the request is on the wire (not while it waits to retry). */
class ConcurrencyMiddleware implements Middleware {
	private next!: Middleware;

	constructor(private readonly keyPrefix: string) {}

	setNext(next: Middleware) {
		this.next = next;
	}

	async execute(context: Context): Promise<void> {
		const url = typeof context.request === 'string' ? context.request : context.request.url;
		await withMailboxSlot(
			`${this.keyPrefix}:${mailboxOfUrl(url)}`,
			async () => await this.next.execute(context),
		);
	}
}

/**
 * The one way this package talks to Microsoft Graph. Operations say what (method, path, query,
 * body); the transport does authentication, retries, concurrency, headers and error mapping.
 */
export class GraphTransport {
	private readonly client: Client;

	readonly graphBase: string;

	/** Authority, tenant and client ID, for concrete fixes in error descriptions (never secrets). */
	authContext: ExplainContext = {};

	constructor(
		readonly ctx: GraphCallingContext,
		graphRoot: string,
		readonly policy: RetryPolicy,
		readonly grantedScope: string | undefined,
		readonly appOnly?: AppOnlyGraphAuth,
	) {
		this.graphBase = `${graphRoot}/${GRAPH_VERSION}`;
		const retry = new RetryMiddleware(policy, ctx.logger);
		const concurrency = new ConcurrencyMiddleware(
			ctx.getNode().credentials?.[graphCredentialType(ctx.getNode())]?.id ?? 'default',
		);
		const send = new N8nSendMiddleware(ctx, new URL(graphRoot).origin, appOnly);
		retry.setNext(concurrency);
		concurrency.setNext(send);
		this.client = Client.initWithMiddleware({
			middleware: retry,
			baseUrl: graphRoot,
			defaultVersion: GRAPH_VERSION,
		});
	}

	/** Reads the credential once and builds the transport; an invalid tenant or URL is a NodeOperationError. */
	static async create(ctx: GraphCallingContext, itemIndex = 0): Promise<GraphTransport> {
		if (graphCredentialType(ctx.getNode()) !== CREDENTIAL_TYPE) {
			return await GraphTransport.createAppOnly(ctx, itemIndex);
		}
		const credential = await ctx.getCredentials<OutlookCredential>(CREDENTIAL_TYPE, itemIndex);
		let graphRoot: string;
		let authContext: ExplainContext;
		try {
			const tenant = resolveTenant(credential.accountType, credential.tenantId);
			const environment = resolveEnvironment(credential);
			graphRoot = environment.graph;
			authContext = {
				authority: environment.authority,
				tenant,
				clientId: typeof credential.clientId === 'string' ? credential.clientId : undefined,
			};
		} catch (error) {
			throw new NodeOperationError(ctx.getNode(), (error as Error).message, {
				itemIndex,
				description: 'Fix the Outlook OAuth2 credential and reconnect it.',
			});
		}
		const transport = new GraphTransport(
			ctx,
			graphRoot,
			retryPolicyFromCredential(credential),
			credential.oauthTokenData?.scope,
		);
		transport.authContext = authContext;
		return transport;
	}

	/** The transport for the app-only credential (client credentials through msal-node). */
	private static async createAppOnly(
		ctx: GraphCallingContext,
		itemIndex: number,
	): Promise<GraphTransport> {
		const fields = await ctx.getCredentials<AppOnlyCredentialFields & RetryCredentialFields>(
			graphCredentialType(ctx.getNode()),
			itemIndex,
		);
		let auth: AppOnlyGraphAuth;
		try {
			auth = AppOnlyGraphAuth.fromFields(fields);
		} catch (error) {
			throw new NodeOperationError(ctx.getNode(), (error as Error).message, {
				itemIndex,
				description: 'Fix the Outlook App-Only credential.',
			});
		}
		const { credential } = auth;
		const transport = new GraphTransport(
			ctx,
			credential.environment.graph,
			retryPolicyFromCredential(fields),
			undefined,
			auth,
		);
		transport.authContext = {
			authority: credential.authority,
			tenant: credential.tenant,
			clientId: credential.clientId,
		};
		return transport;
	}

	/**
	 * A path under /v1.0 from an absolute Graph URL (an @odata.nextLink). The URL must be on the
	 * credential's Graph host and under /v1.0; anything else is refused, so a response can never
	 * send the token elsewhere.
	 */
	relativePath(absoluteUrl: string): string {
		if (!URL.canParse(absoluteUrl)) {
			throw new NodeOperationError(
				this.ctx.getNode(),
				`Microsoft Graph returned a link that is not a URL: ${absoluteUrl.slice(0, 200)}`,
			);
		}
		const url = new URL(absoluteUrl);
		const base = new URL(this.graphBase);
		if (
			url.origin !== base.origin ||
			url.username ||
			url.password ||
			!url.pathname.startsWith(`${base.pathname}/`)
		) {
			throw new NodeOperationError(
				this.ctx.getNode(),
				`Refused to follow a link to ${url.origin}${url.pathname.slice(0, 60)}: it is not under the credential's Graph endpoint ${this.graphBase}`,
			);
		}
		return url.pathname.slice(base.pathname.length) + url.search;
	}

	/** The `Prefer` header of a request; `$batch` sub-requests need it too (headers are per request). */
	preferHeader(options: Pick<GraphRequestOptions, 'timeZone' | 'prefer'>): string {
		const prefer = ['IdType="ImmutableId"'];
		if (options.timeZone) prefer.push(`outlook.timezone="${options.timeZone.replace(/"/g, '')}"`);
		prefer.push(...(options.prefer ?? []));
		return prefer.join(', ');
	}

	/** Sends one request; the raw response whatever its status. */
	async send(options: GraphRequestOptions): Promise<GraphRawResponse & { attempts: number }> {
		const state = new RequestState();
		const path = options.path.startsWith('http') ? this.relativePath(options.path) : options.path;
		const headers: Record<string, string> = {
			Prefer: this.preferHeader(options),
			...(options.headers ?? {}),
		};
		let request = this.client
			.api(path + buildQueryString(options.query))
			.headers(headers)
			.responseType(ResponseType.RAW)
			.middlewareOptions([state as never]);
		if (
			options.body !== undefined &&
			typeof options.body === 'object' &&
			!Buffer.isBuffer(options.body)
		) {
			request = request.header('Content-Type', 'application/json');
		}
		let response: Response;
		try {
			response = await this.dispatch(request, options);
		} catch (error) {
			if (state.authFailure) {
				throw new NodeOperationError(this.ctx.getNode(), state.authFailure.message, {
					itemIndex: options.itemIndex,
					description: refreshFailureDescription(state.authFailure, this.authContext),
				});
			}
			// Passed on as before: the Graph client's error, built from our redacted middleware errors.
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
			throw error;
		}
		return {
			status: response.status,
			headers: headerRecord(response.headers),
			body: Buffer.from(await response.arrayBuffer()),
			attempts: state.attempts,
		};
	}

	private async dispatch(
		request: ReturnType<Client['api']>,
		options: GraphRequestOptions,
	): Promise<Response> {
		let response: Response;
		switch (options.method) {
			case 'GET':
				response = (await request.get()) as Response;
				break;
			case 'POST':
				response = (await request.post(options.body ?? {})) as Response;
				break;
			case 'PATCH':
				response = (await request.patch(options.body ?? {})) as Response;
				break;
			case 'PUT':
				response = (await request.put(options.body)) as Response;
				break;
			case 'DELETE':
				response = (await request.delete()) as Response;
				break;
			default:
				throw new NodeOperationError(this.ctx.getNode(), `Unsupported method ${options.method}`);
		}
		return response;
	}

	errorContext(
		options: Pick<GraphRequestOptions, 'itemIndex' | 'permission' | 'action'>,
	): ErrorContext {
		return {
			node: this.ctx.getNode(),
			itemIndex: options.itemIndex,
			permission: options.permission,
			action: options.action,
			grantedScope: this.grantedScope,
			appOnly: this.appOnly && { roles: this.appOnly.roles, clientId: this.authContext.clientId },
		};
	}

	/** Sends a request and returns the parsed JSON (or bytes); a non-2xx answer throws a NodeApiError. */
	async request<T = IDataObject>(options: GraphRequestOptions): Promise<T> {
		let response: GraphRawResponse & { attempts: number };
		try {
			response = await this.send(options);
		} catch (error) {
			// Already a NodeOperationError for the item (a failed token refresh): keep its description.
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
			if (error instanceof NodeOperationError) throw error;
			// Errors from the Graph client and our middleware; their messages carry no secrets (see redactedNetworkError).
			const message = error instanceof Error ? error.message : String(error);
			throw new NodeOperationError(this.ctx.getNode(), message, { itemIndex: options.itemIndex });
		}
		// 3xx too: redirects are not followed (the token must not go to another host), so one is a failure here.
		if (response.status >= 300) {
			throw graphApiError(
				{
					status: response.status,
					body: response.body.toString('utf8'),
					method: options.method,
					path: options.path.split('?')[0],
					attempts: response.attempts,
				},
				this.errorContext(options),
			);
		}
		if (options.responseType === 'buffer') return response.body as T;
		if (response.body.length === 0) return {} as T;
		const text = response.body.toString('utf8');
		try {
			return JSON.parse(text) as T;
		} catch {
			return text as T;
		}
	}
}
