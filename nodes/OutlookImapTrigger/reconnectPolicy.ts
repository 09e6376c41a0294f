/**
 * The one reconnect decision. Every way a session ends goes through `decide()`: retry after a
 * delay, or stop and report. Pure: the caller keeps the history and the clock.
 *
 * Delays: 1 s after the first failure, doubling to a 60 s cap, plus up to 50 % jitter (upwards, so
 * no attempt ever comes sooner than the curve: at most one per second at the start, at most one
 * per minute at the cap). A session that was working (it made progress, or stayed up for
 * STABLE_SESSION_MS) and then ended comes back within QUICK_RECONNECT_MS: a kick, a server restart
 * or Exchange's BYE after token expiry are normal events, and a user waits for that mail.
 */

/** Why a session failed, as far as the fix is concerned. */
export type FailureClass =
	/** The identity platform refused the credential (secret expired, grant revoked, no consent). */
	| 'credential'
	/** The IMAP server refused the login with a fresh token. */
	| 'login'
	/** The mailbox or the folder does not exist. */
	| 'mailbox'
	/** The server's TLS: its certificate could not be verified, or it offers no TLS at all. */
	| 'certificate'
	/** The server refused an after-emit action (move, flag). */
	| 'action'
	/** The server ends the session each time it reads the same message. */
	| 'message'
	/** Anything that may pass by itself: network, server restart, 5xx, throttling. */
	| 'transient';

export interface Failure {
	class: FailureClass;
	/** What must fail again to count as "the same failure" (the class, plus a UID for 'message'). */
	key: string;
	/** For the log and for emitError: already free of secrets. */
	message: string;
	description?: string;
	/** What the server or endpoint said, redacted: for the log line only. */
	detail?: Record<string, unknown>;
}

export type SessionEnd =
	| { how: 'stopped' }
	/** The token could not be had, or connect / login / open failed. */
	| { how: 'failedStart'; failure: Failure }
	/** The session ended (or a command failed) before its first sync finished. */
	| { how: 'endedDuringSync'; failure: Failure }
	/** A session past its first sync ended: BYE, kick, restart, a command that failed. */
	| { how: 'ended'; failure?: Failure; livedMs: number; progressed: boolean }
	/** The trigger ended it to reconnect with a new token before the current one expires. */
	| { how: 'planned' };

export interface History {
	/** Failures since the last working session. */
	failures: number;
	/** How often in a row the last failure key came up. */
	sameKey: number;
	lastKey?: string;
}

export const EMPTY_HISTORY: History = { failures: 0, sameKey: 0 };

export type Decision =
	| { action: 'retry'; delayMs: number; history: History; failure?: Failure }
	| { action: 'report'; failure: Failure; history: History }
	| { action: 'stop' };

export const INITIAL_DELAY_MS = 1_000;
export const MAX_DELAY_MS = 60_000;
/** Upward jitter, as a fraction of the delay: clients that dropped together spread out. */
export const JITTER = 0.5;
export const QUICK_RECONNECT_MS = 250;
export const STABLE_SESSION_MS = 30_000;

/**
 * How many times in a row a failure of each class comes up before it is reported. A refused
 * credential is final at once (a retry would only ask the identity platform again); a refused
 * login, a missing folder or a failing message get a fresh token and a new session first. A
 * "transient" failure that comes back with the same cause three times in a row (every session
 * dropped at the first SEARCH, the server unavailable, the sign-in endpoint down) is no longer
 * passing by itself: it is reported too, with what to check, instead of waiting for the liveness
 * alarm. Once reported, the same cause is not reported again while `alreadyReported` names it
 * (n8n re-activates the trigger after a report: it keeps retrying, and the liveness alarm speaks
 * next), so an outage does not run the error workflow every few seconds.
 */
export const REPORT_AFTER: Record<FailureClass, number> = {
	credential: 1,
	login: 3,
	mailbox: 3,
	certificate: 3,
	action: 1,
	message: 3,
	transient: 3,
};

/** In a manual run the user is waiting: transient failures end it after this many attempts. */
export const MANUAL_ATTEMPTS = 3;

export interface PolicyOptions {
	manual?: boolean;
	/** The key of a transient failure reported a short while ago: retried, not reported again. */
	alreadyReported?: string;
	initialDelayMs?: number;
	maxDelayMs?: number;
	random?: () => number;
}

/** Delay before the next attempt after `failures` failures in a row (≥ 1). */
export function backoffDelay(failures: number, options: PolicyOptions = {}): number {
	const initial = options.initialDelayMs ?? INITIAL_DELAY_MS;
	const max = options.maxDelayMs ?? MAX_DELAY_MS;
	const random = options.random ?? Math.random;
	const base = Math.min(max, initial * 2 ** Math.max(0, failures - 1));
	return Math.floor(base * (1 + JITTER * random()));
}

function failed(failure: Failure, history: History, options: PolicyOptions): Decision {
	const sameKey = history.lastKey === failure.key ? history.sameKey + 1 : 1;
	const next: History = { failures: history.failures + 1, sameKey, lastKey: failure.key };
	const limit = options.manual
		? Math.min(REPORT_AFTER[failure.class], MANUAL_ATTEMPTS)
		: REPORT_AFTER[failure.class];
	const quiet =
		!options.manual && failure.class === 'transient' && failure.key === options.alreadyReported;
	if (!quiet && (sameKey >= limit || (options.manual && next.failures >= MANUAL_ATTEMPTS)))
		return { action: 'report', failure, history: next };
	return { action: 'retry', delayMs: backoffDelay(next.failures, options), history: next, failure };
}

export function decide(end: SessionEnd, history: History, options: PolicyOptions = {}): Decision {
	const random = options.random ?? Math.random;
	switch (end.how) {
		case 'stopped':
			return { action: 'stop' };
		case 'planned':
			return { action: 'retry', delayMs: 0, history: EMPTY_HISTORY };
		case 'failedStart':
		case 'endedDuringSync':
			return failed(end.failure, history, options);
		case 'ended':
			if (end.progressed || end.livedMs >= STABLE_SESSION_MS) {
				// A command the server refused is still reported, whatever came before it.
				if (end.failure && end.failure.class !== 'transient')
					return failed(end.failure, EMPTY_HISTORY, options);
				return {
					action: 'retry',
					delayMs: Math.floor(random() * QUICK_RECONNECT_MS),
					history: EMPTY_HISTORY,
					failure: end.failure,
				};
			}
			// Up and down again without doing anything: a failure like any other, so it backs off.
			return failed(
				end.failure ?? {
					class: 'transient',
					key: 'ended',
					message: 'The server ended the session before it did any work',
				},
				history,
				options,
			);
	}
}
