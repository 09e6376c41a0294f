/**
 * Message → Get Many sorted by date: pages by offset (`$skip`) on up to 4 requests at once from the
 * first round, each asking for the next page's first message too; where the list changed between
 * two pages, the gap is read again by date (nodes/shared/graph/offsets.ts). Every message once, in
 * order, also when messages share a second, arrive or leave during the run; pages sized by what is
 * selected and asked again smaller on a 504. Each test runs against the Graph stand-in as Microsoft's pages describe Graph and as
 * public reports describe it (test/support/graph-mailbox.ts: seconds shown while milliseconds are
 * stored, `@odata.count` -1 with `$filter`, 504 for pages of many full messages), with the cost
 * model on (never more than 4 requests on the mailbox, none waiting for a lane).
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { cutsByDensity } from '../../../nodes/shared/graph/slices';
import type { GraphCostModel } from '../../support/graph-costs';
import { FAST_COSTS } from '../../support/graph-costs';
import {
	GRAPH_AS_DOCUMENTED,
	GRAPH_AS_OBSERVED,
	serveMessages,
	type MailboxOptions,
} from '../../support/graph-mailbox';
import { graphMessage, useMailNode } from './setup';

const START = Date.parse('2024-01-01T00:00:00Z');

/**
 * `n` messages, `perSecond` of them in each second (at different milliseconds, as Exchange stores
 * them), one such second a minute.
 */
function mailbox(n: number, perSecond = 1, prefix = 'AAMkMsg'): IDataObject[] {
	return Array.from({ length: n }, (_, k) =>
		graphMessage(`${prefix}${String(k).padStart(6, '0')}=`, {
			receivedDateTime: new Date(
				START + Math.floor(k / perSecond) * 60_000 + (k % perSecond) * 137,
			).toISOString(),
		}),
	);
}

function ids(out: INodeExecutionData[]): string[] {
	return out.map((item) => String(item.json.id));
}

/** Each of `all` once, sorted by date as asked (Graph's stored time; ties in any order). */
function expectExactlyOnceInOrder(
	out: INodeExecutionData[],
	all: IDataObject[],
	direction: 'asc' | 'desc',
) {
	const got = ids(out);
	expect(new Set(got).size).toBe(got.length);
	expect([...got].sort()).toEqual(all.map((m) => String(m.id)).sort());
	const stored = new Map(all.map((m) => [String(m.id), Date.parse(String(m.receivedDateTime))]));
	const times = got.map((id) => stored.get(id)!);
	const sorted = [...times].sort((a, b) => (direction === 'desc' ? b - a : a - b));
	expect(times).toEqual(sorted);
}

/** Requests that read a stretch of dates again (a gap between two pages). */
const rangeRequests = (calls: Array<{ query: Record<string, string> }>) =>
	calls.filter((call) => /receivedDateTime (ge|lt) /.test(call.query.$filter ?? ''));
const offsets = (calls: Array<{ query: Record<string, string> }>) =>
	calls.map((call) => [call.query.$skip, call.query.$top]);

