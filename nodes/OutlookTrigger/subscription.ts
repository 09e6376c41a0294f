/**
 * The Microsoft Graph subscription of push mode: what it watches, and creating, renewing, reading,
 * reauthorizing and deleting it. https://learn.microsoft.com/graph/api/resources/subscription,
 * /graph/change-notifications-delivery-webhooks, /graph/change-notifications-lifecycle-events
 *
 * A subscription only tells n8n *that* something changed; the items still come from the delta
 * cursor (sync.ts). What push mode keeps in the node's static data (next to the delta cursors) is
 * the `clientState` secret Graph echoes in every notification, the subscription, the longest
 * lifetime Graph accepted, and a sync counter that tells which process holds the newest cursor.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IDataObject, INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { GraphTransport } from '../shared/graph/client';
import { graphCollect } from '../shared/graph/paging';
import { odataString, segment } from '../shared/graph/request';
import { TriggerState } from './cursor';
import { CALENDAR_CHANGE_EVENTS, MAIL_EVENTS } from './description';
import { watchedFolders } from './folders';
import type { TriggerSettings } from './settings';
import { rememberSecrets } from '../shared/redact';

/**
 * Graph's longest lifetime for Outlook message, event and contact subscriptions without resource
 * data: 10,080 minutes (under 7 days). https://learn.microsoft.com/graph/api/resources/subscription
 * ("Maximum length of subscription per resource type"; 4,230 minutes before November 2024).
 */
export const MAX_LIFETIME_MINUTES = 10_080;

/** Asked for a little under the maximum, so that clock skew never makes Graph refuse the request. */
export const LIFETIME_MARGIN_MINUTES = 10;

/** The subscription of a manual run ("Listen for test event"): deleted when the editor stops listening. */
export const TEST_LIFETIME_MINUTES = 60;

/** `clientState` is at most 128 characters; 32 random bytes are 43 in base64url. */
const CLIENT_STATE_BYTES = 32;

/** Graph's words when an expiration is too far ahead ("Subscription expiration can only be 4230 minutes in the future."). */
const LIFETIME_LIMIT = /expiration can only be (\d+) minutes/i;

const PUSH_STATE_VERSION = 1;

export interface StoredSubscription {
	id: string;
	resource: string;
	changeType: string;
	notificationUrl: string;
	expiresAt: string;
	/** The lifetime asked for when it was created or last renewed (minutes). */
	lifetimeMinutes: number;
	/** Made for "Listen for test event" (the test webhook URL), not for the published trigger. */
	test?: boolean;
}

export interface PushState {
	v: number;
	/** The secret Graph sends back in every notification: a notification without it is refused. */
	clientState: string;
	subscription?: StoredSubscription;
	/** The longest lifetime Graph accepted, once it refused a longer one (minutes). */
	maxLifetimeMinutes?: number;
	/** Counts the delta syncs: the copy with the higher count holds the newer cursor. */
	seq: number;
}

export interface SubscriptionTarget {
	resource: string;
	changeType: string;
}

/** The push state in the node's static data, if there is one. */
export function loadPushState(staticData: IDataObject): PushState | undefined {
	const saved = staticData.outlookTriggerPush as PushState | undefined;
	if (!saved || saved.v !== PUSH_STATE_VERSION || typeof saved.clientState !== 'string')
		return undefined;
	// Static data is an observable proxy of plain JSON (what n8n stores): copy it as JSON.
	return JSON.parse(JSON.stringify(saved)) as PushState;
}

/** The push state, with a new clientState secret when there is none yet. */
export function ensurePushState(staticData: IDataObject): PushState {
	return (
		loadPushState(staticData) ?? {
			v: PUSH_STATE_VERSION,
			clientState: randomBytes(CLIENT_STATE_BYTES).toString('base64url'),
			seq: 0,
		}
	);
}

export function savePushState(staticData: IDataObject, state: PushState): void {
	staticData.outlookTriggerPush = state as unknown as IDataObject;
}

/**
 * Writes what a subscription step learnt (the subscription, Graph's lifetime limit) into the push
 * state as it is now, in one synchronous step: a sync that counted meanwhile (`seq`) keeps its
 * count. `from` is the copy the step worked on across its awaits.
 */
