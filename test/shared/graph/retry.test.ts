/**
 * The credential's retry policy: the pure functions, then the transport applying it through
 * n8n-core. Waits are recorded through a spy on `sleep` (no test waits for backoff) except one
 * that measures a real `Retry-After: 2`.
 */
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import * as retry from '../../../nodes/shared/graph/retry';
import {
	isIdempotentRequest,
	isRetryable,
	mayRepeat,
	parseRetryAfter,
	parseStatusCodes,
	retryDelayMs,
	retryPolicyFromCredential,
	type RetryPolicy,
} from '../../../nodes/shared/graph/retry';
import {
	connectedCredential,
	expectGraphContractKept,
	startStandIns,
	type StandIns,
} from '../../support/fixtures';
import { N8nHarness } from '../../support/n8n-harness';
import { GraphProbe, PROBE_NODE_TYPE } from '../../support/probe-node';

const policy = (overrides: Partial<RetryPolicy> = {}): RetryPolicy => ({
	mode: 'statusCodes',
	statusCodes: [429, 503, 504],
	maxRetries: 5,
	baseWaitMs: 1000,
	doubles: true,
	maxWaitMs: 180_000,
	...overrides,
});

describe('retry policy (pure)', () => {
	const now = Date.parse('2026-01-05T10:00:00Z');

	it('reads Retry-After as delta-seconds and as an HTTP-date (RFC 9110 §10.2.3)', () => {
		expect(parseRetryAfter('2', now)).toBe(2000);
		expect(parseRetryAfter(' 0 ', now)).toBe(0);
		expect(parseRetryAfter('1.5', now)).toBe(1500);
		expect(parseRetryAfter('Mon, 05 Jan 2026 10:00:07 GMT', now)).toBe(7000);
		expect(parseRetryAfter('Mon, 05 Jan 2026 09:59:00 GMT', now)).toBe(0);
		expect(parseRetryAfter('soon', now)).toBeUndefined();
		expect(parseRetryAfter('', now)).toBeUndefined();
		expect(parseRetryAfter(null, now)).toBeUndefined();
	});

	it('lets Retry-After win over the backoff, and caps every wait', () => {
		expect(retryDelayMs(policy(), 3, '2', now)).toBe(2000);
		expect(retryDelayMs(policy(), 1, 'Mon, 05 Jan 2026 10:00:03 GMT', now)).toBe(3000);
		expect(retryDelayMs(policy(), 1, '3600', now)).toBe(180_000);
	});

	it('backs off from the base wait, doubling each try unless told not to', () => {
		expect([1, 2, 3, 4].map((attempt) => retryDelayMs(policy(), attempt, null, now, 1))).toEqual([
			1000, 2000, 4000, 8000,
		]);
		expect(
			[1, 2, 3].map((attempt) =>
				retryDelayMs(policy({ doubles: false }), attempt, undefined, now, 1),
			),
		).toEqual([1000, 1000, 1000]);
		expect(retryDelayMs(policy(), 20, null, now, 1)).toBe(180_000);
	});

	it('jitters the backoff between half and all of it (parallel executions spread out); Retry-After is kept as sent', () => {
		expect(retryDelayMs(policy(), 3, null, now, 0)).toBe(2000);
		expect(retryDelayMs(policy(), 3, null, now, 0.5)).toBe(3000);
		expect(retryDelayMs(policy(), 3, null, now, 1)).toBe(4000);
		expect(retryDelayMs(policy(), 3, '7', now, 0)).toBe(7000);
		const spread = new Set(Array.from({ length: 50 }, () => retryDelayMs(policy(), 4, null, now)));
		expect(spread.size).toBeGreaterThan(10);
		for (const wait of spread) {
			expect(wait).toBeGreaterThanOrEqual(4000);
			expect(wait).toBeLessThanOrEqual(8000);
		}
	});

	it('retries only what the mode allows', () => {
		expect([429, 503, 504, 500, 404, undefined].map((s) => isRetryable(policy(), s))).toEqual([
			true,
			true,
			true,
			false,
			false,
			false,
		]);
		expect(
			[429, 503, 500, 502, 404, undefined].map((s) => isRetryable(policy({ mode: 'anyError' }), s)),
		).toEqual([true, true, true, true, false, true]);
		expect([429, 503, undefined].map((s) => isRetryable(policy({ mode: 'none' }), s))).toEqual([
			false,
			false,
			false,
		]);
	});

	it('repeats a request that is not idempotent only after a failure Graph did not process', () => {
		const copy = isIdempotentRequest('POST', '/me/messages/a%2Fb/copy');
		const move = isIdempotentRequest('POST', '/me/messages/a/move');
		expect([copy, move, isIdempotentRequest('POST', '/me/messages')]).toEqual([false, true, false]);
		expect(['GET', 'PATCH', 'PUT', 'DELETE'].map((m) => isIdempotentRequest(m, '/me/x'))).toEqual([
			true,
			true,
			true,
			true,
		]);
		const anyError = policy({ mode: 'anyError' });
		const failures = [
			{ status: 429 },
			{ status: 503, retryAfter: '2' },
			{ networkCode: 'ECONNREFUSED' },
			{ status: 503 },
			{ status: 502 },
			{ networkCode: 'ECONNRESET' },
		];
		expect(failures.map((f) => mayRepeat(anyError, f, false))).toEqual([
			true,
			true,
			true,
			false,
			false,
			false,
		]);
		expect(failures.map((f) => mayRepeat(anyError, f, true))).toEqual(failures.map(() => true));
	});

	it('reads the credential fields, with defaults for what is missing', () => {
		expect(retryPolicyFromCredential({})).toEqual({
			mode: 'statusCodes',
			statusCodes: [429, 503, 504],
			maxRetries: 5,
			baseWaitMs: 1000,
			doubles: true,
			maxWaitMs: 180_000,
		});
		expect(
			retryPolicyFromCredential({
				retryMode: 'none',
				retryStatusCodes: '429, 500|x|999',
				maxRetries: 2.7,
				retryBaseWaitSeconds: 0.5,
				retryBackoffDoubles: false,
			}),
		).toEqual({
			mode: 'none',
			statusCodes: [429, 500],
			maxRetries: 2,
			baseWaitMs: 500,
			doubles: false,
			maxWaitMs: 180_000,
		});
		expect(retryPolicyFromCredential({ retryMode: 'bogus', maxRetries: -3 })).toMatchObject({
			mode: 'statusCodes',
			maxRetries: 0,
		});
		expect(parseStatusCodes(undefined)).toEqual([429, 503, 504]);
	});

	it('sleep waits on the timer it is given (fake timers)', async () => {
		jest.useFakeTimers();
		try {
			let done = false;
			const waiting = retry.sleep(2000).then(() => (done = true));
			await jest.advanceTimersByTimeAsync(1999);
			expect(done).toBe(false);
			await jest.advanceTimersByTimeAsync(1);
			await waiting;
			expect(done).toBe(true);
		} finally {
			jest.useRealTimers();
		}
	});
});

