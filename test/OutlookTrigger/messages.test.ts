import type { IDataObject } from 'n8n-workflow';

import { START_SLACK_MS } from '../../nodes/OutlookTrigger/messages';
import { DeltaMailbox } from '../support/graph-delta';
import { graphError } from '../support/graph-standin';
import {
	deltaCalls,
	loseSyncStateAfterFirstPage,
	restartWithFolderRefreshDue,
	useTrigger,
} from './support';

const rl = (value: string, mode = 'id') => ({ __rl: true, mode, value });

const received = (folders: Array<ReturnType<typeof rl>>, extra: IDataObject = {}) => ({
	event: 'messageReceived',
	folders: { folder: folders.map((folder) => ({ folder })) },
	...extra,
});

function ids(items: IDataObject[]): string[] {
	return items.map((i) => String(i.id));
}

describe('Outlook Trigger: Message Received', () => {
	const t = useTrigger();

	it('two polls at once (Poll Times that fire together, or a poll longer than its interval) emit a new message once', async () => {
		const runner = t.runner(received([rl('inbox')], { output: 'raw' }));
		expect(await runner.poll()).toEqual([]);
		const id = t.mailbox.deliver('inbox', { subject: 'Once' });
		// n8n 2.41 starts a scheduled poll whether or not the one before has returned
		// (ScheduledTaskManager fires each cron on its own; runPollFunction only counts the overlap).
		const both = await Promise.all([runner.poll(), runner.poll()]);
		expect(ids(both.flat())).toEqual([id]);
		runner.restart();
		expect(await runner.poll()).toEqual([]);
	});

	it('emits a burst of 500 messages over 10 polls exactly once each, across moves between watched folders', async () => {
		for (let i = 0; i < 20; i++)
			t.mailbox.deliver('inbox', { receivedDateTime: '2024-01-01T00:00:00Z' });
		const projects = t.mailbox.addFolder({ displayName: 'Projects', parentFolderId: 'inbox' });
		const runner = t.runner(
			received([rl('inbox'), rl('Inbox/Projects', 'path')], { output: 'raw' }),
		);
		expect(await runner.poll()).toEqual([]); // the initial rounds list the folders: nothing is new

		const delivered: string[] = [];
		const emitted: string[] = [];
		for (let poll = 0; poll < 10; poll++) {
			for (let i = 0; i < 50; i++) {
				const id = t.mailbox.deliver(i % 5 === 0 ? projects : 'inbox', {
					subject: `Burst ${poll}-${i}`,
				});
				delivered.push(id);
			}
			// Between polls: a message from this burst is read twice, and one from the previous burst
			// (already emitted) moves to the other watched folder.
			t.mailbox.updateMessage(delivered[delivered.length - 1], { isRead: true });
			t.mailbox.updateMessage(delivered[delivered.length - 1], { flag: { flagStatus: 'flagged' } });
			if (poll > 0) t.mailbox.moveMessage(delivered[delivered.length - 60], projects);
			emitted.push(...ids(await runner.poll()));
		}
		expect(emitted).toHaveLength(500);
		expect(new Set(emitted)).toEqual(new Set(delivered));
		// The read-twice message comes once, in its latest state.
		const last = runner.polls.at(-1)!.find((i) => i.json.id === delivered.at(-1))!;
		expect(last.json).toMatchObject({ isRead: true, flag: { flagStatus: 'flagged' } });

		// A quiet mailbox: one request per watched folder.
		t.s.graph.requests.length = 0;
		expect(await runner.poll()).toEqual([]);
		expect(t.s.graph.calls().map((c) => c.path)).toEqual([
			'/me/mailFolders/folder-inbox/messages/delta',
			`/me/mailFolders/${projects}/messages/delta`,
		]);
		expect(t.s.graph.calls().every((c) => c.query.$deltatoken)).toBe(true);
	});

	it('asks Graph for created messages only, with its select and page size in the first request', async () => {
		const runner = t.runner(received([rl('inbox')]));
		await runner.poll();
		const [first] = deltaCalls(t);
		expect(first.query).toMatchObject({ changeType: 'created' });
		expect(first.query.$select.split(',')).toEqual(
			expect.arrayContaining(['id', 'subject', 'from', 'receivedDateTime', 'changeKey']),
		);
		const request = t.s.graph.requests.find((r) => r.path.endsWith('/delta'))!;
		expect(request.headers.prefer).toContain('odata.maxpagesize=1000');
		expect(request.headers.prefer).toContain('IdType="ImmutableId"');
	});

	it('outputs the simplified message as Outlook Mail Get does, and applies the filters', async () => {
		const runner = t.runner(
			received([rl('inbox')], {
				filters: { from: '@fabrikam.com', subject: 'invoice', unread: true },
			}),
		);
		await runner.poll();
		const wanted = t.mailbox.deliver('inbox', {
			subject: 'Invoice 42',
			from: { emailAddress: { name: 'Dana', address: 'dana@fabrikam.com' } },
		});
		t.mailbox.deliver('inbox', {
			subject: 'Invoice 43',
			from: { emailAddress: { name: 'Eve', address: 'eve@contoso.com' } },
		});
		t.mailbox.deliver('inbox', {
			subject: 'Invoice 44',
			isRead: true,
			from: { emailAddress: { name: 'Dana', address: 'dana@fabrikam.com' } },
		});
		const items = await runner.poll();
		expect(items).toEqual([
			expect.objectContaining({
				id: wanted,
				subject: 'Invoice 42',
				from: 'dana@fabrikam.com',
				fromName: 'Dana',
				to: ['alice@contoso.com'],
				isRead: false,
				folderId: 'folder-inbox',
			}),
		]);
	});

	it('starts from a date: messages received since then are emitted by the first poll, older ones never', async () => {
		t.mailbox.deliver('inbox', { id: 'old', receivedDateTime: '2026-01-01T00:00:00Z' });
		t.mailbox.deliver('inbox', { id: 'recent', receivedDateTime: '2026-06-01T00:00:00Z' });
		const runner = t.runner(
			received([rl('inbox')], { startFrom: 'since', since: '2026-05-01T00:00:00Z' }),
		);
		expect(ids(await runner.poll())).toEqual(['recent']);
		expect(await runner.poll()).toEqual([]);
	});

	it('resyncs after 410 syncStateNotFound mid-stream without emitting anything twice', async () => {
		for (let i = 0; i < 30; i++)
			t.mailbox.deliver('inbox', { receivedDateTime: '2024-01-01T00:00:00Z' });
		const runner = t.runner(received([rl('inbox')], { options: { maxItemsPerPoll: 1000 } }));
		await runner.poll();
		const burst = Array.from({ length: 1500 }, (_, i) =>
			t.mailbox.deliver('inbox', { subject: `m${i}` }),
		);
		// The first page (1000) fills the poll: the round pauses on its nextLink…
		const first = ids(await runner.poll());
		expect(first).toHaveLength(1000);
		// …and Exchange drops the sync state before the next poll; two more messages arrive.
		t.mailbox.expireSyncStates();
		burst.push(t.mailbox.deliver('inbox'), t.mailbox.deliver('inbox'));
		t.s.graph.requests.length = 0;
		const second = ids(await runner.poll());
		expect(t.s.graph.calls()[0].query.$skiptoken).toBeDefined(); // answered 410
		expect(t.s.graph.calls()[1].query).toMatchObject({ changeType: 'created' }); // a new round
		expect(new Set([...first, ...second])).toEqual(new Set(burst));
		expect(first.length + second.length).toBe(burst.length);
		// The old mail the resync listed again was not emitted, and the next round is quiet.
		expect(await runner.poll()).toEqual([]);
		expect(t.s.graph.violations).toEqual([]);
	});

	it('a deltaLink that expired between two quiet polls resyncs and emits only what is new', async () => {
		const runner = t.runner(received([rl('inbox')]));
		await runner.poll();
		const a = t.mailbox.deliver('inbox');
		expect(ids(await runner.poll())).toEqual([a]);
		t.mailbox.expireSyncStates();
		const b = t.mailbox.deliver('inbox');
		expect(ids(await runner.poll())).toEqual([b]);
		expect(await runner.poll()).toEqual([]);
	});

	it('continues after an n8n restart from what n8n saved, without a new initial round', async () => {
		for (let i = 0; i < 5; i++)
			t.mailbox.deliver('inbox', { receivedDateTime: '2024-01-01T00:00:00Z' });
		const runner = t.runner(received([rl('inbox')]));
		await runner.poll();
		const a = t.mailbox.deliver('inbox');
		expect(ids(await runner.poll())).toEqual([a]);
		const b = t.mailbox.deliver('inbox');
		runner.restart();
		t.s.graph.requests.length = 0;
		expect(ids(await runner.poll())).toEqual([b]);
		expect(t.s.graph.calls()).toHaveLength(1);
		expect(t.s.graph.calls()[0].query.$deltatoken).toBeDefined();
	});

	it('starts from now: the first poll emits mail received in the START_SLACK_MS before it, nothing older', async () => {
		const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
		t.mailbox.deliver('inbox', { id: 'older', receivedDateTime: ago(START_SLACK_MS + 60_000) });
		t.mailbox.deliver('inbox', { id: 'during', receivedDateTime: ago(START_SLACK_MS - 60_000) });
		const runner = t.runner(received([rl('inbox')]));
		expect(ids(await runner.poll())).toEqual(['during']);
		expect(await runner.poll()).toEqual([]);
	});

	it('a message the Filters dropped is not received later when it changes and moves to another watched folder', async () => {
		const projects = t.mailbox.addFolder({ displayName: 'Projects', parentFolderId: 'inbox' });
		const runner = t.runner(
			received([rl('inbox'), rl(projects)], { filters: { categories: ['Urgent'] } }),
		);
		expect(await runner.poll()).toEqual([]);
		const newsletter = t.mailbox.deliver('inbox', { subject: 'Weekly newsletter' });
		expect(await runner.poll()).toEqual([]); // no category: dropped
		// Filed later: categorised and moved to Projects. Nothing was received.
		t.mailbox.updateMessage(newsletter, { categories: ['Urgent'] });
		t.mailbox.moveMessage(newsletter, projects);
		expect(await runner.poll()).toEqual([]);
		const urgent = t.mailbox.deliver(projects, { categories: ['Urgent'] });
		expect(ids(await runner.poll())).toEqual([urgent]);
	});

	it('a setting that starts the cursors over (Include Body, Since) does not emit again what was emitted before it', async () => {
		const before = t.runner(received([rl('inbox')]));
		expect(await before.poll()).toEqual([]);
		const invoice = t.mailbox.deliver('inbox', { subject: 'Invoice' });
		expect(ids(await before.poll())).toEqual([invoice]);

		// Include Body turned on and the workflow saved: n8n keeps the static data.
		const withBody = t.runner(received([rl('inbox')], { options: { includeBody: true } }));
		withBody.saved = before.saved;
		withBody.restart();
		expect(await withBody.poll()).toEqual([]);
		const next = t.mailbox.deliver('inbox');
		expect(ids(await withBody.poll())).toEqual([next]);

		// Start From: A Date before both: the first poll emits what was received since then, once.
		const older = t.mailbox.deliver('inbox', { receivedDateTime: '2026-01-02T00:00:00Z' });
		const since = t.runner(
			received([rl('inbox')], {
				options: { includeBody: true },
				startFrom: 'since',
				since: '2026-01-01T00:00:00Z',
			}),
		);
		since.saved = withBody.saved;
		since.restart();
		expect(ids(await since.poll())).toEqual([older]);
	});

	it('a poll that fails saves nothing: the next poll emits what the failed one would have', async () => {
		const runner = t.runner(received([rl('inbox')]));
		await runner.poll();
		const a = t.mailbox.deliver('inbox');
		t.s.graph.throttle('GET', '/me/mailFolders/:folder/messages/delta', 10, {
			status: 500,
		});
		const error = await runner.failingPoll();
		expect(error.message).toMatch(/500/);
		runner.restart(); // whatever n8n had in memory, only the saved state counts
		t.s.graph.reset();
		t.mailbox.install(t.s.graph);
		expect(ids(await runner.poll())).toEqual([a]);
	});

	it('watches child folders when asked, and resolves well-known names to one cursor per folder', async () => {
		const child = t.mailbox.addFolder({ displayName: 'Child', parentFolderId: 'inbox' });
		const grandchild = t.mailbox.addFolder({ displayName: 'Deeper', parentFolderId: child });
		const runner = t.runner(
			received([rl('inbox'), rl('folder-inbox')], { includeChildFolders: true }),
		);
		await runner.poll();
		const m = t.mailbox.deliver(grandchild);
		expect(ids(await runner.poll())).toEqual([m]);
		const folders = new Set(deltaCalls(t).map((c) => c.path));
		expect(folders).toEqual(
			new Set([
				'/me/mailFolders/folder-inbox/messages/delta',
				`/me/mailFolders/${encodeURIComponent(child)}/messages/delta`,
				`/me/mailFolders/${encodeURIComponent(grandchild)}/messages/delta`,
			]),
		);
	});

	it('watches a shared mailbox under /users/{address}', async () => {
		const shared = new DeltaMailbox(`/users/${encodeURIComponent('shared@contoso.com')}`).install(
			t.s.graph,
		);
		const runner = t.runner(
			received([rl('inbox')], { mailbox: 'other', mailboxId: 'shared@contoso.com' }),
		);
		await runner.poll();
		const m = shared.deliver('inbox');
		t.mailbox.deliver('inbox'); // the signed-in user's mail is not watched
		expect(ids(await runner.poll())).toEqual([m]);
		expect(deltaCalls(t).every((c) => c.path.startsWith('/users/shared%40contoso.com/'))).toBe(
			true,
		);
	});

	it('adds file attachments as binary data when asked', async () => {
		const runner = t.runner(received([rl('inbox')], { options: { downloadAttachments: true } }));
		await runner.poll();
		const m = t.mailbox.deliver('inbox', { hasAttachments: true });
		t.s.graph.on('GET', '/me/messages/:id/attachments', (_request, params) => ({
			body: {
				value: [
					{
						'@odata.type': '#microsoft.graph.fileAttachment',
						id: `att-${params.id}`,
						name: 'report.pdf',
						contentType: 'application/pdf',
						size: 8,
						contentBytes: Buffer.from('%PDF-1.4').toString('base64'),
					},
				],
			},
		}));
		await runner.poll();
		const [item] = runner.polls.at(-1)!;
		expect(item.json.id).toBe(m);
		expect(item.binary?.attachment_0).toMatchObject({
			fileName: 'report.pdf',
			mimeType: 'application/pdf',
		});
		expect(Buffer.from(item.binary!.attachment_0.data, 'base64').toString()).toBe('%PDF-1.4');
	});

	it('a shared mailbox the credential cannot read is an error naming the missing permission', async () => {
		t.s.graph.on(
			'GET',
			'/users/:user/mailFolders/:folder/messages/delta',
			graphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.'),
		);
		const runner = t.runner(
			received([rl('folder-inbox')], { mailbox: 'other', mailboxId: 'boss@contoso.com' }),
		);
		const error = (await runner.failingPoll()) as Error & { description?: string };
		expect(error.message).toContain('403 ErrorAccessDenied');
		expect(error.description).toContain('Mail.Read.Shared');
		expect(runner.saved).toEqual({});
	});

	it('a shared mailbox refused to a credential holding Shared Mailboxes: the hint says it holds the permission', async () => {
		// Mail.ReadWrite.Shared (the credential's Shared Mailboxes choice) grants what Mail.Read.Shared
		// does: the 403 comes from the mailbox's sharing, not from a permission to add.
		t.n8n.setCredential({
			...t.n8n.credential(),
			oauthTokenData: t.s.idp.oauthTokenData(
				'User.Read Mail.ReadWrite Mail.ReadWrite.Shared Mail.Send.Shared offline_access',
			),
		});
		t.s.graph.on(
			'GET',
			'/users/:user/mailFolders/:folder/messages/delta',
			graphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.'),
		);
		const runner = t.runner(
			received([rl('folder-inbox')], { mailbox: 'other', mailboxId: 'boss@contoso.com' }),
		);
		const error = (await runner.failingPoll()) as Error & { description?: string };
		expect(error.description).toMatch(/^Mail\.Read\.Shared is needed to .*The credential holds it/);
		expect(error.description).not.toMatch(/do not include it/);
	});

	it('a path that does not exist is an error naming the field', async () => {
		const runner = t.runner(received([rl('Inbox/Nowhere', 'path')]));
		const error = await runner.failingPoll();
		expect(error.message).toBe('The folder "Inbox/Nowhere" in the field Folders does not exist');
	});

	it('a manual run returns the newest few messages and leaves the cursors alone', async () => {
		for (let i = 1; i <= 5; i++)
			t.mailbox.deliver('inbox', {
				subject: `n${i}`,
				receivedDateTime: `2026-0${i}-01T00:00:00Z`,
			});
		const runner = t.runner(received([rl('inbox')]));
		const items = await runner.manual();
		expect(items!.map((i) => i.json.subject)).toEqual(['n5', 'n4', 'n3']);
		expect(runner.staticData).toEqual({});
	});
});

