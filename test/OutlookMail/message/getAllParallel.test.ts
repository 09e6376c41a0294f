/**
 * Message → Get Many, Return All sorted by date: the result is paged in up to 4 disjoint
 * receivedDateTime ranges at once (nodes/shared/graph/slices.ts). Every message once, in order,
 * also when messages share a date or arrive during the run; small results cost one call.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { sliceBounds } from '../../../nodes/shared/graph/slices';
import { serveMessages } from '../../support/graph-mailbox';
import { graphMessage, useMailNode } from './setup';

const START = Date.parse('2024-01-01T00:00:00Z');

/** `n` messages, `perStamp` of them sharing each receivedDateTime, one minute apart. */
function mailbox(n: number, perStamp = 1, prefix = 'AAMkMsg'): IDataObject[] {
	return Array.from({ length: n }, (_, k) =>
		graphMessage(`${prefix}${String(k).padStart(6, '0')}=`, {
			receivedDateTime: new Date(START + Math.floor(k / perStamp) * 60_000)
				.toISOString()
				.replace('.000Z', 'Z'),
		}),
	);
}

function ids(out: INodeExecutionData[]): string[] {
	return out.map((item) => String(item.json.id));
}

/** The IDs of `all` newest first (ties in any order), as a list to compare sorted output against. */
function expectExactlyOnceInOrder(
	out: INodeExecutionData[],
	all: IDataObject[],
	direction: 'asc' | 'desc',
) {
	const got = ids(out);
	expect(new Set(got).size).toBe(got.length);
	expect([...got].sort()).toEqual(all.map((m) => String(m.id)).sort());
	const times = out.map((item) => Date.parse(String(item.json.receivedDateTime)));
	const sorted = [...times].sort((a, b) => (direction === 'desc' ? b - a : a - b));
	expect(times).toEqual(sorted);
}

