/**
 * The trigger's emits whose executions n8n has not finished yet, and the wait for them when n8n
 * stops.
 *
 * n8n 2.41's emit() is fire-and-forget: it saves the workflow's static data (the trigger's
 * cursor, already past the message) and then creates the execution with several database queries
 * (the workflow, the credentials check, the static data, the execution row) and, in queue mode,
 * the job in Redis. Under a burst those creations queue up behind each other. When n8n is told to
 * stop it closes the triggers (closeFunction) and then its database pool; a creation still queued
 * then fails ("Cannot use a pool after calling end on the pool") while the saved cursor covers its
 * message, and the message is lost.
 *
 * So every emit gets a `donePromise`, which n8n settles when the execution has finished (or could
 * not be started), and when the host is stopping, closeFunction waits until every emit settled or
 * a bounded time passed, whichever comes first. Meanwhile the database is still open and the
 * queued creations go through. An execution that is still running when the time is up was created
 * long before (in queue mode a worker runs it; n8n's own shutdown waits for running ones).
 *
 * n8n before 2.38 settles a donePromise only once the execution exists: a creation that fails there
 * leaves it open (n8n reports the error as an uncaught exception, which its error reporter logs),
 * so that emit stays counted here and a shutdown waits the whole budget; nothing else changes.
 */
import type { ITriggerFunctions } from 'n8n-workflow';

import type { SyncLogger } from './sync';

/** What emit() takes as its third argument; n8n settles it when the execution has finished. */
export type DonePromise = NonNullable<Parameters<ITriggerFunctions['emit']>[2]>;

/** n8n's own setting, in seconds (default 30): after this it ends the process whatever is left. */
const GRACEFUL_SHUTDOWN_ENV = 'N8N_GRACEFUL_SHUTDOWN_TIMEOUT';
const DEFAULT_GRACEFUL_SHUTDOWN_S = 30;
/** At most this long, and at most half of n8n's own shutdown timeout. */
const MAX_DRAIN_MS = 20_000;

/** How long closeFunction waits for emitted messages' executions when n8n stops. */
export function drainBudgetMs(env: NodeJS.ProcessEnv = process.env): number {
	const configured = Number(env[GRACEFUL_SHUTDOWN_ENV]);
	const seconds =
		Number.isFinite(configured) && configured > 0 ? configured : DEFAULT_GRACEFUL_SHUTDOWN_S;
	return Math.min(MAX_DRAIN_MS, Math.floor((seconds * 1000) / 2));
}

/**
 * Errors with which n8n settles the donePromise of an execution that did start: cancelled
 * (ManualExecutionCancelledError, TimeoutExecutionCancelledError,
 * SystemShutdownExecutionCancelledError), or finished before n8n asked for its result
 * (ExecutionNotFoundError). Matched by class name: the package and n8n may hold different copies
 * of n8n-workflow.
 */
const STARTED_ERRORS = /ExecutionCancelledError$|ExecutionNotFoundError$/;

function errorName(error: unknown): string {
	if (!(error instanceof Error)) return '';
	return error.constructor?.name || error.name;
}

export interface EmittedMessage {
	uid: number;
	subject?: string;
}

export class InFlight {
	private readonly pending = new Set<Promise<void>>();

	constructor(
		/** Already redacting (logFor in OutlookImapTrigger.node.ts). */
		private readonly log: SyncLogger,
		/** The context's helpers.createDeferredPromise. */
		private readonly createDeferred: () => DonePromise,
	) {}

	/** Emits not settled by n8n yet. */
	get size(): number {
		return this.pending.size;
	}

	/** A donePromise for the emit of this message; released when n8n settles it. */
	track(message: EmittedMessage): DonePromise {
		const done = this.createDeferred();
		const settled: Promise<void> = done.promise
			.then(
				() => undefined,
				(error: unknown) => {
					if (STARTED_ERRORS.test(errorName(error))) return;
					// n8n logs its own error too; this one names the message, so the user can find it.
					this.log.warn(
						'Outlook IMAP Trigger: n8n could not start the execution for an emitted message; the trigger does not emit it again',
						{
							uid: message.uid,
							...(message.subject !== undefined ? { subject: message.subject } : {}),
							error: error instanceof Error ? error.message : String(error),
						},
					);
				},
			)
			.finally(() => this.pending.delete(settled));
		this.pending.add(settled);
		return done;
	}

	/**
	 * Waits until every emit so far is settled, or `budgetMs` passed. Resolves to how many were
	 * still unsettled then.
	 */
	async drain(budgetMs: number): Promise<number> {
		if (!this.pending.size) return 0;
		let timer: NodeJS.Timeout | undefined;
		const timeUp = new Promise<void>((resolve) => {
			timer = setTimeout(resolve, budgetMs);
		});
		try {
			await Promise.race([Promise.all([...this.pending]), timeUp]);
		} finally {
			clearTimeout(timer);
		}
		return this.pending.size;
	}
}
