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
 * Whether a response status (or a network failure, status undefined) is worth another try.
 * A POST answered 504 is never retried: the gateway timed out, but Graph may already have done
 * the work (sent the mail, created the event), and a retry would do it twice. 429 and 503 mean
 * the request was not processed. https://learn.microsoft.com/graph/errors#http-status-codes
 */
export function isRetryable(
	policy: RetryPolicy,
	status: number | undefined,
	method?: string,
): boolean {
	if (policy.mode === 'none') return false;
	if (status === 504 && method?.toUpperCase() === 'POST') return false;
	if (policy.mode === 'anyError') return status === undefined || status === 429 || status >= 500;
	return status !== undefined && policy.statusCodes.includes(status);
}

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

/** The wait before retry number `attempt` (1-based): Retry-After when given, else the backoff. */
export function retryDelayMs(
	policy: RetryPolicy,
	attempt: number,
	retryAfter: string | null | undefined,
	now = Date.now(),
): number {
	const fromHeader = parseRetryAfter(retryAfter, now);
	const backoff = policy.doubles ? policy.baseWaitMs * 2 ** (attempt - 1) : policy.baseWaitMs;
	return Math.min(fromHeader ?? backoff, policy.maxWaitMs);
}

export const sleep = async (ms: number) =>
	await new Promise<void>((resolve) => setTimeout(resolve, ms));
