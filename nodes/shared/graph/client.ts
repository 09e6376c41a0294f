import { Client, ResponseType } from '@microsoft/microsoft-graph-client';
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import type {
	ICredentialDataDecryptedObject,
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
import { credentialStateFailure, isConnected, notConnectedFailure } from '../auth/credential-state';
import { resolveEnvironment } from '../auth/environments';
import type { ExplainContext } from '../auth/microsoft-errors';
import { describeMicrosoftError, tokenEndpointError } from '../auth/microsoft-errors';
import { resolveTenant } from '../auth/tenant';
import { sendWithCredential } from '../outbound';
import { dataRecord } from '../outsideData';
import { credentialSecrets, logFor, rememberSecrets } from '../redact';
import { batchMailboxWeights, mailboxOfUrl, withMailboxSlots } from './concurrency';
import type { ErrorContext } from './errors';
import { graphApiError } from './errors';
import { buildQueryString, type GraphQuery } from './request';
import type { AttemptOutcome, RetryCredentialFields, RetryPolicy } from './retry';
import {
	ExecutionCancelledError,
	foundSentWithin,
	isIdempotentRequest,
	isRetryable,
	MAY_HAVE_BEEN_APPLIED,
	mayRepeat,
	retryPolicyFromCredential,
	SENT_CHECK_DELAY_MS,
	SENT_CHECK_LOOKS,
	sendFailureKind,
	withheldRepeat,
	withRetry,
} from './retry';

export const CREDENTIAL_TYPE = 'outlookOAuth2Api';
export const GRAPH_VERSION = 'v1.0';
/**
 * Every Graph request asks for a gzip-compressed answer. Microsoft.Graph.Core's compression handler
 * ("request, detect and decompress response bodies from Graph service", 1.15.0 release notes,
 * https://github.com/microsoftgraph/msgraph-sdk-dotnet/releases/tag/1.15.0) sends the same.
 */
export const ACCEPT_ENCODING = 'gzip';

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
	/** n8n-core's execution cancel signal (execute contexts have it; load-options contexts do not). */
	getExecutionCancelSignal?(): AbortSignal | undefined;
}

/**
 * A request that sends mail (sendMail, send, reply, forward). It is sent again only when Graph
 * cannot have accepted it; after an ambiguous failure `wasSent` (when given) looks for the
 * message first. `outcome` then says what the transport did.
 */
export interface SendsMail {
	/** True when the message is found sent (e.g. in Sent Items by the ID the node stamped on it). */
	wasSent?: () => Promise<boolean>;
	/** Set by the transport after an ambiguous failure: what it found and did. */
	outcome?: string;
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
	/** For a 404: what is missing and how to fix it, when the operation knows better than the generic text. */
	notFound?: string;
	/** Set for requests that send mail: never repeated blindly. */
	sends?: SendsMail;
	/**
	 * Whether the request may be repeated after a failure that leaves open whether Graph did it (a
	 * reset, a 5xx). Defaults from the method and path (retry.ts isIdempotentRequest): a POST that
	 * creates something is not, so it is sent again only when Graph cannot have processed it.
	 */
	idempotent?: boolean;
	/** For a `$batch`: the sub-requests' paths, so their mailboxes' slots are held while it runs. */
	batchPaths?: string[];
	/** For a `$batch` of one `dependsOn` chain: Graph runs it one sub-request at a time (one slot). */
	batchSequential?: boolean;
	/**
	 * Statuses the caller handles itself rather than the retry loop: a page list answered 504 is
	 * asked again smaller (paging.ts), not the same heavy page again.
	 */
	noRetryOn?: number[];
	/**
	 * Called when the request is sent again after a failure that leaves open whether Graph did it
	 * (a 5xx, a reset): a `$batch` learns that the deletions it carried may already be done.
	 */
	onAmbiguousRepeat?: () => void;
}

export interface GraphRawResponse {
	status: number;
	headers: Record<string, string>;
	body: Buffer;
}

/** What `send` returns: the answer, the attempts it took, and whether it left the effect open. */
type Sent = GraphRawResponse & {
	attempts: number;
	/** A mail-sending request failed ambiguously and was not (or could not be) checked. */
	ambiguousSend?: boolean;
	/** A request that is not idempotent failed ambiguously and was not repeated. */
	mayHaveApplied?: boolean;
};

/** Carries per-request facts through the middleware chain. */
class RequestState {
	/** Mailbox key → slots this request holds while on the wire. */
	constructor(readonly slots: Map<string, number> | undefined) {}

