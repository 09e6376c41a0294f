/**
 * Message Flagged through n8n-core's PollContext against the delta stand-in
 * (test/support/graph-delta.ts): once per flagging, nothing for what was flagged before the
 * trigger started, nothing twice across moves, restarts and a lost sync state.
 */
import type { IDataObject } from 'n8n-workflow';

import {
	deltaCalls,
	loseSyncStateAfterFirstPage,
	restartWithFolderRefreshDue,
	useTrigger,
} from './support';

const rl = (value: string, mode = 'id') => ({ __rl: true, mode, value });
const flagged = { flag: { flagStatus: 'flagged' } };
const cleared = { flag: { flagStatus: 'notFlagged' } };
const completed = { flag: { flagStatus: 'complete' } };

const flaggedEvent = (folders = [rl('inbox')], extra: IDataObject = {}) => ({
	event: 'messageFlagged',
	folders: { folder: folders.map((folder) => ({ folder })) },
	...extra,
});

const ids = (items: IDataObject[]) => items.map((i) => String(i.id));

describe('Outlook Trigger: Message Flagged', () => {
	const t = useTrigger();

	it('a flag set twice gives two executions, a flag set then cleared one (each poll sees the latest state)', async () => {
		const twice = t.mailbox.deliver('inbox');
		const once = t.mailbox.deliver('inbox');
		const runner = t.runner(flaggedEvent());
		expect(await runner.poll()).toEqual([]);

		t.mailbox.updateMessage(twice, flagged);
		t.mailbox.updateMessage(once, flagged);
		expect(ids(await runner.poll()).sort()).toEqual([twice, once].sort());
		t.mailbox.updateMessage(twice, cleared);
		t.mailbox.updateMessage(once, cleared);
		expect(await runner.poll()).toEqual([]);
		t.mailbox.updateMessage(twice, flagged);
		expect(ids(await runner.poll())).toEqual([twice]);
		expect(await runner.poll()).toEqual([]);

		const executions = runner.polls.flatMap((items) => items ?? []).map((i) => String(i.json.id));
		expect(executions.filter((id) => id === twice)).toHaveLength(2);
		expect(executions.filter((id) => id === once)).toHaveLength(1);
	});

	it('a flagged message that is read, categorised or moved to another watched folder is not flagged again; completed then flagged again is', async () => {
		const projects = t.mailbox.addFolder({ displayName: 'Projects', parentFolderId: 'inbox' });
		const id = t.mailbox.deliver('inbox');
		const runner = t.runner(flaggedEvent([rl('inbox'), rl(projects)]));
		await runner.poll();
		t.mailbox.updateMessage(id, flagged);
		expect(ids(await runner.poll())).toEqual([id]);
		t.mailbox.updateMessage(id, { isRead: true });
		t.mailbox.updateMessage(id, { categories: ['Red category'] });
		expect(await runner.poll()).toEqual([]);
		t.mailbox.moveMessage(id, projects);
		expect(await runner.poll()).toEqual([]);
		t.mailbox.updateMessage(id, completed);
		expect(await runner.poll()).toEqual([]);
		t.mailbox.updateMessage(id, flagged);
		expect(ids(await runner.poll())).toEqual([id]);
	});

	it('what was flagged before the trigger started is not emitted; mail that arrives and is flagged between two polls is', async () => {
		const old = t.mailbox.deliver('inbox', flagged);
		const runner = t.runner(flaggedEvent());
		expect(await runner.poll()).toEqual([]);
		const fresh = t.mailbox.deliver('inbox');
		t.mailbox.updateMessage(fresh, flagged);
		const arrivedFlagged = t.mailbox.deliver('inbox', flagged);
		expect(ids(await runner.poll()).sort()).toEqual([fresh, arrivedFlagged].sort());
		// Every change is asked for (no changeType): a message created and flagged in one interval is a change of its own.
		expect(deltaCalls(t)[0].query.changeType).toBeUndefined();
		expect(deltaCalls(t)[0].query.$select.split(',')).toContain('flag');
		t.mailbox.updateMessage(old, cleared);
		expect(await runner.poll()).toEqual([]);
		t.mailbox.updateMessage(old, flagged);
		expect(ids(await runner.poll())).toEqual([old]);
	});

	it('what was flagged before the trigger started is not emitted either when the first listing loses its sync state', async () => {
		// More than one delta page (the trigger asks for 1,000 per page), flagged long before.
		const old: string[] = [];
		for (let i = 0; i < 1200; i++)
			old.push(
				t.mailbox.deliver('inbox', { receivedDateTime: '2024-01-01T00:00:00Z', ...flagged }),
			);
		const runner = t.runner(flaggedEvent());
		const lost = loseSyncStateAfterFirstPage(t, '/messages/delta', () =>
			t.mailbox.expireSyncStates(),
		);
		expect(await runner.poll()).toEqual([]);
		expect(lost()).toBe(true);
		expect(await runner.poll()).toEqual([]);
		// The listing learned every flag: one set now is news, one set before still is not.
		const fresh = t.mailbox.deliver('inbox');
		t.mailbox.updateMessage(fresh, flagged);
		t.mailbox.updateMessage(old[1100], { isRead: true });
		expect(ids(await runner.poll())).toEqual([fresh]);
	});

	it('a child folder created after the trigger started: flags set in it before the folder refresh found it are emitted, its older content is not', async () => {
		const runner = t.runner(flaggedEvent([rl('inbox')], { includeChildFolders: true }));
		expect(await runner.poll()).toEqual([]);
		// After the start: a new child folder, mail arriving flagged and mail flagged in it, and an
		// old flagged message (as a folder moved in with its content would bring).
		const followUp = t.mailbox.addFolder({ displayName: 'Follow-up', parentFolderId: 'inbox' });
		const arrivedFlagged = t.mailbox.deliver(followUp, flagged);
		const flaggedThere = t.mailbox.deliver(followUp);
		t.mailbox.updateMessage(flaggedThere, flagged);
		t.mailbox.deliver(followUp, { lastModifiedDateTime: '2024-01-01T00:00:00Z', ...flagged });
		expect(await runner.poll()).toEqual([]); // the folder list is still fresh

		restartWithFolderRefreshDue(runner);
		expect(ids(await runner.poll()).sort()).toEqual([arrivedFlagged, flaggedThere].sort());
		expect(await runner.poll()).toEqual([]);
		// From then on the folder is watched as any other.
		const later = t.mailbox.deliver(followUp, flagged);
		expect(ids(await runner.poll())).toEqual([later]);
	});

	it('a restart continues from what n8n saved; a lost sync state emits a flag set meanwhile once', async () => {
		const a = t.mailbox.deliver('inbox');
		const b = t.mailbox.deliver('inbox');
		const runner = t.runner(flaggedEvent());
		await runner.poll();
		t.mailbox.updateMessage(a, flagged);
		expect(ids(await runner.poll())).toEqual([a]);

		runner.restart();
		t.mailbox.expireSyncStates();
		t.mailbox.updateMessage(b, flagged);
		expect(ids(await runner.poll())).toEqual([b]);
		expect(await runner.poll()).toEqual([]);
		runner.restart();
		expect(await runner.poll()).toEqual([]);
	});

	it('applies the filters and outputs the message as Outlook Mail → Get (Simplified) does', async () => {
		const billing = t.mailbox.deliver('inbox', {
			from: { emailAddress: { name: 'Billing', address: 'billing@fabrikam.com' } },
		});
		const other = t.mailbox.deliver('inbox');
		const runner = t.runner(flaggedEvent([rl('inbox')], { filters: { from: 'fabrikam.com' } }));
		await runner.poll();
		t.mailbox.updateMessage(billing, flagged);
		t.mailbox.updateMessage(other, flagged);
		const items = await runner.poll();
		expect(items).toEqual([
			expect.objectContaining({ id: billing, from: 'billing@fabrikam.com', flag: 'flagged' }),
		]);
	});

	it('a manual run shows flagged messages only', async () => {
		const id = t.mailbox.deliver('inbox', flagged);
		t.mailbox.deliver('inbox');
		const runner = t.runner(flaggedEvent());
		const items = await runner.manual();
		expect(items?.map((i) => i.json.id)).toEqual([id]);
		expect(runner.staticData).toEqual({});
	});
});

describe('Outlook Trigger: "new mail that mentions me"', () => {
	it('is not an event, and the event field says why: Graph has @-mentions of mail in beta only', async () => {
		const { OutlookTrigger } = await import('../../nodes/OutlookTrigger/OutlookTrigger.node');
		const field = new OutlookTrigger().description.properties.find((p) => p.name === 'event')!;
		const values = (field.options as Array<{ value: string }>).map((o) => o.value);
		expect(values).toEqual(
			expect.arrayContaining([
				'messageFlagged',
				'contactCreated',
				'contactUpdated',
				'contactDeleted',
			]),
		);
		expect(values.some((v) => /mention/i.test(v))).toBe(false);
		expect(field.description).toMatch(
			/mentions me.*only in its beta version, which this node does not call/i,
		);
	});
});
