/**
 * Time zones and date-times for calendar requests.
 *
 * Graph's `dateTimeTimeZone` is a local wall-clock time plus a zone name; the zone may be a Windows
 * name ("Romance Standard Time") or, for most places, an IANA name. Windows names are the format
 * Graph documents first and the only one every endpoint accepts (`getSchedule`, `findMeetingTimes`
 * and the `Prefer: outlook.timezone` header answer errors for some IANA names), so every zone sent
 * to Graph is the Windows name from CLDR's windowsZones mapping (the `windows-iana` package).
 * https://learn.microsoft.com/graph/api/resources/datetimetimezone
 * https://learn.microsoft.com/graph/api/resources/timezoneinformation ("Windows, and IANA ... when
 * the current known problem is fixed")
 * https://github.com/unicode-org/cldr/blob/main/common/supplemental/windowsZones.xml
 *
 * Luxon does the arithmetic, with the IANA name (so DST transitions come from the tz database).
 */
import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { DateTime, IANAZone } from 'luxon';
import { findIana, findWindows, IANA_ALIAS_MAP, WINDOWS_TO_IANA_MAP } from 'windows-iana';

export interface CalendarZone {
	/** IANA name, used for every computation. */
	iana: string;
	/** Windows name, sent to Graph. */
	windows: string;
}

/** Graph's `dateTimeTimeZone`. */
export interface GraphDateTimeTimeZone {
	dateTime: string;
	timeZone: string;
}

/** The local wall-clock format Graph expects in `dateTimeTimeZone.dateTime`. */
export const GRAPH_LOCAL_FORMAT = "yyyy-MM-dd'T'HH:mm:ss";

const UTC_NAMES = new Set([
	'utc',
	'etc/utc',
	'gmt',
	'etc/gmt',
	'z',
	'zulu',
	'etc/zulu',
	'universal',
	'etc/universal',
]);

export function windowsNameFor(iana: string): string | undefined {
	if (UTC_NAMES.has(iana.toLowerCase())) return 'UTC';
	return findWindows(iana)[0];
}

/** The Windows zone spelled as the user spelled it, in CLDR's casing; undefined if it is not one. */
function canonicalWindowsName(name: string): string | undefined {
	if (findIana(name).length) return name;
	const lower = name.toLowerCase();
	for (const entry of Object.values(WINDOWS_TO_IANA_MAP) as Array<{ windowsName: string }>) {
		if (entry.windowsName.toLowerCase() === lower) return entry.windowsName;
	}
	return undefined;
}

/** CLDR's IANA names (and their aliases) by lower-case name, built on first use. */
let ianaByLowerCase: Map<string, string> | undefined;

/**
 * The IANA name spelled as CLDR spells it: luxon and Intl accept `europe/madrid`, but CLDR's
 * windowsZones mapping (and so the Windows name Graph is sent) is keyed by `Europe/Madrid`.
 */
function canonicalIanaName(name: string): string {
	if (findWindows(name).length) return name;
	if (!ianaByLowerCase) {
		ianaByLowerCase = new Map();
		for (const entry of Object.values(IANA_ALIAS_MAP) as Array<{ alias: readonly string[] }>)
			for (const alias of entry.alias) ianaByLowerCase.set(alias.toLowerCase(), alias);
	}
	return ianaByLowerCase.get(name.toLowerCase()) ?? name;
}

/**
 * A zone given as an IANA name or a Windows name; undefined when it is neither. An IANA zone with no
 * Windows counterpart in CLDR (rare) is sent to Graph under its IANA name.
 */
export function resolveZone(name: string): CalendarZone | undefined {
	// Every event's start and end names its zone; a lookup costs ~0.5 ms (luxon validates an IANA
	// name by building an Intl formatter, and fails over to the Windows table), so it is kept.
	if (!resolvedZones.has(name)) {
		// Names come from input too: the memo stays small whatever arrives.
		if (resolvedZones.size >= 500) resolvedZones.clear();
		resolvedZones.set(name, lookUpZone(name));
	}
	const zone = resolvedZones.get(name);
	return zone ? { ...zone } : undefined;
}

const resolvedZones = new Map<string, CalendarZone | undefined>();

function lookUpZone(name: string): CalendarZone | undefined {
	const trimmed = name.trim();
	if (!trimmed) return undefined;
	if (UTC_NAMES.has(trimmed.toLowerCase())) return { iana: 'UTC', windows: 'UTC' };
	if (IANAZone.isValidZone(trimmed)) {
		const iana = canonicalIanaName(trimmed);
		return { iana, windows: windowsNameFor(iana) ?? iana };
	}
	const windows = canonicalWindowsName(trimmed);
	if (windows) {
		// The territory "001" entry is CLDR's golden zone for the Windows zone.
		const iana = findIana(windows, '001')[0] ?? findIana(windows)[0];
		if (iana && IANAZone.isValidZone(iana)) return { iana, windows };
	}
	return undefined;
}