	/** Set when n8n could not refresh the token; the Graph client keeps only an error's message. */
	authFailure: TokenRefreshFailure | undefined;

	/** Set when the request never got an HTTP answer; the Graph client keeps only an error's message. */
	networkError: GraphNetworkError | undefined;

	/**
	 * The answer's bytes as n8n's helper returned them: the transport reads them here rather than
	 * through the Fetch `Response` the Graph client passes on, which would copy them twice more
	 * (a page of 1,000 messages is megabytes).
	 */
	body: Buffer | undefined;
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

/** Response headers by lower-case name, as data (a header named __proto__ is an ordinary key). */
function headerRecord(headers: unknown): Record<string, string> {
	const out = dataRecord<string>();
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
				: sendWithCredential(this.ctx, CREDENTIAL_TYPE, request))) as {
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
				// Inside the Graph client's middleware chain: GraphTransport.send turns it into a NodeOperationError.
				// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
				if (authFailure) throw new GraphAuthError(authFailure.message);
				// Library errors carry the request config, Authorization header included: never pass them on.
				const network = redactedNetworkError(error, target.origin);
				if (state) state.networkError = network;
				throw network;
			}
		}
		const hasBody = status !== 204 && status !== 304 && body.length > 0;
		const state = context.middlewareControl?.getMiddlewareOptions(RequestState) as
			| RequestState
			| undefined;
		if (state) state.body = hasBody ? body : Buffer.alloc(0);
		context.response = new Response(hasBody && !state ? new Uint8Array(body) : null, {
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
		const oauth = tokenEndpointError((link as { body?: unknown }).body);
		if ((link as { code?: string }).code === 'EAUTH' && oauth) {
			return {
				message: `Microsoft refused to refresh the access token: ${oauth.error}${oauth.description ? ` (${oauth.description})` : ''}`,
				description:
					'Open the credential, check the Client ID and Client Secret, and reconnect it.',
				oauthError: oauth.error,
				oauthDescription: oauth.description,
			};
		}
	}
	return undefined;
}

/** What an ambiguous failure of a mail-sending request means for the user. */
export const MAY_HAVE_BEEN_SENT =
	'Microsoft Graph may have accepted the message before this failure, so it was not sent again: look in Sent Items before running this item again.';

/**
 * A request that may have had its effect failed without an answer that says whether Graph did it,
 * and was not repeated; `description` says so to the user.
 */
class AmbiguousFailureError extends Error {
	constructor(
		readonly cause: Error,
		readonly description: string,
	) {
		super(cause.message);
		this.name = 'AmbiguousFailureError';
	}
}

/** Item errors of requests that were not repeated because they may have had their effect. */
const mayHaveApplied = new WeakSet<Error>();

/**
 * True for the error of a request that failed in a way that leaves open whether Graph did it and
 * that was not repeated for that reason (graphBatch re-sends only the idempotent requests of such
 * an envelope).
 */