describe('retry policy applied by the transport through n8n-core', () => {
	let s: StandIns;
	let waits: number[];

	beforeAll(async () => (s = await startStandIns()));
	afterAll(async () => await s.close());
	beforeEach(() => {
		s.graph.reset();
		s.graph.on('GET', '/me', { body: { id: 'u1' } });
		waits = [];
	});
	afterEach(() => {
		jest.restoreAllMocks();
		expectGraphContractKept(s.graph);
	});

	/** Records each wait the transport asks for, without waiting. */
	const recordWaits = () => {
		// The top of the jitter range: each wait is the full backoff.
		jest.spyOn(retry.retryClock, 'random').mockReturnValue(1);
		return jest
			.spyOn(retry.retryClock, 'sleep')
			.mockImplementation(async (ms: number) => void waits.push(ms));
	};
	const harness = (overrides = {}) =>
		new N8nHarness({ [PROBE_NODE_TYPE]: new GraphProbe() }, connectedCredential(s, overrides));
	const run = async (n8n: N8nHarness) =>
		await n8n.execute(PROBE_NODE_TYPE, { parameters: { path: '/me' } });

	it('429 with Retry-After: 2 waits about 2 s, then succeeds', async () => {
		s.graph.throttle('GET', '/me', 1, { retryAfter: '2' });
		// The real wait, timed on its own (a busy machine slows the requests, not the timer).
		const realSleep = retry.retryClock.sleep.bind(retry.retryClock);
		const slept: number[] = [];
		jest.spyOn(retry.retryClock, 'sleep').mockImplementation(async (ms, signal) => {
			const started = Date.now();
			await realSleep(ms, signal);
			slept.push(Date.now() - started);
		});
		const [out] = await run(harness());
		expect(out[0].json).toEqual({ id: 'u1' });
		expect(s.graph.requests.map((r) => r.path)).toEqual(['/me', '/me']);
		expect(slept).toHaveLength(1);
		expect(slept[0]).toBeGreaterThanOrEqual(1990);
		expect(slept[0]).toBeLessThan(2500);
	});

	it('429 with an HTTP-date Retry-After waits until that date', async () => {
		recordWaits();
		// HTTP-dates have whole seconds: 3 s ahead is between 2 and 3 s from now.
		s.graph.throttle('GET', '/me', 1, { retryAfter: new Date(Date.now() + 3000).toUTCString() });
		const [out] = await run(harness());
		expect(out[0].json).toEqual({ id: 'u1' });
		expect(waits).toHaveLength(1);
		expect(waits[0]).toBeGreaterThan(1500);
		expect(waits[0]).toBeLessThanOrEqual(3000);
		expect(s.graph.requests).toHaveLength(2);
	});

	it('503 without Retry-After backs off from the base wait, doubling', async () => {
		recordWaits();
		s.graph.throttle('GET', '/me', 3, { status: 503 });
		const [out] = await run(harness({ retryBaseWaitSeconds: 1.5 }));
		expect(out[0].json).toEqual({ id: 'u1' });
		expect(waits).toEqual([1500, 3000, 6000]);
		expect(s.graph.requests).toHaveLength(4);
	});

	it('without doubling every wait is the base wait', async () => {
		recordWaits();
		s.graph.throttle('GET', '/me', 2, { status: 504 });
		await run(harness({ retryBaseWaitSeconds: 2, retryBackoffDoubles: false }));
		expect(waits).toEqual([2000, 2000]);
	});

	it('a POST answered 504 is not retried (Graph may have done it already); a GET is', async () => {
		recordWaits();
		s.graph.on('POST', '/me/sendMail', { status: 202 });
		s.graph.throttle('POST', '/me/sendMail', 1, { status: 504 });
		const n8n = harness();
		const error = await n8n
			.execute(PROBE_NODE_TYPE, {
				parameters: { method: 'POST', path: '/me/sendMail', body: { message: { subject: 'x' } } },
			})
			.catch((e: unknown) => e);
		expect((error as NodeApiError).httpCode).toBe('504');
		expect(s.graph.requests.filter((r) => r.path === '/me/sendMail')).toHaveLength(1);
		expect(waits).toEqual([]);
		expect(retry.isRetryable(retry.retryPolicyFromCredential({}), 504)).toBe(true);
		expect(retry.isRetryable(retry.retryPolicyFromCredential({}), 503)).toBe(true);
	});

	it('when retries are exhausted the error names the status and the attempts', async () => {
		recordWaits();
		s.graph.throttle('GET', '/me', 10, { retryAfter: '1' });
		const error = await run(harness({ maxRetries: 2 })).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeApiError);
		const apiError = error as NodeApiError;
		expect(apiError.message).toBe(
			'Microsoft Graph answered 429 TooManyRequests: Please retry again later. (after 3 attempts)',
		);
		expect(apiError.description).toMatch(
			/still throttling or unavailable after 3 attempts.*Max Retries/,
		);
		expect(apiError.httpCode).toBe('429');
		expect(waits).toEqual([1000, 1000]);
		expect(s.graph.requests).toHaveLength(3);
	});

	it('mode None fails at the first 429 without waiting', async () => {
		recordWaits();
		s.graph.throttle('GET', '/me', 1, { retryAfter: '1' });
		const error = (await run(harness({ retryMode: 'none' })).catch(
			(e: unknown) => e,
		)) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(
			'Microsoft Graph answered 429 TooManyRequests: Please retry again later.',
		);
		expect(waits).toEqual([]);
		expect(s.graph.requests).toHaveLength(1);
	});

	it('a status not in the list is not retried', async () => {
		recordWaits();
		s.graph.throttle('GET', '/me', 1, { status: 503 });
		const error = (await run(harness({ retryStatusCodes: '429' })).catch(
			(e: unknown) => e,
		)) as NodeApiError;
		expect(error.httpCode).toBe('503');
		expect(waits).toEqual([]);
		expect(s.graph.requests).toHaveLength(1);
	});

	it('mode Any Error retries a network failure, then reports it without the request config', async () => {
		recordWaits();
		const n8n = harness({
			retryMode: 'anyError',
			maxRetries: 2,
			customGraphUrl: 'http://127.0.0.1:1',
		});
		const error = (await run(n8n).catch((e: unknown) => e)) as NodeOperationError;
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(/^Could not reach Microsoft Graph at http:\/\/127\.0\.0\.1:1: /);
		expect(waits).toEqual([10, 20]);
	});
});

