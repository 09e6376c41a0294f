/**
 * n8n stops in the middle of a burst (the host model of test/support/n8n-harness.ts: emit() saves
 * the static data and returns, executions are created afterwards one after another, and on SIGTERM
 * n8n awaits closeFunction and then closes its database, failing the creations still queued).
 * Every message still gets exactly one execution across the restart: the trigger stops emitting
 * at the signal (hostStop.ts) and closing waits for the queued creations (inFlight.ts).
 */
import type { TriggerRun } from '../support/n8n-harness';
import { captureLogs, sleep, useImapRig, textMessage, TYPE, waitFor } from './support';

const rig = useImapRig();

const ENV = 'N8N_GRACEFUL_SHUTDOWN_TIMEOUT';
let savedEnv: string | undefined;
beforeEach(() => {
	savedEnv = process.env[ENV];
});
afterEach(() => {
	if (savedEnv === undefined) delete process.env[ENV];
	else process.env[ENV] = savedEnv;
});

const subjectsOf = (executions: TriggerRun['executions']) =>
	executions.flat().map((item) => String(item.json.subject));

/** 60 messages, n8n stopped after the first executions exist, then started again with what it saved. */
async function burstWithRestart(folder: string, runMs: number | 'never' = 'never') {
	await rig.dovecot.createMailbox(folder);
	const parameters = rig.parameters({ folder: { __rl: true, mode: 'path', value: folder } });
	const n8n = rig.harness();
	// Creations take a while each and queue up. With runMs 'never': queue mode as the e2e cluster
	// runs it, the workers are busy and no execution finishes before the main stops.
	const first = await n8n.activateTrigger(TYPE, {
		parameters,
		host: { creationMs: 40, runMs, handlesSignals: true },
	});
	await waitFor(() => first.staticData.imapCursor, 10_000, 'the cursor baseline');
	const subjects = Array.from({ length: 60 }, (_, i) => `${folder} ${i + 1}`);
	// Delivered at once (Maildir), as a burst arrives.
	await rig.dovecot.dropMessages(
		subjects.map((subject) => textMessage(subject)),
		{ mailbox: folder },
	);
	// Stopped while creations are queued behind the first executions.
	await waitFor(
		() => first.executions.length >= 3 && first.emitted.length - first.executions.length >= 5,
		10_000,
		'the first executions, with more emitted behind them',
	);
	const emittedAtStop = first.emitted.length;
	const started = Date.now();
	await first.stopHost();
	const stopMs = Date.now() - started;
	// What n8n saved before it stopped (the restarted trigger works on a copy of it).
	const saved = JSON.stringify(first.restartStaticData());
	const second = await n8n.activateTrigger(TYPE, {
		parameters,
		staticData: first.restartStaticData(),
	});
	try {
		await waitFor(
			() =>
				first.executions.length + second.executions.length >= subjects.length - first.lost.length,
			15_000,
			'an execution for every message',
		);
		await sleep(700);
		return { first, second, subjects, emittedAtStop, stopMs, saved };
	} finally {
		await second.close();
	}
}

test.each([
	['queue mode: no execution finishes before the stop, so closing waits its whole budget', 'never'],
	['regular mode: the executions finish, so closing ends when the last one did', 30],
] as const)(
	'n8n stops mid-burst (%s): the queued creations go through, and every message has exactly one execution after the restart',
	async (_, runMs) => {
		process.env[ENV] = '10';
		const logs = captureLogs();
		try {
			const { first, second, subjects, emittedAtStop, stopMs, saved } = await burstWithRestart(
				`Stop${runMs}`,
				runMs,
			);
			// Nothing lost to the closed database, nothing emitted after the signal.
			expect(first.lost).toEqual([]);
			expect(first.emitted.length).toBe(emittedAtStop);
			// Each message once (a Maildir delivery's UID order is the server's, not the list's).
			expect([...subjectsOf(first.executions), ...subjectsOf(second.executions)].sort()).toEqual(
				[...subjects].sort(),
			);
			// The saved cursor stands at the last message that has an execution.
			const lastUid = Number(first.executions.flat().at(-1)?.json.uid);
			expect(saved).toContain(`"lastUid":${lastUid}`);
			expect(logs.lines.some((l) => /n8n is stopping; waiting up to 5 s/.test(l.message))).toBe(
				true,
			);
			// Half of n8n's 10 s shutdown timeout; the regular-mode executions end long before.
			if (runMs === 'never') {
				expect(stopMs).toBeGreaterThanOrEqual(4_900);
				expect(stopMs).toBeLessThan(7_000);
			} else expect(stopMs).toBeLessThan(4_500);
		} finally {
			logs.restore();
		}
	},
	60_000,
);

test('the model is faithful: without time to wait, creations queued at the stop fail and their messages are lost', async () => {
	// n8n's shutdown timeout set so low that the trigger's budget is 0 ms.
	process.env[ENV] = '0.001';
	const logs = captureLogs();
	try {
		const { first, second, subjects } = await burstWithRestart('NoWait');
		expect(first.lost.length).toBeGreaterThan(0);
		const got = [...subjectsOf(first.executions), ...subjectsOf(second.executions)];
		expect(got.length).toBe(subjects.length - first.lost.length);
		// Each lost message is named in a warning (UID and subject), so the user can find it.
		const warned = logs.lines.filter((l) => /could not start the execution/.test(l.message));
		expect(warned).toHaveLength(first.lost.length);
		expect(warned[0].message).toContain(String(first.lost[0][0].json.subject));
	} finally {
		logs.restore();
	}
}, 60_000);

test('an ordinary deactivation does not wait for running executions', async () => {
	await rig.dovecot.createMailbox('Deactivate');
	const n8n = rig.harness();
	const run = await n8n.activateTrigger(TYPE, {
		parameters: rig.parameters({ folder: { __rl: true, mode: 'path', value: 'Deactivate' } }),
		host: { runMs: 'never', handlesSignals: true },
	});
	await waitFor(() => run.staticData.imapCursor, 10_000, 'the cursor baseline');
	for (const n of [1, 2, 3])
		await rig.dovecot.appendMessage(textMessage(`deactivate ${n}`), 'Deactivate');
	await waitFor(() => run.executions.length === 3, 10_000, '3 executions');
	const started = Date.now();
	await run.close();
	expect(Date.now() - started).toBeLessThan(2_000);
}, 30_000);
