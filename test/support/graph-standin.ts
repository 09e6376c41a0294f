/**
 * A stand-in for Microsoft Graph v1.0 on 127.0.0.1. It:
 * - accepts only unexpired Graph-audience tokens issued by the identity-provider stand-in
 *   (else 401 InvalidAuthenticationToken, as Graph does), and records where every token went;
 * - checks every request (and every request inside `$batch`) against Microsoft's OpenAPI
 *   description; a request the description does not allow is answered 400 and recorded in
 *   `violations`, which each test suite asserts empty;
 * - answers with handlers the tests register (`on`), with Graph's error body shape, paging by
 *   opaque `@odata.nextLink`, `$batch`, and throttling (429 + Retry-After) on demand;
 * - hosts upload-session URLs outside /v1.0 (pre-authenticated, like Outlook's).
 * https://learn.microsoft.com/graph/errors, /graph/paging, /graph/json-batching, /graph/throttling
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

import { dependsOnRefusal, runSubRequests } from './graph-batch';
import { GraphContract } from './graph-contract';
import type { GraphCosts, PlannedSubRequest } from './graph-costs';
import { GraphCostModel } from './graph-costs';
import type { IdentityProviderStandIn } from './identity-provider';
import { GRAPH_AUDIENCE } from './identity-provider';

export interface GraphRequestRecord {
	method: string;
	/** Path under /v1.0, percent-encoded as sent. */
	path: string;
	query: Record<string, string>;
	headers: Record<string, string>;
	body: unknown;
	/** Raw body bytes (for uploads and MIME). */
	raw: Buffer;
	/** True for a request that arrived inside a `$batch`. */
	inBatch: boolean;
	/** Set when an app-only token made the request: the app and its application permissions. */
	app?: { appId: string; roles: string[] };
}

export interface GraphReply {
	status?: number;
	body?: unknown;
	headers?: Record<string, string>;
	/** Close the connection without an answer (a reset after the work was done). */
	dropConnection?: boolean;
	/**
	 * The body never changes once answered: its JSON (and gzip) are made once and sent again for
	 * the same object (a bench's unchanging mailbox; the stand-in's own work is not Graph's).
	 */
	unchanging?: boolean;
}

export type GraphHandler = (
	request: GraphRequestRecord,
	params: Record<string, string>,
) => GraphReply | Promise<GraphReply>;

interface Route {
	method: string;
	pattern: RegExp;
	keys: string[];
	handler: GraphHandler;
}

interface Throttle {
	method: string;
	pattern: RegExp;
	remaining: number;
	status: number;
	retryAfter?: string;
}

/**
 * Exchange Online's documented limits per app and mailbox, for the stand-in to enforce:
 * at most 4 requests in flight (each `$batch` sub-request counts; Graph runs a batch's
 * sub-requests up to 4 at a time) and 10,000 requests per 10 minutes. Over either, Graph answers
 * 429 ApplicationThrottled with Retry-After.
 * https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits
 */
export interface ExchangeLimits {
	concurrency: number;
	perWindow: number;
	windowMs: number;
	/** Time each request (and sub-request) spends in Exchange, so that requests overlap. */
	serviceMs: number;
	/** Retry-After (seconds) of a MailboxConcurrency 429. */
	concurrencyRetryAfter: number;
}

export const EXCHANGE_LIMITS: ExchangeLimits = {
	concurrency: 4,
	perWindow: 10_000,
	windowMs: 10 * 60_000,
	serviceMs: 5,
	concurrencyRetryAfter: 1,
};

/** What the limits model saw: 429s it answered and the most requests in flight per mailbox. */
export interface LimitStats {
	throttled: number;
	throttledInBatch: number;
	peakInFlight: Record<string, number>;
	/**
	 * Round trips in sequence per mailbox: a request admitted after others finished is one round
	 * after the latest of them. The length of the longest chain, i.e. the wall time in round trips.
	 */
	rounds: Record<string, number>;
}

/** The items of a list answer (`value`), for the cost model. */
function itemsOf(body: unknown): number {
	const value = (body as { value?: unknown } | undefined)?.value;
	return Array.isArray(value) ? value.length : 0;
}

const gzipAsync = promisify(gzip);

