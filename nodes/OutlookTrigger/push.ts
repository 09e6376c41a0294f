/**
 * Push mode: Microsoft Graph change notifications wake the delta sync that polling runs.
 *
 * - n8n calls the webhook methods on the process that holds the triggers when the workflow is
 *   published, when n8n starts or a leader takes over (`checkExists`, then `create` if it said
 *   no), and when it is unpublished (`delete`).
 * - `receiveNotifications` is the webhook: the validation handshake, then notifications checked
 *   against the clientState secret and acknowledged at once (202), then the sync they wake, in the
 *   process that owns the cursor (wake.ts). The items come from the delta cursor, so a
 *   notification delivered twice, late or never changes how soon an item arrives, never whether or
 *   how often.
 * - `pushPoll` is the poll in push mode (Poll Times): subscription upkeep (renew before expiry,
 *   recreate when Graph removed it) and a safety-net sync.
 * https://learn.microsoft.com/graph/change-notifications-delivery-webhooks,
 * /graph/change-notifications-lifecycle-events
 */
import type {
	IDataObject,
	IHookFunctions,
	INodeExecutionData,
	IPollFunctions,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { GraphTransport } from '../shared/graph/client';
import { logFor } from '../shared/redact';
import { TriggerState } from './cursor';
import { sample } from './sample';
import type { TriggerSettings } from './settings';
import { configFingerprint, readSettings } from './settings';
import type { GraphSubscription, PushState, StoredSubscription } from './subscription';
import {
	assertPushAllowed,
	createSubscription,
	deleteSubscription,
	ensurePushState,
	isOurClientState,
	loadPushState,
	matchesTarget,
	readSubscription,
	reauthorizeSubscription,
	renewSubscription,
	savePushState,
	storeSubscription,
	subscriptionsPostingTo,
	subscriptionTarget,
	TEST_LIFETIME_MINUTES,
} from './subscription';
import type { SyncContext } from './sync';
import { DEFAULT_SYNC_BUDGET_MS, syncChanges, syncLimits } from './sync';
import type { SyncOwner } from './wake';
import { claimOwner, exclusive, findOwner, forgetOwner, ownerKey } from './wake';

/** How often the poll asks Graph whether the subscription still exists when nothing else did. */
export const SUBSCRIPTION_CHECK_MS = 60 * 60_000;

/** Failed upkeeps in a row after which a poll without items reports the failure. */
export const UPKEEP_FAILURES_REPORTED = 3;

/** The webhook's name in the node description (`webhooks[].name`). */
export const PUSH_WEBHOOK = 'default';

interface ChangeNotification {
	subscriptionId?: unknown;
	clientState?: unknown;
	changeType?: unknown;
	lifecycleEvent?: unknown;
}

function notificationsOf(body: unknown): ChangeNotification[] {
	const value = (body as { value?: unknown } | undefined)?.value;
	if (!Array.isArray(value)) return [];
	return value.filter((n): n is ChangeNotification => typeof n === 'object' && n !== null);
}

function notificationUrlOf(ctx: IHookFunctions): string {
	const url = ctx.getNodeWebhookUrl(PUSH_WEBHOOK);
	if (!url) {
		throw new NodeOperationError(ctx.getNode(), 'n8n has no webhook URL for the Outlook Trigger');
	}
	return url;
}

/** One delta sync on `staticData`; the cursors move with the returned items. */
async function syncOn(
	ctx: SyncContext,
	transport: GraphTransport,
	settings: TriggerSettings,
	staticData: IDataObject,
	now: Date,
): Promise<INodeExecutionData[]> {
	const state = TriggerState.load(staticData, configFingerprint(settings), now);
	const items = await syncChanges(
		ctx,
		transport,
		settings,
		state,
		now,
		syncLimits(settings, DEFAULT_SYNC_BUDGET_MS),
	);
	state.save(staticData);
	const push = loadPushState(staticData);
	if (push) {
		push.seq++;
		savePushState(staticData, push);
	}
	return items;
}

/**
 * One delta sync on the owner's data, run under `exclusive`. n8n may swap that data while the sync
 * awaits Graph: publishing a changed trigger removes it and adds it again, on a Workflow built from
 * the static data saved before this sync ends, and the new activation's first poll registers that
 * data (claimOwner) and waits for this sync. A webhook request's items are emitted whatever the
 * publication, so its sync's cursor is carried into the new data when it is newer (by `seq`), and
 * the next sync starts after what this one emitted; so are those of an activation's first poll
 * (ActiveWorkflowTriggers.activatePollTrigger runs it as a test poll). A scheduled poll's are not:
 * n8n 2.41 discards the result of a poll whose workflow was superseded meanwhile
 * (PollTriggerExecutor, "Discarding in-flight poll result"), so its cursor stays with its own,
 * superseded data (`carry` false) and the new activation syncs from the cursor saved with what
 * was emitted.
 */
async function syncOwned(
	ctx: SyncContext,
	transport: GraphTransport,
	settings: TriggerSettings,
	owner: SyncOwner,
	now: Date,
	carry: boolean,
): Promise<INodeExecutionData[]> {
	const ran = owner.staticData;
	const items = await syncOn(ctx, transport, settings, ran, now);
	if (carry && owner.staticData !== ran) carryCursor(ran, owner.staticData);
	return items;
}

/**
 * Copies the cursors of `from` into `to` when `from` counted more syncs. `to` keeps its
 * subscription record: the new activation's webhook methods found, renewed or made it.
 */
function carryCursor(from: IDataObject, to: IDataObject): void {
	const pushFrom = loadPushState(from);
	const pushTo = loadPushState(to);
	if (!pushFrom || (pushTo && pushTo.seq >= pushFrom.seq)) return;
	if (from.outlookTrigger !== undefined)
		to.outlookTrigger = JSON.parse(JSON.stringify(from.outlookTrigger)) as IDataObject;
	savePushState(to, pushTo ? { ...pushTo, seq: pushFrom.seq } : pushFrom);
}

// ---- webhook methods (n8n: checkExists, then create if false; delete when unpublished) ----

/**
 * True when Graph still has the subscription for this URL and these settings (renewed if it is
 * half through its life). A subscription that no longer fits (another URL, folder or event) is
 * deleted; one this app made for the URL but n8n lost track of is adopted when it carries this
 * trigger's secret, deleted otherwise.
 */
export async function checkSubscription(this: IHookFunctions): Promise<boolean> {
	const settings = readSettings(this);
	assertPushAllowed(this.getNode(), settings);
	const staticData = this.getWorkflowStaticData('node');
	if (this.getMode() !== 'manual')
		forgetOwner(ownerKey(this.getWorkflow().id, this.getNode()), staticData);
	const push = loadPushState(staticData);
	const url = notificationUrlOf(this);
	const transport = await GraphTransport.create(this);
	const now = new Date();
	const target = await subscriptionTarget(transport, settings, now);
	let current: StoredSubscription | undefined;
	if (push?.subscription) {
		const found = await readSubscription(transport, settings, push.subscription.id);
		if (found && matchesTarget(found, target, url))
			// Graph's expiry, not the stored one: a renewal's static data may never have been saved.
			current = {
				...push.subscription,
				expiresAt: String(found.expirationDateTime ?? push.subscription.expiresAt),
			};
		else if (found) await deleteSubscription(transport, settings, push.subscription.id);
	}
	for (const other of await subscriptionsPostingTo(transport, settings, url)) {
		if (other.id === current?.id) continue;
		const ours =
			!current &&
			push &&
			matchesTarget(other, target, url) &&
			isOurClientState(other.clientState, push.clientState);
		if (ours) {
			current = {
				id: String(other.id),
				...target,
				notificationUrl: url,
				expiresAt: String(other.expirationDateTime ?? now.toISOString()),
				lifetimeMinutes: 0,
			};
			continue;
		}
		await deleteSubscription(transport, settings, String(other.id));
	}
	if (!push || !current) {
		if (push?.subscription) {
			delete push.subscription;
			storeSubscription(staticData, push);
		}
		return false;
	}
	const changed =
		push.subscription?.id !== current.id || push.subscription.expiresAt !== current.expiresAt;
	push.subscription = current;
	const remaining = Date.parse(current.expiresAt) - now.getTime();
	if (current.lifetimeMinutes === 0 || remaining < (current.lifetimeMinutes * 60_000) / 2) {
		if ((await renewSubscription(transport, settings, push, now)) === 'gone') return false;
		storeSubscription(staticData, push);
	} else if (changed) {
		storeSubscription(staticData, push);
	}
	return true;
}

/** Creates the subscription (Graph validates the URL before it answers). */
export async function createPushSubscription(this: IHookFunctions): Promise<boolean> {
	const settings = readSettings(this);
	assertPushAllowed(this.getNode(), settings);
	const staticData = this.getWorkflowStaticData('node');
	const push = ensurePushState(staticData);
	// The secret is in static data before Graph can send a notification with it.
	savePushState(staticData, push);
	const transport = await GraphTransport.create(this);
	const test = this.getMode() === 'manual';
	push.subscription = await createSubscription(
		transport,
		settings,
		push,
		notificationUrlOf(this),
		new Date(),
		test ? { maxMinutes: TEST_LIFETIME_MINUTES } : {},
	);
	if (test) push.subscription.test = true;
	storeSubscription(staticData, push);
	return true;
}

/** Deletes the subscription, and any other this app made for the same URL. */
export async function deletePushSubscription(this: IHookFunctions): Promise<boolean> {
	const settings = readSettings(this);
	const staticData = this.getWorkflowStaticData('node');
	const push = loadPushState(staticData);
	// The editor stopped listening for a test event: the published trigger goes on as it was.
	if (this.getMode() !== 'manual' && !push?.subscription?.test)
		forgetOwner(ownerKey(this.getWorkflow().id, this.getNode()));
	const transport = await GraphTransport.create(this);
	if (push?.subscription) await deleteSubscription(transport, settings, push.subscription.id);
	const url = this.getNodeWebhookUrl(PUSH_WEBHOOK);
	if (url) {
		for (const other of await subscriptionsPostingTo(transport, settings, url))
			await deleteSubscription(transport, settings, String(other.id));
	}
	if (push?.subscription) {
		delete push.subscription;
		storeSubscription(staticData, push);
	}
	return true;
}

// ---- the webhook ----

/** Processes (by workflow and node) told once that notifications reach a process without the trigger. */
const warnedElsewhere = new Set<string>();

export async function receiveNotifications(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const response = this.getResponseObject();
	const token = (this.getQueryData() as IDataObject).validationToken;
	if (typeof token === 'string') {
		// The validation handshake: the decoded token, as plain text, 200, within 10 seconds.
		// https://learn.microsoft.com/graph/change-notifications-delivery-webhooks#notificationurl-validation
		response.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
		response.end(token);
		return { noWebhookResponse: true };
	}
	const key = ownerKey(this.getWorkflow().id, this.getNode());
	const requestData = this.getWorkflowStaticData('node');
	let owner = this.getMode() === 'manual' ? undefined : findOwner(key);
	if (owner) {
		// Another process synced after this one last did (a new leader, a new publication): this
		// process's copy of the cursor is stale and must not be used.
		const saved = loadPushState(requestData)?.seq ?? 0;
		if (saved > (loadPushState(owner.staticData)?.seq ?? 0)) {
			forgetOwner(key);
			owner = undefined;
		}
	}
	const secret =
		(owner ? loadPushState(owner.staticData) : undefined)?.clientState ??
		loadPushState(requestData)?.clientState;
	const genuine = notificationsOf(this.getBodyData()).filter((n) =>
		isOurClientState(n.clientState, secret),
	);
	if (!genuine.length) {
		// Not from Graph for this trigger (no or another clientState): refused, and nothing runs.
		response.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' });
		response.end('clientState does not match');
		logFor(this).warn(
			'Outlook Trigger: refused a change notification whose clientState is not this trigger’s',
		);
		return { noWebhookResponse: true };
	}
	// Acknowledged before any work: Graph waits 3 seconds for a 2xx, then retries.
	response.writeHead(202);
	response.end();

	const settings = readSettings(this);
	const transport = await GraphTransport.create(this);
	if (this.getMode() === 'manual') {
		// "Listen for test event": the first change shows the newest items, and moves no cursor.
		if (!genuine.some((n) => typeof n.changeType === 'string')) return { noWebhookResponse: true };
		const items = await sample(this, transport, settings, new Date());
		return { noWebhookResponse: true, workflowData: items.length ? [items] : undefined };
	}

	let removed = genuine.some((n) => n.lifecycleEvent === 'subscriptionRemoved');
	for (const n of genuine) {
		if (n.lifecycleEvent !== 'reauthorizationRequired' || typeof n.subscriptionId !== 'string')
			continue;
		// Stateless, so any process answers the challenge.
		try {
			if ((await reauthorizeSubscription(transport, settings, n.subscriptionId)) === 'gone')
				removed = true;
		} catch (error) {
			logFor(this).warn(
				`Outlook Trigger: reauthorizing subscription ${n.subscriptionId} failed; the next poll renews it (${(error as Error).message})`,
			);
		}
	}
	const wakes =
		removed ||
		genuine.some((n) => n.lifecycleEvent === 'missed' || typeof n.changeType === 'string');
	if (!wakes) return { noWebhookResponse: true };
	if (!owner) {
		if (!warnedElsewhere.has(key)) {
			warnedElsewhere.add(key);
			logFor(this).warn(
				'Outlook Trigger: a change notification reached an n8n process where this workflow’s trigger is not running (an n8n webhook process, a follower main, or n8n still starting); the change is picked up by the trigger’s next sync. For instant delivery the trigger’s webhook URL must reach the main (docs/outlook-trigger.md).',
			);
		}
		return { noWebhookResponse: true };
	}
	if (removed) owner.recreatePending = true;
	// A request already waiting for its turn syncs after this notification came: it covers it.
	if (owner.syncQueued) return { noWebhookResponse: true };
	owner.syncQueued = true;
	const syncOwner = owner;
	// One sync per request, its items and cursor in this request together (its static data is saved
	// with it), so that what a sync found is emitted as soon as that sync ends, however many
	// notifications keep coming. A notification during this sync queues the next request.
	let items: INodeExecutionData[] = [];
	try {
		items = await exclusive(syncOwner, async () => {
			// From here on this sync starts after every notification that found this request queued.
			syncOwner.syncQueued = false;
			const now = new Date();
			if (syncOwner.recreatePending) {
				syncOwner.recreatePending = false;
				await recreate(this, transport, settings, syncOwner, now, 'Graph removed it');
			}
			const found = await syncOwned(this, transport, settings, syncOwner, now, true);
			// The owner's data after the sync: the one it ran on, or the newer activation's that
			// syncOwned carried its cursor into.
			copyTriggerState(syncOwner.staticData, requestData);
			return found;
		});
	} catch (error) {
		logFor(this).warn(
			`Outlook Trigger: the sync a change notification woke failed; the next poll repeats it (${(error as Error).message})`,
		);
	}
	return { noWebhookResponse: true, workflowData: items.length ? [items] : undefined };
}

/** What n8n saves with this request: the owner's cursors and push state. */
function copyTriggerState(from: IDataObject, to: IDataObject): void {
	for (const key of ['outlookTrigger', 'outlookTriggerPush']) {
		if (from[key] !== undefined) to[key] = JSON.parse(JSON.stringify(from[key])) as IDataObject;
	}
}

/**
 * This trigger's subscription as Graph has it, live, when the stored record may be out of date:
 * n8n saves a poll's static data only with items it emits, and the webhook methods of an
 * activation renew or create on a copy of their own, so a poll can hold an older expiry or an
 * older ID than Graph. By the stored ID, else the one posting to its URL with this trigger's
 * secret; undefined when Graph has none.
 */
async function liveSubscription(
	transport: GraphTransport,
	settings: TriggerSettings,
	push: PushState,
	stored: StoredSubscription,
	now: Date,
): Promise<StoredSubscription | undefined> {
	const live = (found: GraphSubscription | undefined): found is GraphSubscription =>
		found !== undefined &&
		matchesTarget(found, stored, stored.notificationUrl) &&
		Date.parse(String(found.expirationDateTime ?? '')) > now.getTime();
	let found = await readSubscription(transport, settings, stored.id);
	if (!live(found)) {
		found = (await subscriptionsPostingTo(transport, settings, stored.notificationUrl)).find(
			(other) => live(other) && isOurClientState(other.clientState, push.clientState),
		);
	}
	return live(found)
		? { ...stored, id: String(found.id), expiresAt: String(found.expirationDateTime) }
		: undefined;
}

/**
 * A new subscription with the same secret and URL, unless Graph still has a live one of this
 * trigger's (liveSubscription): that one is kept (and renewed when due). The sync that follows
 * catches up.
 */
async function recreate(
	ctx: SyncContext,
	transport: GraphTransport,
	settings: TriggerSettings,
	owner: SyncOwner,
	now: Date,
	why: string,
): Promise<void> {
	const push = loadPushState(owner.staticData);
	const previous = push?.subscription;
	if (!push || !previous) return;
	const live = await liveSubscription(transport, settings, push, previous, now);
	if (live) {
		push.subscription = live;
		const halfLife = (live.lifetimeMinutes * 60_000) / 2;
		const due = Date.parse(live.expiresAt) - now.getTime() < halfLife;
		if (!due || (await renewSubscription(transport, settings, push, now)) === 'renewed') {
			storeSubscription(owner.staticData, push);
			owner.lastCheckedAt = now.getTime();
			logFor(ctx).info(
				`Outlook Trigger: subscription ${previous.id} (${why}): Graph still has ${live.id}, live until ${push.subscription.expiresAt}; kept`,
			);
			return;
		}
	}
	push.subscription = await createSubscription(
		transport,
		settings,
		push,
		previous.notificationUrl,
		now,
	);
	storeSubscription(owner.staticData, push);
	owner.lastCheckedAt = now.getTime();
	logFor(ctx).info(
		`Outlook Trigger: subscription ${previous.id} replaced by ${push.subscription.id} (${why})`,
	);
}

// ---- the poll in push mode ----

/** Renews or recreates the subscription when due. Returns the failure, if any. */
async function upkeep(
	ctx: SyncContext,
	transport: GraphTransport,
	settings: TriggerSettings,
	owner: SyncOwner,
	now: Date,
): Promise<Error | undefined> {
	const push = loadPushState(owner.staticData);
	const subscription = push?.subscription;
	// No subscription: publishing creates it (webhookMethods.create), and reports when it cannot.
	if (!push || !subscription) return undefined;
	try {
		const remaining = Date.parse(subscription.expiresAt) - now.getTime();
		// Renewed half-way through its life, and at least three polls before it expires.
		const renewWithin = Math.max((subscription.lifetimeMinutes * 60_000) / 2, 3 * owner.pollGapMs);
		let gone = remaining <= 0 ? 'it expired' : '';
		if (!gone && remaining < renewWithin) {
			if ((await renewSubscription(transport, settings, push, now)) === 'gone')
				gone = 'renewal: 404';
			else {
				storeSubscription(owner.staticData, push);
				owner.lastCheckedAt = now.getTime();
			}
		} else if (!gone && now.getTime() - owner.lastCheckedAt >= SUBSCRIPTION_CHECK_MS) {
			if (!(await readSubscription(transport, settings, subscription.id)))
				gone = 'Graph no longer has it';
			owner.lastCheckedAt = now.getTime();
		}
		if (gone) await recreate(ctx, transport, settings, owner, now, gone);
		owner.upkeepFailures = 0;
		return undefined;
	} catch (error) {
		owner.upkeepFailures++;
		logFor(ctx).warn(
			`Outlook Trigger: keeping the Graph subscription failed (${owner.upkeepFailures} in a row): ${(error as Error).message}`,
		);
		return error as Error;
	}
}

/** The poll in push mode: subscription upkeep, then the safety-net sync. */
export async function pushPoll(
	ctx: IPollFunctions,
	transport: GraphTransport,
	settings: TriggerSettings,
	now: Date,
): Promise<INodeExecutionData[]> {
	const staticData = ctx.getWorkflowStaticData('node');
	const { owner, fresh } = claimOwner(
		ownerKey(ctx.getWorkflow().id, ctx.getNode()),
		staticData,
		Date.now(),
	);
	return await exclusive(owner, async () => {
		// The first poll of an activation runs beside n8n's webhook methods (checkExists/create),
		// which find, renew or create the subscription: upkeep waits for the next poll.
		const failure = fresh ? undefined : await upkeep(ctx, transport, settings, owner, now);
		// n8n discards a scheduled poll whose workflow was superseded meanwhile, so its cursor is not
		// carried; the first poll of an activation it runs as a test poll, emitted whatever happens.
		const items = await syncOwned(ctx, transport, settings, owner, now, fresh);
		// Reported only by a poll with nothing to emit: an error would drop this poll's items.
		if (failure && !items.length && owner.upkeepFailures >= UPKEEP_FAILURES_REPORTED) {
			// The transport's NodeApiError (or a NodeOperationError), which says what to do.
			throw failure;
		}
		return items;
	});
}
