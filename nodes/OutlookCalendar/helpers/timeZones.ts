/**
 * Time zones and date-times for calendar requests. Zone names, date-time fields and Graph's
 * `dateTimeTimeZone` live in nodes/shared/timeZones.ts (the Outlook Trigger outputs events the
 * same way; Outlook Mail's scheduled automatic replies read their dates the same way).
 */
import { IANAZone } from 'luxon';
import { IANA_ALIAS_MAP } from 'windows-iana';

import { windowsNameFor } from '../../shared/timeZones';

export type { CalendarZone, GraphDateTimeTimeZone } from '../../shared/timeZones';
export {
	fromGraphDateTime,
	isoWithOffset,
	parseDateTimeValue,
	requireDateTime,
	resolveZone,
	toGraphDateTime,
	zoneFromParameter,
} from '../../shared/timeZones';

/** Region/City names (not legacy `US/Eastern`-style or `Etc/` aliases) for the picker. */
const REGION_CITY =
	/^(Africa|America|Antarctica|Arctic|Asia|Atlantic|Australia|Europe|Indian|Pacific)\//;

/**
 * Every IANA zone for the Time Zone picker: the runtime's list (ICU spells some zones the old way,
 * e.g. Asia/Calcutta) plus every Region/City alias CLDR knows (Asia/Kolkata, Europe/Kyiv), UTC first;
 * only zones with a Windows name, which is what Graph is sent (datetimetimezone: Windows zones and
 * a short list of others). A zone newer than CLDR's mapping (America/Ciudad_Juarez,
 * America/Coyhaique, Antarctica/Troll with windows-iana 5.1) is left out; typed by hand, it is sent
 * under its IANA name.
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
		.filter(
			(z) =>
				z !== 'UTC' &&
				REGION_CITY.test(z) &&
				IANAZone.isValidZone(z) &&
				windowsNameFor(z) !== undefined,
		)
		.sort();
	return ['UTC', ...valid];
}
