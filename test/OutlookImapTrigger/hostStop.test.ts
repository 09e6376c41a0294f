/**
 * The IMAP trigger stops emitting when the process is told to stop (nodes/OutlookImapTrigger/hostStop.ts),
 * but only for signals the host (n8n) handles itself, so that the signal's effect never changes.
 */
import { onHostStop } from '../../nodes/OutlookImapTrigger/hostStop';

describe('onHostStop', () => {
	const host = jest.fn();
	afterEach(() => {
		process.removeListener('SIGTERM', host);
		host.mockReset();
	});

	it('adds no listener when the host handles no signal (the default exit stays)', () => {
		const unhandled = (['SIGTERM', 'SIGINT'] as const).filter((s) => !process.listenerCount(s));
		const stop = jest.fn();
		const undo = onHostStop(stop);
		for (const signal of unhandled) expect(process.listenerCount(signal)).toBe(0);
		undo();
	});

	it('stops every watcher on a signal the host handles, once, and then leaves the signal to the host', () => {
		const base = process.listenerCount('SIGTERM');
		process.on('SIGTERM', host);
		const sigint = process.listenerCount('SIGINT');
		const first = jest.fn();
		const second = jest.fn();
		onHostStop(first);
		onHostStop(second);
		expect(process.listenerCount('SIGTERM')).toBe(base + 2);
		// SIGINT only if something here handles it already (a test runner may); else no listener of ours.
		expect(process.listenerCount('SIGINT')).toBe(sigint ? sigint + 1 : 0);
		process.emit('SIGTERM');
		expect(first).toHaveBeenCalledTimes(1);
		expect(second).toHaveBeenCalledTimes(1);
		expect(host).toHaveBeenCalledTimes(1);
		expect(process.listenerCount('SIGTERM')).toBe(base + 1);
		process.emit('SIGTERM');
		expect(first).toHaveBeenCalledTimes(1);
	});

	it('a closed trigger is not stopped, and the last one closed removes the listener', () => {
		const base = process.listenerCount('SIGTERM');
		process.on('SIGTERM', host);
		const closed = jest.fn();
		const open = jest.fn();
		const undoClosed = onHostStop(closed);
		const undoOpen = onHostStop(open);
		undoClosed();
		expect(process.listenerCount('SIGTERM')).toBe(base + 2);
		undoOpen();
		expect(process.listenerCount('SIGTERM')).toBe(base + 1);
		process.emit('SIGTERM');
		expect(closed).not.toHaveBeenCalled();
		expect(open).not.toHaveBeenCalled();
	});
});
