/**
 * Where a push-mode trigger's delta sync runs, and one sync at a time.
 *
 * n8n runs a node's poll only in the process that holds the workflow's triggers (the single n8n
 * process; in queue mode the main, in multi-main the leader), on a Workflow object whose static
 * data it saves after activation and on every emit. A notification, though, reaches whichever
 * process serves the webhook URL, with its own copy of the static data loaded for that request
 * and saved whole when the request ends. Two processes syncing the same delta cursor would each
 * emit the same changes, and each save would overwrite the other's cursor. So:
 *
 * - every poll registers the trigger's live static data here as the "owner" of its cursor;
 * - a notification wakes a sync only in the process where the owner is registered, on the
 *   owner's data, one sync at a time (`exclusive`), and copies the result into the request's
 *   static data so that n8n saves it with the request;
 * - in any other process (an `n8n webhook` process, a follower main) a notification is only
 *   acknowledged: the change is picked up by the owner's next safety-net sync (Poll Times).
 *
 * A sync started after a notification arrived covers it. n8n 2.41 holds an expression isolate for
 * the whole of a webhook request (LiveWebhooks.executeWebhook; the pool keeps one warm, any other
 * is built cold), so notifications must not queue up as open requests. A request runs one sync and
 * returns its items at once (a webhook request emits only when it returns), so that a steady
 * stream of notifications never holds back what a sync found. A notification that arrives while
 * a sync runs waits for its turn and runs the next one (`syncQueued`); one that finds a request
 * already waiting only returns: that request's sync starts after it came. So at most two requests
 * per trigger are open (one syncing, one waiting), and every notification is covered by a sync
 * that starts after it, whether or not another notification follows.
 */
import type { IDataObject, INode } from 'n8n-workflow';

export interface SyncOwner {
	readonly key: string;
	/** The poller's live node static data: the cursors, the push state. */
	staticData: IDataObject;
	/** True while a webhook request waits for its turn to sync (its sync has not started yet). */
	syncQueued: boolean;
	/** Set by a subscriptionRemoved notification: the next webhook sync recreates the subscription first. */
	recreatePending: boolean;
	/** When the poller last ran, and the gap before that one (ms). */
	lastPollAt: number;
	pollGapMs: number;
	/** When Graph was last asked whether the subscription still exists (ms since epoch). */
	lastCheckedAt: number;
	/** Consecutive failed subscription upkeeps (renewal, recreation). */
	upkeepFailures: number;
	/** The tail of the queue of syncs. */
	tail: Promise<unknown>;
	/** Set when n8n (re)activated or removed the webhook: no poll has claimed it since. */
	retired: boolean;
}

const owners = new Map<string, SyncOwner>();

export function ownerKey(workflowId: string | undefined, node: INode): string {
	return `${workflowId ?? ''}\u0000${node.id ?? node.name}`;
}

/**
 * Called by every poll: this process holds the trigger, with this static data. `fresh` is true for
 * the first poll of an activation (n8n built a new Workflow, so new static data): its webhook
 * methods run beside it and own the subscription until it is done.
 */
export function claimOwner(
	key: string,
	staticData: IDataObject,
	now: number,
): { owner: SyncOwner; fresh: boolean } {
	const owner = owners.get(key);
	if (owner) {
		const fresh = owner.retired || owner.staticData !== staticData;
		owner.staticData = staticData;
		owner.pollGapMs = fresh ? 0 : now - owner.lastPollAt;
		owner.lastPollAt = now;
		if (fresh) owner.lastCheckedAt = now;
		owner.retired = false;
		return { owner, fresh };
	}
	const created: SyncOwner = {
		key,
		staticData,
		syncQueued: false,
		recreatePending: false,
		lastPollAt: now,
		pollGapMs: 0,
		lastCheckedAt: now,
		upkeepFailures: 0,
		tail: Promise.resolve(),
		retired: false,
	};
	owners.set(key, created);
	return { owner: created, fresh: true };
}

export function findOwner(key: string): SyncOwner | undefined {
	const owner = owners.get(key);
	return owner && !owner.retired ? owner : undefined;
}

/**
 * Called when n8n (re)activates or deactivates the trigger's webhook, with that activation's static
 * data: an owner registered with other static data belongs to an earlier activation, whose poller
 * may be gone; the next poll registers the current one. (n8n 2.41 runs the webhook methods and the
 * first poll of one activation side by side, on one Workflow: that poll's owner is kept.) The
 * queue stays, so a sync still running finishes before the next one starts.
 */
export function forgetOwner(key: string, current?: IDataObject): void {
	const owner = owners.get(key);
	if (owner && (current === undefined || owner.staticData !== current)) owner.retired = true;
}

/** Runs `fn` after every sync queued before it on this owner. */
export async function exclusive<T>(owner: SyncOwner, fn: () => Promise<T>): Promise<T> {
	const run = owner.tail.then(fn, fn);
	owner.tail = run.catch(() => undefined);
	return await run;
}