export function storeSubscription(staticData: IDataObject, from: PushState): void {
	const latest = loadPushState(staticData) ?? from;
	latest.clientState = from.clientState;
	latest.maxLifetimeMinutes = from.maxLifetimeMinutes;
	if (from.subscription) latest.subscription = from.subscription;
	else delete latest.subscription;
	savePushState(staticData, latest);
}

/** Constant-time comparison of a notification's clientState with the secret. */
export function isOurClientState(received: unknown, secret: string | undefined): boolean {
	if (typeof received !== 'string' || !secret) return false;
	const a = Buffer.from(received);
	const b = Buffer.from(secret);
	return a.length === b.length && timingSafeEqual(a, b);
}

/** Subscriptions need a read permission on the resource (not the .Shared ones). https://learn.microsoft.com/graph/api/subscription-post-subscriptions */
function subscriptionPermission(settings: TriggerSettings) {
	const mail = MAIL_EVENTS.includes(settings.event);
	return mail
		? { permission: 'Mail.Read', action: 'subscribe to mail changes' }
		: { permission: 'Calendars.Read', action: 'subscribe to calendar changes' };
}

/** `/me` or `/users/{encoded}` as a subscription resource: no base URL, the address as it is. */
function resourceRoot(root: string): string {
	return root.replace(/^\//, '').replace(/^users\/(.+)$/, (_m, id: string) => {
		return `users/${decodeURIComponent(id)}`;
	});
}

/**
 * What the subscription watches. One folder: that folder's messages; several folders or child
 * folders: the mailbox's messages (a change elsewhere wakes a sync that finds nothing new).
 * Calendar events: the mailbox's events, every change type (the delta says what changed).
 * https://learn.microsoft.com/graph/outlook-change-notifications-overview
 */
export async function subscriptionTarget(
	transport: GraphTransport,
	settings: TriggerSettings,
	now: Date,
): Promise<SubscriptionTarget> {
	const root = resourceRoot(settings.root);
	if (MAIL_EVENTS.includes(settings.event)) {
		// A flag is set by an update, or comes with a message that arrives flagged (flags.ts).
		const changeType =
			settings.event === 'messageReceived'
				? 'created'
				: settings.event === 'messageUpdated'
					? 'updated'
					: 'created,updated';
		// A throwaway state: folder resolution only, the cursors are not touched.
		const folders = await watchedFolders(transport, settings, TriggerState.load({}, '', now), now);
		if (folders.length === 1 && !settings.includeChildFolders) {
			return {
				resource: `${root}/mailFolders(${odataString(folders[0])})/messages`,
				changeType,
			};
		}
		return { resource: `${root}/messages`, changeType };
	}
	if (CALENDAR_CHANGE_EVENTS.includes(settings.event))
		return { resource: `${root}/events`, changeType: 'created,updated,deleted' };
	throw new NodeOperationError(
		transport.ctx.getNode(),
		`Push is not offered for "${settings.event}"; set Delivery to Polling`,
	);
}

/** Minutes to ask for, under Graph's maximum (or the one it told us). */
export function requestedLifetime(maxMinutes: number): number {
	return maxMinutes - Math.min(LIFETIME_MARGIN_MINUTES, maxMinutes / 10);
}

function expiry(now: Date, minutes: number): string {
	return new Date(now.getTime() + Math.round(minutes * 60_000)).toISOString();
}

export interface GraphSubscription {
	id?: string;
	resource?: string;
	changeType?: string;
	notificationUrl?: string;
	expirationDateTime?: string;
	clientState?: string | null;
}

function errorText(error: unknown): string {
	if (error instanceof NodeApiError)
		return `${error.message} ${error.description ?? ''} ${JSON.stringify(error.cause ?? '')}`;
	return error instanceof Error ? error.message : String(error);
}

function isNotFound(error: unknown): boolean {
	return error instanceof NodeApiError && error.httpCode === '404';
}

/**
 * Runs `request` with the longest lifetime Graph accepts. When Graph answers that the expiration
 * can only be N minutes ahead (its limit changed before: 4,230 → 10,080 minutes), it asks again
 * under N and remembers N.
 */
