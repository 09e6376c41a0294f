/**
 * The trigger stops emitting the moment the process is told to stop (SIGTERM, SIGINT).
 *
 * n8n 2.41's trigger emit is fire-and-forget: it saves the workflow's static data (the trigger's
 * cursor) without waiting and creates the execution afterwards. An emit made while n8n shuts down
 * races that shutdown: its execution can fail ("Cannot use a pool after calling end on the pool",
 * seen when the main was restarted in the middle of a burst in queue mode) while the cursor that
 * covers it is saved, and the message would be lost. What the trigger has not emitted when the
 * signal arrives stays above the cursor and is emitted after the restart; what it emitted before
 * gets its execution while closing waits (inFlight.ts).
 *
 * Only for a signal the host handles itself (n8n does): a listener of ours must never change what
 * the signal does to the process. The listeners are removed once they fired or when the last
 * trigger is closed.
 */
const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

const stops = new Set<() => void>();
const listening = new Set<NodeJS.Signals>();

function release(): void {
	for (const signal of listening) process.removeListener(signal, onSignal);
	listening.clear();
}

function onSignal(): void {
	const pending = [...stops];
	stops.clear();
	release();
	for (const stop of pending) stop();
}

/** Calls `stop` when the process receives a signal its host handles; returns the undo. */
export function onHostStop(stop: () => void): () => void {
	for (const signal of SIGNALS) {
		if (listening.has(signal) || process.listenerCount(signal) === 0) continue;
		process.on(signal, onSignal);
		listening.add(signal);
	}
	if (!listening.size) return () => undefined;
	stops.add(stop);
	return () => {
		if (stops.delete(stop) && stops.size === 0) release();
	};
}
