/**
 * The emits whose executions n8n has not finished (nodes/OutlookImapTrigger/inFlight.ts): how long
 * closing may wait when n8n stops, which settlements mean "never started", and the wait itself.
 */
import { ManualExecutionCancelledError, SystemShutdownExecutionCancelledError } from 'n8n-workflow';

import { InFlight, drainBudgetMs, type DonePromise } from '../../nodes/OutlookImapTrigger/inFlight';

function logger() {
	return { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn() };
}
/** What n8n-core's helpers.createDeferredPromise returns. */
function deferred(): DonePromise {
	let resolve!: DonePromise['resolve'];
	let reject!: DonePromise['reject'];
	const promise = new Promise<never>((res, rej) => {
		resolve = res as DonePromise['resolve'];
		reject = rej;
	});
	return { promise, resolve, reject } as DonePromise;
}

/** n8n-core's ExecutionNotFoundError: the execution finished before n8n asked for its result. */
class ExecutionNotFoundError extends Error {}

describe('drainBudgetMs', () => {
	it("is half of n8n's graceful shutdown timeout, at most 20 s", () => {
		expect(drainBudgetMs({})).toBe(15_000);
		expect(drainBudgetMs({ N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10' })).toBe(5_000);
		expect(drainBudgetMs({ N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '120' })).toBe(20_000);
		expect(drainBudgetMs({ N8N_GRACEFUL_SHUTDOWN_TIMEOUT: 'soon' })).toBe(15_000);
		expect(drainBudgetMs({ N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '0' })).toBe(15_000);
	});
});

describe('InFlight', () => {
	it('releases an emit when n8n settles it, and warns only when the execution never started', async () => {
		const log = logger();
		const inFlight = new InFlight(log, deferred);
		const finished = inFlight.track({ uid: 1, subject: 'one' });
		const cancelled = inFlight.track({ uid: 2 });
		const shutdown = inFlight.track({ uid: 3 });
		const gone = inFlight.track({ uid: 4 });
		const failed = inFlight.track({ uid: 5, subject: 'five' });
		expect(inFlight.size).toBe(5);
		finished.resolve({} as never);
		cancelled.reject(new ManualExecutionCancelledError('9'));
		shutdown.reject(new SystemShutdownExecutionCancelledError('10'));
		gone.reject(new ExecutionNotFoundError('Execution 11 not found'));
		failed.reject(new Error('Cannot use a pool after calling end on the pool'));
		expect(await inFlight.drain(1_000)).toBe(0);
		expect(inFlight.size).toBe(0);
		expect(log.warn).toHaveBeenCalledTimes(1);
		expect(log.warn).toHaveBeenCalledWith(expect.stringMatching(/could not start the execution/), {
			uid: 5,
			subject: 'five',
			error: 'Cannot use a pool after calling end on the pool',
		});
	});

	it('waits for the emits still open, at most its budget', async () => {
		const inFlight = new InFlight(logger(), deferred);
		expect(await inFlight.drain(10_000)).toBe(0);
		const slow = inFlight.track({ uid: 1 });
		inFlight.track({ uid: 2 });
		setTimeout(() => slow.resolve({} as never), 50);
		const started = Date.now();
		expect(await inFlight.drain(300)).toBe(1);
		const waited = Date.now() - started;
		expect(waited).toBeGreaterThanOrEqual(290);
		expect(waited).toBeLessThan(2_000);
	});
});