/** The mailbox a path under /v1.0 addresses, as Exchange counts it. */
function mailboxOf(path: string): string {
	const match = /^\/(me|users\/[^/]+)/i.exec(path);
	return match ? decodeURIComponent(match[1]).toLowerCase() : 'other';
}

export function graphError(status: number, code: string, message: string): GraphReply {
	return {
		status,
		body: {
			error: {
				code,
				message,
				innerError: {
					date: new Date().toISOString(),
					'request-id': randomUUID(),
					'client-request-id': randomUUID(),
				},
			},
		},
	};
}

/** `/me/messages/:id` → a regex on the encoded path; `:name` matches one segment. */
function compile(pattern: string): { pattern: RegExp; keys: string[] } {
	const keys: string[] = [];
	const source = pattern
		.split('/')
		.map((part) => {
			if (part.startsWith(':')) {
				keys.push(part.slice(1));
				return '([^/]+)';
			}
			return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
		})
		.join('/');
	return { pattern: new RegExp(`^${source}$`), keys };
}

export class GraphStandIn {
	readonly requests: GraphRequestRecord[] = [];

	readonly violations: string[] = [];

	/** Requests nobody registered a handler for. */
	readonly unhandled: string[] = [];

	/** Every Authorization header value seen, with the host it was sent to (all here). */
	readonly tokensSeen: string[] = [];

	/** Upload-session PUTs: headers and the byte range each carried. */
	readonly uploads: Array<{ path: string; headers: Record<string, string>; size: number }> = [];

	/**
	 * Mailboxes each app (by client ID) may open with an app-only token, as Exchange Online's RBAC
	 * for Applications or application access policy allows; an app not listed may open every mailbox.
	 */
	readonly appMailboxScopes = new Map<string, Set<string>>();

	/**
	 * Requests a test allows although the repo's mail+calendar subset of the OpenAPI description
	 * lacks them (e.g. GET /users, https://learn.microsoft.com/graph/api/user-list); cleared by reset().
	 */
	private outsideContract: Array<{ method: string; pattern: RegExp }> = [];

	private routes: Route[] = [];

	/** Told of every answered request (and `$batch` part), e.g. test/support/graph-outbound.ts. */
	private watchers: Array<(request: GraphRequestRecord, reply: GraphReply) => void> = [];

	private throttles: Throttle[] = [];

	private envelopeFaults: Array<
		(envelope: number, record: GraphRequestRecord) => GraphReply | undefined
	> = [];

	private envelopeCount = 0;

	private limits: ExchangeLimits | undefined;

	private costs: GraphCostModel | undefined;

	private compress = false;

	/** JSON and gzip of `unchanging` reply bodies, made once. */
	private readonly serialized = new WeakMap<object, { payload: Buffer; gzipped?: Buffer }>();

	private inFlight = new Map<string, number>();

	private admitted = new Map<string, number[]>();

	readonly limitStats: LimitStats = {
		throttled: 0,
		throttledInBatch: 0,
		peakInFlight: {},
		rounds: {},
	};
	/** The highest round among the requests that finished, per mailbox (see LimitStats.rounds). */
	private finishedRound = new Map<string, number>();

	private server!: http.Server;

	url = '';

	private constructor(
		private readonly idp: IdentityProviderStandIn,
		private readonly contract: GraphContract,
	) {}

