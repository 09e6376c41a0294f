import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { listSearch } from '../../../nodes/OutlookMail/methods';
import { MESSAGE_CLASS_EXPAND } from '../../../nodes/OutlookMail/helpers/teamsChats';
import { subjectSearch } from '../../../nodes/OutlookMail/methods/listSearch';
import { RulesMailbox } from '../../support/graph-mail-rules';
import { graphError } from '../../support/graph-standin';
import { graphFolder, MAIL, SHARED, SHARED_ROOT, useMailNode } from '../folder/setup';

const enc = encodeURIComponent;

describe('list search: searchFolders', () => {
	const t = useMailNode();
	const context = (parameters: INodeParameters = {}) =>
		t.n8n.loadOptionsContext(MAIL, {
			parameters: { resource: 'folder', operation: 'get', ...parameters },
		});

	/** Well-known: inbox=AAMkIN=, sentitems=AAMkSI=, drafts=AAMkDR=, deleteditems=AAMkDI=, junkemail=AAMkJU=; no Archive. */
	function stubMailbox(root = '/me', topLevel?: IDataObject[]) {
		const wellKnown: Record<string, IDataObject> = {
			inbox: graphFolder('AAMkIN=', 'Inbox', { childFolderCount: 1 }),
			sentitems: graphFolder('AAMkSI=', 'Sent Items'),
			drafts: graphFolder('AAMkDR=', 'Drafts'),
			deleteditems: graphFolder('AAMkDI=', 'Deleted Items'),
			junkemail: graphFolder('AAMkJU=', 'Junk Email'),
		};
		t.s.graph.on('GET', `${root}/mailFolders/:id`, (_request, params) =>
			wellKnown[params.id]
				? { body: wellKnown[params.id] }
				: graphError(
						404,
						'ErrorFolderNotFound',
						'The specified folder could not be found in the store.',
					),
		);
		const top = topLevel ?? [
			...Object.values(wellKnown),
			graphFolder('AAMkPR=', 'Projects', { childFolderCount: 1 }),
			graphFolder('AAMkQU=', "Bob's things"),
		];
		t.s.graph.collection('GET', `${root}/mailFolders`, () => top, { maxPageSize: 100 });
		t.s.graph.collection('GET', `${root}/mailFolders/${enc('AAMkIN=')}/childFolders`, () => [
			graphFolder('AAMkIN1=', 'Customers', { childFolderCount: 1 }),
		]);
		t.s.graph.collection('GET', `${root}/mailFolders/${enc('AAMkIN1=')}/childFolders`, () => [
			graphFolder('AAMkIN2=', 'Contoso'),
		]);
		t.s.graph.collection('GET', `${root}/mailFolders/${enc('AAMkPR=')}/childFolders`, () => [
			graphFolder('AAMkPR1=', '2025'),
		]);
	}

	it('lists well-known folders first (by name), then every folder with its path, child folders included', async () => {
		stubMailbox();
		const result = await listSearch.searchFolders.call(context());
		expect(result.results).toEqual([
			{ name: 'Inbox', value: 'inbox' },
			{ name: 'Sent Items', value: 'sentitems' },
			{ name: 'Drafts', value: 'drafts' },
			{ name: 'Deleted Items', value: 'deleteditems' },
			{ name: 'Junk Email', value: 'junkemail' },
			{ name: 'Inbox / Customers', value: 'AAMkIN1=' },
			{ name: 'Inbox / Customers / Contoso', value: 'AAMkIN2=' },
			{ name: 'Projects', value: 'AAMkPR=' },
			{ name: 'Projects / 2025', value: 'AAMkPR1=' },
			{ name: "Bob's things", value: 'AAMkQU=' },
		]);
		expect(result.paginationToken).toBeUndefined();
		const calls = t.s.graph.calls();
		// One $batch with the six well-known folders, then the folder tree.
		expect(calls.filter((c) => c.inBatch).map((c) => [c.path, c.query])).toEqual(
			['inbox', 'sentitems', 'drafts', 'deleteditems', 'archive', 'junkemail'].map((name) => [
				`/me/mailFolders/${name}`,
				{ $select: 'id,displayName,childFolderCount' },
			]),
		);
		expect(t.s.graph.requests.filter((r) => r.path === '/$batch')).toHaveLength(1);
		expect(calls.filter((c) => !c.inBatch).map((c) => [c.path, c.query])).toEqual([
			['/me/mailFolders', { $select: 'id,displayName,childFolderCount', $top: '100' }],
			[
				`/me/mailFolders/${enc('AAMkIN=')}/childFolders`,
				{ $select: 'id,displayName,childFolderCount', $top: '100' },
			],
			[
				`/me/mailFolders/${enc('AAMkIN1=')}/childFolders`,
				{ $select: 'id,displayName,childFolderCount', $top: '100' },
			],
			[
				`/me/mailFolders/${enc('AAMkPR=')}/childFolders`,
				{ $select: 'id,displayName,childFolderCount', $top: '100' },
			],
		]);
	});

	it('filters on any part of the path, case-insensitively', async () => {
		stubMailbox();
		const result = await listSearch.searchFolders.call(context(), 'CONT');
		expect(result.results).toEqual([{ name: 'Inbox / Customers / Contoso', value: 'AAMkIN2=' }]);
		const items = await listSearch.searchFolders.call(context(), 'inbox');
		expect(items.results.map((r) => r.value)).toEqual(['inbox', 'AAMkIN1=', 'AAMkIN2=']);
	});

	it('pages through top-level folders with the pagination token, well-known folders on the first page only', async () => {
		const many = Array.from({ length: 150 }, (_, i) => graphFolder(`AAMkF${i}=`, `Folder ${i}`));
		stubMailbox('/me', many);
		const first = await listSearch.searchFolders.call(context());
		expect(first.results).toHaveLength(5 + 100);
		expect(first.paginationToken).toMatch(/skiptoken=/);
		const second = await listSearch.searchFolders.call(context(), undefined, first.paginationToken);
		expect(second.results.map((r) => r.value)).toEqual(many.slice(100).map((f) => f.id));
		expect(second.paginationToken).toBeUndefined();
	});

	it('searchOwnFolders (Folder → Rename, Move, Delete) lists only the folders those operations can change: no well-known ones', async () => {
		stubMailbox();
		const result = await listSearch.searchOwnFolders.call(context({ operation: 'delete' }));
		expect(result.results).toEqual([
			{ name: 'Inbox / Customers', value: 'AAMkIN1=' },
			{ name: 'Inbox / Customers / Contoso', value: 'AAMkIN2=' },
			{ name: 'Projects', value: 'AAMkPR=' },
			{ name: 'Projects / 2025', value: 'AAMkPR1=' },
			{ name: "Bob's things", value: 'AAMkQU=' },
		]);
	});

	it('lists the folders of the shared mailbox the node is set to', async () => {
		stubMailbox(SHARED_ROOT);
		const result = await listSearch.searchFolders.call(context(SHARED));
		expect(result.results[0]).toEqual({ name: 'Inbox', value: 'inbox' });
		expect(t.s.graph.calls().every((c) => c.path.startsWith(`${SHARED_ROOT}/`))).toBe(true);
	});
});

