import { DateTime } from 'luxon';

import { serveCalendarView } from '../../support/graph-calendar';
import { byId, byUrl, calendarSuite, graphEvent } from '../setup';

const t = calendarSuite();

/** The occurrences Graph's calendarView returns for a daily 09:00 Madrid series in [from, to). */
function dailyOccurrences(from: string, to: string, timeZone = 'Romance Standard Time') {
	const out = [];
	for (
		let day = DateTime.fromISO(from, { zone: 'Europe/Madrid' }).set({ hour: 9 });
		day < DateTime.fromISO(to, { zone: 'Europe/Madrid' });
		day = day.plus({ days: 1 })
	) {
		const local = day.toFormat("yyyy-MM-dd'T'HH:mm:ss");
		const end = day.plus({ minutes: 15 }).toFormat("yyyy-MM-dd'T'HH:mm:ss");
		out.push(
			graphEvent(`AAMkOCC${out.length}=`, local, end, timeZone, {
				type: 'occurrence',
				seriesMasterId: 'AAMkSERIES=',
				subject: 'Daily standup',
			}),
		);
	}
	return out;
}

describe('Event → Get Many (calendarView)', () => {
	it('returns every occurrence of a daily series over a year, the rest of the window in sub-windows after the first page', async () => {
		const occurrences = dailyOccurrences('2026-01-01', '2027-01-01');
		expect(occurrences).toHaveLength(365);
		const instant = (value: { dateTime: string }) =>
			DateTime.fromISO(value.dateTime, { zone: 'Europe/Madrid' }).toISO()!;
		serveCalendarView(
			t.s.graph,
			'/me/calendarView',
			() => occurrences.map((o) => ({ ...o, start: instant(o.start), end: instant(o.end) })),
			{ maxPageSize: 100 },
		);
		const out = await t.json({
			resource: 'event',
			operation: 'getAll',
			from: '2026-01-01T00:00:00',
			to: '2027-01-01T00:00:00',
			returnAll: true,
		});
		expect(out).toHaveLength(365);
		const calls = t.s.graph.calls();
		expect(calls).toHaveLength(5);
		expect(calls[0]).toMatchObject({
			method: 'GET',
			path: '/me/calendarView',
			query: {
				startDateTime: '2026-01-01T00:00:00+01:00',
				endDateTime: '2027-01-01T00:00:00+01:00',
				$orderby: 'start/dateTime',
				$top: '1000',
				$count: 'true',
			},
		});
		// 265 left after a page of 100: 4 sub-windows (a quarter of headroom) of about 70, each one
		// page, each starting a second before the previous one ends.
		const windows = calls.slice(1).map((c) => [c.query.startDateTime, c.query.endDateTime]);
		expect(windows[3][1]).toBe('2027-01-01T00:00:00+01:00');
		for (const j of [1, 2, 3])
			expect(Date.parse(windows[j - 1][1]) - Date.parse(windows[j][0])).toBe(1000);
		expect(
			t.s.graph.requests.every(
				(r) =>
					r.headers.prefer === 'IdType="ImmutableId", outlook.timezone="Romance Standard Time"',
			),
		).toBe(true);
		expect(new Set(out.map((e) => e.id)).size).toBe(365);
		// 09:00 every day; the offset follows DST (29 March and 25 October 2026).
		expect(out[0]).toMatchObject({
			start: '2026-01-01T09:00:00+01:00',
			end: '2026-01-01T09:15:00+01:00',
			type: 'occurrence',
			seriesMasterId: 'AAMkSERIES=',
		});
		expect(out.find((e) => String(e.start).startsWith('2026-03-28'))?.start).toBe(
			'2026-03-28T09:00:00+01:00',
		);
		expect(out.find((e) => String(e.start).startsWith('2026-03-29'))?.start).toBe(
			'2026-03-29T09:00:00+02:00',
		);
		expect(out.find((e) => String(e.start).startsWith('2026-10-25'))?.start).toBe(
			'2026-10-25T09:00:00+01:00',
		);
		expect(out[364].start).toBe('2026-12-31T09:00:00+01:00');
	});

	it('with a Limit asks for that many and fetches no further page', async () => {
		t.s.graph.collection(
			'GET',
			'/me/calendarView',
			() => dailyOccurrences('2026-01-01', '2026-03-01'),
			{ maxPageSize: 100 },
		);
		const out = await t.json({
			resource: 'event',
			operation: 'getAll',
			from: '2026-01-01',
			to: '2026-03-01',
			limit: 30,
		});
		expect(out).toHaveLength(30);
		expect(t.s.graph.calls()).toHaveLength(1);
		expect(t.s.graph.calls()[0].query.$top).toBe('30');
	});

	it('a Limit beyond one page follows the next link only as far as needed', async () => {
		t.s.graph.collection(
			'GET',
			'/me/calendarView',
			() => dailyOccurrences('2026-01-01', '2027-01-01'),
			{ maxPageSize: 100 },
		);
		const out = await t.json({
			resource: 'event',
			operation: 'getAll',
			from: '2026-01-01',
			to: '2027-01-01',
			limit: 150,
		});
		expect(out).toHaveLength(150);
		expect(t.s.graph.calls()).toHaveLength(2);
	});

	it('answers in the chosen Time Zone (Prefer header and ISO offsets)', async () => {
		t.s.graph.on('GET', '/me/calendarView', {
			body: {
				value: [
					graphEvent('AAMk1=', '2026-06-01T14:30:00', '2026-06-01T15:00:00', 'India Standard Time'),
				],
			},
		});
		const out = await t.json({
			resource: 'event',
			operation: 'getAll',
			from: '2026-06-01T00:00:00Z',
			to: '2026-06-02T00:00:00Z',
			options: { timeZone: 'Asia/Kolkata' },
		});
		expect(t.s.graph.requests[0].headers.prefer).toContain(
			'outlook.timezone="India Standard Time"',
		);
		expect(t.s.graph.calls()[0].query).toMatchObject({
			startDateTime: '2026-06-01T05:30:00+05:30',
			endDateTime: '2026-06-02T05:30:00+05:30',
		});
		expect(out[0]).toMatchObject({
			start: '2026-06-01T14:30:00+05:30',
			end: '2026-06-01T15:00:00+05:30',
			timeZone: 'Asia/Kolkata',
		});
	});

	it('reads one calendar picked by URL', async () => {
		t.s.graph.on('GET', '/me/calendars/:id/calendarView', { body: { value: [] } });
		await t.run({
			resource: 'event',
			operation: 'getAll',
			calendarScope: 'one',
			calendar: byUrl('https://graph.microsoft.com/v1.0/me/calendars/AAMkCAL%3D'),
			from: '2026-01-01',
			to: '2026-01-08',
		});
		expect(t.s.graph.calls()[0].path).toBe('/me/calendars/AAMkCAL%3D/calendarView');
	});

	it('reads all calendars, merges them in start order and says which calendar each event is in', async () => {
		t.s.graph.on('GET', '/me/calendars', {
			body: {
				value: [
					{ id: 'CAL1', name: 'Work' },
					{ id: 'CAL2', name: 'Family' },
				],
			},
		});
		t.s.graph.on('GET', '/me/calendars/CAL1/calendarView', {
			body: {
				value: [
					graphEvent('A', '2026-02-02T10:00:00', '2026-02-02T11:00:00', 'Romance Standard Time'),
					graphEvent('C', '2026-02-04T10:00:00', '2026-02-04T11:00:00', 'Romance Standard Time'),
				],
			},
		});
		t.s.graph.on('GET', '/me/calendars/CAL2/calendarView', {
			body: {
				value: [
					graphEvent('B', '2026-02-03T18:00:00', '2026-02-03T19:00:00', 'Romance Standard Time'),
				],
			},
		});
		const out = await t.json({
			resource: 'event',
			operation: 'getAll',
			calendarScope: 'all',
			from: '2026-02-01',
			to: '2026-02-08',
		});
		expect(out.map((e) => [e.id, e.calendarId, e.calendarName])).toEqual([
			['A', 'CAL1', 'Work'],
			['B', 'CAL2', 'Family'],
			['C', 'CAL1', 'Work'],
		]);
	});

	it('filters by subject, category, show-as and organizer, paging until the limit is met', async () => {
		const events = dailyOccurrences('2026-01-01', '2026-03-01').map((e, n) => ({
			...e,
			subject: n % 10 === 0 ? 'Budget review' : 'Other',
			categories: n % 20 === 0 ? ['Finance'] : [],
			showAs: n % 40 === 0 ? 'free' : 'busy',
		}));
		t.s.graph.collection('GET', '/me/calendarView', () => events, { maxPageSize: 25 });
		const bySubject = await t.json({
			resource: 'event',
			operation: 'getAll',
			from: '2026-01-01',
			to: '2026-03-01',
			limit: 4,
			filters: { subjectContains: 'budget' },
		});
		expect(bySubject.map((e) => e.id)).toEqual([
			'AAMkOCC0=',
			'AAMkOCC10=',
			'AAMkOCC20=',
			'AAMkOCC30=',
		]);
		expect(t.s.graph.calls()).toHaveLength(2);
		const byCategory = await t.json({
			resource: 'event',
			operation: 'getAll',
			from: '2026-01-01',
			to: '2026-03-01',
			returnAll: true,
			filters: { category: 'finance', showAs: ['busy'] },
		});
		expect(byCategory.map((e) => e.id)).toEqual(['AAMkOCC20=']);
		const byOrganizer = await t.json({
			resource: 'event',
			operation: 'getAll',
			from: '2026-01-01',
			to: '2026-03-01',
			returnAll: true,
			filters: { organizer: 'nobody@contoso.com' },
		});
		expect(byOrganizer).toEqual([]);
	});

	it('refuses To before From before any request', async () => {
		await expect(
			t.run({ resource: 'event', operation: 'getAll', from: '2026-02-01', to: '2026-01-01' }),
		).rejects.toThrow(/The field To \(2026-01-01T00:00:00\+01:00\) must be after From/);
		await expect(
			t.run({ resource: 'event', operation: 'getAll', from: '', to: '2026-01-01' }),
		).rejects.toThrow(/The field From is empty/);
		await expect(
			t.run({
				resource: 'event',
				operation: 'getAll',
				calendarScope: 'one',
				calendar: byId(''),
				from: '2026-01-01',
				to: '2026-01-02',
			}),
		).rejects.toThrow(/The field Calendar is empty/);
		expect(t.s.graph.requests).toHaveLength(0);
	});
});