export function mayHaveBeenApplied(error: unknown): boolean {
	return error instanceof Error && mayHaveApplied.has(error);
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

/**
 * Holds the mailbox's slots while the request is on the wire (not while it waits to retry): one
 * for a request, up to 4 per mailbox for a `$batch` (Graph runs its sub-requests 4 at a time).
 */
class ConcurrencyMiddleware implements Middleware {
	private next!: Middleware;

	constructor(private readonly keyPrefix: string) {}

	setNext(next: Middleware) {
		this.next = next;
	}

	async execute(context: Context): Promise<void> {
		const url = typeof context.request === 'string' ? context.request : context.request.url;
		const state = context.middlewareControl?.getMiddlewareOptions(RequestState) as
			| RequestState
			| undefined;
		const slots = new Map<string, number>();
		for (const [mailbox, count] of state?.slots ?? new Map([[mailboxOfUrl(url), 1]])) {
			slots.set(`${this.keyPrefix}:${mailbox}`, count);
		}
		await withMailboxSlots(slots, async () => await this.next.execute(context));
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
		const concurrency = new ConcurrencyMiddleware(
			ctx.getNode().credentials?.[graphCredentialType(ctx.getNode())]?.id ?? 'default',
		);
		const send = new N8nSendMiddleware(ctx, new URL(graphRoot).origin, appOnly);
		concurrency.setNext(send);
		this.client = Client.initWithMiddleware({
			middleware: concurrency,
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
		// What this execution's errors and log lines must never show (shared/redact.ts).
		rememberSecrets(ctx, 'credential', credentialSecrets(credential));
		// Before any request: n8n would fail it with "Unable to sign without access token".
		if (!isConnected(credential)) {
			const failure = notConnectedFailure(ctx.getNode(), CREDENTIAL_TYPE);
			throw new NodeOperationError(ctx.getNode(), failure.message, {
				itemIndex,
				description: failure.description,
			});
		}
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
		rememberSecrets(ctx, 'credential', credentialSecrets(fields));
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

	/** n8n's execution cancel signal, when the context has one. */
	cancelSignal(): AbortSignal | undefined {
		return this.ctx.getExecutionCancelSignal?.();
	}

	/** Throws when the execution was cancelled: nothing more is sent, nothing more waited for. */
	throwIfCancelled() {
		if (this.cancelSignal()?.aborted) throw new ExecutionCancelledError();
	}

	/**
	 * Sends one request through the retry loop; the raw response whatever its status.
	 * `ambiguousSend` marks a mail-sending request that failed in a way that does not say whether
	 * Graph accepted it, and that was not (or could not be) checked.
	 */
	async send(options: GraphRequestOptions): Promise<Sent> {
		const path = options.path.startsWith('http') ? this.relativePath(options.path) : options.path;
		const headers: Record<string, string> = {
			Prefer: this.preferHeader(options),
			// Graph compresses JSON when asked (the Graph SDKs' compression handler asks for it): a
			// page of messages is several times smaller. n8n's HTTP client decompresses the answer.
			'Accept-Encoding': ACCEPT_ENCODING,
			...(options.headers ?? {}),
		};
		const slots = options.batchPaths
			? batchMailboxWeights(options.batchPaths, options.batchSequential)
			: undefined;
		const sends = options.sends;
		const idempotent = options.idempotent ?? isIdempotentRequest(options.method, path);
		let checkBeforeSending = false;
		// A DELETE repeated after a failure that may have come after Graph deleted the item (a 5xx,
		// a reset) finds nothing: that 404 is the deletion the earlier attempt did, not a failure.
		let deletedBeforeFailure = false;
		return await withRetry<Sent>(
			this.policy,
			async (attempt): Promise<AttemptOutcome<Sent>> => {
				if (checkBeforeSending && sends?.wasSent) {
					checkBeforeSending = false;
					if (await foundSentWithin(sends.wasSent, this.cancelSignal())) {
						sends.outcome =
							'Microsoft Graph failed after the message was sent; it was found in Sent Items and not sent again';
						logFor(this.ctx).warn(sends.outcome);
						return {
							done: { status: 202, headers: {}, body: Buffer.alloc(0), attempts: attempt - 1 },
						};
					}
					sends.outcome = `Microsoft Graph failed while sending; the message was not in Sent Items (looked ${SENT_CHECK_LOOKS} times, ${SENT_CHECK_DELAY_MS / 1000} s apart), so it was sent again`;
					logFor(this.ctx).warn(sends.outcome);
				}
				const state = new RequestState(slots);
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
					this.throwIfCancelled();
					if (state.authFailure) {
						throw new NodeOperationError(this.ctx.getNode(), state.authFailure.message, {
							itemIndex: options.itemIndex,
							description: refreshFailureDescription(state.authFailure, this.authContext),
						});
					}
					const network = state.networkError;
					const ambiguous =
						sends !== undefined &&
						network !== undefined &&
						sendFailureKind(undefined, undefined, network.code) === 'ambiguous';
					if (!network || !isRetryable(this.policy, undefined) || (ambiguous && !sends?.wasSent)) {
						// Passed on as before: the Graph client's error, built from our redacted middleware errors.
						throw ambiguous ? new AmbiguousFailureError(error as Error, MAY_HAVE_BEEN_SENT) : error;
					}
					if (!sends && !mayRepeat(this.policy, { networkCode: network.code }, idempotent)) {
						// Not idempotent and maybe done: request() makes it the item's NodeOperationError.
						// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
						throw new AmbiguousFailureError(error as Error, MAY_HAVE_BEEN_APPLIED);
					}
					if (ambiguous) checkBeforeSending = true;
					if (sendFailureKind(undefined, undefined, network.code) === 'ambiguous') {
						if (options.method === 'DELETE') deletedBeforeFailure = true;
						options.onAmbiguousRepeat?.();
					}
					const reason = `Microsoft Graph could not be reached (${network.code ?? network.message})`;
					const giveUp = () => {
						throw ambiguous ? new AmbiguousFailureError(error as Error, MAY_HAVE_BEEN_SENT) : error;
					};
					return { retry: { reason }, giveUp };
				}
				const answered: Sent = {
					status: response.status,
					headers: headerRecord(response.headers),
					body: state.body ?? Buffer.from(await response.arrayBuffer()),
					attempts: attempt,
				};
				if (answered.status < 400) return { done: answered };
				if (answered.status === 404 && deletedBeforeFailure) {
					logFor(this.ctx).warn(
						'Microsoft Graph failed while deleting, and the repeated request found the item gone: counted as deleted',
					);
					return { done: { ...answered, status: 204, body: Buffer.alloc(0) } };
				}
				const retryAfter = answered.headers['retry-after'];
				const retry = { retryAfter, reason: `Microsoft Graph answered ${answered.status}` };
				if (sends) {
					const kind = sendFailureKind(answered.status, retryAfter);
					// The policy decides for the status; whether a resend is safe is decided here.
					if (kind === 'final') return { done: answered };
					const retryable = isRetryable(this.policy, answered.status);
					if (kind === 'ambiguous') {
						const unresolved = { ...answered, ambiguousSend: true };
						if (!retryable || !sends.wasSent) return { done: unresolved };
						checkBeforeSending = true;
						return { retry, giveUp: () => unresolved };
					}
					if (!retryable) return { done: answered };
					return { retry, giveUp: () => answered };
				}
				const failure = { status: answered.status, retryAfter };
				if (options.noRetryOn?.includes(answered.status)) return { done: answered };
				if (withheldRepeat(this.policy, failure, idempotent))
					return { done: { ...answered, mayHaveApplied: true } };
				if (!mayRepeat(this.policy, failure, idempotent)) return { done: answered };
				if (sendFailureKind(answered.status, retryAfter) === 'ambiguous') {
					if (options.method === 'DELETE') deletedBeforeFailure = true;
					options.onAmbiguousRepeat?.();
				}
				return { retry, giveUp: () => answered };
			},
			{ log: (message) => logFor(this.ctx).warn(message), signal: this.cancelSignal() },
		);
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
		options: Pick<GraphRequestOptions, 'itemIndex' | 'permission' | 'action' | 'notFound'>,
	): ErrorContext {
		return {
			node: this.ctx.getNode(),
			itemIndex: options.itemIndex,
			permission: options.permission,
			action: options.action,
			notFound: options.notFound,
			grantedScope: this.grantedScope,
			appOnly: this.appOnly && { roles: this.appOnly.roles, clientId: this.authContext.clientId },
		};
	}

	/** Sends a request and returns the parsed JSON (or bytes); a non-2xx answer throws a NodeApiError. */
	async request<T = IDataObject>(options: GraphRequestOptions): Promise<T> {
		let response: Sent;
		try {
			response = await this.send(options);
		} catch (error) {
			// Already a NodeOperationError for the item (a failed token refresh): keep its description.
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
			if (error instanceof NodeOperationError) throw error;
			const ambiguous = error instanceof AmbiguousFailureError;
			const cause = ambiguous ? error.cause : error;
			// Errors from the Graph client and our middleware; their messages carry no secrets (see redactedNetworkError).
			const message = cause instanceof Error ? cause.message : String(cause);
			const failure = new NodeOperationError(this.ctx.getNode(), message, {
				itemIndex: options.itemIndex,
				...(ambiguous ? { description: error.description } : {}),
			});
			if (ambiguous) mayHaveApplied.add(failure);
			throw failure;
		}
		// 3xx too: redirects are not followed (the token must not go to another host), so one is a failure here.
		if (response.status >= 300) {
			const failure = graphApiError(
				{
					status: response.status,
					body: response.body.toString('utf8'),
					method: options.method,
					path: options.path.split('?')[0],
					attempts: response.attempts,
				},
				this.errorContext(options),
			);
			const unresolved = response.ambiguousSend
				? MAY_HAVE_BEEN_SENT
				: response.mayHaveApplied
					? MAY_HAVE_BEEN_APPLIED
					: undefined;
			if (unresolved) {
				failure.description = [failure.description, unresolved].filter(Boolean).join(' ');
				mayHaveApplied.add(failure);
			}
			throw failure;
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
