/**
 * Automatic replies (out of office) in a mailbox's settings: Graph's `automaticRepliesSetting`
 * read from and written to `{mailbox}/mailboxSettings`.
 * https://learn.microsoft.com/graph/api/resources/automaticrepliessetting
 * https://learn.microsoft.com/graph/api/user-update-mailboxsettings
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { DateTime } from 'luxon';

import type { CalendarZone, GraphDateTimeTimeZone } from '../../shared/timeZones';
import { fromGraphDateTime, GRAPH_LOCAL_FORMAT, resolveZone } from '../../shared/timeZones';
import { permissionHint, type PermissionHint } from '../../shared/permissions';

export type AutomaticRepliesStatus = 'disabled' | 'alwaysEnabled' | 'scheduled';

export function settingsPermission(
	ctx: IExecuteFunctions,
	itemIndex: number,
	access: 'read' | 'write',
	action: string,
): PermissionHint {
	return permissionHint(ctx, itemIndex, 'mailboxSettings', access, action);
}

/** The zone named in the field, or the workflow's time zone when it is empty. */
export function zoneOf(ctx: IExecuteFunctions, itemIndex: number, value: unknown): CalendarZone {
	const text = typeof value === 'string' ? value.trim() : '';
	const name = text || ctx.getTimezone();
	const zone = resolveZone(name);
	if (!zone) {
		throw new NodeOperationError(
			ctx.getNode(),
			`"${name}" in the field Time Zone is not a time zone`,
			{
				itemIndex,
				description:
					'Use an IANA name such as Europe/Madrid or a Windows name such as Romance Standard Time',
			},
		);
	}
	return zone;
}

/** A date-time field: ISO 8601 with an offset (that instant) or without (wall-clock time in the zone). */
export function readDateTime(
	ctx: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
	zone: CalendarZone,
	field: string,
): DateTime {
	let parsed: DateTime | undefined;
	const marker = value as { isLuxonDateTime?: boolean; toISO?: () => string } | undefined;
	// n8n may hand over a DateTime from its own copy of luxon: recognised by its marker.
	const text =
		marker?.isLuxonDateTime && marker.toISO
			? marker.toISO()
			: value instanceof Date
				? value.toISOString()
				: typeof value === 'string'
					? value.trim()
					: '';
	if (text) {
		parsed = DateTime.fromISO(text, { zone: zone.iana, setZone: true });
		if (!parsed.isValid) parsed = DateTime.fromSQL(text, { zone: zone.iana, setZone: true });
	}
	if (!parsed?.isValid) {
		throw new NodeOperationError(
			ctx.getNode(),
			text
				? `"${text.slice(0, 80)}" in the field ${field} is not a date and time`
				: `The field ${field} is empty`,
			{
				itemIndex,
				description:
					'Scheduled automatic replies need a start and an end, e.g. 2026-12-24T17:00:00 (read in the Time Zone) or 2026-12-24T17:00:00+01:00.',
			},
		);
	}
	return parsed;
}

export function toGraphDateTime(instant: DateTime, zone: CalendarZone): GraphDateTimeTimeZone {
	return {
		dateTime: instant.setZone(zone.iana).toFormat(GRAPH_LOCAL_FORMAT),
		timeZone: zone.windows,
	};
}

/** Graph's setting as one flat object, with the schedule as ISO 8601 with offset. */
export function simplifyAutomaticReplies(setting: IDataObject | undefined): IDataObject {
	const s = setting ?? {};
	const out: IDataObject = {
		status: s.status,
		externalAudience: s.externalAudience,
		internalReplyMessage: s.internalReplyMessage ?? '',
		externalReplyMessage: s.externalReplyMessage ?? '',
	};
	for (const [key, name] of [
		['scheduledStartDateTime', 'scheduledStart'],
		['scheduledEndDateTime', 'scheduledEnd'],
	] as const) {
		const raw = s[key] as GraphDateTimeTimeZone | undefined;
		if (!raw?.dateTime) continue;
		const instant = fromGraphDateTime(raw);
		out[name] = instant ? instant.toISO({ suppressMilliseconds: true }) : raw.dateTime;
		out[`${name}TimeZone`] = raw.timeZone;
	}
	for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
	return out;
}