describe('Message → Get Many in parallel date ranges', () => {
	const t = useMailNode();

	it('returns 10,000 messages newest first, each once, in 4 date ranges with 4 requests in flight', async () => {
		const all = mailbox(10_000);
		serveMessages(t.s.graph, '/me/messages', () => all);
		t.s.graph.exchangeLimits({ serviceMs: 150 });
		const out = await t.run({
			resource: 'message',
			operation: 'getAll',
			returnAll: true,
			output: 'raw',
		});
		expectExactlyOnceInOrder(out, all, 'desc');
		expect(ids(out)[0]).toBe(all[9999].id);
		const calls = t.s.graph.calls();
		expect(calls[0].query).toMatchObject({
			$top: '1000',
			$count: 'true',
			$orderby: 'receivedDateTime desc',
		});
		// Round 2: the first page's link and the oldest page, side by side.
		const round2 = calls.slice(1, 3);
		expect(round2.filter((c) => c.query.$skiptoken)).toHaveLength(1);
		expect(round2.filter((c) => c.query.$orderby === 'receivedDateTime asc')).toEqual([
			expect.objectContaining({ query: expect.objectContaining({ $top: '1000' }) }),
		]);
		// The 7,000 between the two ends: 4 ranges of 2 pages each.
		const ranges = calls.filter((c) => c.query.$filter?.startsWith('receivedDateTime ge'));
		expect(ranges).toHaveLength(4);
		expect(calls).toHaveLength(11);
		// 10,000 messages in 4 round trips' time (the sequential paging takes 10).
		expect(t.s.graph.limitStats.rounds.me).toBe(4);
		expect(t.s.graph.limitStats.peakInFlight.me).toBe(4);
		expect(t.s.graph.limitStats.throttled).toBe(0);
	});

	it('returns oldest first when asked, each once, for a mail folder and with filters kept', async () => {
		const all = mailbox(4500);
		for (const [k, message] of all.entries()) message.isRead = k % 3 === 0;
		const unread = all.filter((m) => m.isRead === false);
		serveMessages(t.s.graph, '/me/mailFolders/:folder/messages', () => all);
		const out = await t.run({
			resource: 'message',
			operation: 'getAll',
			returnAll: true,
			output: 'raw',
			filters: { unreadOnly: true, folderId: { __rl: true, mode: 'id', value: 'inbox' } },
			options: { orderBy: 'receivedDateTime asc' },
		});
		expectExactlyOnceInOrder(out, unread, 'asc');
		const firstPages = t.s.graph.calls().filter((call) => !call.query.$skiptoken);
		expect(firstPages.length).toBeGreaterThan(2);
		for (const call of firstPages) expect(call.query.$filter).toContain('isRead eq false');
	});

	it('misses and repeats nothing when many messages share a date at the range bounds', async () => {
		// 7 messages per timestamp: every page and range bound falls inside a group of equal dates.
		const all = mailbox(6000, 7);
		serveMessages(t.s.graph, '/me/messages', () => all);
		const out = await t.run({
			resource: 'message',
			operation: 'getAll',
			returnAll: true,
			output: 'raw',
		});
		expectExactlyOnceInOrder(out, all, 'desc');
	});

	it('misses nothing when the dates are bunched (most mail in one range)', async () => {
		const all = [...mailbox(300, 1, 'AAMkOld'), ...mailbox(5000, 1, 'AAMkNew')];
		for (const [k, message] of all.slice(300).entries())
			message.receivedDateTime = new Date(
				Date.parse('2024-06-01T00:00:00Z') + k * 1000,
			).toISOString();
		serveMessages(t.s.graph, '/me/messages', () => all);
		const out = await t.run({
			resource: 'message',
			operation: 'getAll',
			returnAll: true,
			output: 'raw',
		});
		expectExactlyOnceInOrder(out, all, 'desc');
	});

	it('costs one call when the result fits one page, and follows the link when one page is left', async () => {
		serveMessages(t.s.graph, '/me/messages', () => mailbox(800));
		expect(await t.run({ resource: 'message', operation: 'getAll', returnAll: true })).toHaveLength(
			800,
		);
		expect(t.s.graph.calls()).toHaveLength(1);

		t.s.graph.reset();
		serveMessages(t.s.graph, '/me/messages', () => mailbox(1700));
		const out = await t.run({
			resource: 'message',
			operation: 'getAll',
			returnAll: true,
			output: 'raw',
		});
		expect(out).toHaveLength(1700);
		const calls = t.s.graph.calls();
		expect(calls).toHaveLength(2);
		expect(calls[1].query.$skiptoken).toBeDefined();
	});

	it('honours Limit: the newest N in order, pages only as far as needed', async () => {
		const all = mailbox(10_000);
		serveMessages(t.s.graph, '/me/messages', () => all);
		const out = await t.run({
			resource: 'message',
			operation: 'getAll',
			returnAll: false,
			limit: 2500,
			output: 'raw',
		});
		expect(ids(out)).toEqual(
			all
				.slice(-2500)
				.reverse()
				.map((m) => m.id),
		);
		expect(t.s.graph.calls()).toHaveLength(3);
	});

	it('returns each message once when mail arrives during the run (newest first and oldest first)', async () => {
		for (const direction of ['desc', 'asc'] as const) {
			t.s.graph.reset();
			const all = mailbox(5000);
			const original = [...all];
			let calls = 0;
			// After the first page, 30 new messages arrive between each request.
			serveMessages(t.s.graph, '/me/messages', () => all, {
				beforeAnswer: () => {
					if (calls++ === 0) return;
					for (let k = 0; k < 30; k++)
						all.push(
							graphMessage(`AAMkNew${calls}-${k}=`, {
								receivedDateTime: new Date(
									Date.parse('2025-01-01T00:00:00Z') + calls * 1000 + k,
								).toISOString(),
							}),
						);
				},
			});
			const out = await t.run({
				resource: 'message',
				operation: 'getAll',
				returnAll: true,
				output: 'raw',
				options: { orderBy: `receivedDateTime ${direction}` },
			});
			const got = ids(out);
			expect(new Set(got).size).toBe(got.length);
			const returned = new Set(got);
			expect(original.filter((message) => !returned.has(String(message.id)))).toEqual([]);
			const times = out.map((item) => Date.parse(String(item.json.receivedDateTime)));
			expect(times).toEqual([...times].sort((a, b) => (direction === 'desc' ? b - a : a - b)));
		}
	});

	it('returns each message once when mail arrives while the second page is read by its link', async () => {
		const all = mailbox(1700);
		let calls = 0;
		serveMessages(t.s.graph, '/me/messages', () => all, {
			beforeAnswer: () => {
				// One message arrives after the first page: the offset link would repeat a message.
				if (calls++ === 1)
					all.push(graphMessage('AAMkLate=', { receivedDateTime: '2025-01-01T00:00:00Z' }));
			},
		});
		const out = await t.run({
			resource: 'message',
			operation: 'getAll',
			returnAll: true,
			output: 'raw',
		});
		expect(t.s.graph.calls()).toHaveLength(2);
		expectExactlyOnceInOrder(out, all.slice(0, 1700), 'desc');
	});

	it('does not return receivedDateTime with Selected Fields that leave it out', async () => {
		serveMessages(t.s.graph, '/me/messages', () => mailbox(3500));
		const out = await t.run({
			resource: 'message',
			operation: 'getAll',
			returnAll: true,
			output: 'fields',
			fields: ['subject'],
		});
		expect(out).toHaveLength(3500);
		expect(Object.keys(out[0].json).sort()).toEqual(['id', 'subject']);
		expect(t.s.graph.calls()[0].query.$select).toBe('id,subject,receivedDateTime');
	});

	it('cuts ranges at even dates and never a zero-length range', () => {
		expect(sliceBounds('2024-01-01T00:00:00Z', '2024-01-01T00:00:04Z', 4)).toEqual([
			'2024-01-01T00:00:00Z',
			'2024-01-01T00:00:01.000Z',
			'2024-01-01T00:00:02.000Z',
			'2024-01-01T00:00:03.000Z',
			'2024-01-01T00:00:04Z',
		]);
		expect(sliceBounds('2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z', 4)).toEqual([
			'2024-01-01T00:00:00Z',
		]);
	});
});