describe('cancelling the execution through n8n-core', () => {
	let s: StandIns;

	beforeAll(async () => (s = await startStandIns()));
	afterAll(async () => await s.close());
	beforeEach(() => {
		s.graph.reset();
		s.graph.on('GET', '/me', { body: { id: 'u1' } });
	});
	afterEach(() => expectGraphContractKept(s.graph));

	const until = async (condition: () => boolean) => {
		while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
	};

	it('a cancelled execution ends within a second during a 180 s Retry-After wait, and sends nothing more', async () => {
		s.graph.throttle('GET', '/me', 5, { retryAfter: '180' });
		const n8n = new N8nHarness({ [PROBE_NODE_TYPE]: new GraphProbe() }, connectedCredential(s));
		const controller = new AbortController();
		const run = n8n
			.execute(PROBE_NODE_TYPE, { parameters: { path: '/me' }, abortSignal: controller.signal })
			.then(
				() => undefined,
				(error: unknown) => error as Error,
			);
		await until(() => s.graph.requests.length === 1);
		await new Promise((resolve) => setTimeout(resolve, 200));
		const cancelledAt = Date.now();
		controller.abort();
		const error = await run;
		expect(Date.now() - cancelledAt).toBeLessThan(1000);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error?.message).toMatch(/cancelled/);
		expect(s.graph.requests).toHaveLength(1);
	});

	it('a cancelled execution stops a $batch waiting for throttled sub-requests', async () => {
		s.graph.on('GET', '/me/messages/:id', (_request, params) => ({ body: { id: params.id } }));
		s.graph.throttle('GET', '/me/messages/b', 1, { retryAfter: '180' });
		const n8n = new N8nHarness({ [PROBE_NODE_TYPE]: new GraphProbe() }, connectedCredential(s));
		const controller = new AbortController();
		const run = n8n
			.execute(PROBE_NODE_TYPE, {
				parameters: { mode: 'batch', path: "={{ '/me/messages/' + $json.id }}" },
				items: [{ json: { id: 'a' } }, { json: { id: 'b' } }],
				abortSignal: controller.signal,
			})
			.then(
				() => undefined,
				(error: unknown) => error as Error,
			);
		await until(() => s.graph.requests.length === 3);
		await new Promise((resolve) => setTimeout(resolve, 200));
		const cancelledAt = Date.now();
		controller.abort();
		const error = await run;
		expect(Date.now() - cancelledAt).toBeLessThan(1000);
		expect(error?.message).toMatch(/cancelled/);
		expect(s.graph.requests.filter((r) => r.path === '/$batch')).toHaveLength(1);
	});
});
