/** The simplified output of an event (Outlook Calendar Get and the Outlook Trigger). */
import type { IDataObject } from 'n8n-workflow';

import type { CalendarZone } from '../timeZones';
import { fromGraphDateTime, isoWithOffset } from '../timeZones';

interface GraphAttendee {
	type?: string;
	emailAddress?: { address?: string; name?: string };
	status?: { response?: string };
}

/**
 * The simplified event: the fields people use, times as ISO 8601 with the offset of `zone`
 * (the zone the node asked Graph to answer in), all-day events also as plain dates.
 */
export function simplifyEvent(event: IDataObject, zone: CalendarZone): IDataObject {
	const start = fromGraphDateTime(event.start, zone);
	const end = fromGraphDateTime(event.end, zone);
	const location = event.location as IDataObject | undefined;
	const organizer = (
		event.organizer as { emailAddress?: { address?: string; name?: string } } | undefined
	)?.emailAddress;
	const out: IDataObject = {
		id: event.id,
		subject: event.subject,
		start: start ? isoWithOffset(start, zone) : undefined,
		end: end ? isoWithOffset(end, zone) : undefined,
		timeZone: zone.iana,
		isAllDay: event.isAllDay,
	};
	if (event.isAllDay && start && end) {
		out.startDate = start.setZone(zone.iana).toISODate();
		// Graph's all-day end is the next midnight; the last day of the event is the day before.
		out.endDate = end.setZone(zone.iana).minus({ days: 1 }).toISODate();
	}
	Object.assign(out, {
		location: location?.displayName || undefined,
		locations: ((event.locations as IDataObject[] | undefined) ?? [])
			.map((l) => l.displayName)
			.filter(Boolean),
		organizer: organizer?.address,
		organizerName: organizer?.name,
		attendees: ((event.attendees as GraphAttendee[] | undefined) ?? []).map((a) => ({
			address: a.emailAddress?.address,
			name: a.emailAddress?.name,
			type: a.type,
			response: a.status?.response,
		})),
		bodyPreview: event.bodyPreview,
		isOnlineMeeting: event.isOnlineMeeting,
		onlineMeetingUrl:
			(event.onlineMeeting as IDataObject | undefined)?.joinUrl ??
			event.onlineMeetingUrl ??
			undefined,
		showAs: event.showAs,
		sensitivity: event.sensitivity,
		importance: event.importance,
		categories: event.categories,
		isCancelled: event.isCancelled,
		isOrganizer: event.isOrganizer,
		responseStatus: (event.responseStatus as IDataObject | undefined)?.response,
		type: event.type,
		seriesMasterId: event.seriesMasterId ?? undefined,
		recurrence: event.recurrence ?? undefined,
		webLink: event.webLink,
	});
	if (event.calendarId) out.calendarId = event.calendarId;
	for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
	return out;
}
