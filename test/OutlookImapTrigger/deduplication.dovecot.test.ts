/**
 * n8n saves a trigger's static data fire-and-forget inside emit(), and saves of emits close
 * together can land out of order (PostgreSQL pool): a restart may read a cursor one message behind
 * what was emitted. The trigger gives every emit n8n's deduplication key (deduplication.ts), and n8n
 * 2.41 refuses a second execution with a key it holds, so the message re-read after the restart
 * does not run twice. The host model (test/support/n8n-harness.ts) has both halves: saves that
 * land out of order, and executions with a unique key that outlive the restart.
 */
import { deduplicationKey } from '../../nodes/OutlookImapTrigger/deduplication';
import type { HostDatabase, TriggerRun } from '../support/n8n-harness';
import { sleep, textMessage, TYPE, useImapRig, waitFor } from './support';

const rig = useImapRig();

const subjectsOf = (executions: TriggerRun['executions']) =>
	executions.flat().map((item) => String(item.json.subject));

/** 3 mails, each run once; n8n restarted with what it saved (a cursor one message behind). */
async function restartBehind(folder: string, honoursDeduplicationKeys: boolean) {
	await rig.dovecot.createMailbox(folder);
	const parameters = rig.parameters({ folder: { __rl: true, mode: 'path', value: folder } });
	const n8n = rig.harness();
	const database: HostDatabase = { deduplicationKeys: new Set() };
	const host = { database, honoursDeduplicationKeys };
	const first = await n8n.activateTrigger(TYPE, {
		parameters,
		host: { ...host, staticDataSaves: 'latestOvertaken' },
	});
	await waitFor(() => first.staticData.imapCursor, 10_000, 'the cursor baseline');
	const subjects = [1, 2, 3].map((n) => `${folder} ${n}`);
	for (const subject of subjects) await rig.dovecot.appendMessage(textMessage(subject), folder);
	await waitFor(() => first.executions.length === 3, 10_000, '3 executions');
	await first.close();
	// What n8n saved (the restarted trigger works on its own copy).
	const saved = first.restartStaticData();
	const second = await n8n.activateTrigger(TYPE, {
		parameters,
		staticData: first.restartStaticData(),
		host,
	});
	try {
		await waitFor(() => second.emitted.length >= 1, 10_000, 'the message after the saved cursor');
		await sleep(500);
		return { first, second, saved, subjects };
	} finally {
		await second.close();
	}
}

test('saves that land out of order leave the cursor one message behind; n8n refuses that message a second execution by its key', async () => {
	const { first, second, saved, subjects } = await restartBehind('Dedup', true);
	const uids = first.executions.flat().map((item) => Number(item.json.uid));
	// What n8n held: the cursor of the second message, though the third was emitted.
	expect(saved).toMatchObject({ 'node:Node Under Test': { imapCursor: { lastUid: uids[1] } } });
	// The restarted trigger emits the third again, with the same key, and n8n refuses it.
	expect(subjectsOf([second.emitted])).toEqual([subjects[2]]);
	expect(second.deduplicationKeys).toEqual([first.deduplicationKeys[2]]);
	expect(second.executions).toEqual([]);
	expect(subjectsOf(second.duplicates)).toEqual([subjects[2]]);
	// Every message ran exactly once.
	expect(subjectsOf(first.executions)).toEqual(subjects);
	// Each message has its own key.
	expect(new Set(first.deduplicationKeys).size).toBe(3);
	expect(first.deduplicationKeys.every((key) => /^outlook-imap:/.test(String(key)))).toBe(true);
}, 60_000);

test('the model is faithful: an n8n that ignores the key runs the third message twice', async () => {
	const { first, second, subjects } = await restartBehind('DedupIgnored', false);
	expect([...subjectsOf(first.executions), ...subjectsOf(second.executions)]).toEqual([
		...subjects,
		subjects[2],
	]);
}, 60_000);

test('a manual run (Fetch Test Event) gives no key, so it can be repeated', async () => {
	await rig.dovecot.createMailbox('DedupManual');
	await rig.dovecot.appendMessage(textMessage('manual sample'), 'DedupManual');
	const n8n = rig.harness();
	const parameters = rig.parameters({ folder: { __rl: true, mode: 'path', value: 'DedupManual' } });
	for (const attempt of [1, 2]) {
		const run = await n8n.activateTrigger(TYPE, { parameters, activation: 'manual' });
		try {
			// What the editor's Fetch Test Event calls (workflow-execute.js executeTriggerNode).
			await run.response?.manualTriggerFunction?.();
			await waitFor(() => run.emitted.length > 0, 10_000, `sample ${attempt}`);
			expect(run.deduplicationKeys.every((key) => key === undefined)).toBe(true);
		} finally {
			await run.close();
		}
	}
}, 60_000);

describe('deduplicationKey', () => {
	const message = { uidValidity: '1700000000', uid: 42 };
	const key = deduplicationKey('wf1', 'node-1', 'alice@contoso.com/INBOX', message);

	it('names the same message the same way every time, and fits n8n’s column', () => {
		expect(deduplicationKey('wf1', 'node-1', 'alice@contoso.com/INBOX', { ...message })).toBe(key);
		expect(key.length).toBeLessThanOrEqual(255);
		expect(key).toMatch(/^outlook-imap:wf1:[0-9a-f]{40}$/);
	});

	it.each([
		['another UID', ['wf1', 'node-1', 'alice@contoso.com/INBOX', { ...message, uid: 43 }]],
		[
			'a rebuilt folder (UIDVALIDITY)',
			['wf1', 'node-1', 'alice@contoso.com/INBOX', { ...message, uidValidity: '1700000001' }],
		],
		['another folder', ['wf1', 'node-1', 'alice@contoso.com/Archive', message]],
		['another mailbox', ['wf1', 'node-1', 'bob@contoso.com/INBOX', message]],
		['another trigger node', ['wf1', 'node-2', 'alice@contoso.com/INBOX', message]],
		['another workflow', ['wf2', 'node-1', 'alice@contoso.com/INBOX', message]],
	] as Array<[string, Parameters<typeof deduplicationKey>]>)('differs for %s', (_, args) => {
		expect(deduplicationKey(...args)).not.toBe(key);
	});
});
