/**
 * Message → Get Many sorted by date (the offset reader, nodes/shared/graph/offsets.ts) where the
 * list is empty, and where it changes while a gap between two pages is read again by date: that
 * range goes on by date, not by Graph's next link (an offset too), so a deletion during it shifts
 * no message that stays out of the result.
 */
import type { IDataObject } from 'n8n-workflow';

import { GRAPH_AS_DOCUMENTED, serveMessages } from '../../support/graph-mailbox';
import { graphMessage, useMailNode } from './setup';

describe('Message → Get Many by offset on an empty list', () => {
	const t = useMailNode();

	it('returns no items with Return All when the mailbox is empty', async () => {
		serveMessages(t.s.graph, '/me/messages', () => [], GRAPH_AS_DOCUMENTED);
		const out = await t.run({ resource: 'message', operation: 'getAll', returnAll: true });
		expect(out).toEqual([]);
	});

	it('returns no items with a Limit of 500 when no message matches the filter', async () => {
		serveMessages(t.s.graph, '/me/messages', () => [], GRAPH_AS_DOCUMENTED);
		const out = await t.run({
			resource: 'message',
			operation: 'getAll',
			limit: 500,
			filters: { unreadOnly: true },
		});
		expect(out).toEqual([]);
	});
});

const START = Date.parse('2024-01-01T00:00:00Z');

describe('Message → Get Many: a gap read again by date while messages are deleted', () => {
	const t = useMailNode();

	it('returns every message that stays, when messages are deleted while a gap is read again', async () => {
		// 1,000 messages, one a minute; Raw output: pages of 100 (bodies).
		const all: IDataObject[] = Array.from({ length: 1000 }, (_, k) =>
			graphMessage(`AAMkMsg${String(k).padStart(6, '0')}=`, {
				receivedDateTime: new Date(START + k * 60_000).toISOString(),
			}),
		);
		const original = [...all];
		const deleted = new Set<string>();
		const remove = (from: number, to: number) => {
			// Newest first: list position p is all[999 - p] of the original mailbox.
			const gone = new Set(original.slice(999 - to, 1000 - from).map((m) => String(m.id)));
			for (let k = all.length - 1; k >= 0; k--)
				if (gone.has(String(all[k].id))) {
					deleted.add(String(all[k].id));
					all.splice(k, 1);
				}
		};
		let rangePages = 0;
		serveMessages(t.s.graph, '/me/messages', () => all, {
			...GRAPH_AS_DOCUMENTED,
			beforeAnswer: (request) => {
				// 1. Before the third quarter page is answered, the 150 newest messages (already listed
				//    by the first page) are deleted: that page starts 150 later, leaving a gap of ~150
				//    after the second page, which is read again by date (two pages of 100).
				if (request.query.$skip === '198') remove(0, 149);
				// 2. While that range is being read, 20 of the messages its first page already returned
				//    are deleted before its next page is asked for.
				const rangePage =
					/receivedDateTime lt/.test(String(request.query.$filter ?? '')) ||
					request.query.$skiptoken !== undefined;
				if (rangePage && rangePages++ === 1) remove(199, 218);
			},
		});
		const out = await t.run({
			resource: 'message',
			operation: 'getAll',
			returnAll: true,
			output: 'raw',
		});
		const returned = new Set(out.map((item) => String(item.json.id)));
		expect(returned.size).toBe(out.length);
		const stayed = original.filter((m) => !deleted.has(String(m.id)));
		const missing = stayed.filter((m) => !returned.has(String(m.id))).map((m) => m.id);
		// The gap was read again in more than one page, the second after the second deletion.
		expect(rangePages).toBeGreaterThan(1);
		expect(missing).toEqual([]);
	});
});
