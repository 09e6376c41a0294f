/**
 * Change-notification subscriptions for the Graph stand-in: `/subscriptions` (create, list, get,
 * renew, delete, reauthorize) with Graph's rules, and notifications for the changes of the
 * stand-in's mailboxes (test/support/graph-delta.ts), delivered to the subscriber as Graph
 * delivers them. Each request still passes the stand-in's check against Microsoft's OpenAPI
 * description (test/support/graph-contract.ts); the description has no `required` list for a
 * subscription, so the rules below check the body themselves.
 *
 * What Microsoft documents, and how it is modelled (the pages are cited where the rule is):
 * - Creating validates the `notificationUrl` (and the `lifecycleNotificationUrl`) first: a POST
 *   with `?validationToken=…` that must be answered 200, text/plain, the decoded token, within
 *   10 seconds; otherwise 400 and no subscription.
 * - Lifetimes: at most 10,080 minutes ahead for Outlook messages and events (`maxLifetimeMinutes`
 *   shortens it for tests); Graph deletes a subscription that was not renewed in time.
 * - Delivery: a 2xx within 3 seconds, or Graph resends for up to 4 hours (`retryDelaysMs`,
 *   `retryForMs` scale it down); delivery is at least once (`faults.duplicateRate`), may come late
 *   (`faults.delayRate`), and a dropped notification (`faults.dropRate`) can be followed by a
 *   `missed` lifecycle notification (`faults.missedOnDrop`).
 * - Lifecycle notifications (reauthorizationRequired, subscriptionRemoved, missed) go to the
 *   `lifecycleNotificationUrl`: `removeSubscription`, `requireReauthorization`, `sendMissed`.
 * - Delegated permissions subscribe to the signed-in user's own mailbox only; another user's or a
 *   shared mailbox needs application permissions.
 */
import { randomUUID } from 'node:crypto';

import type { DeltaMailbox, MailboxChange } from './graph-delta';
import type { GraphReply, GraphRequestRecord, GraphStandIn } from './graph-standin';
import { graphError } from './graph-standin';
import type { IdentityProviderStandIn } from './identity-provider';
import { GRAPH_AUDIENCE } from './identity-provider';

type Json = Record<string, unknown>;

/**
 * Outlook message, event and contact subscriptions without resource data: 10,080 minutes (under 7
 * days). https://learn.microsoft.com/graph/api/resources/subscription ("Maximum length of
 * subscription per resource type").
 */
export const OUTLOOK_MAX_LIFETIME_MINUTES = 10_080;

/** https://learn.microsoft.com/graph/change-notifications-delivery-webhooks#notificationurl-validation */
export const VALIDATION_TIMEOUT_MS = 10_000;

/** "If Microsoft Graph doesn't receive a 2xx class code within 3 seconds, it tries to resend …" (same page). */
export const DELIVERY_TIMEOUT_MS = 3_000;

/** "… multiple times, for up to 4 hours." (same page) */
export const RETRY_FOR_MS = 4 * 60 * 60_000;

/** `clientState`: "The maximum length is 128 characters." (subscription resource) */
const CLIENT_STATE_MAX = 128;

const TENANT_ID = '84bd8158-6d4d-4958-8b9f-9d6445542f95';

export interface StoredSubscription {
	id: string;
	resource: string;
	changeType: string[];
	notificationUrl: string;
	lifecycleNotificationUrl?: string;
	clientState?: string;
	expiresAt: number;
	applicationId: string;
	creatorId: string;
	/** The mailbox root the resource is in (`/me` or `/users/{encoded}`), and the folder, if any. */
	mailboxRoot: string;
	kind: 'message' | 'event';
	folder?: string;
	/** Set by requireReauthorization: when the challenge was sent. */
	reauthorizationRequiredAt?: number;
}

export type SubscriptionEventType =
	| 'created'
	| 'renewed'
	| 'reauthorized'
	| 'deleted'
	| 'expired'
	| 'removed';

export interface SubscriptionEvent {
	at: number;
	type: SubscriptionEventType;
	id: string;
	expiresAt?: number;
}

export interface ValidationRecord {
	at: number;
	url: string;
	ok: boolean;
	status?: number;
	problem?: string;
}

