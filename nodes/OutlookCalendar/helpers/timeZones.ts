/**
 * Time zones and date-times for calendar requests. Zone names and Graph's `dateTimeTimeZone`
 * live in nodes/shared/timeZones.ts (the Outlook Trigger outputs events the same way).
 */
import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { DateTime, IANAZone } from 'luxon';
import { IANA_ALIAS_MAP } from 'windows-iana';

import type { CalendarZone, GraphDateTimeTimeZone } from '../../shared/timeZones';
import { GRAPH_LOCAL_FORMAT, resolveZone } from '../../shared/timeZones';

export type { CalendarZone, GraphDateTimeTimeZone } from '../../shared/timeZones';
export { fromGraphDateTime, isoWithOffset, resolveZone } from '../../shared/timeZones';

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
): DateTime {
	const parsed = parseDateTimeValue(value, zone);
	if (!parsed) {
		const shown = typeof value === 'string' ? value : JSON.stringify(value ?? '');
		throw new NodeOperationError(
			ctx.getNode(),
			shown === '' || shown === '""'
				? `The field ${field} is empty`
				: `${shown} in the field ${field} is not a date and time`,
			{
				itemIndex,
				description:
					'Use ISO 8601, e.g. 2026-03-29T09:00:00 (read in the Time Zone) or 2026-03-29T09:00:00+02:00',
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

/** Region/City names (not legacy `US/Eastern`-style or `Etc/` aliases) for the picker. */
const REGION_CITY =
	/^(Africa|America|Antarctica|Arctic|Asia|Atlantic|Australia|Europe|Indian|Pacific)\//;

/**
 * Every IANA zone for the Time Zone picker: the runtime's list (ICU spells some zones the old way,
 * e.g. Asia/Calcutta) plus every Region/City alias CLDR knows (Asia/Kolkata, Europe/Kyiv), UTC first.
 */
export function knownTimeZones(): string[] {
	const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
	const names = new Set(intl.supportedValuesOf ? intl.supportedValuesOf('timeZone') : []);
	for (const entry of Object.values(IANA_ALIAS_MAP) as ReadonlyArray<{
		alias: readonly string[];
	}>) {
		for (const alias of entry.alias) if (REGION_CITY.test(alias)) names.add(alias);
	}
	const valid = [...names]
		.filter((z) => z !== 'UTC' && REGION_CITY.test(z) && IANAZone.isValidZone(z))
		.sort();
	return ['UTC', ...valid];
}
