/**
 * Event → Get Many, Return All over a long window: the calendarView is read in up to 4 sub-windows
 * at once (nodes/OutlookCalendar/helpers/calendarView.ts). Every event of the whole view once, in
 * calendarView's order; events spanning a cut (multi-day, all-day, a long occurrence) once; small
 * views cost one request; Limit pages as before.
 */
import { DateTime } from 'luxon';

import type { CalendarViewLog, StoredEvent } from '../../support/graph-calendar';
import { serveCalendarView, viewOf } from '../../support/graph-calendar';
import { calendarSuite } from '../setup';

const t = calendarSuite();

const FROM = '2026-01-01T00:00:00+01:00';
const TO = '2027-01-01T00:00:00+01:00';
const MADRID = 'Europe/Madrid';
const MINUTE = 60_000;

const iso = (ms: number) => DateTime.fromMillis(ms, { zone: MADRID }).toISO()!;

/** `n` single events spread over 2026 on quarter hours, 30 to 120 minutes long. */
function singles(n: number, prefix = 'AAMkEV'): StoredEvent[] {
	const t0 = Date.parse(FROM);
	const span = Date.parse(TO) - t0;
	return Array.from({ length: n }, (_, k) => {
		const start = t0 + Math.floor((k * span) / n / (15 * MINUTE)) * 15 * MINUTE;
		return {
			id: `${prefix}${String(k).padStart(5, '0')}=`,
			start: iso(start),
			end: iso(start + (1 + (k % 4)) * 30 * MINUTE),
		};
	});
}

/** Events that span cuts: a 5-day all-day event each month, a daily series' occurrences (one of them a week long), and one event from before From to after To. */
function spanning(): StoredEvent[] {
	const out: StoredEvent[] = [];
	for (let month = 1; month <= 12; month++) {
		const day = DateTime.fromObject({ year: 2026, month, day: 10 }, { zone: MADRID });
		out.push({
			id: `AAMkHOLIDAY${month}=`,
			start: day.toISO()!,
			end: day.plus({ days: 5 }).toISO()!,
			isAllDay: true,
			subject: 'Holiday',
		});
	}
	for (let d = 0; d < 365; d++) {
		const day = DateTime.fromISO('2026-01-01T09:00:00', { zone: MADRID }).plus({ days: d });
		out.push({
			id: `AAMkOCC${d}=`,
			start: day.toISO()!,
			end: (d === 200 ? day.plus({ days: 7 }) : day.plus({ minutes: 15 })).toISO()!,
			type: d === 200 ? 'exception' : 'occurrence',
			seriesMasterId: 'AAMkSERIES=',
			subject: 'Daily standup',
		});
	}
	out.push({
		id: 'AAMkSABBATICAL=',
		start: '2025-12-15T00:00:00+01:00',
		end: '2027-01-15T00:00:00+01:00',
		isAllDay: true,
	});
	return out;
}

const ids = (out: Array<Record<string, unknown>>) => out.map((event) => String(event.id));

/** The sub-window requests (and their next links): those whose window is not the whole one. */
function subWindowCalls() {
	return t.s.graph
		.calls()
		.filter((c) => !(c.query.startDateTime === FROM && c.query.endDateTime === TO));
}

/** How many requests served each event. */
function servedCount(log: CalendarViewLog): Map<string, number> {
	const counts = new Map<string, number>();
	for (const page of log.pages)
		for (const id of page.ids) counts.set(id, (counts.get(id) ?? 0) + 1);
	return counts;
}

async function getAll(extra: Record<string, unknown> = {}) {
	return await t.json({
		resource: 'event',
		operation: 'getAll',
		from: '2026-01-01T00:00:00',
		to: '2027-01-01T00:00:00',
		returnAll: true,
		simplify: false,
		...extra,
	});
}

