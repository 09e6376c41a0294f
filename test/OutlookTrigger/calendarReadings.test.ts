/**
 * The calendar triggers as Microsoft documents calendarView delta and as people observe it
 * (test/support/graph-delta.ts models both): every test runs under both readings of recurring
 * series, and shared calendars with the delegated credential under both answers to the delta.
 * - `@removed` also means "outside the window": https://learn.microsoft.com/graph/api/event-delta#response
 * - series as stubs + master, no `@removed` for a deleted occurrence: microsoft-graph-docs#1716,
 *   #7632, #22197, docs PR #4501.
 * - event-delta lists no `.Shared` permission (another user's calendar, delegated credential).
 */
import { DateTime } from 'luxon';
import type { IDataObject } from 'n8n-workflow';

import { DeltaMailbox, type DeltaBehaviour } from '../support/graph-delta';
import { useTrigger } from './support';

const READINGS: Array<DeltaBehaviour['series']> = ['documented', 'observed'];

/** A Monday at 09:00 UTC two to eight days from now: inside a 30-day window. */
function nextMonday(): DateTime {
	const start = DateTime.utc().plus({ days: 2 }).startOf('day').set({ hour: 9 });
	return start.plus({ days: (8 - start.weekday) % 7 });
}

describe.each(READINGS)('Outlook Trigger, calendarView delta (%s reading)', (reading) => {
	const t = useTrigger();
	let mailbox: DeltaMailbox;

	beforeEach(() => {
		mailbox = new DeltaMailbox('/me', { series: reading }).install(t.s.graph);
	});

	const runner = (event: string) => t.runner({ event, windowDays: 30 }, 'UTC');

	it('a meeting rescheduled beyond the window is not a deletion; a deleted one is', async () => {
		const start = DateTime.utc().plus({ days: 3 }).startOf('hour');
		const moved = mailbox.addInstance({ subject: 'Moved', start, end: start.plus({ hours: 1 }) });
		const doomed = mailbox.addInstance({ subject: 'Gone', start, end: start.plus({ hours: 1 }) });
		const cancelled = runner('eventCancelledOrDeleted');
		const updated = runner('eventUpdated');
		expect(await cancelled.poll()).toEqual([]);
		expect(await updated.poll()).toEqual([]);

		const later = DateTime.utc().plus({ days: 60 }).startOf('hour');
		mailbox.updateInstance(moved, { start: later, end: later.plus({ hours: 1 }) });
		mailbox.deleteInstance(doomed);
		// Graph lists both under @removed (reason "deleted"); only one was deleted.
		expect(await cancelled.poll()).toEqual([{ id: doomed, change: 'deleted', reason: 'deleted' }]);
		const changes = await updated.poll();
		expect(changes).toEqual([
			expect.objectContaining({
				id: moved,
				subject: 'Moved',
				start: later.toISO({ suppressMilliseconds: true }),
			}),
		]);
		expect(await cancelled.poll()).toEqual([]);
		expect(await updated.poll()).toEqual([]);
	});

	it('an old meeting moved into the window is an update, not a creation', async () => {
		const far = DateTime.utc().plus({ days: 90 }).startOf('hour');
		const old = mailbox.addInstance({
			subject: 'Quarterly',
			start: far,
			end: far.plus({ hours: 1 }),
			createdDateTime: '2026-01-05T10:00:00Z',
		});
		const created = runner('eventCreated');
		const updated = runner('eventUpdated');
		expect(await created.poll()).toEqual([]);
		expect(await updated.poll()).toEqual([]);
		const soon = DateTime.utc().plus({ days: 4 }).startOf('hour');
		mailbox.updateInstance(old, { start: soon, end: soon.plus({ hours: 1 }) });
		const fresh = mailbox.addInstance({
			subject: 'New',
			start: soon,
			end: soon.plus({ hours: 1 }),
		});
		expect((await created.poll()).map((e) => e.id)).toEqual([fresh]);
		expect((await updated.poll()).map((e) => [e.id, e.subject])).toEqual([[old, 'Quarterly']]);
	});

	it('a new weekly series: one complete Event Created per occurrence in the window', async () => {
		const created = runner('eventCreated');
		expect(await created.poll()).toEqual([]);
		const { occurrences } = mailbox.addWeeklySeries('Stand-up', nextMonday(), 30, 3);
		const items = await created.poll();
		expect(items.map((e) => e.id)).toEqual(occurrences);
		for (const item of items) {
			expect(item).toMatchObject({
				subject: 'Stand-up',
				organizer: 'alice@contoso.com',
				type: 'occurrence',
			});
		}
		expect(await created.poll()).toEqual([]);
	});

	it('a series edit gives Event Updated once per occurrence, with the new subject', async () => {
		const { masterId, occurrences } = mailbox.addWeeklySeries('Review', nextMonday(), 60, 3);
		const updated = runner('eventUpdated');
		expect(await updated.poll()).toEqual([]);
		mailbox.updateSeries(masterId, { subject: 'Review (room 4)' });
		const items = await updated.poll();
		expect(items.map((e) => [e.id, e.subject])).toEqual(
			occurrences.map((id) => [id, 'Review (room 4)']),
		);
		expect(await updated.poll()).toEqual([]);
	});

	it('a deleted occurrence fires once; the rest of the series does not', async () => {
		const monday = nextMonday();
		const { masterId, occurrences } = mailbox.addWeeklySeries('1:1', monday, 30, 3);
		const cancelled = runner('eventCancelledOrDeleted');
		expect(await cancelled.poll()).toEqual([]);
		mailbox.deleteInstance(occurrences[1]);
		const items = await cancelled.poll();
		expect(items).toHaveLength(1);
		if (reading === 'documented') {
			expect(items[0]).toEqual({ id: occurrences[1], change: 'deleted', reason: 'deleted' });
		} else {
			// Graph gave no @removed and no ID: the trigger names the series and the start.
			expect(items[0]).toEqual({
				idHash: expect.any(String),
				change: 'deleted',
				reason: 'deleted',
				seriesMasterId: masterId,
				start: monday.plus({ weeks: 1 }).toISO({ suppressMilliseconds: true }),
			});
		}
		expect(await cancelled.poll()).toEqual([]);
	});

	it('a whole series deleted: each occurrence in the window once', async () => {
		const { masterId, occurrences } = mailbox.addWeeklySeries('Sync', nextMonday(), 30, 3);
		const cancelled = runner('eventCancelledOrDeleted');
		await cancelled.poll();
		mailbox.deleteSeries(masterId);
		const items = await cancelled.poll();
		expect(items.map((e) => e.id).sort()).toEqual([...occurrences].sort());
		expect(await cancelled.poll()).toEqual([]);
	});
});

