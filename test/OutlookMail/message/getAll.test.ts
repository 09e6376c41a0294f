import type { IDataObject } from 'n8n-workflow';

import { MESSAGE_CLASS_EXPAND } from '../../../nodes/OutlookMail/helpers/teamsChats';
import { RulesMailbox, SEARCH_RESULT_CAP } from '../../support/graph-mail-rules';
import { serveMessages } from '../../support/graph-mailbox';
import { FOLDER_ID, graphMessage, rl, useMailNode } from './setup';

const messages = (n: number) =>
	Array.from({ length: n }, (_, k) => graphMessage(`AAMkMsg${String(k).padStart(5, '0')}=`));

describe('Message → Get Many', () => {
	const t = useMailNode();

	it('Return All pages with $top=1000 and follows @odata.nextLink as given', async () => {
		const all = messages(2500);
		t.s.graph.collection('GET', '/me/messages', () => all, { maxPageSize: 1000 });
		// Graph's own order: one cursor (sorted by date, the pages run in parallel: getAllParallel.test.ts).
		const out = await t.run({
			resource: 'message',
			operation: 'getAll',
			returnAll: true,
			output: 'fields',
			fields: ['subject'],
			options: { orderBy: '' },
		});
		const calls = t.s.graph.calls();
		expect(calls).toHaveLength(3);
		// Without a folder the message class comes too (Teams chats are left out by it).
		expect(calls[0].query).toEqual({
			$top: '1000',
			$select: 'id,subject',
			$expand: MESSAGE_CLASS_EXPAND,
		});
		expect(calls[1].query.$skiptoken).toBeDefined();
		expect(out).toHaveLength(2500);
		expect(out[2499].json.id).toBe(all[2499].id);
		expect(out.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
	});

	it('Limit fetches only as many pages as needed, with $top no larger than the limit', async () => {
		t.s.graph.collection('GET', '/me/messages', () => messages(500), { maxPageSize: 1000 });
		const out = await t.run({
			resource: 'message',
			operation: 'getAll',
			returnAll: false,
			limit: 30,
		});
		expect(t.s.graph.calls()).toHaveLength(1);
		expect(t.s.graph.calls()[0].query.$top).toBe('30');
		expect(out).toHaveLength(30);
		expect(out[0].json).toMatchObject({
			from: 'alice@contoso.com',
			to: ['bob@contoso.com'],
			preview: 'Hello Bob',
		});
	});

	it('Limit over pages Graph caps: the rest of each capped page is asked for, and the newest N come in order', async () => {
		const all = messages(500).map(
			(message, k): IDataObject => ({
				...message,
				receivedDateTime: new Date(Date.parse('2024-05-01T09:00:00Z') + k * 1000).toISOString(),
			}),
		);
		// Graph answers at most 100 a page whatever $top says, with a next link.
		serveMessages(t.s.graph, '/me/messages', () => all, { maxPageSize: 100 });
		const out = await t.run({
			resource: 'message',
			operation: 'getAll',
			returnAll: false,
			limit: 250,
		});
		const newest = [...all].reverse().slice(0, 250);
		expect(out.map((item) => item.json.id)).toEqual(newest.map((message) => message.id));
		const calls = t.s.graph.calls();
		// Two pages of 125 (and the next page's first), each capped at 100; then the rest of each.
		expect(calls.map((call) => [call.query.$skip, call.query.$top])).toEqual([
			[undefined, '126'],
			['125', '126'],
			['99', '27'],
			['224', '27'],
		]);
	});

	it('combines filters into one $filter, sorted property first, in the chosen folder', async () => {
		t.s.graph.collection('GET', '/me/mailFolders/:folder/messages', () => [
			graphMessage('AAMkOne='),
		]);
		await t.run({
			resource: 'message',
			operation: 'getAll',
			limit: 10,
			filters: {
				folderId: rl(FOLDER_ID),
				unreadOnly: true,
				from: "o'brien@contoso.com",
				receivedAfter: '2024-05-01T00:00:00',
				receivedBefore: '2024-06-01T00:00:00',
				hasAttachments: true,
				categories: 'Red, Blue',
				filter: "importance eq 'high'",
			},
		});
		const [call] = t.s.graph.calls();
		expect(call.path).toBe(`/me/mailFolders/${encodeURIComponent(FOLDER_ID)}/messages`);
		// The workflow's time zone (Europe/Madrid, UTC+2 in May) turns into UTC.
		expect(call.query.$filter).toBe(
			'receivedDateTime ge 2024-04-30T22:00:00Z and receivedDateTime lt 2024-05-31T22:00:00Z and isRead eq false and ' +
				"from/emailAddress/address eq 'o''brien@contoso.com' and hasAttachments eq true and " +
				"(categories/any(c:c eq 'Red') or categories/any(c:c eq 'Blue')) and (importance eq 'high')",
		);
		expect(call.query.$orderby).toBe('receivedDateTime desc');
	});

	it('puts a receivedDateTime condition first when sorting with other filters (Graph InefficientFilter rule)', async () => {
		t.s.graph.collection('GET', '/me/mailFolders/:folder/messages', () => []);
		await t.run({
			resource: 'message',
			operation: 'getAll',
			limit: 5,
			filters: { folderId: rl('inbox'), unreadOnly: true },
		});
		expect(t.s.graph.calls()[0]).toMatchObject({
			path: '/me/mailFolders/inbox/messages',
			query: {
				$filter: 'receivedDateTime ge 1900-01-01T00:00:00Z and isRead eq false',
				$orderby: 'receivedDateTime desc',
			},
		});
	});

	it('sends $search quoted, without $orderby', async () => {
		t.s.graph.collection('GET', '/users/:user/messages', () => [graphMessage('AAMkOne=')]);
		await t.run({
			resource: 'message',
			operation: 'getAll',
			mailbox: 'other',
			mailboxId: 'shared@contoso.com',
			limit: 5,
			filters: { search: 'invoice "Q3"' },
		});
		const [call] = t.s.graph.calls();
		expect(call.path).toBe('/users/shared%40contoso.com/messages');
		expect(call.query).toEqual({
			$search: '"invoice \\"Q3\\""',
			$top: '5',
			$select: expect.any(String),
			$expand: MESSAGE_CLASS_EXPAND,
		});
		expect(t.s.graph.requests[0].headers.consistencylevel).toBeUndefined();
	});

	it.each([
		[
			'$search with a filter',
			{ filters: { search: 'invoice', unreadOnly: true } },
			/Search cannot be combined with other filters/,
		],
		[
			'$search with a sort order',
			{ filters: { search: 'invoice' }, options: { orderBy: 'subject asc' } },
			/Sort cannot be used with the filter Search/,
		],
		[
			'a bad From address',
			{ filters: { from: 'alice' } },
			/"alice" in the field From is not an email address/,
		],
		[
			'a bad date',
			{ filters: { receivedAfter: 'yesterday-ish' } },
			/"yesterday-ish" in the filter Received After is not a date/,
		],
		[
			'a folder name that is not an ID',
			{ filters: { folderId: rl('Projects') } },
			/"Projects" in the field Folder is not a folder ID or a well-known folder name/,
		],
	])('refuses %s before any request', async (_, parameters, message) => {
		const error = await t.fail({
			resource: 'message',
			operation: 'getAll',
			limit: 5,
			...parameters,
		});
		expect((error as Error).message).toMatch(message);
		expect(t.s.graph.requests).toHaveLength(0);
	});

	function hints(): string[] {
		return (t.n8n.lastContext?.hints ?? []).map((h) => h.message);
	}

	it("Return All with Search stops at Graph's 1,000 results, newest sent first, and says so", async () => {
		const mailbox = new RulesMailbox('/me').install(t.s.graph);
		for (let n = 0; n < SEARCH_RESULT_CAP + 200; n++)
			mailbox.deliver('inbox', {
				subject: `Invoice ${n}`,
				sentDateTime: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(),
			});
		const out = await t.run({
			resource: 'message',
			operation: 'getAll',
			returnAll: true,
			filters: { search: 'invoice' },
		});
		expect(out).toHaveLength(SEARCH_RESULT_CAP);
		expect(out[0].json.subject).toBe(`Invoice ${SEARCH_RESULT_CAP + 199}`);
		expect(hints()).toEqual([
			expect.stringMatching(
				/^Microsoft Graph returns at most 1,000 messages for a search, newest sent first: there may be more/,
			),
		]);
	});

	it('a search that Graph answers in full says nothing more', async () => {
		const mailbox = new RulesMailbox('/me').install(t.s.graph);
		for (let n = 0; n < 30; n++) mailbox.deliver('inbox', { subject: `Invoice ${n}` });
		const out = await t.run({
			resource: 'message',
			operation: 'getAll',
			returnAll: true,
			filters: { search: 'invoice' },
		});
		expect(out).toHaveLength(30);
		expect(hints()).toEqual([]);
	});

	it.each([
		['Return All, sorted (pages by offset in parallel)', { returnAll: true }],
		['a Limit', { returnAll: false, limit: 3 }],
		["Graph's order", { returnAll: true, options: { orderBy: '' } }],
		['a Search', { returnAll: true, filters: { search: 'hello' } }],
	])('without a folder, Teams chats are left out (known issue): %s', async (_name, parameters) => {
		const mailbox = new RulesMailbox('/me').install(t.s.graph);
		const mail = [mailbox.deliver('inbox'), mailbox.deliver('sentitems'), mailbox.deliver('inbox')];
		mailbox.teamsChat({ body: { contentType: 'html', content: '<div>hello</div>' } });
		mailbox.teamsChat({ body: { contentType: 'html', content: '<div>hello again</div>' } });
		const out = await t.run({
			resource: 'message',
			operation: 'getAll',
			output: 'raw',
			...parameters,
		});
		expect(out.map((o) => o.json.id).sort()).toEqual([...mail].sort());
		expect(out.map((o) => o.json.subject)).not.toContain('IM');
		expect(out[0].json).not.toHaveProperty('singleValueExtendedProperties');
	});

	it('in a folder, nothing is asked for or left out', async () => {
		const mailbox = new RulesMailbox('/me').install(t.s.graph);
		mailbox.deliver('inbox');
		const out = await t.run({
			resource: 'message',
			operation: 'getAll',
			returnAll: true,
			filters: { folderId: rl('inbox') },
		});
		expect(out).toHaveLength(1);
		expect(t.s.graph.calls().every((c) => c.query.$expand === undefined)).toBe(true);
	});
});
