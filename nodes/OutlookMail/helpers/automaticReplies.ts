/**
 * Automatic replies (out of office) in a mailbox's settings: Graph's `automaticRepliesSetting`
 * read from and written to `{mailbox}/mailboxSettings`.
 * https://learn.microsoft.com/graph/api/resources/automaticrepliessetting
 * https://learn.microsoft.com/graph/api/user-update-mailboxsettings
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { fromGraphDateTime, type GraphDateTimeTimeZone } from '../../shared/timeZones';
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

/**
 * Graph's setting as one flat object, with the schedule as ISO 8601 with offset, led by whether
 * automatic replies go out now (`on`): always when `alwaysEnabled`, within the schedule when
 * `scheduled`, never when `disabled` (automaticRepliesSetting: "status").
 */
export function simplifyAutomaticReplies(
	setting: IDataObject | undefined,
	now = new Date(),
): IDataObject {
	const s = setting ?? {};
	const out: IDataObject = {
		on: false,
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
	const start = Date.parse(String(out.scheduledStart ?? ''));
	const end = Date.parse(String(out.scheduledEnd ?? ''));
	out.on =
		s.status === 'alwaysEnabled' ||
		(s.status === 'scheduled' && start <= now.getTime() && now.getTime() < end);
	for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
	return out;
}
