import { DateTime } from 'luxon';
import { WINDOWS_TO_IANA_MAP } from 'windows-iana';

import {
	fromGraphDateTime,
	isoWithOffset,
	knownTimeZones,
	parseDateTimeValue,
	resolveZone,
	toGraphDateTime,
} from '../../../nodes/OutlookCalendar/helpers/timeZones';

describe('resolveZone (CLDR windowsZones via windows-iana)', () => {
	it.each([
		['Europe/Madrid', 'Europe/Madrid', 'Romance Standard Time'],
		['Asia/Kolkata', 'Asia/Kolkata', 'India Standard Time'],
		['Asia/Calcutta', 'Asia/Calcutta', 'India Standard Time'],
		['Pacific/Auckland', 'Pacific/Auckland', 'New Zealand Standard Time'],
		['Asia/Kathmandu', 'Asia/Kathmandu', 'Nepal Standard Time'],
		['America/New_York', 'America/New_York', 'Eastern Standard Time'],
		['UTC', 'UTC', 'UTC'],
		['Etc/UTC', 'UTC', 'UTC'],
		['Romance Standard Time', 'Europe/Paris', 'Romance Standard Time'],
		['romance standard time', 'Europe/Paris', 'Romance Standard Time'],
		['India Standard Time', 'Asia/Calcutta', 'India Standard Time'],
		// IANA names in another case (luxon and Intl accept them): their Windows name, not themselves.
		['europe/madrid', 'Europe/Madrid', 'Romance Standard Time'],
		['AMERICA/NEW_YORK', 'America/New_York', 'Eastern Standard Time'],
		['asia/kolkata', 'Asia/Kolkata', 'India Standard Time'],
	])('%s → %s / %s', (name, iana, windows) => {
		const zone = resolveZone(name);
		expect(zone?.windows).toBe(windows);
		// CLDR's golden zone may be a legacy alias (Asia/Calcutta): the same rules as the modern name.
		expect([iana, 'Asia/Kolkata']).toContain(zone?.iana);
	});

	it.each(['', 'Mars/Base', 'GMT+99', 'Not A Zone'])('%j is not a zone', (name) => {
		expect(resolveZone(name)).toBeUndefined();
	});
});

describe('date-times', () => {
	const madrid = resolveZone('Europe/Madrid')!;

	it('naive times are wall-clock in the zone; offsets are kept as instants', () => {
		expect(isoWithOffset(parseDateTimeValue('2026-03-29T02:30:00', madrid)!)).toBe(
			'2026-03-29T03:30:00+02:00',
		); // 02:30 does not exist that night
		// 02:30 happens twice that night; whichever instant luxon picks, Graph gets the wall-clock 02:30.
		expect(toGraphDateTime(parseDateTimeValue('2026-10-25T02:30:00', madrid)!, madrid)).toEqual({
			dateTime: '2026-10-25T02:30:00',
			timeZone: 'Romance Standard Time',
		});
		expect(isoWithOffset(parseDateTimeValue('2026-03-29T09:00:00-05:00', madrid)!)).toBe(
			'2026-03-29T16:00:00+02:00',
		);
		expect(isoWithOffset(parseDateTimeValue(new Date('2026-01-01T00:00:00Z'), madrid)!)).toBe(
			'2026-01-01T01:00:00+01:00',
		);
		expect(
			isoWithOffset(parseDateTimeValue(DateTime.fromISO('2026-07-01T12:00:00Z'), madrid)!),
		).toBe('2026-07-01T14:00:00+02:00');
		expect(parseDateTimeValue('tomorrow', madrid)).toBeUndefined();
	});

	it('round-trips through Graph dateTimeTimeZone', () => {
		const instant = parseDateTimeValue('2026-10-25T09:00:00', madrid)!;
		const graph = toGraphDateTime(instant, madrid);
		expect(graph).toEqual({ dateTime: '2026-10-25T09:00:00', timeZone: 'Romance Standard Time' });
		expect(
			isoWithOffset(
				fromGraphDateTime({ ...graph, dateTime: `${graph.dateTime}.0000000` }, madrid)!,
				madrid,
			),
		).toBe('2026-10-25T09:00:00+01:00');
		expect(
			isoWithOffset(
				fromGraphDateTime({ dateTime: '2026-10-25T08:00:00.0000000', timeZone: 'UTC' }, madrid)!,
				madrid,
			),
		).toBe('2026-10-25T09:00:00+01:00');
	});
});

describe('the Time Zone picker', () => {
	const windowsNames = new Set(
		(Object.values(WINDOWS_TO_IANA_MAP) as Array<{ windowsName: string }>).map(
			(entry) => entry.windowsName,
		),
	);

	it('offers only zones that are sent to Graph under a Windows name (datetimetimezone)', () => {
		const zones = knownTimeZones();
		expect(zones.length).toBeGreaterThan(300);
		const sentAsIana = zones.filter((name) => {
			const zone = resolveZone(name);
			return !zone || (zone.windows !== 'UTC' && !windowsNames.has(zone.windows));
		});
		expect(sentAsIana).toEqual([]);
	});
});