async function withLifetime<T>(
	state: PushState,
	maxMinutes: number,
	request: (minutes: number) => Promise<T>,
): Promise<T> {
	const limit = Math.min(maxMinutes, state.maxLifetimeMinutes ?? MAX_LIFETIME_MINUTES);
	try {
		return await request(requestedLifetime(limit));
	} catch (error) {
		const match = LIFETIME_LIMIT.exec(errorText(error));
		// The transport's NodeApiError, which already says what to do.
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
		if (!match) throw error;
		state.maxLifetimeMinutes = Number(match[1]);
		return await request(requestedLifetime(Math.min(maxMinutes, state.maxLifetimeMinutes)));
	}
}

/** Graph refuses the subscription when it cannot validate the notification URL (400). */
function validationFailure(node: INode, url: string, error: unknown): Error | undefined {
	if (!(error instanceof NodeApiError) || error.httpCode !== '400') return undefined;
	const text = errorText(error);
	if (!/validation request|notification url|notificationUrl|https/i.test(text)) return undefined;
	return new NodeOperationError(
		node,
		`Microsoft Graph could not reach n8n at ${url}: ${error.message.replace(/^Microsoft Graph answered /, '')} Set WEBHOOK_URL to n8n's public HTTPS address, or set Delivery to Polling.`,
		{
			description:
				"Push needs n8n reachable from Microsoft over HTTPS at its public webhook URL. Set WEBHOOK_URL to n8n's public https:// address (behind your reverse proxy), make sure /webhook/ is forwarded to n8n and answers within 10 seconds, and publish again; or set Delivery to Polling.",
		},
	);
}

/** With OAuth2, Graph notifies only of the signed-in user's own mailbox. */
export function assertPushAllowed(node: INode, settings: TriggerSettings): void {
	if (!settings.otherMailbox || node.parameters?.authentication === 'appOnly') return;
	throw new NodeOperationError(
		node,
		'Push works for another or a shared mailbox only with the App-Only credential',
		{
			description:
				"Microsoft Graph sends change notifications for another user's or a shared mailbox only with application permissions; delegated sign-in (OAuth2) can subscribe to your own mailbox only. Set Authentication to App-Only (an administrator grants Mail.Read or Calendars.Read as an application permission), or set Delivery to Polling. https://learn.microsoft.com/graph/outlook-change-notifications-overview",
		},
	);
}

/** Creates the subscription; its clientState is the state's secret, which must already be saved. */
export async function createSubscription(
	transport: GraphTransport,
	settings: TriggerSettings,
	state: PushState,
	notificationUrl: string,
	now: Date,
	options: { maxMinutes?: number; target?: SubscriptionTarget } = {},
): Promise<StoredSubscription> {
	const node = transport.ctx.getNode();
	assertPushAllowed(node, settings);
	// The secret leaves the package in this request only: an error that echoes it is redacted
	// (shared/redact.ts) like the credential's secrets.
	rememberSecrets(transport.ctx, 'clientState', [state.clientState]);
	const target = options.target ?? (await subscriptionTarget(transport, settings, now));
	try {
		return await withLifetime(
			state,
			options.maxMinutes ?? MAX_LIFETIME_MINUTES,
			async (minutes) => {
				const created = await transport.request<GraphSubscription>({
					method: 'POST',
					path: '/subscriptions',
					body: {
						changeType: target.changeType,
						notificationUrl,
						// Lifecycle notifications (reauthorizationRequired, subscriptionRemoved, missed)
						// come to the same URL; they are told apart by `lifecycleEvent`.
						lifecycleNotificationUrl: notificationUrl,
						resource: target.resource,
						expirationDateTime: expiry(now, minutes),
						clientState: state.clientState,
					},
					...subscriptionPermission(settings),
				});
				if (!created.id) {
					throw new NodeOperationError(
						node,
						'Microsoft Graph created a subscription without an ID',
					);
				}
				return {
					id: created.id,
					resource: target.resource,
					changeType: target.changeType,
					notificationUrl,
					expiresAt: created.expirationDateTime ?? expiry(now, minutes),
					lifetimeMinutes: minutes,
				};
			},
		);
	} catch (error) {
		// A NodeApiError from the transport, or the validation failure rewritten with its fix.
		throw validationFailure(node, notificationUrl, error) ?? error;
	}
}

