/**
 * An all-day event starts and ends at midnight in its zone (Graph's event.isAllDay: "start and end
 * time must be set to midnight and be in the same time zone"), also on a day whose midnight daylight
 * saving time skips (America/Santiago, the first Sunday of September), where luxon would give 01:00.
 */
import { calendarSuite } from '../setup';

const t = calendarSuite();

function echoCreated(request: { body: unknown }) {
	return { status: 201, body: { id: 'AAMkNEW=', ...(request.body as object) } };
}

describe('all-day events on a day whose midnight is skipped by DST', () => {
	it('starts at T00:00:00 on 2026-09-06 in America/Santiago (DST begins at 00:00 that day)', async () => {
		t.s.graph.on('POST', '/me/events', echoCreated);
		await t.run({
			resource: 'event',
			operation: 'create',
			subject: 'Holiday',
			start: '2026-09-06',
			end: '2026-09-06',
			additionalFields: { allDay: true, timeZone: 'America/Santiago' },
		});
		expect(t.s.graph.calls()[0].body).toMatchObject({
			isAllDay: true,
			start: { dateTime: '2026-09-06T00:00:00', timeZone: 'Pacific SA Standard Time' },
			end: { dateTime: '2026-09-07T00:00:00', timeZone: 'Pacific SA Standard Time' },
		});
	});

	it('the day before ends at T00:00:00 on 2026-09-06 (exclusive end on the skipped midnight)', async () => {
		t.s.graph.on('POST', '/me/events', echoCreated);
		await t.run({
			resource: 'event',
			operation: 'create',
			subject: 'Holiday',
			start: '2026-09-05',
			end: '2026-09-05',
			additionalFields: { allDay: true, timeZone: 'America/Santiago' },
		});
		expect(t.s.graph.calls()[0].body).toMatchObject({
			start: { dateTime: '2026-09-05T00:00:00', timeZone: 'Pacific SA Standard Time' },
			end: { dateTime: '2026-09-06T00:00:00', timeZone: 'Pacific SA Standard Time' },
		});
	});
});