describe.each<DeltaBehaviour['sharedCalendarDelta']>(['refused', 'allowed'])(
	"Outlook Trigger on another user's calendar, delegated credential (delta %s)",
	(answer) => {
		const t = useTrigger();
		const root = `/users/${encodeURIComponent('shared@contoso.com')}`;
		let mailbox: DeltaMailbox;

		beforeEach(() => {
			mailbox = new DeltaMailbox(root, { sharedCalendarDelta: answer }).install(t.s.graph);
		});

		const runner = (event: string) =>
			t.runner({ event, mailbox: 'other', mailboxId: 'shared@contoso.com', windowDays: 30 }, 'UTC');

		it('reports creations, updates and deletions, each once', async () => {
			const start = DateTime.utc().plus({ days: 2 }).startOf('hour');
			const kept = mailbox.addInstance({ subject: 'Kept', start, end: start.plus({ hours: 1 }) });
			const doomed = mailbox.addInstance({
				subject: 'Doomed',
				start,
				end: start.plus({ hours: 1 }),
			});
			const created = runner('eventCreated');
			const updated = runner('eventUpdated');
			const cancelled = runner('eventCancelledOrDeleted');
			for (const r of [created, updated, cancelled]) expect(await r.poll()).toEqual([]);

			const fresh = mailbox.addInstance({ subject: 'New', start, end: start.plus({ hours: 1 }) });
			mailbox.updateInstance(kept, { subject: 'Kept (moved room)' });
			mailbox.deleteInstance(doomed);
			expect((await created.poll()).map((e) => e.id)).toEqual([fresh]);
			expect((await updated.poll()).map((e: IDataObject) => [e.id, e.subject])).toEqual([
				[kept, 'Kept (moved room)'],
			]);
			expect(await cancelled.poll()).toEqual([
				expect.objectContaining({ change: 'deleted', reason: 'deleted' }),
			]);
			for (const r of [created, updated, cancelled]) expect(await r.poll()).toEqual([]);

			const deltas = t.s.graph.calls().filter((c) => c.path.endsWith('/calendarView/delta'));
			if (answer === 'refused') {
				// One refused delta per trigger, then the calendar view of the window each poll.
				expect(deltas).toHaveLength(3);
			} else {
				expect(deltas.length).toBeGreaterThan(3);
			}
		});
	},
);
