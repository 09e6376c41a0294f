import { DateTime } from 'luxon';
import type { IDataObject } from 'n8n-workflow';

import { DeltaMailbox } from '../support/graph-delta';
import { useTrigger } from './support';

/** A Monday before Europe's DST change (2027-03-28), far enough ahead of any test clock. */
const SERIES_START = DateTime.fromISO('2027-03-15T09:00:00', { zone: 'Europe/Madrid' });

// Both readings of recurring series in calendarView delta (test/support/graph-delta.ts).
describe.each(['documented', 'observed'] as const)(
	'Outlook Trigger: calendar changes (calendarView delta, %s reading)',
	(reading) => {
		const t = useTrigger();
		beforeEach(() => {
			t.mailbox = new DeltaMailbox('/me', { series: reading }).install(t.s.graph);
		});

		it('Event Updated: a series moved across DST gives each occurrence once, with the right offsets', async () => {
			const { occurrences } = t.mailbox.addWeeklySeries('Stand-up', SERIES_START, 30, 4);
			const runner = t.runner({ event: 'eventUpdated', windowDays: 365 });
			expect(await runner.poll()).toEqual([]);
			const [first] = t.s.graph.calls();
			expect(first.path).toBe('/me/calendarView/delta');
			expect(first.query.startDateTime).toBeDefined();
			const request = t.s.graph.requests[0];
			expect(request.headers.prefer).toContain('outlook.timezone="Romance Standard Time"');

			// The organizer moves the series to 10:00 local time: Exchange updates every occurrence.
			for (const [week, id] of occurrences.entries()) {
				const start = SERIES_START.plus({ weeks: week, hours: 1 });
				t.mailbox.updateInstance(id, { start, end: start.plus({ minutes: 30 }) });
			}
			const items = await runner.poll();
			expect(items.map((i) => [i.id, i.start, i.end])).toEqual([
				[occurrences[0], '2027-03-15T10:00:00+01:00', '2027-03-15T10:30:00+01:00'],
				[occurrences[1], '2027-03-22T10:00:00+01:00', '2027-03-22T10:30:00+01:00'],
				[occurrences[2], '2027-03-29T10:00:00+02:00', '2027-03-29T10:30:00+02:00'],
				[occurrences[3], '2027-04-05T10:00:00+02:00', '2027-04-05T10:30:00+02:00'],
			]);
			expect(items[0]).toMatchObject({
				subject: 'Stand-up',
				timeZone: 'Europe/Madrid',
				type: 'occurrence',
			});
			expect(await runner.poll()).toEqual([]);
		});

		it('Event Cancelled or Deleted: a deleted occurrence and a cancelled one, each once', async () => {
			const { occurrences } = t.mailbox.addWeeklySeries('Review', SERIES_START, 60, 3);
			const runner = t.runner({ event: 'eventCancelledOrDeleted', windowDays: 365 });
			await runner.poll();
			t.mailbox.deleteInstance(occurrences[1]);
			t.mailbox.updateInstance(occurrences[2], { isCancelled: true });
			t.mailbox.updateInstance(occurrences[0], { subject: 'Review (renamed)' }); // not a cancellation
			const items = await runner.poll();
			expect(items).toEqual(
				expect.arrayContaining([
					// The observed reading gives no @removed and so no ID: the series and the start instead.
					reading === 'documented'
						? { id: occurrences[1], change: 'deleted', reason: 'deleted' }
						: expect.objectContaining({
								change: 'deleted',
								seriesMasterId: expect.any(String),
								start: '2027-03-22T09:00:00+01:00',
							}),
					expect.objectContaining({ id: occurrences[2], change: 'cancelled', isCancelled: true }),
				]),
			);
			expect(items).toHaveLength(2);
			// The cancelled occurrence is then removed from the calendar: already reported.
			t.mailbox.deleteInstance(occurrences[2]);
			expect(await runner.poll()).toEqual([]);
		});

		it('Event Created: new events once, nothing re-emitted by a resync, and a restart continues from the saved cursor', async () => {
			const start = DateTime.utc().plus({ days: 3 }).startOf('hour');
			t.mailbox.addInstance({ subject: 'Existing', start, end: start.plus({ hours: 1 }) });
			const runner = t.runner({ event: 'eventCreated', windowDays: 30 }, 'UTC');
			expect(await runner.poll()).toEqual([]);
			const a = t.mailbox.addInstance({ subject: 'A', start, end: start.plus({ hours: 1 }) });
			expect((await runner.poll()).map((i: IDataObject) => i.id)).toEqual([a]);

			t.mailbox.expireSyncStates();
			const b = t.mailbox.addInstance({ subject: 'B', start, end: start.plus({ hours: 1 }) });
			expect((await runner.poll()).map((i: IDataObject) => i.id)).toEqual([b]);

			runner.restart();
			const c = t.mailbox.addInstance({ subject: 'C', start, end: start.plus({ hours: 1 }) });
			t.s.graph.requests.length = 0;
			expect((await runner.poll()).map((i: IDataObject) => i.id)).toEqual([c]);
			expect(t.s.graph.calls()).toHaveLength(1);
			expect(t.s.graph.calls()[0].query.$deltatoken).toBeDefined();
		});

		it('Event Created: the sync state lost after the first page of a round: every new event once, in that poll', async () => {
			const runner = t.runner({ event: 'eventCreated', windowDays: 30 }, 'UTC');
			expect(await runner.poll()).toEqual([]);
			// More than one delta page (the trigger asks for pages of 1,000).
			const start = DateTime.utc().plus({ days: 3 }).startOf('hour');
			const created: string[] = [];
			for (let i = 0; i < 1005; i++)
				created.push(
					t.mailbox.addInstance({ subject: `E${i}`, start, end: start.plus({ hours: 1 }) }),
				);
			// Exchange drops the sync state right after serving the round's first page.
			let armed = true;
			t.s.graph.watch((request, reply) => {
				const body = reply.body as IDataObject | undefined;
				if (armed && request.path === '/me/calendarView/delta' && body?.['@odata.nextLink']) {
					armed = false;
					t.mailbox.expireSyncStates();
				}
			});

			const items = await runner.poll();
			expect(armed).toBe(false);
			expect(items.map((i) => i.id).sort()).toEqual([...created].sort());
			expect(await runner.poll()).toEqual([]);
		});

		it('the window moves once a day: a new round emits nothing it already reported or that only entered the window', async () => {
			const now = DateTime.utc();
			const known = t.mailbox.addInstance({
				subject: 'Known',
				start: now.plus({ days: 5 }),
				end: now.plus({ days: 5, hours: 1 }),
			});
			const runner = t.runner({ event: 'eventCreated', windowDays: 10 }, 'UTC');
			expect(await runner.poll()).toEqual([]);
			// Three days later (as the saved state says): the window has moved.
			const nodeData = Object.entries(runner.saved).find(([key]) => key.startsWith('node:'))![1];
			const saved = (nodeData as IDataObject).outlookTrigger as {
				sources: Record<string, { windowStart: string; syncedAt: string }>;
			};
			const cursor = saved.sources.calendar;
			cursor.windowStart = now.minus({ days: 3 }).toISO()!;
			runner.restart();
			// What a moved window brings in: an occurrence that existed long before (created in January).
			t.mailbox.addInstance({
				subject: 'Entered',
				start: now.plus({ days: 3 }),
				end: now.plus({ days: 3, hours: 1 }),
				createdDateTime: '2026-01-01T00:00:00Z',
			});
			const fresh = t.mailbox.addInstance({
				subject: 'New',
				start: now.plus({ days: 1 }),
				end: now.plus({ days: 1, hours: 1 }),
			});
			t.s.graph.requests.length = 0;
			expect((await runner.poll()).map((i) => i.id)).toEqual([fresh]);
			expect(t.s.graph.calls()[0].query.startDateTime).toBeDefined(); // a new initial round
			t.mailbox.updateInstance(known, { subject: 'Known, renamed' });
			expect(await runner.poll()).toEqual([]);
		});

		it('Event Cancelled or Deleted: an event deleted while the sync state was lost is still reported', async () => {
			const start = DateTime.utc().plus({ days: 2 }).startOf('hour');
			const doomed = t.mailbox.addInstance({ subject: 'X', start, end: start.plus({ hours: 1 }) });
			const runner = t.runner({ event: 'eventCancelledOrDeleted', windowDays: 30 });
			await runner.poll();
			t.mailbox.expireSyncStates();
			t.mailbox.deleteInstance(doomed);
			expect(await runner.poll()).toEqual([
				expect.objectContaining({ change: 'deleted', idHash: expect.any(String) }),
			]);
			expect(await runner.poll()).toEqual([]);
		});
	},
);

