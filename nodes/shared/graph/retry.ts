/**
 * The retry policy of the credential, applied to every Graph call and to each throttled
 * sub-request of a `$batch`.
 *
 * Graph throttling guidance: honour Retry-After on 429 and 503 (and 504 from the gateway); it may
 * be seconds or an HTTP date. https://learn.microsoft.com/graph/throttling
 */
export const DEFAULT_RETRY_STATUS_CODES = '429|503|504';
export const DEFAULT_MAX_RETRIES = 5;
export const DEFAULT_BASE_WAIT_SECONDS = 1;
/** No single wait is longer than this, whatever Retry-After says: a workflow should not hang for an hour. */
export const MAX_RETRY_WAIT_SECONDS = 180;

export type RetryMode = 'none' | 'statusCodes' | 'anyError';

export interface RetryPolicy {
	mode: RetryMode;
	statusCodes: number[];
	maxRetries: number;
	baseWaitMs: number;
	doubles: boolean;
	maxWaitMs: number;
}

export interface RetryCredentialFields {
	retryMode?: string;
	retryStatusCodes?: string;
	maxRetries?: number;
	retryBaseWaitSeconds?: number;
	retryBackoffDoubles?: boolean;
}

export function parseStatusCodes(value: string | undefined): number[] {
	return (value ?? DEFAULT_RETRY_STATUS_CODES)
		.split(/[|,\s]+/)
		.map((code) => Number(code))
		.filter((code) => Number.isInteger(code) && code >= 100 && code <= 599);
}

export function retryPolicyFromCredential(fields: RetryCredentialFields): RetryPolicy {
	const mode = (
		['none', 'statusCodes', 'anyError'].includes(fields.retryMode ?? '')
			? fields.retryMode
			: 'statusCodes'
	) as RetryMode;
	return {
		mode,
		statusCodes: parseStatusCodes(fields.retryStatusCodes),
		maxRetries: Math.max(0, Math.floor(fields.maxRetries ?? DEFAULT_MAX_RETRIES)),
		baseWaitMs: Math.max(0, (fields.retryBaseWaitSeconds ?? DEFAULT_BASE_WAIT_SECONDS) * 1000),
		doubles: fields.retryBackoffDoubles ?? true,
		maxWaitMs: MAX_RETRY_WAIT_SECONDS * 1000,
	};
}

/**
 * Whether the credential's policy counts a response status (or a network failure, status
 * undefined) as worth another try. Whether the request may be repeated at all is
 * {@link mayRepeat}'s question.
 */
export function isRetryable(policy: RetryPolicy, status: number | undefined): boolean {
	if (policy.mode === 'none') return false;
	if (policy.mode === 'anyError') return status === undefined || status === 429 || status >= 500;
	return status !== undefined && policy.statusCodes.includes(status);
}

/**
 * POST actions that end in the same state however often they run, or only read: moving an item
 * to a folder (immutable IDs survive the move), purging one, free/busy and meeting-time queries,
 * mail tips, renewing a subscription's authorization. Every other POST creates or sends something.
 * https://learn.microsoft.com/graph/api/message-move, /graph/api/calendar-getschedule,
 * /graph/api/user-findmeetingtimes, /graph/api/user-getmailtips, /graph/api/subscription-reauthorize
 */
const REPEATABLE_POST_ACTIONS = new Set([
	'move',
	'permanentDelete',
	'getSchedule',
	'findMeetingTimes',
	'getMailTips',
	'reauthorize',
]);

/**
 * Whether running a request twice leaves the same state as running it once: GET, PUT, PATCH and
 * DELETE (RFC 9110 §9.2.2), and the POST actions above. The default of a request's `idempotent`.
 */
export function isIdempotentRequest(method: string, path: string): boolean {
	if (method.toUpperCase() !== 'POST') return true;
	const action = path.split('?')[0].split('/').pop() ?? '';
	return REPEATABLE_POST_ACTIONS.has(action);
}