describe.each([
	['as Microsoft documents it', GRAPH_AS_DOCUMENTED],
	['as publicly reported', GRAPH_AS_OBSERVED],
])('Message → Get Many by offset in parallel, Graph %s', (_reading, graphMode) => {
	const t = useMailNode();
	let costs: GraphCostModel;
	beforeEach(() => (costs = t.s.graph.costModel(FAST_COSTS)));
	afterEach(() => {
		expect(costs.stats.laneWaits).toBe(0);
		for (const peak of Object.values(costs.stats.peakInFlight)) expect(peak).toBeLessThanOrEqual(4);
	});
	const serve = (pattern: string, items: () => IDataObject[], extra: MailboxOptions = {}) =>
		serveMessages(t.s.graph, pattern, items, { ...graphMode, ...extra });

	it('returns 10,000 messages newest first, each once: 4 quarter pages at once, then pages of equal size', async () => {
		const all = mailbox(10_000);
		serve('/me/messages', () => all);
		const out = await t.run({ resource: 'message', operation: 'getAll', returnAll: true });
		expectExactlyOnceInOrder(out, all, 'desc');
		const calls = t.s.graph.calls();
		// A quarter page each (and the next one's first message), the first with Graph's count.
		expect(offsets(calls.slice(0, 4))).toEqual([
			[undefined, '251'],
			['250', '251'],
			['500', '251'],
			['750', '251'],
		]);
		expect(calls.filter((call) => call.query.$count === 'true')).toEqual([calls[0]]);
		// The other 9,000 by Graph's count: 12 pages of 750, 3 for each of the 4 lanes.
		expect(offsets(calls.slice(4))).toEqual(
			Array.from({ length: 12 }, (_, j) => [String(1000 + j * 750), '751']),
		);
		for (const call of calls) expect(call.query.$orderby).toBe('receivedDateTime desc');
		// Nothing changed during the run: no date range read again.
		expect(rangeRequests(calls)).toEqual([]);
	});

	it('reads 4 pages at a time also when Graph gives no count for a filtered list (-1 as reported), oldest first, in a folder, with the filter kept', async () => {
		const all = mailbox(6000);
		for (const [k, message] of all.entries()) message.isRead = k % 3 === 0;
		const unread = all.filter((m) => m.isRead === false);
		serve('/me/mailFolders/:folder/messages', () => all);
		const out = await t.run({
			resource: 'message',
			operation: 'getAll',
			returnAll: true,
			output: 'raw',
			filters: { unreadOnly: true, folderId: { __rl: true, mode: 'id', value: 'inbox' } },
			options: { orderBy: 'receivedDateTime asc' },
		});
		expectExactlyOnceInOrder(out, unread, 'asc');
		const calls = t.s.graph.calls();
		for (const call of calls) expect(call.query.$filter).toContain('isRead eq false');
		// 2,000 messages in pages of 100 (bodies): 4 side by side, not one link after the other.
		const skips = calls.map((call) => Number(call.query.$skip ?? 0));
		expect(new Set(skips).size).toBe(calls.length);
		expect(calls.length).toBeGreaterThanOrEqual(Math.ceil(unread.length / 99));
		expect(costs.stats.peakInFlight).toEqual(
			expect.objectContaining({ [Object.keys(costs.stats.peakInFlight)[0]]: 4 }),
		);
	});

	it('misses and repeats nothing when page and range edges fall inside seconds full of messages', async () => {
		// 7 messages a second, milliseconds apart: every edge cuts a second Graph shows as one.
		const all = mailbox(6000, 7);
		serve('/me/messages', () => all);
		const out = await t.run({ resource: 'message', operation: 'getAll', returnAll: true });
		expectExactlyOnceInOrder(out, all, 'desc');
	});

	it('misses nothing when the dates are bunched (most mail in one short stretch)', async () => {
		const all = [...mailbox(300, 1, 'AAMkOld'), ...mailbox(5000, 1, 'AAMkNew')];
		for (const [k, message] of all.slice(300).entries())
			message.receivedDateTime = new Date(Date.parse('2024-06-01T00:00:00Z') + k * 1000)
				.toISOString()
				.replace('.000Z', '.250Z');
		serve('/me/messages', () => all);
		const out = await t.run({ resource: 'message', operation: 'getAll', returnAll: true });
		expectExactlyOnceInOrder(out, all, 'desc');
	});

	it('costs one round of 4 requests when the result fits in 1,000', async () => {
		for (const n of [400, 1000]) {
			t.s.graph.reset();
			costs = t.s.graph.costModel(FAST_COSTS);
			const all = mailbox(n);
			serve('/me/messages', () => all);
			const out = await t.run({ resource: 'message', operation: 'getAll', returnAll: true });
			expectExactlyOnceInOrder(out, all, 'desc');
			expect(offsets(t.s.graph.calls())).toEqual([
				[undefined, '251'],
				['250', '251'],
				['500', '251'],
				['750', '251'],
			]);
		}
	});

	it('honours Limit: the newest N in order; under 200 in one request, more in pages side by side', async () => {
		const all = mailbox(10_000);
		serve('/me/messages', () => all);
		const newest = (n: number) =>
			all
				.slice(-n)
				.reverse()
				.map((m) => m.id);
		const few = await t.run({ resource: 'message', operation: 'getAll', limit: 150 });
		expect(ids(few)).toEqual(newest(150));
		expect(offsets(t.s.graph.calls())).toEqual([[undefined, '150']]);

		t.s.graph.requests.length = 0;
		const some = await t.run({ resource: 'message', operation: 'getAll', limit: 800 });
		expect(ids(some)).toEqual(newest(800));
		expect(offsets(t.s.graph.calls())).toEqual([
			[undefined, '201'],
			['200', '201'],
			['400', '201'],
			['600', '201'],
		]);

		t.s.graph.requests.length = 0;
		const many = await t.run({ resource: 'message', operation: 'getAll', limit: 2500 });
		expect(ids(many)).toEqual(newest(2500));
		expect(offsets(t.s.graph.calls())).toEqual([
			[undefined, '626'],
			['625', '626'],
			['1250', '626'],
			['1875', '626'],
		]);
	});

	it('returns each message once when mail arrives during the run (newest first and oldest first)', async () => {
		for (const direction of ['desc', 'asc'] as const) {
			t.s.graph.reset();
			costs = t.s.graph.costModel(FAST_COSTS);
			const all = mailbox(5000);
			const original = [...all];
			let calls = 0;
			// After the first request, 30 new messages arrive before each answer.
			serve('/me/messages', () => all, {
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
				options: { orderBy: `receivedDateTime ${direction}` },
			});
			const got = ids(out);
			expect(new Set(got).size).toBe(got.length);
			const returned = new Set(got);
			expect(original.filter((message) => !returned.has(String(message.id)))).toEqual([]);
			const stored = new Map(
				all.map((m) => [String(m.id), Date.parse(String(m.receivedDateTime))]),
			);
			const times = got.map((id) => stored.get(id)!);
			expect(times).toEqual([...times].sort((a, b) => (direction === 'desc' ? b - a : a - b)));
		}
	});

	it('returns every message that stays when others are deleted during the run (no range skips one)', async () => {
		const all = mailbox(6000);
		const deleted = new Set<string>();
		let calls = 0;
		serve('/me/messages', () => all, {
			beforeAnswer: () => {
				// From the third request on, 20 already listed messages leave the mailbox each time.
				if (++calls < 3) return;
				for (let k = 0; k < 20 && all.length > 1; k++) {
					const [gone] = all.splice((calls * 37 + k * 101) % all.length, 1);
					deleted.add(String(gone.id));
				}
			},
		});
		const original = mailbox(6000);
		const out = await t.run({ resource: 'message', operation: 'getAll', returnAll: true });
		const returned = new Set(ids(out));
		expect(returned.size).toBe(out.length);
		const kept = original.filter((m) => !deleted.has(String(m.id)));
		expect(kept.filter((m) => !returned.has(String(m.id)))).toEqual([]);
		// The pages read after a deletion start later than the ones before them ended: those gaps
		// were read again by date.
		expect(rangeRequests(t.s.graph.calls()).length).toBeGreaterThan(0);
	});

	it('reads to the end by date when the list shrank under a page that came back empty', async () => {
		const all = mailbox(1000);
		const original = [...all];
		const deleted = new Set<string>();
		serve('/me/messages', () => all, {
			beforeAnswer: (request) => {
				// Just before the last quarter page is answered, the 300 newest leave: it comes back
				// empty while the one before it was full.
				if (request.query.$skip !== '750') return;
				for (const gone of all.splice(-300)) deleted.add(String(gone.id));
			},
		});
		const out = await t.run({ resource: 'message', operation: 'getAll', returnAll: true });
		const returned = new Set(ids(out));
		expect(returned.size).toBe(out.length);
		expect(
			original.filter((m) => !deleted.has(String(m.id)) && !returned.has(String(m.id))),
		).toEqual([]);
		// The stretch after the last full page, to the oldest message, read by date.
		expect(rangeRequests(t.s.graph.calls()).some((call) => !/ ge /.test(call.query.$filter))).toBe(
			true,
		);
	});

	it('leaves Teams chats out of Simplified output, also where one begins a page, and does not count them for a Limit', async () => {
		// Newest first, the list's positions 0, 250, 251, 500 and 599 are Teams chats (0 and 250 begin
		// a quarter page; 250 is the end of the page before it too).
		const chats = new Set([0, 250, 251, 500, 599].map((position) => 599 - position));
		const all = mailbox(600).map((message, k) =>
			chats.has(k)
				? {
						...message,
						subject: 'IM',
						singleValueExtendedProperties: [
							{ id: 'String 0x001A', value: 'IPM.SkypeTeams.Message' },
						],
					}
				: message,
		);
		const mail = all.filter((_, k) => !chats.has(k));
		serve('/me/messages', () => all);
		const out = await t.run({ resource: 'message', operation: 'getAll', returnAll: true });
		expectExactlyOnceInOrder(out, mail, 'desc');
		expect(out.map((item) => item.json.subject)).not.toContain('IM');
		expect(out[0].json).not.toHaveProperty('singleValueExtendedProperties');
		expect(offsets(t.s.graph.calls())).toEqual([
			[undefined, '251'],
			['250', '251'],
			['500', '251'],
			['750', '251'],
		]);

		const limited = await t.run({
			resource: 'message',
			operation: 'getAll',
			returnAll: false,
			limit: 300,
		});
		expect(ids(limited)).toEqual(ids(out).slice(0, 300));
	});

	it('does not return receivedDateTime with Selected Fields that leave it out', async () => {
		serve('/me/messages', () => mailbox(3500));
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

	it('asks for pages of 100 when bodies come with the messages (Raw), 1,000 without', async () => {
		const all = mailbox(1200);
		serve('/me/messages', () => all);
		const raw = await t.run({
			resource: 'message',
			operation: 'getAll',
			returnAll: true,
			output: 'raw',
		});
		expectExactlyOnceInOrder(raw, all, 'desc');
		const tops = t.s.graph.calls().map((c) => Number(c.query.$top));
		expect(Math.max(...tops)).toBeLessThanOrEqual(100);

		t.s.graph.requests.length = 0;
		await t.run({
			resource: 'message',
			operation: 'getAll',
			returnAll: true,
			output: 'fields',
			fields: ['subject', 'body'],
		});
		expect(Math.max(...t.s.graph.calls().map((c) => Number(c.query.$top)))).toBeLessThanOrEqual(
			100,
		);

		t.s.graph.requests.length = 0;
		await t.run({ resource: 'message', operation: 'getAll', returnAll: true });
		// 1,200 simplified: 4 quarter pages, then the other 200 by Graph's count, 2 × 100.
		expect(t.s.graph.calls().map((c) => c.query.$top)).toEqual([
			'251',
			'251',
			'251',
			'251',
			'101',
			'101',
		]);
		t.s.graph.requests.length = 0;
		await t.run({ resource: 'message', operation: 'getAll', limit: 1000 });
		expect(t.s.graph.calls().map((c) => c.query.$top)).toEqual(['251', '251', '251', '251']);
	});

	it('asks again with a smaller page when Graph answers 504, never the same page again', async () => {
		// Bodies so large that Graph times out on more than 30 messages a page.
		const all = mailbox(700);
		serve('/me/messages', () => all, { fullPayloadPageLimit: 30 });
		const out = await t.run({
			resource: 'message',
			operation: 'getAll',
			returnAll: true,
			output: 'raw',
		});
		expectExactlyOnceInOrder(out, all, 'desc');
		const timedOut = t.s.graph.calls().filter((c) => Number(c.query.$top) > 30);
		expect(timedOut.length).toBeGreaterThan(0);
		const asked = timedOut.map((c) => JSON.stringify(c.query));
		expect(new Set(asked).size).toBe(asked.length);

		// In Graph's own order (one next link after the other) the first page is asked smaller too.
		t.s.graph.requests.length = 0;
		const inGraphOrder = await t.run({
			resource: 'message',
			operation: 'getAll',
			returnAll: true,
			output: 'raw',
			options: { orderBy: '' },
		});
		expect(inGraphOrder).toHaveLength(700);
		expect(t.s.graph.calls().map((c) => c.query.$top)).toEqual(
			expect.arrayContaining(['100', '50', '25']),
		);
		expect(t.s.graph.calls().filter((c) => c.query.$top === '100')).toHaveLength(1);
	});
});

describe('date range cuts', () => {
	it('cuts ranges at whole seconds, by density, and never a zero-length range', () => {
		const t0 = Date.parse('2024-01-01T00:00:00Z');
		// Even density: even cuts.
		expect(cutsByDensity(t0, t0 + 4000, 4)).toEqual([t0 + 1000, t0 + 2000, t0 + 3000]);
		// Three times denser at the far end: the cuts crowd there.
		const cuts = cutsByDensity(t0, t0 + 100_000, 4, 1, 3);
		expect(cuts).toHaveLength(3);
		expect(cuts[0] - t0).toBeGreaterThan(cuts[2] - cuts[1]);
		for (const cut of cuts) expect(cut % 1000).toBe(0);
		// A range shorter than the cuts asked for collapses instead of repeating a cut.
		expect(cutsByDensity(t0, t0 + 1000, 4)).toEqual([]);
	});
});
