/**
 * Exchange Online allows 4 concurrent requests per app and mailbox; a fifth is answered with 429
 * (MailboxConcurrency / ApplicationThrottled). Graph dispatches the sub-requests of a `$batch` up
 * to 4 at a time, and each of them counts against the mailbox like a request of its own.
 * https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits
 */
export const MAILBOX_CONCURRENCY_LIMIT = 4;

interface Waiter {
	weight: number;
	admit: () => void;
}

/**
 * A counting semaphore with weighted, first-come first-served admission. A release hands the freed
 * slots straight to the waiters at the head of the queue (it counts them as active before waking
 * them), so an acquire that runs in between never finds a slot that is already promised.
 */
export class Semaphore {
	private active = 0;

	private readonly waiting: Waiter[] = [];

	constructor(readonly limit: number) {}

	/** Takes `weight` slots (at most the limit), waiting in line when they are not free; returns the release. */
	async acquire(weight = 1): Promise<() => void> {
		const slots = Math.max(1, Math.min(weight, this.limit));
		// Waiters are served in order: a newcomer does not overtake them, even when it would fit.
		if (this.waiting.length === 0 && this.active + slots <= this.limit) {
			this.active += slots;
		} else {
			await new Promise<void>((admit) => this.waiting.push({ weight: slots, admit }));
		}
		let released = false;
		return () => {
			if (released) return;
			released = true;
			this.active -= slots;
			this.admitWaiting();
		};
	}

	private admitWaiting() {
		while (this.waiting.length && this.active + this.waiting[0].weight <= this.limit) {
			const next = this.waiting.shift()!;
			this.active += next.weight;
			next.admit();
		}
	}

	get inUse(): number {
		return this.active;
	}

	get idle(): boolean {
		return this.active === 0 && this.waiting.length === 0;
	}
}

const semaphores = new Map<string, Semaphore>();

/** How many mailbox keys hold a semaphore now (for tests: idle keys are dropped). */
export function trackedMailboxCount(): number {
	return semaphores.size;
}

async function acquireSlots(key: string, weight: number, limit: number) {
	let semaphore = semaphores.get(key);
	if (!semaphore) {
		semaphore = new Semaphore(limit);
		semaphores.set(key, semaphore);
	}
	const release = await semaphore.acquire(weight);
	const held = semaphore;
	return () => {
		release();
		if (held.idle && semaphores.get(key) === held) semaphores.delete(key);
	};
}

/**
 * Runs `task` holding slots of one or more mailboxes: `weights` maps each mailbox key to the
 * number of slots the task uses there (1 for a request; up to 4 for a `$batch` whose
 * sub-requests address that mailbox). Keys are taken in sorted order, so two tasks that need the
 * same mailboxes cannot each hold one and wait for the other.
 */
export async function withMailboxSlots<T>(
	weights: Map<string, number>,
	task: () => Promise<T>,
	limit = MAILBOX_CONCURRENCY_LIMIT,
): Promise<T> {
	const releases: Array<() => void> = [];
	try {
		for (const key of [...weights.keys()].sort()) {
			releases.push(await acquireSlots(key, weights.get(key) ?? 1, limit));
		}
		return await task();
	} finally {
		for (const release of releases.reverse()) release();
	}
}

/** Runs `task` holding one of the mailbox's slots. */
export async function withMailboxSlot<T>(
	key: string,
	task: () => Promise<T>,
	limit = MAILBOX_CONCURRENCY_LIMIT,
): Promise<T> {
	return await withMailboxSlots(new Map([[key, 1]]), task, limit);
}

/** The mailbox a Graph URL or path addresses (`me` or the user segment), for the concurrency key. */
export function mailboxOfUrl(url: string): string {
	const path = url.replace(/^[a-z]+:\/\/[^/]+/i, '').replace(/^\/v1\.0(?=\/)/i, '');
	const match = /^\/(me|users\/[^/?]+)(?=[/?]|$)/i.exec(path);
	return match ? decodeURIComponent(match[1]).toLowerCase() : 'other';
}

/**
 * The slots a `$batch` takes per mailbox: Graph runs its sub-requests up to 4 at a time, so a
 * batch of N requests to one mailbox has min(N, 4) of them in flight there. A fully sequential
 * batch (each sub-request `dependsOn` the one before) runs one at a time: one slot per mailbox.
 * https://learn.microsoft.com/graph/json-batching#sequencing-requests-with-the-dependson-property
 */
export function batchMailboxWeights(paths: string[], sequential = false): Map<string, number> {
	const counts = new Map<string, number>();
	for (const path of paths) {
		const mailbox = mailboxOfUrl(path);
		const limit = sequential ? 1 : MAILBOX_CONCURRENCY_LIMIT;
		counts.set(mailbox, Math.min(limit, (counts.get(mailbox) ?? 0) + 1));
	}
	return counts;
}

/**
 * `task` over `items`, at most `limit` at once, the results in the items' order. After a failure
 * no further item is started; the first error is thrown once those running have ended.
 */
export async function mapConcurrent<T, R>(
	items: readonly T[],
	limit: number,
	task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
	const results = new Array<R>(items.length);
	let next = 0;
	let failure: { error: unknown } | undefined;
	const lane = async () => {
		while (!failure && next < items.length) {
			const index = next++;
			try {
				results[index] = await task(items[index], index);
			} catch (error) {
				failure ??= { error };
			}
		}
	};
	await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
	if (failure) throw failure.error;
	return results;
}
