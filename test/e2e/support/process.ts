import type { ChildProcess } from 'node:child_process';

/**
 * Stops a process started with `detached: true` together with its children (n8n and its task
 * runner share the process group): SIGTERM to the group, SIGKILL after `graceMs`.
 */
export async function stopProcessGroup(child: ChildProcess, graceMs: number): Promise<void> {
	const done = new Promise<void>((resolve) => child.once('close', () => resolve()));
	process.kill(-child.pid!, 'SIGTERM');
	const timer = setTimeout(() => {
		try {
			process.kill(-child.pid!, 'SIGKILL');
		} catch {
			// already gone
		}
	}, graceMs);
	await done;
	clearTimeout(timer);
}
