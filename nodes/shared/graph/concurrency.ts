/**
 * Exchange Online allows 4 concurrent requests per app and mailbox; a fifth is answered with 429
 * (MailboxConcurrency). https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits
 */
export const MAILBOX_CONCURRENCY_LIMIT = 4;

class Semaphore {
	private active = 0;

	private readonly waiting: Array<() => void> = [];

	constructor(private readonly limit: number) {}

	async acquire(): Promise<() => void> {
		if (this.active >= this.limit) {
			await new Promise<void>((resolve) => this.waiting.push(resolve));
		}
		this.active++;
		let released = false;
		return () => {
			if (released) return;
			released = true;
			this.active--;
			this.waiting.shift()?.();
		};
	}

	get idle(): boolean {
		return this.active === 0 && this.waiting.length === 0;
	}
}

const semaphores = new Map<string, Semaphore>();

/** Runs `task` holding one of the mailbox's slots. */
export async function withMailboxSlot<T>(
	key: string,
	task: () => Promise<T>,
	limit = MAILBOX_CONCURRENCY_LIMIT,
): Promise<T> {
	let semaphore = semaphores.get(key);
	if (!semaphore) {
		semaphore = new Semaphore(limit);
		semaphores.set(key, semaphore);
	}
	const release = await semaphore.acquire();
	try {
		return await task();
	} finally {
		release();
		if (semaphore.idle) semaphores.delete(key);
	}
}

/** The mailbox a Graph URL addresses (`me` or the user segment), for the concurrency key. */
export function mailboxOfUrl(url: string): string {
	const match = /\/v1\.0\/(me|users\/[^/?]+)/i.exec(url);
	return match ? decodeURIComponent(match[1]).toLowerCase() : 'other';
}