describe('list search: searchMessages', () => {
	const t = useMailNode();
	const context = (parameters: INodeParameters = {}) =>
		t.n8n.loadOptionsContext(MAIL, {
			parameters: { resource: 'message', operation: 'get', ...parameters },
		});
	const message = (id: string, subject: string) => ({
		id,
		subject,
		from: { emailAddress: { name: 'Alice', address: 'alice@contoso.com' } },
		receivedDateTime: '2025-03-04T05:06:07Z',
		webLink: `https://outlook.office365.com/owa/?ItemID=${id}`,
	});

	it('lists recent messages, newest first, with subject, sender and date', async () => {
		t.s.graph.collection('GET', '/me/messages', () => [
			message('AAMkM1=', 'Quarterly report'),
			message('AAMkM2=', ''),
		]);
		const result = await listSearch.searchMessages.call(context());
		expect(t.s.graph.calls()).toEqual([
			{
				method: 'GET',
				path: '/me/messages',
				query: {
					$select: 'id,subject,from,receivedDateTime,webLink',
					$orderby: 'receivedDateTime desc',
					$expand: MESSAGE_CLASS_EXPAND,
					$top: '50',
				},
				body: undefined,
				inBatch: false,
			},
		]);
		expect(result).toEqual({
			results: [
				{
					name: 'Quarterly report (Alice, 2025-03-04)',
					value: 'AAMkM1=',
					url: 'https://outlook.office365.com/owa/?ItemID=AAMkM1=',
				},
				{
					name: '(no subject) (Alice, 2025-03-04)',
					value: 'AAMkM2=',
					url: 'https://outlook.office365.com/owa/?ItemID=AAMkM2=',
				},
			],
			paginationToken: undefined,
		});
	});

	it('searches the subject in a shared mailbox (no $orderby with $search), and pages with the token', async () => {
		const all = Array.from({ length: 60 }, (_, i) => message(`AAMkM${i}=`, `O'Brien ${i}`));
		t.s.graph.collection('GET', `${SHARED_ROOT}/messages`, () => all);
		const first = await listSearch.searchMessages.call(context(SHARED), " O'Brien ");
		expect(t.s.graph.calls()[0].path).toBe(`${SHARED_ROOT}/messages`);
		expect(t.s.graph.calls()[0].query).toEqual({
			$select: 'id,subject,from,receivedDateTime,webLink',
			$search: `"subject:O'Brien"`,
			$expand: MESSAGE_CLASS_EXPAND,
			$top: '50',
		});
		expect(first.results).toHaveLength(50);
		const second = await listSearch.searchMessages.call(
			context(SHARED),
			" O'Brien ",
			first.paginationToken,
		);
		expect(second.results.map((r) => r.value)).toEqual(all.slice(50).map((m) => m.id));
		expect(t.s.graph.calls()[1].query.$skiptoken).toBeDefined();
	});

	it('searchDrafts (Draft → Update, Send, Delete) lists the drafts in Drafts, newest first', async () => {
		t.s.graph.collection('GET', '/me/mailFolders/drafts/messages', () => [
			message('AAMkD1=', 'Notes for the team'),
		]);
		const result = await listSearch.searchDrafts.call(
			context({ resource: 'draft', operation: 'send' }),
		);
		expect(t.s.graph.calls().map((c) => [c.path, c.query])).toEqual([
			[
				'/me/mailFolders/drafts/messages',
				{
					$select: 'id,subject,from,receivedDateTime,webLink',
					$orderby: 'receivedDateTime desc',
					$expand: "singleValueExtendedProperties($filter=id eq 'String 0x001A')",
					$top: '50',
				},
			],
		]);
		expect(result.results.map((r) => r.value)).toEqual(['AAMkD1=']);
	});

	it('leaves out Teams chats, which Graph lists among messages (known issue)', async () => {
		const mailbox = new RulesMailbox('/me').install(t.s.graph);
		const mail = mailbox.deliver('inbox', { subject: 'Quarterly report' });
		mailbox.teamsChat();
		const result = await listSearch.searchMessages.call(context());
		expect(result.results.map((r) => r.value)).toEqual([mail]);
	});

	it('keeps a double quote or backslash in the filter from ending the search phrase', async () => {
		t.s.graph.collection('GET', '/me/messages', () => []);
		await listSearch.searchMessages.call(context(), 'say "hi" \\ or" OR from:x');
		expect(t.s.graph.calls()[0].query.$search).toBe('"subject:say hi or OR from:x"');
		expect(subjectSearch(' "" ')).toBeUndefined();
	});
});