describe('Outlook Trigger: Message Updated', () => {
	const t = useTrigger();

	it('emits a message changed twice between two polls once, in its latest state; moves are not updates', async () => {
		const a = t.mailbox.deliver('inbox');
		const b = t.mailbox.deliver('inbox');
		const runner = t.runner({
			event: 'messageUpdated',
			folders: { folder: [{ folder: rl('inbox') }, { folder: rl('archive') }] },
		});
		expect(await runner.poll()).toEqual([]); // initial rounds: nothing changed yet
		expect(deltaCalls(t)[0].query).toMatchObject({ changeType: 'updated' });

		t.mailbox.updateMessage(a, { isRead: true });
		t.mailbox.updateMessage(a, { categories: ['Red category'] });
		t.mailbox.moveMessage(b, 'archive');
		t.mailbox.deliver('inbox'); // new mail is not an update
		const items = await runner.poll();
		expect(items).toEqual([
			expect.objectContaining({ id: a, isRead: true, categories: ['Red category'] }),
		]);
		expect(await runner.poll()).toEqual([]);

		t.mailbox.updateMessage(a, { flag: { flagStatus: 'flagged' } });
		expect(await runner.poll()).toEqual([expect.objectContaining({ id: a, flag: 'flagged' })]);
	});

	it('a child folder created after the trigger started: changes made in it before the folder refresh found it are emitted, its older changes and new mail are not', async () => {
		const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
		const runner = t.runner({
			event: 'messageUpdated',
			folders: { folder: [{ folder: rl('inbox') }] },
			includeChildFolders: true,
		});
		expect(await runner.poll()).toEqual([]);
		// After the start: a new child folder holding a message changed there, mail that only
		// arrived, and a message last changed long ago (as a folder moved in with its content brings).
		const followUp = t.mailbox.addFolder({ displayName: 'Follow-up', parentFolderId: 'inbox' });
		const changedThere = t.mailbox.deliver(followUp, {
			createdDateTime: minutesAgo(40),
			receivedDateTime: minutesAgo(40),
		});
		t.mailbox.updateMessage(changedThere, { isRead: true });
		t.mailbox.deliver(followUp);
		t.mailbox.deliver(followUp, {
			createdDateTime: '2024-01-01T00:00:00Z',
			lastModifiedDateTime: '2024-02-01T00:00:00Z',
		});
		expect(await runner.poll()).toEqual([]); // the folder list is still fresh

		restartWithFolderRefreshDue(runner);
		expect(await runner.poll()).toEqual([
			expect.objectContaining({ id: changedThere, isRead: true }),
		]);
		expect(await runner.poll()).toEqual([]);
		// From then on the folder is watched as any other.
		t.mailbox.updateMessage(changedThere, { categories: ['Red category'] });
		expect(ids(await runner.poll())).toEqual([changedThere]);
	});

	it('changes made before the trigger started are not emitted when the first listing loses its sync state', async () => {
		// More than one delta page (1,000 per page), each changed in the hour before the start.
		const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
		const existing: string[] = [];
		for (let i = 0; i < 1200; i++)
			existing.push(
				t.mailbox.deliver('inbox', {
					createdDateTime: minutesAgo(40),
					receivedDateTime: minutesAgo(40),
					lastModifiedDateTime: minutesAgo(10),
				}),
			);
		const runner = t.runner({
			event: 'messageUpdated',
			folders: { folder: [{ folder: rl('inbox') }] },
		});
		const lost = loseSyncStateAfterFirstPage(t, '/messages/delta', () =>
			t.mailbox.expireSyncStates(),
		);
		expect(await runner.poll()).toEqual([]);
		expect(lost()).toBe(true);
		expect(await runner.poll()).toEqual([]);
		t.mailbox.updateMessage(existing[1100], { isRead: true });
		expect(ids(await runner.poll())).toEqual([existing[1100]]);
	});
});