/** How a request failed: its status (undefined: no answer), Retry-After, the network error's code. */
export interface RequestFailure {
	status?: number;
	retryAfter?: string | null;
	networkCode?: string;
}

/**
 * Whether a failed request is sent again: the policy must count the failure as retryable, and a
 * request that is not idempotent is repeated only when the failure proves Graph did not process
 * it (429, 503 with Retry-After, never connected). After a reset, a timeout or another 5xx Graph
 * may have done the work (made the copy, created the item), and a repeat would do it twice.
 * https://learn.microsoft.com/graph/errors#http-status-codes
 */
export function mayRepeat(
	policy: RetryPolicy,
	failure: RequestFailure,
	idempotent: boolean,
): boolean {
	if (!isRetryable(policy, failure.status)) return false;
	return (
		idempotent ||
		sendFailureKind(failure.status, failure.retryAfter, failure.networkCode) === 'notProcessed'
	);
}

/** The policy would have repeated a request, but it is not idempotent and may have had its effect. */
export function withheldRepeat(
	policy: RetryPolicy,
	failure: RequestFailure,
	idempotent: boolean,
): boolean {
	return isRetryable(policy, failure.status) && !mayRepeat(policy, failure, idempotent);
}

/** What the item's error adds when a request was not repeated for that reason. */
export const MAY_HAVE_BEEN_APPLIED =
	'Microsoft Graph may or may not have done this before the failure, so it was not repeated: check the mailbox (for example for a copy or a new item) before running this item again.';

/**
 * Milliseconds to wait from a Retry-After header value: delta-seconds or an HTTP-date
 * (RFC 9110 §10.2.3). Undefined when absent or unreadable.
 */
export function parseRetryAfter(
	value: string | null | undefined,
	now = Date.now(),
): number | undefined {
	if (value === null || value === undefined || value.trim() === '') return undefined;
	const trimmed = value.trim();
	if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
	const date = Date.parse(trimmed);
	if (Number.isNaN(date)) return undefined;
	return Math.max(0, date - now);
}

/**
 * What the retry loop reads from the clock and the dice; tests replace these (jest.spyOn) to
 * record waits or fix the jitter.
 */
export const retryClock = {
	/** Waits `ms`; rejects at once when `signal` aborts. */
	async sleep(ms: number, signal?: AbortSignal): Promise<void> {
		await sleep(ms, signal);
	},
	random: (): number => Math.random(),
};

/**
 * The wait before retry number `attempt` (1-based): Retry-After when given, else the backoff with
 * "equal jitter" (between half and all of it), so executions throttled together do not come back
 * together. Capped at `maxWaitMs`.
 * https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 */
export function retryDelayMs(
	policy: RetryPolicy,
	attempt: number,
	retryAfter: string | null | undefined,
	now = Date.now(),
	random = retryClock.random(),
): number {
	const fromHeader = parseRetryAfter(retryAfter, now);
	const backoff = policy.doubles ? policy.baseWaitMs * 2 ** (attempt - 1) : policy.baseWaitMs;
	const jittered = Math.round(backoff * (0.5 + 0.5 * Math.min(1, Math.max(0, random))));
	return Math.min(fromHeader ?? jittered, policy.maxWaitMs);
}

/** Waits `ms`, or rejects with an {@link ExecutionCancelledError} as soon as `signal` aborts. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
	if (!signal) return await new Promise<void>((resolve) => setTimeout(resolve, ms));
	if (signal.aborted) throw new ExecutionCancelledError();
	await new Promise<void>((resolve, reject) => {
		const onAbort = () => {
			clearTimeout(timer);
			reject(new ExecutionCancelledError());
		};
		const timer = setTimeout(() => {
			signal.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		signal.addEventListener('abort', onAbort, { once: true });
	});
}

/** The user (or n8n's timeout) stopped the execution while a request waited to be retried. */
export class ExecutionCancelledError extends Error {
	constructor() {
		super('The execution was cancelled while waiting to retry a Microsoft Graph request');
		this.name = 'ExecutionCancelledError';
	}
}