/** The instant a Graph `dateTimeTimeZone` stands for; `preferred` wins when it is the same Windows zone. */
export function fromGraphDateTime(value: unknown, preferred?: CalendarZone): DateTime | undefined {
	const v = value as Partial<GraphDateTimeTimeZone> | undefined;
	if (!v || typeof v.dateTime !== 'string') return undefined;
	const named = v.timeZone ? resolveZone(v.timeZone) : undefined;
	let iana = named?.iana ?? preferred?.iana ?? 'UTC';
	if (preferred && named && named.windows === preferred.windows) iana = preferred.iana;
	const parsed = DateTime.fromISO(v.dateTime, { zone: iana });
	return parsed.isValid ? parsed : undefined;
}

/** ISO 8601 with the offset of the zone, e.g. 2026-03-29T09:00:00+02:00. */
export function isoWithOffset(instant: DateTime, zone?: CalendarZone): string {
	const inZone = zone ? instant.setZone(zone.iana) : instant;
	return inZone.toISO({ suppressMilliseconds: true }) ?? '';
}

type Context = IExecuteFunctions | ILoadOptionsFunctions;

/**
 * The zone of the item: the given field's value, or the workflow's time zone when it is empty
 * (n8n's setting, not UTC). An unknown name is a field-named error before any request.
 */
export function zoneFromParameter(
	ctx: Context,
	itemIndex: number,
	value: unknown,
	field = 'Time Zone',
): CalendarZone {
	const text = typeof value === 'string' ? value.trim() : '';
	const name = text || ctx.getTimezone();
	const zone = resolveZone(name);
	if (!zone) {
		throw new NodeOperationError(
			ctx.getNode(),
			`"${name}" in the field ${field} is not a time zone`,
			{
				itemIndex,
				description:
					'Use an IANA name such as Europe/Madrid or a Windows name such as Romance Standard Time',
			},
		);
	}
	return zone;
}

interface LuxonLike {
	isLuxonDateTime: true;
	toMillis(): number;
	isValid: boolean;
}

function isLuxonLike(value: unknown): value is LuxonLike {
	// n8n may hand over a DateTime from its own copy of luxon: recognise it by luxon's marker, not instanceof.
	return (
		typeof value === 'object' &&
		value !== null &&
		(value as { isLuxonDateTime?: boolean }).isLuxonDateTime === true
	);
}

/**
 * A date-time parameter in the zone. Accepts ISO 8601 with an offset (kept as that instant),
 * a naive ISO date-time or date (read as wall-clock time in `zone`), a luxon DateTime or a JS Date.
 */
export function parseDateTimeValue(value: unknown, zone: CalendarZone): DateTime | undefined {
	if (isLuxonLike(value))
		return value.isValid ? DateTime.fromMillis(value.toMillis(), { zone: zone.iana }) : undefined;
	if (value instanceof Date)
		return Number.isNaN(value.getTime())
			? undefined
			: DateTime.fromJSDate(value, { zone: zone.iana });
	if (typeof value !== 'string') return undefined;
	const text = value.trim();
	if (!text) return undefined;
	let parsed = DateTime.fromISO(text, { zone: zone.iana, setZone: true });
	if (!parsed.isValid) parsed = DateTime.fromSQL(text, { zone: zone.iana, setZone: true });
	if (!parsed.isValid) parsed = DateTime.fromRFC2822(text, { zone: zone.iana, setZone: true });
	if (!parsed.isValid) return undefined;
	return parsed.setZone(zone.iana);
}

/** Like parseDateTimeValue, but an empty or unreadable value is an error naming the field. */
export function requireDateTime(
	ctx: Context,
	itemIndex: number,
	value: unknown,
	zone: CalendarZone,
	field: string,
	example = 'Use ISO 8601, e.g. 2026-03-29T09:00:00 (read in the Time Zone) or 2026-03-29T09:00:00+02:00',
): DateTime {
	const parsed = parseDateTimeValue(value, zone);
	if (!parsed) {
		const shown = JSON.stringify(
			typeof value === 'string' ? value.trim().slice(0, 80) : (value ?? ''),
		);
		throw new NodeOperationError(
			ctx.getNode(),
			shown === '""'
				? `The field ${field} is empty`
				: `${shown} in the field ${field} is not a date and time`,
			{
				itemIndex,
				description: example,
			},
		);
	}
	return parsed;
}

/** Graph's `dateTimeTimeZone` for an instant: the wall-clock time in the zone, and the zone's Windows name. */
export function toGraphDateTime(instant: DateTime, zone: CalendarZone): GraphDateTimeTimeZone {
	return {
		dateTime: instant.setZone(zone.iana).toFormat(GRAPH_LOCAL_FORMAT),
		timeZone: zone.windows,
	};
}