export interface DeliveryRecord {
	at: number;
	url: string;
	subscriptionId: string;
	/** The change or lifecycle notification(s) of this POST. */
	notifications: Json[];
	attempt: number;
	status?: number;
	error?: string;
	ms: number;
}

export interface NotificationFaults {
	/** Share of change notifications never delivered. */
	dropRate: number;
	/** Share delivered twice (the second copy a moment later). */
	duplicateRate: number;
	/** Share held back before the first attempt, by `delayMs` ([min, max]). */
	delayRate: number;
	delayMs: [number, number];
	/** After a drop, send a `missed` lifecycle notification (Graph does when it had to drop). */
	missedOnDrop: boolean;
}

const NO_FAULTS: NotificationFaults = {
	dropRate: 0,
	duplicateRate: 0,
	delayRate: 0,
	delayMs: [0, 0],
	missedOnDrop: false,
};

/** A small seeded generator, so that a fault pattern is the same in every run. */
function seeded(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const sleep = async (ms: number) => await new Promise((r) => setTimeout(r, ms));

/** `me/…` or `users/{id}/…`, optionally with a leading slash, case-insensitive segments. */
const RESOURCE =
	/^\/?(me|users\/([^/]+))\/(?:(messages|events)|mailfolders(?:\('((?:[^']|'')+)'\)|\/([^/('"]+))\/messages)$/i;

export class GraphSubscriptions {
	readonly subscriptions = new Map<string, StoredSubscription>();

	readonly events: SubscriptionEvent[] = [];

	readonly validations: ValidationRecord[] = [];

	readonly deliveries: DeliveryRecord[] = [];

	/** Change notifications dropped by `faults` (never delivered). */
	readonly dropped: Json[] = [];

	/** The longest lifetime Graph accepts (minutes); tests shorten it. */
	maxLifetimeMinutes = OUTLOOK_MAX_LIFETIME_MINUTES;

	/** Graph requires https; a test may let http on 127.0.0.1 through (as a local tunnel would). */
	allowLoopbackHttp = false;

	/**
	 * How many subscriptions one page of `GET /subscriptions` lists; the rest follow by
	 * `@odata.nextLink`. The description marks the list pageable (`x-ms-pageable`), and Graph has
	 * answered it with an `@odata.nextLink` and an empty first page
	 * (microsoft-graph-docs#5681, #17354). All on one page unless a test sets it.
	 */
	listPageSize = Infinity;

	/** `$skiptoken` of the list's next pages → how many subscriptions the earlier pages listed. */
	private readonly listTokens = new Map<string, number>();

	validationTimeoutMs = VALIDATION_TIMEOUT_MS;

	deliveryTimeoutMs = DELIVERY_TIMEOUT_MS;

	/** Waits between attempts of one delivery; the last one repeats. */
	retryDelaysMs = [60_000, 120_000, 240_000, 480_000, 960_000, 1_800_000];

	retryForMs = RETRY_FOR_MS;

	/** Notifications for one URL that come within this window go in one POST (Graph batches). */
	batchWindowMs = 0;

	/** After a reauthorizationRequired challenge, notifications pause this long later until answered. */
	reauthorizationGraceMs = 60_000;

	faults: NotificationFaults = { ...NO_FAULTS };

	private random = seeded(28);

	private readonly mailboxes = new Map<string, DeltaMailbox>();

	private readonly listeners = new Map<DeltaMailbox, (change: MailboxChange) => void>();

	private readonly timers = new Set<NodeJS.Timeout>();

	/** Retries waiting for their next attempt: released when the stand-in closes. */
	private readonly waiting = new Set<() => void>();

	private readonly inFlight = new Set<Promise<void>>();

	private readonly batches = new Map<string, { notifications: Json[]; subscriptionId: string }>();

	private closed = false;

	private readonly sweeper: NodeJS.Timeout;

	constructor(private readonly idp: IdentityProviderStandIn) {
		this.sweeper = setInterval(() => this.expire(Date.now()), 250);
		this.sweeper.unref();
	}

	/** Faults from now on (seeded: the same pattern every run). */
	setFaults(faults: Partial<NotificationFaults>, seed = 28): this {
		this.faults = { ...NO_FAULTS, ...faults };
		this.random = seeded(seed);
		return this;
	}

	/** Notifications for this mailbox's changes. */
	watch(mailbox: DeltaMailbox): this {
		this.mailboxes.set(mailbox.root.toLowerCase(), mailbox);
		const listener = (change: MailboxChange) => this.changed(mailbox, change);
		mailbox.changeListeners.add(listener);
		this.listeners.set(mailbox, listener);
		return this;
	}

	/** Stops timers and deliveries; waits for attempts on the wire. */
	async close(): Promise<void> {
		this.closed = true;
		clearInterval(this.sweeper);
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		for (const release of this.waiting) release();
		this.waiting.clear();
		for (const [mailbox, listener] of this.listeners) mailbox.changeListeners.delete(listener);
		await Promise.allSettled([...this.inFlight]);
	}

	/** Registers the routes (again after `graph.reset()`). */
	install(graph: GraphStandIn): this {
		graph.on('POST', '/subscriptions', async (request) => await this.create(graph, request));
		graph.on('GET', '/subscriptions', (request) => {
			const token = request.query.$skiptoken;
			const skip = token === undefined ? 0 : this.listTokens.get(token);
			if (skip === undefined) return graphError(400, 'BadRequest', 'Invalid $skiptoken');
			const visible = [...this.subscriptions.values()].filter((s) => this.visibleTo(s, request));
			const body: Json = {
				'@odata.context': `${graph.url}/v1.0/$metadata#subscriptions`,
				value: visible.slice(skip, skip + this.listPageSize).map((s) => this.json(graph, s)),
			};
			if (skip + this.listPageSize < visible.length) {
				const next = randomUUID();
				this.listTokens.set(next, skip + this.listPageSize);
				body['@odata.nextLink'] = `${graph.url}/v1.0/subscriptions?$skiptoken=${next}`;
			}
			return { body };
		});
		graph.on('GET', '/subscriptions/:id', (request, params) => {
			const found = this.find(params.id, request);
			return found ? { body: this.json(graph, found) } : this.notFound(params.id);
		});
		graph.on('PATCH', '/subscriptions/:id', (request, params) =>
			this.renew(graph, request, params.id),
		);
		graph.on('DELETE', '/subscriptions/:id', (request, params) => {
			const found = this.find(params.id, request);
			if (!found) return this.notFound(params.id);
			this.subscriptions.delete(found.id);
			this.record('deleted', found);
			return { status: 204 };
		});
		// https://learn.microsoft.com/graph/api/subscription-reauthorize: 204 No Content.
		graph.on('POST', '/subscriptions/:id/reauthorize', (request, params) => {
			const found = this.find(params.id, request);
			if (!found) return this.notFound(params.id);
			delete found.reauthorizationRequiredAt;
			this.record('reauthorized', found);
			return { status: 204 };
		});
		return this;
	}

	// ---- what tests make Graph do ----

	/** Graph removed the subscription (e.g. the user's password changed): subscriptionRemoved. */
	removeSubscription(id: string): void {
		const found = this.subscriptions.get(id);
		if (!found) throw new Error(`no subscription ${id}`);
		this.subscriptions.delete(id);
		this.record('removed', found);
		this.lifecycle(found, 'subscriptionRemoved');
	}

	/**
	 * Graph asks for reauthorization; notifications go on for `reauthorizationGraceMs`, then pause
	 * (changes in the pause are lost) until the app reauthorizes or renews.
	 * https://learn.microsoft.com/graph/change-notifications-lifecycle-events
	 */
	requireReauthorization(id: string): void {
		const found = this.subscriptions.get(id);
		if (!found) throw new Error(`no subscription ${id}`);
		found.reauthorizationRequiredAt = Date.now();
		this.lifecycle(found, 'reauthorizationRequired');
	}

	/** Graph tells the app it dropped notifications: `missed`. */
	sendMissed(id: string): void {
		const found = this.subscriptions.get(id);
		if (!found) throw new Error(`no subscription ${id}`);
		this.lifecycle(found, 'missed');
	}

	/** Resolves once no delivery is scheduled, waiting for a retry or on the wire. */
	async settled(timeoutMs = 30_000): Promise<void> {
		const until = Date.now() + timeoutMs;
		while (this.inFlight.size || this.batches.size || this.timers.size) {
			if (Date.now() > until) throw new Error('deliveries still pending');
			await Promise.allSettled([...this.inFlight]);
			await sleep(5);
		}
	}

	active(): StoredSubscription[] {
		this.expire(Date.now());
		return [...this.subscriptions.values()];
	}

	// ---- the API ----

	private who(request: GraphRequestRecord): {
		appId: string;
		creator: string;
		username?: string;
		scope: string;
	} {
		if (request.app) return { appId: request.app.appId, creator: request.app.appId, scope: '' };
		const token = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
		const access = this.idp.validate(token, GRAPH_AUDIENCE);
		return {
			appId: this.idp.clientId,
			creator: access?.username ?? '',
			username: access?.username,
			scope: access?.scope ?? '',
		};
	}

	/** List and get see the subscriptions of the calling app (for the signed-in user, delegated). */
	private visibleTo(s: StoredSubscription, request: GraphRequestRecord): boolean {
		const who = this.who(request);
		return s.applicationId === who.appId && s.creatorId === who.creator;
	}

	private find(id: string, request: GraphRequestRecord): StoredSubscription | undefined {
		this.expire(Date.now());
		const found = this.subscriptions.get(id);
		return found && this.visibleTo(found, request) ? found : undefined;
	}

	private notFound(id: string): GraphReply {
		return graphError(404, 'ResourceNotFound', `The object '${id}' was not found.`);
	}

	private json(graph: GraphStandIn, s: StoredSubscription): Json {
		return {
			'@odata.context': `${graph.url}/v1.0/$metadata#subscriptions/$entity`,
			id: s.id,
			resource: s.resource,
			applicationId: s.applicationId,
			changeType: s.changeType.join(','),
			clientState: s.clientState ?? null,
			notificationUrl: s.notificationUrl,
			notificationQueryOptions: null,
			lifecycleNotificationUrl: s.lifecycleNotificationUrl ?? null,
			expirationDateTime: new Date(s.expiresAt).toISOString(),
			creatorId: s.creatorId,
			includeResourceData: null,
			latestSupportedTlsVersion: 'v1_2',
			encryptionCertificate: null,
			encryptionCertificateId: null,
			notificationUrlAppId: null,
			notificationContentType: null,
		};
	}

	private record(type: SubscriptionEventType, s: StoredSubscription): void {
		this.events.push({ at: Date.now(), type, id: s.id, expiresAt: s.expiresAt });
	}

	/** Graph deletes a subscription that was not renewed in time. */
	private expire(now: number): void {
		for (const s of this.subscriptions.values()) {
			if (s.expiresAt > now) continue;
			this.subscriptions.delete(s.id);
			this.record('expired', s);
		}
	}

	/** The expiration a create or renew asks for, or Graph's refusal. */
	private expiration(value: unknown): number | GraphReply {
		const at = typeof value === 'string' ? Date.parse(value) : NaN;
		if (Number.isNaN(at)) {
			return graphError(
				400,
				'InvalidRequest',
				'expirationDateTime is a required property for subscription creation',
			);
		}
		if (at <= Date.now()) {
			return graphError(400, 'InvalidRequest', 'Subscription expiration must be in the future.');
		}
		// Graph's words for a too-long lifetime (reported in microsoftgraph/microsoft-graph-docs#2988).
		if (at > Date.now() + this.maxLifetimeMinutes * 60_000) {
			return graphError(
				400,
				'ExtensionError',
				`Subscription expiration can only be ${this.maxLifetimeMinutes} minutes in the future.`,
			);
		}
		return at;
	}

	private url(value: unknown, field: string): URL | GraphReply {
		let url: URL;
		try {
			url = new URL(String(value ?? ''));
		} catch {
			return graphError(
				400,
				'InvalidRequest',
				`${field} is a required property for subscription creation`,
			);
		}
		// "This URL must make use of the HTTPS protocol." (subscription resource)
		const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost';
		if (url.protocol !== 'https:' && !(this.allowLoopbackHttp && loopback)) {
			return graphError(
				400,
				'InvalidRequest',
				`Subscription validation request failed. ${field} must be an HTTPS URL.`,
			);
		}
		return url;
	}

	/** Who may subscribe to what: https://learn.microsoft.com/graph/outlook-change-notifications-overview (Request permissions). */
	private refusal(
		request: GraphRequestRecord,
		root: string,
		kind: 'message' | 'event',
	): GraphReply | undefined {
		const denied = graphError(
			403,
			'ExtensionError',
			'Operation: Create; Exception: [Status Code: Forbidden; Reason: Access is denied. Check credentials and try again.]',
		);
		const mailRoles = ['Mail.ReadBasic', 'Mail.Read', 'Mail.ReadWrite', 'Mail.ReadBasic.All'];
		const calendarRoles = ['Calendars.Read', 'Calendars.ReadWrite'];
		const needed = kind === 'message' ? mailRoles : calendarRoles;
		const has = (granted: string[]) =>
			needed.some((n) => granted.some((g) => g.toLowerCase() === n.toLowerCase()));
		if (request.app) {
			if (root === '/me') {
				return graphError(
					400,
					'BadRequest',
					'/me request is only valid with delegated authentication flow.',
				);
			}
			if (!has(request.app.roles)) return denied;
			return undefined;
		}
		const who = this.who(request);
		// Delegated permissions subscribe to the signed-in user's own mailbox only; the .Shared
		// permissions do not work for subscriptions.
		if (root !== '/me') {
			const user = decodeURIComponent(root.replace(/^\/users\//, '')).toLowerCase();
			if (user !== (who.username ?? '').toLowerCase()) return denied;
		}
		return has(who.scope.split(/\s+/).map((scope) => scope.replace(/^https?:\/\/[^/]+\//i, '')))
			? undefined
			: denied;
	}

	private async create(graph: GraphStandIn, request: GraphRequestRecord): Promise<GraphReply> {
		const body = (request.body ?? {}) as Json;
		const changeType = String(body.changeType ?? '')
			.split(',')
			.map((c) => c.trim())
			.filter(Boolean);
		if (!changeType.length) {
			return graphError(
				400,
				'InvalidRequest',
				'changeType is a required property for subscription creation',
			);
		}
		const unknown = changeType.find((c) => !['created', 'updated', 'deleted'].includes(c));
		if (unknown) {
			return graphError(400, 'InvalidRequest', `'${unknown}' is not a supported changeType.`);
		}
		const match = RESOURCE.exec(String(body.resource ?? ''));
		if (!match) {
			return graphError(
				400,
				'InvalidRequest',
				body.resource
					? `Resource '${String(body.resource)}' is not supported for subscriptions.`
					: 'resource is a required property for subscription creation',
			);
		}
		const root =
			match[1].toLowerCase() === 'me'
				? '/me'
				: `/users/${encodeURIComponent(decodeURIComponent(match[2]))}`;
		const kind = match[3]?.toLowerCase() === 'events' ? 'event' : 'message';
		const folder = match[4] ? match[4].replace(/''/g, "'") : match[5];
		const expiresAt = this.expiration(body.expirationDateTime);
		if (typeof expiresAt !== 'number') return expiresAt;
		if (typeof body.clientState === 'string' && body.clientState.length > CLIENT_STATE_MAX) {
			return graphError(400, 'InvalidRequest', 'clientState must be at most 128 characters.');
		}
		const notificationUrl = this.url(body.notificationUrl, 'notificationUrl');
		if (!(notificationUrl instanceof URL)) return notificationUrl;
		let lifecycleUrl: URL | undefined;
		if (body.lifecycleNotificationUrl !== undefined && body.lifecycleNotificationUrl !== null) {
			const parsed = this.url(body.lifecycleNotificationUrl, 'lifecycleNotificationUrl');
			if (!(parsed instanceof URL)) return parsed;
			lifecycleUrl = parsed;
		}
		const refused = this.refusal(request, root, kind);
		if (refused) return refused;
		const mailbox = this.mailboxes.get(root.toLowerCase());
		if (kind === 'message' && folder && mailbox && !mailbox.folderId(folder)) {
			return graphError(
				404,
				'ExtensionError',
				'Operation: Create; Exception: [Status Code: NotFound; Reason: The specified object was not found in the store.]',
			);
		}
		// Both URLs are validated before the subscription exists.
		// https://learn.microsoft.com/graph/change-notifications-lifecycle-events
		for (const url of [notificationUrl, ...(lifecycleUrl ? [lifecycleUrl] : [])]) {
			const failure = await this.validate(url);
			if (failure) return graphError(400, 'InvalidRequest', failure);
		}
		const who = this.who(request);
		const created: StoredSubscription = {
			id: randomUUID(),
			resource: String(body.resource),
			changeType,
			notificationUrl: notificationUrl.toString(),
			lifecycleNotificationUrl: lifecycleUrl?.toString(),
			clientState: typeof body.clientState === 'string' ? body.clientState : undefined,
			expiresAt,
			applicationId: who.appId,
			creatorId: who.creator,
			mailboxRoot: root,
			kind,
			folder: folder && mailbox ? (mailbox.folderId(folder) ?? folder) : folder,
		};
		this.subscriptions.set(created.id, created);
		this.record('created', created);
		return { status: 201, body: this.json(graph, created) };
	}

	private renew(graph: GraphStandIn, request: GraphRequestRecord, id: string): GraphReply {
		const found = this.find(id, request);
		if (!found) return this.notFound(id);
		const body = (request.body ?? {}) as Json;
		const expiresAt = this.expiration(body.expirationDateTime);
		if (typeof expiresAt !== 'number') return expiresAt;
		found.expiresAt = expiresAt;
		// Renewing also reauthorizes. https://learn.microsoft.com/graph/change-notifications-lifecycle-events
		delete found.reauthorizationRequiredAt;
		this.record('renewed', found);
		return { body: this.json(graph, found) };
	}

	/** The validation handshake; a failure's message as Graph words it, or undefined. */
	private async validate(url: URL): Promise<string | undefined> {
		const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
		const target = new URL(url);
		target.searchParams.set('validationToken', token);
		const started = Date.now();
		const record: ValidationRecord = { at: started, url: url.toString(), ok: false };
		this.validations.push(record);
		try {
			const response = await fetch(target, {
				method: 'POST',
				headers: { 'Content-Type': 'text/plain; charset=utf-8' },
				signal: AbortSignal.timeout(this.validationTimeoutMs),
			});
			record.status = response.status;
			const text = await response.text();
			if (response.status !== 200) {
				record.problem = `status ${response.status}`;
				return 'Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.';
			}
			if (!(response.headers.get('content-type') ?? '').toLowerCase().startsWith('text/plain')) {
				record.problem = `content-type ${response.headers.get('content-type')}`;
				return 'Subscription validation request failed. Response must exactly match validationToken query parameter.';
			}
			if (text !== token) {
				record.problem = 'body is not the token';
				return 'Subscription validation request failed. Response must exactly match validationToken query parameter.';
			}
			record.ok = true;
			return undefined;
		} catch (error) {
			if ((error as Error).name === 'TimeoutError') {
				record.problem = 'timed out';
				return 'Subscription validation request timed out.';
			}
			record.problem = (error as Error).message;
			return 'Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.';
		}
	}

	// ---- notifications ----

	private changed(mailbox: DeltaMailbox, change: MailboxChange): void {
		if (this.closed) return;
		this.expire(Date.now());
		for (const s of this.subscriptions.values()) {
			if (s.mailboxRoot.toLowerCase() !== mailbox.root.toLowerCase()) continue;
			if (s.kind !== change.kind) continue;
			if (s.folder && change.folderId !== (mailbox.folderId(s.folder) ?? s.folder)) continue;
			if (!s.changeType.includes(change.changeType)) continue;
			// A subscription that waits for reauthorization delivers nothing after the grace period.
			if (
				s.reauthorizationRequiredAt !== undefined &&
				Date.now() - s.reauthorizationRequiredAt > this.reauthorizationGraceMs
			) {
				this.dropped.push({ subscriptionId: s.id, id: change.id, reason: 'reauthorization' });
				continue;
			}
			const user =
				s.mailboxRoot === '/me' ? 'me-user-id' : decodeURIComponent(s.mailboxRoot.slice(7));
			const path = `Users/${user}/${change.kind === 'message' ? 'Messages' : 'Events'}/${change.id}`;
			const notification: Json = {
				id: randomUUID().slice(0, 13),
				subscriptionId: s.id,
				subscriptionExpirationDateTime: new Date(s.expiresAt).toISOString(),
				changeType: change.changeType,
				resource: path,
				resourceData: {
					'@odata.type':
						change.kind === 'message' ? '#Microsoft.Graph.Message' : '#Microsoft.Graph.Event',
					'@odata.id': path,
					'@odata.etag': `W/"${randomUUID()}"`,
					id: change.id,
				},
				clientState: s.clientState ?? null,
				tenantId: TENANT_ID,
			};
			this.send(s, s.notificationUrl, notification, 'change');
		}
	}

	private lifecycle(s: StoredSubscription, event: string): void {
		if (!s.lifecycleNotificationUrl || this.closed) return;
		this.send(
			s,
			s.lifecycleNotificationUrl,
			{
				subscriptionId: s.id,
				subscriptionExpirationDateTime: new Date(s.expiresAt).toISOString(),
				tenantId: TENANT_ID,
				clientState: s.clientState ?? null,
				lifecycleEvent: event,
			},
			'lifecycle',
		);
	}

	private later(ms: number, fn: () => void): void {
		const timer = setTimeout(() => {
			this.timers.delete(timer);
			if (!this.closed) fn();
		}, ms);
		this.timers.add(timer);
	}

	/** Applies the faults to one notification, then delivers it (batched per URL if asked). */
	private send(
		s: StoredSubscription,
		url: string,
		notification: Json,
		kind: 'change' | 'lifecycle',
	) {
		if (kind === 'change') {
			if (this.random() < this.faults.dropRate) {
				this.dropped.push(notification);
				if (this.faults.missedOnDrop) this.lifecycle(s, 'missed');
				return;
			}
			const delay =
				this.random() < this.faults.delayRate
					? this.faults.delayMs[0] +
						this.random() * (this.faults.delayMs[1] - this.faults.delayMs[0])
					: 0;
			const copies = this.random() < this.faults.duplicateRate ? 2 : 1;
			for (let copy = 0; copy < copies; copy++)
				this.later(delay + copy * 50, () => this.enqueue(s.id, url, notification));
			return;
		}
		this.enqueue(s.id, url, notification);
	}

	private enqueue(subscriptionId: string, url: string, notification: Json): void {
		if (this.batchWindowMs <= 0) {
			this.track(this.deliver(subscriptionId, url, [notification]));
			return;
		}
		const batch = this.batches.get(url);
		if (batch) {
			batch.notifications.push(notification);
			return;
		}
		this.batches.set(url, { notifications: [notification], subscriptionId });
		this.later(this.batchWindowMs, () => {
			const ready = this.batches.get(url);
			this.batches.delete(url);
			if (ready) this.track(this.deliver(ready.subscriptionId, url, ready.notifications));
		});
	}

	private track(promise: Promise<void>): void {
		this.inFlight.add(promise);
		void promise.finally(() => this.inFlight.delete(promise));
	}

	/** One POST, and Graph's resends while it gets no 2xx within the timeout. */
	private async deliver(subscriptionId: string, url: string, notifications: Json[]): Promise<void> {
		const firstAt = Date.now();
		for (let attempt = 1; !this.closed; attempt++) {
			const started = Date.now();
			const record: DeliveryRecord = {
				at: started,
				url,
				subscriptionId,
				notifications,
				attempt,
				ms: 0,
			};
			this.deliveries.push(record);
			try {
				const response = await fetch(url, {
					method: 'POST',
					headers: { 'Content-Type': 'application/json; charset=utf-8' },
					body: JSON.stringify({ value: notifications }),
					signal: AbortSignal.timeout(this.deliveryTimeoutMs),
				});
				record.status = response.status;
				await response.arrayBuffer().catch(() => undefined);
				record.ms = Date.now() - started;
				if (response.status >= 200 && response.status < 300) return;
			} catch (error) {
				record.error =
					(error as Error).name === 'TimeoutError' ? 'timeout' : (error as Error).message;
				record.ms = Date.now() - started;
			}
			const wait = this.retryDelaysMs[Math.min(attempt - 1, this.retryDelaysMs.length - 1)];
			if (Date.now() + wait - firstAt > this.retryForMs) {
				this.dropped.push(...notifications);
				return;
			}
			await new Promise<void>((resolve) => {
				const release = () => {
					this.waiting.delete(release);
					resolve();
				};
				this.waiting.add(release);
				this.later(wait, release);
			});
		}
	}
}