/** Extends the subscription; 'gone' when Graph no longer has it (404: removed or expired). */
export async function renewSubscription(
	transport: GraphTransport,
	settings: TriggerSettings,
	state: PushState,
	now: Date,
): Promise<'renewed' | 'gone'> {
	const subscription = state.subscription;
	if (!subscription) return 'gone';
	try {
		await withLifetime(state, MAX_LIFETIME_MINUTES, async (minutes) => {
			const renewed = await transport.request<GraphSubscription>({
				method: 'PATCH',
				path: `/subscriptions/${segment(subscription.id)}`,
				body: { expirationDateTime: expiry(now, minutes) },
				...subscriptionPermission(settings),
			});
			// Graph says when it really expires: that is what the next renewal is timed from.
			subscription.expiresAt = renewed.expirationDateTime ?? expiry(now, minutes);
			subscription.lifetimeMinutes = minutes;
		});
		return 'renewed';
	} catch (error) {
		if (isNotFound(error)) return 'gone';
		// The transport's NodeApiError, which names the permission when it is one.
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
		throw error;
	}
}

/** The subscription as Graph has it, or undefined when Graph does not have it (404). */
export async function readSubscription(
	transport: GraphTransport,
	settings: TriggerSettings,
	id: string,
): Promise<GraphSubscription | undefined> {
	try {
		return await transport.request<GraphSubscription>({
			method: 'GET',
			path: `/subscriptions/${segment(id)}`,
			...subscriptionPermission(settings),
		});
	} catch (error) {
		if (isNotFound(error)) return undefined;
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
		throw error;
	}
}

/**
 * The subscriptions this app created (for this user, with OAuth2) that post to `notificationUrl`.
 * Every page of the list: Graph pages it (`@odata.nextLink`, even after an empty first page:
 * microsoft-graph-docs#5681, #17354), and with App-Only it holds the app's subscriptions for every
 * mailbox, so this trigger's may be on any page.
 */
export async function subscriptionsPostingTo(
	transport: GraphTransport,
	settings: TriggerSettings,
	notificationUrl: string,
): Promise<GraphSubscription[]> {
	const all = (await graphCollect(
		transport,
		{ method: 'GET', path: '/subscriptions', ...subscriptionPermission(settings) },
		{ returnAll: true, sendTop: false },
	)) as GraphSubscription[];
	return all.filter((s) => s.notificationUrl === notificationUrl && s.id);
}

/** Deletes a subscription; one Graph no longer has is deleted already. */
export async function deleteSubscription(
	transport: GraphTransport,
	settings: TriggerSettings,
	id: string,
): Promise<void> {
	try {
		await transport.request({
			method: 'DELETE',
			path: `/subscriptions/${segment(id)}`,
			...subscriptionPermission(settings),
		});
	} catch (error) {
		if (isNotFound(error)) return;
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
		throw error;
	}
}

/**
 * Answers a reauthorizationRequired challenge: `POST /subscriptions/{id}/reauthorize`
 * (reauthorizes without extending; renewing also reauthorizes).
 * https://learn.microsoft.com/graph/change-notifications-lifecycle-events
 */
export async function reauthorizeSubscription(
	transport: GraphTransport,
	settings: TriggerSettings,
	id: string,
): Promise<'reauthorized' | 'gone'> {
	try {
		await transport.request({
			method: 'POST',
			path: `/subscriptions/${segment(id)}/reauthorize`,
			...subscriptionPermission(settings),
		});
		return 'reauthorized';
	} catch (error) {
		if (isNotFound(error)) return 'gone';
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
		throw error;
	}
}

/** Whether Graph's subscription is still the one the settings and URL ask for. */
export function matchesTarget(
	found: GraphSubscription,
	target: SubscriptionTarget,
	notificationUrl: string,
): boolean {
	return (
		found.notificationUrl === notificationUrl &&
		String(found.resource ?? '').toLowerCase() === target.resource.toLowerCase() &&
		String(found.changeType ?? '') === target.changeType
	);
}