describe('Outlook Trigger: Event Starting Soon', () => {
	const t = useTrigger();

	it('emits each occurrence once, N minutes before it starts; recurring series are expanded', async () => {
		const now = DateTime.utc();
		const soon = t.mailbox.addInstance({
			subject: 'Soon',
			start: now.plus({ minutes: 10 }),
			end: now.plus({ minutes: 40 }),
		});
		t.mailbox.addInstance({
			subject: 'Later',
			start: now.plus({ minutes: 50 }),
			end: now.plus({ minutes: 80 }),
		});
		// A daily series: today's occurrence is due, tomorrow's is not.
		const series = [0, 1].map((day) =>
			t.mailbox.addInstance({
				subject: 'Daily',
				start: now.plus({ days: day, minutes: 12 }),
				end: now.plus({ days: day, minutes: 27 }),
				seriesMasterId: 'AAMk-daily',
			}),
		);
		t.mailbox.addInstance({
			subject: 'Cancelled',
			start: now.plus({ minutes: 5 }),
			end: now.plus({ minutes: 20 }),
			isCancelled: true,
		});
		const runner = t.runner({ event: 'eventStartingSoon', minutesBefore: 15 }, 'UTC');
		const items = await runner.poll();
		expect(items.map((i) => i.id)).toEqual([soon, series[0]]);
		expect(items[1]).toMatchObject({ type: 'occurrence', seriesMasterId: 'AAMk-daily' });
		expect(await runner.poll()).toEqual([]);
		// Rescheduled: it is due again for its new start.
		t.mailbox.updateInstance(soon, {
			start: now.plus({ minutes: 14 }),
			end: now.plus({ minutes: 44 }),
		});
		expect((await runner.poll()).map((i) => i.id)).toEqual([soon]);
	});

	it('a manual run returns the next few occurrences', async () => {
		const now = DateTime.utc();
		for (let i = 1; i <= 4; i++)
			t.mailbox.addInstance({
				subject: `E${i}`,
				start: now.plus({ hours: i }),
				end: now.plus({ hours: i, minutes: 30 }),
			});
		const runner = t.runner({ event: 'eventStartingSoon' }, 'UTC');
		const items = await runner.manual();
		expect(items!.map((i) => i.json.subject)).toEqual(['E1', 'E2', 'E3']);
		expect(runner.staticData).toEqual({});
	});
});