describe('Event → Get Many in parallel sub-windows', () => {
	it('returns a year of 5,378 events in calendarView order, each once, in 4 sub-windows with 4 requests in flight', async () => {
		const events = [...singles(5000), ...spanning()];
		const log = serveCalendarView(t.s.graph, '/me/calendarView', () => events);
		t.s.graph.exchangeLimits({ serviceMs: 100 });
		const out = await getAll();
		const expected = viewOf(events, FROM, TO).map((e) => e.id);
		expect(expected).toHaveLength(5378);
		expect(ids(out)).toEqual(expected);

		const calls = t.s.graph.calls();
		expect(calls[0].query).toMatchObject({
			startDateTime: FROM,
			endDateTime: TO,
			$orderby: 'start/dateTime',
			$top: '1000',
			$count: 'true',
		});
		// 4,378 left after the first page: 4 sub-windows, each paged by its own link.
		const starts = new Set(subWindowCalls().map((c) => c.query.startDateTime));
		expect(starts.size).toBe(4);
		expect(subWindowCalls().every((c) => c.query.$orderby === 'start/dateTime')).toBe(true);
		expect(subWindowCalls().filter((c) => c.query.endDateTime === TO).length).toBeGreaterThan(0);
		expect(t.s.graph.limitStats.peakInFlight.me).toBe(4);
		expect(t.s.graph.limitStats.throttled).toBe(0);
		// The first page, then 4 sub-windows of about 1,100 events side by side (2 pages each): 3
		// round trips in sequence where one cursor takes 6.
		expect(t.s.graph.limitStats.rounds.me).toBe(3);
		// Events spanning cuts were served more than once and are returned once.
		const served = servedCount(log);
		expect(served.get('AAMkSABBATICAL=')).toBeGreaterThanOrEqual(4);
		expect(served.get('AAMkOCC200=')).toBeGreaterThanOrEqual(1);
		expect([...served.values()].filter((n) => n > 1).length).toBeGreaterThan(12);
		// Every request was one of Graph's: the whole window, a sub-window or a next link.
		expect(calls.length).toBeLessThanOrEqual(1 + 4 * 3);
	});

	it('keeps the times in the chosen zone and simplifies as before (all-day events and occurrences)', async () => {
		const events = [...singles(3000), ...spanning()];
		serveCalendarView(t.s.graph, '/me/calendarView', () => events);
		const out = await getAll({ simplify: true });
		expect(ids(out)).toEqual(viewOf(events, FROM, TO).map((e) => e.id));
		expect(out[0]).toMatchObject({ id: 'AAMkSABBATICAL=', start: '2025-12-15T00:00:00+01:00' });
		const holiday = out.find((e) => e.id === 'AAMkHOLIDAY7=');
		expect(holiday).toMatchObject({ start: '2026-07-10T00:00:00+02:00', isAllDay: true });
		expect(out.find((e) => e.id === 'AAMkOCC100=')).toMatchObject({
			start: '2026-04-11T09:00:00+02:00',
			type: 'occurrence',
			seriesMasterId: 'AAMkSERIES=',
		});
		expect(subWindowCalls().length).toBeGreaterThan(1);
	});

	it('returns events of zero length that start exactly at a cut, and events that start at it', async () => {
		const events = singles(5000);
		serveCalendarView(t.s.graph, '/me/calendarView', () => events);
		await getAll();
		// The cuts of that run: where each sub-window but the last ends.
		const cutsOf = () =>
			[...new Set(subWindowCalls().map((c) => c.query.endDateTime))]
				.filter((end) => end !== TO)
				.map((end) => Date.parse(end))
				.sort((a, b) => a - b);
		const cuts = cutsOf();
		expect(cuts).toHaveLength(3);
		for (const [k, cut] of cuts.entries()) {
			events.push({ id: `AAMkZERO${k}=`, start: iso(cut), end: iso(cut) });
			events.push({ id: `AAMkATCUT${k}=`, start: iso(cut), end: iso(cut + 30 * MINUTE) });
			events.push({ id: `AAMkENDSATCUT${k}=`, start: iso(cut - 30 * MINUTE), end: iso(cut) });
		}
		t.s.graph.reset();
		const log = serveCalendarView(t.s.graph, '/me/calendarView', () => events);
		const out = await getAll();
		// The same cuts again (the added events do not move them).
		const again = cutsOf();
		expect(again).toEqual(cuts);
		expect(ids(out)).toEqual(viewOf(events, FROM, TO).map((e) => e.id));
		for (let k = 0; k < 3; k++) expect(ids(out)).toContain(`AAMkZERO${k}=`);
		expect(log.pages.some((p) => p.ids.includes('AAMkZERO0='))).toBe(true);
	});

	it('keeps every event with the same start when a page ends in the middle of them', async () => {
		// 980 events before 1 June, 40 at 10:00 on 1 June (positions 980 to 1,019), 2,000 after.
		const tie = Date.parse('2026-06-01T10:00:00+02:00');
		const before = singles(2400, 'AAMkA')
			.filter((e) => Date.parse(e.start) < tie)
			.slice(-980);
		const after = singles(2400, 'AAMkB').filter((e) => Date.parse(e.start) > tie);
		const tied = Array.from({ length: 40 }, (_, k) => ({
			id: `AAMkTIE${String(k).padStart(2, '0')}=`,
			start: iso(tie),
			end: iso(tie + (k + 1) * MINUTE),
		}));
		const events = [...before, ...tied, ...after];
		serveCalendarView(t.s.graph, '/me/calendarView', () => events);
		const out = await getAll();
		const expected = viewOf(events, FROM, TO).map((e) => e.id);
		expect(expected.indexOf('AAMkTIE00=')).toBe(980);
		expect(expected.indexOf('AAMkTIE39=')).toBe(1019);
		expect(ids(out)).toEqual(expected);
		expect(subWindowCalls().length).toBeGreaterThan(0);
	});

	it('events created during the run are returned at most once, and none of the others is missed', async () => {
		const events = [...singles(5000), ...spanning()];
		const original = viewOf(events, FROM, TO).map((e) => e.id);
		let served = 0;
		serveCalendarView(t.s.graph, '/me/calendarView', () => {
			// After the first page: one event in the part already read, one in each later quarter,
			// one spanning the whole year.
			if (++served === 2) {
				for (const [k, day] of ['2026-01-15', '2026-05-01', '2026-08-01', '2026-11-01'].entries())
					events.push({
						id: `AAMkNEW${k}=`,
						start: `${day}T12:00:00+01:00`,
						end: `${day}T13:00:00+01:00`,
					});
				events.push({ id: 'AAMkNEWLONG=', start: FROM, end: TO });
			}
			return events;
		});
		const out = await getAll();
		expect(new Set(ids(out)).size).toBe(out.length);
		expect(ids(out).filter((id) => !id.startsWith('AAMkNEW'))).toEqual(original);
		// The ones after the first page are in the sub-windows read after they were created.
		for (const id of ['AAMkNEW1=', 'AAMkNEW2=', 'AAMkNEW3=', 'AAMkNEWLONG='])
			expect(ids(out)).toContain(id);
		expect(subWindowCalls().length).toBeGreaterThan(3);
	});

	it('a view of one page costs exactly one request', async () => {
		const events = singles(600);
		serveCalendarView(t.s.graph, '/me/calendarView', () => events);
		const out = await getAll();
		expect(ids(out)).toEqual(viewOf(events, FROM, TO).map((e) => e.id));
		expect(t.s.graph.calls()).toHaveLength(1);
		expect(t.s.graph.calls()[0].query).toMatchObject({ $count: 'true', $top: '1000' });
	});

	it('a view of two pages follows the next link as before (two requests)', async () => {
		const events = singles(1700);
		serveCalendarView(t.s.graph, '/me/calendarView', () => events);
		const out = await getAll();
		expect(ids(out)).toEqual(viewOf(events, FROM, TO).map((e) => e.id));
		const calls = t.s.graph.calls();
		expect(calls).toHaveLength(2);
		expect(calls[1].query).toMatchObject({ startDateTime: FROM, endDateTime: TO, $skip: '1000' });
	});

	it('without @odata.count, estimates from the part of the window the first page covered', async () => {
		const events = [...singles(5000), ...spanning()];
		serveCalendarView(t.s.graph, '/me/calendarView', () => events, { count: false });
		const out = await getAll();
		expect(ids(out)).toEqual(viewOf(events, FROM, TO).map((e) => e.id));
		expect(new Set(subWindowCalls().map((c) => c.query.startDateTime)).size).toBe(4);
	});

	it('asks again without $count when the mailbox refuses it (400), and still splits the window', async () => {
		const events = [...singles(5000), ...spanning()];
		serveCalendarView(t.s.graph, '/me/calendarView', () => events, { count: 'refuse' });
		const out = await getAll();
		expect(ids(out)).toEqual(viewOf(events, FROM, TO).map((e) => e.id));
		const calls = t.s.graph.calls();
		expect(calls[0].query.$count).toBe('true');
		expect(calls[1].query.$count).toBeUndefined();
		expect(calls[1].query).toMatchObject({ startDateTime: FROM, endDateTime: TO });
		expect(new Set(subWindowCalls().map((c) => c.query.startDateTime)).size).toBe(4);
	});

	it('with a Limit reads page by page and stops at the page that reaches it', async () => {
		const events = [...singles(5000), ...spanning()];
		serveCalendarView(t.s.graph, '/me/calendarView', () => events);
		const out = await getAll({ returnAll: false, limit: 2500 });
		expect(ids(out)).toEqual(
			viewOf(events, FROM, TO)
				.slice(0, 2500)
				.map((e) => e.id),
		);
		const calls = t.s.graph.calls();
		expect(calls).toHaveLength(3);
		expect(calls.every((c) => c.query.startDateTime === FROM && c.query.endDateTime === TO)).toBe(
			true,
		);
		expect(calls[0].query.$count).toBeUndefined();
	});

	it('applies the filters to every event of the view with Return All', async () => {
		const events = [...singles(5000), ...spanning()];
		serveCalendarView(t.s.graph, '/me/calendarView', () => events);
		const out = await getAll({ filters: { subjectContains: 'standup' } });
		expect(ids(out)).toEqual(
			viewOf(events, FROM, TO)
				.filter((e) => e.subject === 'Daily standup')
				.map((e) => e.id),
		);
		expect(out).toHaveLength(365);
		expect(subWindowCalls().length).toBeGreaterThan(1);
	});

	it("All Calendars reads its calendars side by side, 4 at once (Exchange's limit per mailbox)", async () => {
		const calendars = Array.from({ length: 6 }, (_, k) => ({
			id: `CAL${k}`,
			name: `Calendar ${k}`,
		}));
		t.s.graph.on('GET', '/me/calendars', { body: { value: calendars } });
		const stored = calendars.map((c) => singles(20, `AAMk${c.id}X`));
		calendars.forEach((c, k) =>
			serveCalendarView(t.s.graph, `/me/calendars/${c.id}/calendarView`, () => stored[k]),
		);
		t.s.graph.exchangeLimits({ serviceMs: 100 });
		const out = await getAll({ calendarScope: 'all', returnAll: false, limit: 500 });
		expect(out).toHaveLength(120);
		expect([...ids(out)].sort()).toEqual(
			stored
				.flat()
				.map((e) => e.id)
				.sort(),
		);
		expect(out.find((e) => e.id === 'AAMkCAL5X00003=')?.calendarName).toBe('Calendar 5');
		const starts = out.map((e) =>
			DateTime.fromISO((e.start as { dateTime: string }).dateTime, { zone: MADRID }).toMillis(),
		);
		expect(starts).toEqual([...starts].sort((a, b) => a - b));
		// The list of calendars, then 6 views 4 at a time: 3 round trips in sequence where one after
		// another takes 7, and never a fifth request in flight.
		expect(t.s.graph.limitStats.rounds.me).toBe(3);
		expect(t.s.graph.limitStats.peakInFlight.me).toBe(4);
		expect(t.s.graph.limitStats.throttled).toBe(0);
	});

	it('All Calendars reads each calendar in sub-windows and merges them by start', async () => {
		t.s.graph.on('GET', '/me/calendars', {
			body: {
				value: [
					{ id: 'CAL1', name: 'Work' },
					{ id: 'CAL2', name: 'Family' },
				],
			},
		});
		const work = singles(3000, 'AAMkWORK');
		const family = [...singles(2500, 'AAMkFAM'), ...spanning()];
		serveCalendarView(t.s.graph, '/me/calendars/CAL1/calendarView', () => work);
		serveCalendarView(t.s.graph, '/me/calendars/CAL2/calendarView', () => family);
		const out = await getAll({ calendarScope: 'all' });
		const expected = [...viewOf(work, FROM, TO), ...viewOf(family, FROM, TO)];
		expect([...ids(out)].sort()).toEqual(expected.map((e) => e.id).sort());
		expect(new Set(ids(out)).size).toBe(out.length);
		const starts = out.map((e) =>
			DateTime.fromISO((e.start as { dateTime: string }).dateTime, { zone: MADRID }).toMillis(),
		);
		expect(starts).toEqual([...starts].sort((a, b) => a - b));
		expect(out.find((e) => e.id === 'AAMkWORK00010=')?.calendarName).toBe('Work');
		expect(out.find((e) => e.id === 'AAMkSABBATICAL=')?.calendarId).toBe('CAL2');
		for (const calendar of ['CAL1', 'CAL2']) {
			const windows = new Set(
				t.s.graph
					.calls()
					.filter((c) => c.path === `/me/calendars/${calendar}/calendarView`)
					.map((c) => c.query.startDateTime),
			);
			expect(windows.size).toBeGreaterThan(2);
		}
	});
});