/** What one attempt came to: a result, or a request for another try (and what to do when none is left). */
export type AttemptOutcome<T> =
	| { done: T }
	| {
			retry: {
				/** Graph's Retry-After header, when it sent one. */
				retryAfter?: string | null;
				/** Why, for the log: "Microsoft Graph answered 429". */
				reason: string;
			};
			/** The result (or the error thrown) when the retry budget is spent. */
			giveUp: () => T;
	  };

export interface RetryLoopOptions {
	/** Called once per wait, before it. */
	log: (message: string) => void;
	/** n8n's execution cancel signal: an abort ends the loop at once, even mid-wait. */
	signal?: AbortSignal;
}

/**
 * The one retry loop of the package (requests, `$batch` sub-requests, upload chunks): runs
 * `attempt(1)`, `attempt(2)`… until one is done or `policy.maxRetries` retries are spent, waiting
 * Retry-After (else the jittered backoff, capped) between them.
 */
export async function withRetry<T>(
	policy: RetryPolicy,
	attempt: (attemptNumber: number) => Promise<AttemptOutcome<T>>,
	options: RetryLoopOptions,
): Promise<T> {
	for (let attemptNumber = 1; ; attemptNumber++) {
		if (options.signal?.aborted) throw new ExecutionCancelledError();
		const outcome = await attempt(attemptNumber);
		if ('done' in outcome) return outcome.done;
		if (attemptNumber > policy.maxRetries) return outcome.giveUp();
		const wait = retryDelayMs(policy, attemptNumber, outcome.retry.retryAfter);
		options.log(
			`${outcome.retry.reason}; retry ${attemptNumber} of ${policy.maxRetries} in ${wait} ms`,
		);
		await retryClock.sleep(wait, options.signal);
	}
}

/**
 * Exchange saves a sent message to Sent Items asynchronously (usually within seconds, longer under
 * load), so a single look right after an ambiguous failure can miss a message that was sent and
 * send it twice. The look is repeated, this many times in all, this far apart, before the message
 * counts as not sent: at most (SENT_CHECK_LOOKS - 1) × SENT_CHECK_DELAY_MS of waiting per send.
 * https://learn.microsoft.com/graph/api/user-sendmail ("saves the message in the Sent Items folder")
 */
export const SENT_CHECK_LOOKS = 3;
export const SENT_CHECK_DELAY_MS = 5_000;

/** True as soon as one of up to SENT_CHECK_LOOKS looks finds the message; waits between looks. */
export async function foundSentWithin(
	wasSent: () => Promise<boolean>,
	signal?: AbortSignal,
): Promise<boolean> {
	for (let look = 1; ; look++) {
		if (await wasSent()) return true;
		if (look >= SENT_CHECK_LOOKS) return false;
		await retryClock.sleep(SENT_CHECK_DELAY_MS, signal);
	}
}

/** Network failures before any byte reached Graph: nothing can have been processed. */
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * For a request that sends mail: whether a failure proves Graph did not accept it ('notProcessed':
 * safe to send again), leaves it open ('ambiguous': look before sending again), or is an answer
 * to report ('final'). 429 is throttling before processing; 503 with Retry-After is the service
 * refusing work; 500/502/504, a 503 without Retry-After, a timeout or a reset may come after
 * Exchange took the message. https://learn.microsoft.com/graph/errors#http-status-codes
 */
export function sendFailureKind(
	status: number | undefined,
	retryAfter: string | null | undefined,
	networkCode?: string,
): 'notProcessed' | 'ambiguous' | 'final' {
	if (status === undefined) {
		return networkCode && NEVER_CONNECTED.has(networkCode) ? 'notProcessed' : 'ambiguous';
	}
	if (status === 429) return 'notProcessed';
	if (status === 503) return retryAfter ? 'notProcessed' : 'ambiguous';
	if (status === 500 || status === 502 || status === 504) return 'ambiguous';
	return 'final';
}