	static async start(idp: IdentityProviderStandIn, port = 0): Promise<GraphStandIn> {
		const graph = new GraphStandIn(idp, await GraphContract.load());
		graph.server = http.createServer((req, res) => {
			graph.handle(req, res).catch((error) => {
				res.writeHead(500, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ error: { code: 'standInFailure', message: String(error) } }));
			});
		});
		await new Promise<void>((resolve) => graph.server.listen(port, '127.0.0.1', resolve));
		graph.url = `http://127.0.0.1:${(graph.server.address() as AddressInfo).port}`;
		return graph;
	}

	async close() {
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	/** Forget requests, handlers and throttles between tests. */
	reset() {
		this.requests.length = 0;
		this.violations.length = 0;
		this.unhandled.length = 0;
		this.uploads.length = 0;
		this.tokensSeen.length = 0;
		this.appMailboxScopes.clear();
		this.outsideContract = [];
		this.routes = [];
		this.throttles = [];
		this.envelopeFaults = [];
		this.envelopeCount = 0;
		this.limits = undefined;
		this.costs = undefined;
		this.compress = false;
		this.inFlight.clear();
		this.admitted.clear();
		this.limitStats.throttled = 0;
		this.limitStats.throttledInBatch = 0;
		this.limitStats.peakInFlight = {};
		this.limitStats.rounds = {};
		this.finishedRound.clear();
	}

	/** Enforces Exchange's per-mailbox limits from now on (`reset()` turns them off). */
	exchangeLimits(limits: Partial<ExchangeLimits> = {}): this {
		this.limits = { ...EXCHANGE_LIMITS, ...limits };
		return this;
	}

	/**
	 * Times every answer by the cost model of Graph and Exchange (test/support/graph-costs.ts) from
	 * now on, and compresses answers (`reset()` turns both off). The model replaces the
	 * `exchangeLimits` service time: a request finding the mailbox's 4 lanes busy waits and is counted.
	 */
	costModel(costs: Partial<GraphCosts> = {}): GraphCostModel {
		this.costs = new GraphCostModel(costs);
		this.compress = true;
		return this.costs;
	}

	/**
	 * Compresses JSON answers with gzip when the request accepts it (`Accept-Encoding: gzip`), as
	 * Graph does; the Graph SDKs' compression handler asks for it ("request, detect and decompress
	 * response bodies from Graph service", Microsoft.Graph.Core 1.15.0 release notes,
	 * https://github.com/microsoftgraph/msgraph-sdk-dotnet/releases/tag/1.15.0).
	 */
	compressResponses(on = true): this {
		this.compress = on;
		return this;
	}

	/** Runs `serve` as one request to the mailbox of `record`, or answers 429 over a limit. */
	private async withinLimits(
		record: GraphRequestRecord,
		serve: () => Promise<GraphReply>,
	): Promise<GraphReply> {
		const limits = this.limits;
		if (!limits) return await serve();
		const mailbox = mailboxOf(record.path);
		const now = Date.now();
		const window = (this.admitted.get(mailbox) ?? []).filter((at) => at > now - limits.windowMs);
		this.admitted.set(mailbox, window);
		const throttled = (message: string, retryAfter: number): GraphReply => {
			this.limitStats.throttled++;
			if (record.inBatch) this.limitStats.throttledInBatch++;
			return {
				...graphError(429, 'ApplicationThrottled', message),
				headers: { 'Retry-After': String(retryAfter) },
			};
		};
		if (window.length >= limits.perWindow) {
			return throttled(
				'Application is over its MailboxRequestsPerWindow limit.',
				Math.ceil((window[0] + limits.windowMs - now) / 1000),
			);
		}
		const active = this.inFlight.get(mailbox) ?? 0;
		if (active >= limits.concurrency) {
			return throttled(
				'Application is over its MailboxConcurrency limit.',
				limits.concurrencyRetryAfter,
			);
		}
		this.inFlight.set(mailbox, active + 1);
		this.limitStats.peakInFlight[mailbox] = Math.max(
			this.limitStats.peakInFlight[mailbox] ?? 0,
			active + 1,
		);
		window.push(now);
		const round = (this.finishedRound.get(mailbox) ?? 0) + 1;
		this.limitStats.rounds[mailbox] = Math.max(this.limitStats.rounds[mailbox] ?? 0, round);
		try {
			await new Promise((resolve) => setTimeout(resolve, limits.serviceMs));
			return await serve();
		} finally {
			this.inFlight.set(mailbox, (this.inFlight.get(mailbox) ?? 1) - 1);
			this.finishedRound.set(mailbox, Math.max(this.finishedRound.get(mailbox) ?? 0, round));
		}
	}

	/**
	 * Answers a `$batch` call as a whole (before any sub-request runs) when `fault` returns a reply
	 * for its number (1-based) or its request, e.g. a 504 from the gateway for the second call.
	 */
	failEnvelope(
		fault: (envelope: number, record: GraphRequestRecord) => GraphReply | undefined,
	): this {
		this.envelopeFaults.push(fault);
		return this;
	}

	/** Calls `watcher` with each request once it is answered (kept across `reset()`). */
	watch(watcher: (request: GraphRequestRecord, reply: GraphReply) => void): this {
		this.watchers.push(watcher);
		return this;
	}

	private answered(record: GraphRequestRecord, reply: GraphReply): GraphReply {
		for (const watcher of this.watchers) watcher(record, reply);
		return reply;
	}

	/** Registers a handler; later registrations win over earlier ones for the same path. */
	on(method: string, pattern: string, handler: GraphHandler | GraphReply): this {
		const compiled = compile(pattern);
		const fn: GraphHandler = typeof handler === 'function' ? handler : () => handler;
		this.routes.unshift({ method: method.toUpperCase(), ...compiled, handler: fn });
		return this;
	}

	/** The next `times` requests matching answer `status` (429 by default) with Retry-After. */
	throttle(
		method: string,
		pattern: string,
		times: number,
		options: { status?: number; retryAfter?: string } = {},
	): this {
		this.throttles.push({
			method: method.toUpperCase(),
			pattern: compile(pattern).pattern,
			remaining: times,
			status: options.status ?? 429,
			retryAfter: options.retryAfter,
		});
		return this;
	}

	/**
	 * Serves `items` as a collection with Graph's paging: `$top` (default `defaultPageSize`, at most
	 * `maxPageSize`) and an opaque `@odata.nextLink` carrying a `$skiptoken`.
	 */
	collection(
		method: string,
		pattern: string,
		items: () => unknown[],
		options: { defaultPageSize?: number; maxPageSize?: number } = {},
	): this {
		const tokens = new Map<string, number>();
		return this.on(method, pattern, (request) => {
			const all = items();
			const skip = request.query.$skiptoken ? (tokens.get(request.query.$skiptoken) ?? 0) : 0;
			const pageSize = Math.min(
				Number(request.query.$top ?? options.defaultPageSize ?? 10),
				options.maxPageSize ?? 1000,
			);
			const value = all.slice(skip, skip + pageSize);
			const body: Record<string, unknown> = {
				'@odata.context': `${this.url}/v1.0/$metadata#collection`,
				value,
			};
			if (skip + pageSize < all.length) {
				const token = randomUUID();
				tokens.set(token, skip + pageSize);
				const next = new URL(`${this.url}/v1.0${request.path}`);
				for (const [k, v] of Object.entries(request.query))
					if (k !== '$skiptoken' && k !== '$top') next.searchParams.set(k, v);
				next.searchParams.set('$top', String(pageSize));
				next.searchParams.set('$skiptoken', token);
				body['@odata.nextLink'] = next.toString();
			}
			return { body };
		});
	}

	/** Lets requests outside the repo's OpenAPI subset through (documented Graph APIs only). */
	allowOutsideContract(method: string, pattern: string): this {
		this.outsideContract.push({ method: method.toUpperCase(), pattern: compile(pattern).pattern });
		return this;
	}

	/** Limits an app's app-only tokens to these mailboxes (addresses or object IDs). */
	limitAppToMailboxes(appId: string, mailboxes: string[]): this {
		this.appMailboxScopes.set(appId.toLowerCase(), new Set(mailboxes.map((m) => m.toLowerCase())));
		return this;
	}

	/**
	 * What Graph answers an app-only token that may not make this request: /me (there is no user),
	 * a mailbox outside the app's scope (Exchange's 403 ErrorAccessDenied), or a request whose
	 * application permission the token lacks.
	 * https://learn.microsoft.com/graph/auth-limit-mailbox-access, /exchange/permissions-exo/application-rbac
	 */
	private appOnlyRefusal(record: GraphRequestRecord): GraphReply | undefined {
		if (!record.app) return undefined;
		const { path, method } = record;
		if (/^\/me(\/|$)/i.test(path)) {
			return graphError(
				400,
				'BadRequest',
				'/me request is only valid with delegated authentication flow.',
			);
		}
		// Subscriptions are tenant-wide; their rules (resource, permission, mailbox) are checked
		// by test/support/graph-subscriptions.ts, which knows the resource in the body.
		if (/^\/subscriptions(\/|$)/.test(path)) return undefined;
		const has = (...roles: string[]) =>
			roles.some((role) => record.app!.roles.some((r) => r.toLowerCase() === role.toLowerCase()));
		const denied = () =>
			graphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
		// Rooms and room lists are the tenant's: Place.Read.All (https://learn.microsoft.com/graph/api/place-list).
		if (/^\/places(\/|$)/i.test(path))
			return has('Place.Read.All', 'Place.ReadWrite.All') ? undefined : denied();
		const user = /^\/users\/([^/]+)(\/.*)?$/.exec(path);
		if (!user || !user[2]) {
			// The directory: /users or /users/{id} itself.
			return has('User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All')
				? undefined
				: graphError(
						403,
						'Authorization_RequestDenied',
						'Insufficient privileges to complete the operation.',
					);
		}
		const scope = this.appMailboxScopes.get(record.app.appId.toLowerCase());
		if (scope && !scope.has(decodeURIComponent(user[1]).toLowerCase())) {
			return graphError(
				403,
				'ErrorAccessDenied',
				'Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy settings.',
			);
		}
		const rest = user[2];
		const read = method === 'GET';
		// https://learn.microsoft.com/graph/api/user-findmeetingtimes: "Application: Not supported".
		if (/\/findMeetingTimes$/i.test(rest)) return denied();
		if (
			/\/(events|calendars?|calendarView|calendarGroups|getSchedule|findMeetingTimes)(\/|$)/i.test(
				rest,
			)
		) {
			const ok =
				read || /\/getSchedule$/i.test(rest)
					? has('Calendars.Read', 'Calendars.ReadWrite')
					: has('Calendars.ReadWrite');
			return ok ? undefined : denied();
		}
		// Contacts and contact folders: Contacts.Read / Contacts.ReadWrite (contact-get, user-post-contacts).
		if (/^\/(contacts|contactFolders)(\/|$)/i.test(rest)) {
			const ok = read ? has('Contacts.Read', 'Contacts.ReadWrite') : has('Contacts.ReadWrite');
			return ok ? undefined : denied();
		}
		// Inbox rules and the category list are mailbox settings (mailfolder-list-messagerules,
		// outlookuser-list-mastercategories): MailboxSettings.Read / MailboxSettings.ReadWrite.
		if (/\/messageRules(\/|$)|^\/outlook\/masterCategories(\/|$)/i.test(rest)) {
			const ok = read
				? has('MailboxSettings.Read', 'MailboxSettings.ReadWrite')
				: has('MailboxSettings.ReadWrite');
			return ok ? undefined : denied();
		}
		if (method === 'POST' && /\/(sendMail|send|reply|replyAll|forward)$/i.test(rest)) {
			return has('Mail.Send') ? undefined : denied();
		}
		if (/\/mailboxSettings/i.test(rest)) {
			const ok = read
				? has('MailboxSettings.Read', 'MailboxSettings.ReadWrite')
				: has('MailboxSettings.ReadWrite');
			return ok ? undefined : denied();
		}
		// https://learn.microsoft.com/graph/api/user-getmailtips: Mail.Read (a read, though a POST).
		if (method === 'POST' && /\/getMailTips$/i.test(rest)) {
			return has('Mail.Read', 'Mail.ReadWrite') ? undefined : denied();
		}
		const ok = read ? has('Mail.Read', 'Mail.ReadWrite') : has('Mail.ReadWrite');
		return ok ? undefined : denied();
	}

	/** Graph requests as tests assert them: not `$batch` envelopes, but what the node asked for. */
	calls(): Array<Pick<GraphRequestRecord, 'method' | 'path' | 'query' | 'body' | 'inBatch'>> {
		return this.requests
			.filter((r) => !(r.method === 'POST' && r.path === '/$batch'))
			.map(({ method, path, query, body, inBatch }) => ({ method, path, query, body, inBatch }));
	}

	/** A URL on this server that an upload session can hand out (pre-authenticated, outside /v1.0). */
	uploadUrl(id: string): string {
		return `${this.url}/upload/${encodeURIComponent(id)}`;
	}

	/**
	 * An upload session as Outlook keeps one, at `uploadUrl(id)`, for a file of `size` bytes:
	 * - PUT stores a range that starts at the next expected byte (200 with NextExpectedRanges, the
	 *   last one 201 with the attachment's Location, after which the session is gone); a range that
	 *   starts elsewhere (bytes it already has, or a gap) is refused with 416;
	 * - GET says where it stands: 200 with NextExpectedRanges, a single "{start}" for Outlook;
	 * - DELETE ends it (204); a session that is gone answers 404.
	 * `fault` may drop the connection of a PUT before its bytes are stored or after (the answer is
	 * lost). https://learn.microsoft.com/graph/outlook-large-attachments,
	 * /graph/api/resources/uploadsession, /graph/api/driveitem-createuploadsession#handle-upload-errors
	 */
	uploadSession(
		id: string,
		size: number,
		fault?: (range: {
			start: number;
			end: number;
		}) => 'dropBeforeStoring' | 'dropAfterStoring' | undefined,
	): { url: string; bytes: Buffer; stored: () => number; gone: () => boolean } {
		const bytes = Buffer.alloc(size);
		let stored = 0;
		let gone = false;
		const expirationDateTime = new Date(Date.now() + 15 * 60_000).toISOString();
		const where = (): GraphReply => ({
			status: 200,
			body: { ExpirationDateTime: expirationDateTime, NextExpectedRanges: [String(stored)] },
		});
		const missing = () =>
			graphError(404, 'ErrorItemNotFound', 'The upload session was not found or has expired.');
		const path = `/upload/${encodeURIComponent(id)}`;
		this.on('GET', path, () => (gone ? missing() : where()));
		this.on('DELETE', path, () => {
			if (gone) return missing();
			gone = true;
			return { status: 204 };
		});
		this.on('PUT', path, (request) => {
			if (gone) return missing();
			const match = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(request.headers['content-range'] ?? '');
			const start = Number(match?.[1]);
			const end = Number(match?.[2]);
			if (!match || Number(match[3]) !== size || end - start + 1 !== request.raw.length)
				return graphError(400, 'InvalidContentRange', 'The Content-Range header is not valid.');
			if (start !== stored)
				return graphError(416, 'InvalidRange', `The next expected byte is ${stored}.`);
			const drop = fault?.({ start, end });
			if (drop === 'dropBeforeStoring') return { dropConnection: true };
			request.raw.copy(bytes, start);
			stored = end + 1;
			if (drop === 'dropAfterStoring') {
				gone = stored === size;
				return { dropConnection: true };
			}
			if (stored < size) return where();
			gone = true;
			return {
				status: 201,
				headers: {
					Location: `https://outlook.office.com/api/v2.0/Users('u1')/Messages('m1')/Attachments('${encodeURIComponent(id)}')`,
				},
			};
		});
		return { url: this.uploadUrl(id), bytes, stored: () => stored, gone: () => gone };
	}

	private async dispatch(record: GraphRequestRecord): Promise<GraphReply> {
		for (const throttle of this.throttles) {
			if (
				throttle.remaining > 0 &&
				throttle.method === record.method &&
				throttle.pattern.test(record.path)
			) {
				throttle.remaining--;
				const reply = graphError(
					throttle.status,
					throttle.status === 429 ? 'TooManyRequests' : 'ServiceUnavailable',
					'Please retry again later.',
				);
				return {
					...reply,
					headers: throttle.retryAfter !== undefined ? { 'Retry-After': throttle.retryAfter } : {},
				};
			}
		}
		const refused = this.appOnlyRefusal(record);
		if (refused) return refused;
		const exempt = this.outsideContract.some(
			(allowed) => allowed.method === record.method && allowed.pattern.test(record.path),
		);
		const violations = exempt
			? []
			: this.contract.check({
					method: record.method,
					path: record.path,
					query: record.query,
					body: record.body,
					headers: record.headers,
				});
		if (violations.length) {
			this.violations.push(...violations);
			return graphError(
				400,
				'BadRequest',
				`Request does not match Microsoft's Graph description: ${violations.join('; ')}`,
			);
		}
		for (const route of this.routes) {
			if (route.method !== record.method) continue;
			const match = route.pattern.exec(record.path);
			if (!match) continue;
			const params = Object.fromEntries(
				route.keys.map((key, i) => [key, decodeURIComponent(match[i + 1])]),
			);
			return await route.handler(record, params);
		}
		this.unhandled.push(`${record.method} ${record.path}`);
		return graphError(
			404,
			'ResourceNotFound',
			`Resource not found for the segment '${record.path.split('/').pop()}'.`,
		);
	}

	private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
		const received = performance.now();
		// Requests that reach the stand-in together are all stamped before any is worked on: its own
		// CPU time (a page's JSON, its gzip) is not Graph's, and must not make a request that came in
		// meanwhile look later to the cost model than it was.
		if (this.costs) await new Promise((resolve) => setImmediate(resolve));
		const url = new URL(req.url ?? '/', this.url);
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const raw = Buffer.concat(chunks);
		const headers = Object.fromEntries(
			Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]),
		);
		/** Writes the answer; `plan` (the cost model) says when, from the bytes sent and before compression. */
		const send = async (
			reply: GraphReply,
			plan?: (bytes: number, rawBytes: number) => number,
		): Promise<void> => {
			if (reply.dropConnection) {
				req.socket.destroy();
				return;
			}
			const status = reply.status ?? 200;
			const isBuffer = Buffer.isBuffer(reply.body);
			const made =
				reply.unchanging && typeof reply.body === 'object' && reply.body !== null && !isBuffer
					? this.serialized.get(reply.body)
					: undefined;
			const payload =
				reply.body === undefined || status === 204
					? undefined
					: isBuffer
						? (reply.body as Buffer)
						: (made?.payload ?? Buffer.from(JSON.stringify(reply.body)));
			let sent = payload;
			const gzipped = Boolean(
				payload && !isBuffer && this.compress && /\bgzip\b/i.test(headers['accept-encoding'] ?? ''),
			);
			if (gzipped) sent = made?.gzipped ?? (await gzipAsync(payload!));
			if (reply.unchanging && payload && !isBuffer && typeof reply.body === 'object')
				this.serialized.set(reply.body as object, {
					payload,
					gzipped: gzipped ? sent : made?.gzipped,
				});
			if (plan) {
				const wait = plan(sent?.length ?? 0, payload?.length ?? 0) - performance.now();
				if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
			}
			res.writeHead(status, {
				...(payload && !isBuffer
					? { 'content-type': 'application/json; odata.metadata=minimal; charset=utf-8' }
					: {}),
				...(gzipped ? { 'content-encoding': 'gzip' } : {}),
				'request-id': randomUUID(),
				...(reply.headers ?? {}),
			});
			res.end(sent);
		};

		if (url.pathname.startsWith('/upload/')) {
			// Outlook upload URLs carry their own authorization; a bearer token here is a leak.
			this.uploads.push({ path: url.pathname, headers, size: raw.length });
			if (headers.authorization)
				this.violations.push(`Authorization header sent to the upload URL ${url.pathname}`);
			const handler = this.routes.find(
				(r) => r.method === req.method && r.pattern.test(url.pathname),
			);
			const record: GraphRequestRecord = {
				method: req.method ?? 'PUT',
				path: url.pathname,
				query: Object.fromEntries(url.searchParams),
				headers,
				body: undefined,
				raw,
				inBatch: false,
			};
			return send(handler ? await handler.handler(record, {}) : { status: 200, body: {} });
		}
		if (!url.pathname.startsWith('/v1.0/') && url.pathname !== '/v1.0') {
			return send(graphError(400, 'BadRequest', `Invalid version: ${url.pathname}`));
		}
		if (headers.authorization) this.tokensSeen.push(headers.authorization);
		const token = /^Bearer (.+)$/i.exec(headers.authorization ?? '')?.[1];
		const access = this.idp.validate(token, GRAPH_AUDIENCE);
		if (!access) {
			return send(
				graphError(
					401,
					'InvalidAuthenticationToken',
					token ? 'Lifetime validation failed, the token is expired.' : 'Access token is empty.',
				),
			);
		}
		let body: unknown;
		if (raw.length && (headers['content-type'] ?? '').includes('json')) {
			try {
				body = JSON.parse(raw.toString('utf8'));
			} catch {
				return send(graphError(400, 'BadRequest', 'Unable to read JSON request payload.'));
			}
		}
		const record: GraphRequestRecord = {
			method: req.method ?? 'GET',
			path: url.pathname.slice('/v1.0'.length) || '/',
			query: Object.fromEntries(url.searchParams),
			headers,
			body: body ?? (raw.length ? raw : undefined),
			raw,
			inBatch: false,
			...(access.roles ? { app: { appId: access.appId ?? '', roles: access.roles } } : {}),
		};
		this.requests.push(record);
		if (record.method === 'POST' && record.path === '/$batch') {
			const envelope = ++this.envelopeCount;
			for (const fault of this.envelopeFaults) {
				const reply = fault(envelope, record);
				if (reply) return await send(reply);
			}
			const { reply, planned } = await this.batch(record);
			const costs = this.costs;
			return await send(
				reply,
				costs && planned.length
					? (bytes, rawBytes) => costs.planBatch(received, planned, { bytes, rawBytes })
					: undefined,
			);
		}
		const costs = this.costs;
		if (costs) {
			const reply = this.answered(record, await this.dispatch(record));
			return await send(reply, (bytes, rawBytes) =>
				costs.planRequest(received, {
					mailbox: mailboxOf(record.path),
					items: reply.status && reply.status >= 400 ? 0 : itemsOf(reply.body),
					bytes,
					rawBytes,
				}),
			);
		}
		await send(
			this.answered(
				record,
				await this.withinLimits(record, async () => await this.dispatch(record)),
			),
		);
	}

	private async batch(
		envelope: GraphRequestRecord,
	): Promise<{ reply: GraphReply; planned: PlannedSubRequest[] }> {
		const violations = this.contract.check({
			method: 'POST',
			path: '/$batch',
			query: {},
			body: envelope.body,
		});
		const requests =
			(envelope.body as { requests?: Array<Record<string, unknown>> }).requests ?? [];
		if (violations.some((v) => v.startsWith('POST /$batch:'))) {
			this.violations.push(...violations);
			return { reply: graphError(400, 'BadRequest', violations.join('; ')), planned: [] };
		}
		const refusal = dependsOnRefusal(requests);
		if (refusal) {
			this.violations.push(`POST /$batch: ${refusal}`);
			return { reply: graphError(400, 'BadRequest', refusal), planned: [] };
		}
		const items = new Map<unknown, number>();
		const answer = async (inner: Record<string, unknown>) => {
			const url = new URL(String(inner.url), `${this.url}/v1.0/`);
			const record: GraphRequestRecord = {
				method: String(inner.method).toUpperCase(),
				// Graph's documented sub-request URLs start with / and are relative to the version root.
				path: url.pathname.replace(/^\/v1\.0(?=\/)/, ''),
				query: Object.fromEntries(url.searchParams),
				headers: Object.fromEntries(
					Object.entries((inner.headers as Record<string, string>) ?? {}).map(([k, v]) => [
						k.toLowerCase(),
						v,
					]),
				),
				body: inner.body,
				raw: Buffer.alloc(0),
				inBatch: true,
				app: envelope.app,
			};
			this.requests.push(record);
			const reply = this.answered(
				record,
				this.costs
					? await this.dispatch(record)
					: await this.withinLimits(record, async () => await this.dispatch(record)),
			);
			if ((reply.status ?? 200) < 400) items.set(inner.id, itemsOf(reply.body));
			return {
				id: inner.id,
				status: reply.status ?? 200,
				headers: { 'Content-Type': 'application/json', ...(reply.headers ?? {}) },
				body: reply.body,
			};
		};
		// Under the limits model Graph runs sub-requests up to 4 at a time; otherwise one by one.
		const wave = this.limits ? this.limits.concurrency : this.costs ? 4 : 1;
		const results = await runSubRequests(
			requests,
			async (inner) => await answer(inner as Record<string, unknown>),
			wave,
		);
		const planned = requests.map((inner, k) => ({
			id: String(inner.id),
			mailbox: mailboxOf(
				new URL(String(inner.url), `${this.url}/v1.0/`).pathname.replace(/^\/v1\.0(?=\/)/, ''),
			),
			items: items.get(inner.id) ?? 0,
			dependsOn: Array.isArray(inner.dependsOn) ? inner.dependsOn.map(String) : [],
			ran: results[k].ran,
		}));
		return {
			reply: { status: 200, body: { responses: results.map((r) => r.answer) } },
			planned,
		};
	}
}
