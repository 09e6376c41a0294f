/**
 * Event fields (as the Create and Update operations collect them) → a Graph `event` body, and a
 * Graph event → the node's simplified output.
 * https://learn.microsoft.com/graph/api/resources/event
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { DateTime } from 'luxon';

import { addressEntries } from '../../shared/addressEntries';
import { parseAddresses } from './addresses';
import type { RecurrenceRule } from './recurrence';
import { buildRecurrence } from './recurrence';
import type { CalendarZone, GraphDateTimeTimeZone } from './timeZones';
import { isoWithOffset, requireDateTime, toGraphDateTime, zoneFromParameter } from './timeZones';

/** What Create (subject/start/end + Additional Fields) and Update (Update Fields) collect. */
export interface EventInput {
	subject?: string;
	start?: unknown;
	end?: unknown;
	allDay?: boolean;
	timeZone?: string;
	body?: string;
	bodyContentType?: 'text' | 'html';
	locations?: { location?: Array<{ displayName?: string; locationEmailAddress?: string }> };
	requiredAttendees?: string;
	optionalAttendees?: string;
	resourceAttendees?: string;
	/** Rooms to book (addresses, or `Name <address>` as the room picker gives them). */
	rooms?: string | string[];
	isOnlineMeeting?: boolean;
	isReminderOn?: boolean;
	reminderMinutesBeforeStart?: number;
	showAs?: string;
	sensitivity?: string;
	importance?: string;
	categories?: string | string[];
	allowNewTimeProposals?: boolean;
	responseRequested?: boolean;
	recurrence?: { rule?: RecurrenceRule };
}

function given(value: unknown): boolean {
	return value !== undefined && value !== null && value !== '';
}

function fail(
	ctx: IExecuteFunctions,
	itemIndex: number,
	message: string,
	description?: string,
): never {
	throw new NodeOperationError(ctx.getNode(), message, { itemIndex, description });
}

/**
 * All-day events run from midnight to midnight in the event's zone (Graph rejects anything else).
 * The end is exclusive: an End on a later midnight is kept, any other End covers its whole day, and
 * no End (or one on the start's day) makes a one-day event.
 * https://learn.microsoft.com/graph/api/resources/event (isAllDay)
 */
function allDayBounds(
	start: DateTime,
	end: DateTime | undefined,
): { start: DateTime; end: DateTime } {
	const first = start.startOf('day');
	if (!end) return { start: first, end: first.plus({ days: 1 }) };
	const endDay = end.startOf('day');
	const exclusive = end.equals(endDay) ? endDay : endDay.plus({ days: 1 });
	return { start: first, end: exclusive > first ? exclusive : first.plus({ days: 1 }) };
}

/**
 * Midnight of `day` in the event's zone, as Graph takes an all-day bound: written out, because
 * where daylight saving time starts at midnight (America/Santiago, Asia/Beirut) that day has no
 * midnight, and luxon would give 01:00.
 */
function graphMidnight(day: DateTime, zone: CalendarZone): GraphDateTimeTimeZone {
	return { dateTime: `${day.setZone(zone.iana).toISODate()}T00:00:00`, timeZone: zone.windows };
}

/** The `categories` field: a comma list or an array. */
function categoryList(value: unknown): string[] {
	const list = Array.isArray(value) ? value.map(String) : String(value).split(',');
	return list.map((c) => c.trim()).filter(Boolean);
}

/**
 * The Graph event body for Create (`requireTimes`) or Update. Every check runs before any request:
 * End after Start, a known zone, attendee addresses, a complete recurrence.
 */
export function buildEventBody(
	ctx: IExecuteFunctions,
	itemIndex: number,
	input: EventInput,
	requireTimes: boolean,
	/** The item's zone when the caller resolved it (the mailbox's by default: helpers/mailboxZone.ts). */
	itemZone?: CalendarZone,
): IDataObject {
	const zone = itemZone ?? zoneFromParameter(ctx, itemIndex, input.timeZone);
	const body: IDataObject = {};
	if (given(input.subject)) body.subject = input.subject;

	const hasStart = given(input.start);
	const hasEnd = given(input.end);
	if (requireTimes && !hasStart) fail(ctx, itemIndex, 'The field Start is empty');
	if (requireTimes && !hasEnd && input.allDay !== true)
		fail(ctx, itemIndex, 'The field End is empty');
	let start = hasStart ? requireDateTime(ctx, itemIndex, input.start, zone, 'Start') : undefined;
	let end = hasEnd ? requireDateTime(ctx, itemIndex, input.end, zone, 'End') : undefined;

	if (input.allDay === true) {
		if (!start) fail(ctx, itemIndex, 'The field Start is needed to make an event all-day');
		if (end && end.startOf('day') < start.startOf('day')) {
			fail(
				ctx,
				itemIndex,
				`The field End (${isoWithOffset(end)}) is before Start (${isoWithOffset(start)})`,
			);
		}
		({ start, end } = allDayBounds(start, end));
		body.isAllDay = true;
	} else {
		if (start && end && end <= start) {
			fail(
				ctx,
				itemIndex,
				`The field End (${isoWithOffset(end)}) must be after Start (${isoWithOffset(start)})`,
				'Check the dates and the Time Zone',
			);
		}
		if (input.allDay === false) body.isAllDay = false;
	}
	const bound = input.allDay === true ? graphMidnight : toGraphDateTime;
	if (start) body.start = bound(start, zone);
	if (end) body.end = bound(end, zone);

	if (given(input.body))
		body.body = {
			contentType: input.bodyContentType === 'html' ? 'html' : 'text',
			content: input.body,
		};

	const locations = (input.locations?.location ?? [])
		.filter((l) => given(l.displayName) || given(l.locationEmailAddress))
		.map((l) => {
			const location: IDataObject = { displayName: l.displayName };
			if (given(l.locationEmailAddress)) {
				const [room] = parseAddresses(
					ctx,
					itemIndex,
					l.locationEmailAddress,
					'Location Email Address',
				);
				location.locationEmailAddress = room.address;
				// n8n hands an unset Name over as '' (its default): Outlook would show no location.
				if (!given(l.displayName)) location.displayName = room.name ?? room.address;
			}
			return location;
		});
	// A room is booked as Outlook books it: invited as a resource attendee (its mailbox answers the
	// request) and shown as a conference-room location.
	// https://learn.microsoft.com/graph/api/resources/attendee, /graph/api/resources/location
	const rooms = parseAddresses(ctx, itemIndex, input.rooms, 'Rooms');
	for (const room of rooms) {
		if (
			locations.some(
				(l) => String(l.locationEmailAddress ?? '').toLowerCase() === room.address.toLowerCase(),
			)
		)
			continue;
		locations.push({
			displayName: room.name ?? room.address,
			locationEmailAddress: room.address,
			locationType: 'conferenceRoom',
		});
	}
	if (locations.length) {
		body.location = locations[0];
		body.locations = locations;
	}

	const attendees: IDataObject[] = [];
	for (const [field, type, label] of [
		['requiredAttendees', 'required', 'Required Attendees'],
		['optionalAttendees', 'optional', 'Optional Attendees'],
		['resourceAttendees', 'resource', 'Resource Attendees'],
	] as const) {
		for (const emailAddress of parseAddresses(ctx, itemIndex, input[field], label))
			attendees.push({ type, emailAddress });
	}
	for (const room of rooms) {
		const invited = attendees.some(
			(a) =>
				(a.emailAddress as { address: string }).address.toLowerCase() ===
				room.address.toLowerCase(),
		);
		if (!invited) attendees.push({ type: 'resource', emailAddress: room });
	}
	if (attendees.length) body.attendees = attendees;

	if (input.isOnlineMeeting !== undefined) {
		body.isOnlineMeeting = input.isOnlineMeeting;
		// Teams is the only provider work accounts can create through Graph v1.0.
		// https://learn.microsoft.com/graph/api/resources/event (onlineMeetingProvider)
		if (input.isOnlineMeeting) body.onlineMeetingProvider = 'teamsForBusiness';
	}
	if (given(input.reminderMinutesBeforeStart)) {
		const minutes = Number(input.reminderMinutesBeforeStart);
		if (!Number.isInteger(minutes) || minutes < 0)
			fail(
				ctx,
				itemIndex,
				`The field Reminder (Minutes Before Start) must be a whole number of 0 or more (got ${String(input.reminderMinutesBeforeStart)})`,
			);
		body.reminderMinutesBeforeStart = minutes;
		body.isReminderOn = input.isReminderOn ?? true;
	} else if (input.isReminderOn !== undefined) {
		body.isReminderOn = input.isReminderOn;
	}
	for (const key of ['showAs', 'sensitivity', 'importance'] as const)
		if (given(input[key])) body[key] = input[key];
	if (input.categories !== undefined) body.categories = categoryList(input.categories);
	if (input.allowNewTimeProposals !== undefined)
		body.allowNewTimeProposals = input.allowNewTimeProposals;
	if (input.responseRequested !== undefined) body.responseRequested = input.responseRequested;

	const rule = input.recurrence?.rule;
	if (rule) {
		if (!start)
			fail(
				ctx,
				itemIndex,
				'The field Start is needed to set a Recurrence (the series starts on its date)',
			);
		body.recurrence = buildRecurrence(ctx, itemIndex, rule, start, zone);
	}
	return body;
}

/** The attendee fields by the kind of attendee they set. */
const ATTENDEE_KINDS = [
	['requiredAttendees', 'required'],
	['optionalAttendees', 'optional'],
	['resourceAttendees', 'resource'],
] as const;

function hasEntries(value: unknown): boolean {
	return addressEntries(value).length > 0;
}

function hasLocations(input: EventInput): boolean {
	return (input.locations?.location ?? []).some(
		(l) => given(l.displayName) || given(l.locationEmailAddress),
	);
}

function addressKey(entry: unknown): string {
	const address = (entry as { emailAddress?: { address?: unknown } } | undefined)?.emailAddress
		?.address;
	return typeof address === 'string' ? address.toLowerCase() : '';
}

/**
 * Update: Graph replaces an event's `attendees` (and `locations`) with what a PATCH gives, and
 * mails a cancellation to the attendees it drops (event-update). Each attendee field sets the
 * attendees of its kind; the meeting's attendees of the other kinds stay. Rooms are added to the
 * meeting: its attendees stay, and its locations too unless Locations is given.
 */
export const keepOtherAttendees = {
	/** Whether the update sets attendees or rooms, so that the event's own must be read first. */
	needed(input: EventInput): boolean {
		return ATTENDEE_KINDS.some(([field]) => hasEntries(input[field])) || hasEntries(input.rooms);
	},

	/** `body` (buildEventBody's) with the event's attendees and locations that stay. */
	merge(body: IDataObject, input: EventInput, current: IDataObject): void {
		const sent = (body.attendees as IDataObject[] | undefined) ?? [];
		const replaced = new Set<string>(
			ATTENDEE_KINDS.filter(([field]) => hasEntries(input[field])).map(([, kind]) => kind),
		);
		const named = new Set(sent.map(addressKey));
		const kept = ((current.attendees as IDataObject[] | undefined) ?? []).filter(
			(attendee) =>
				!replaced.has(String(attendee.type ?? 'required')) && !named.has(addressKey(attendee)),
		);
		if (kept.length || sent.length) body.attendees = [...kept, ...sent];
		if (!hasEntries(input.rooms) || hasLocations(input)) return;
		const rooms = (body.locations as IDataObject[] | undefined) ?? [];
		const existing = ((current.locations as IDataObject[] | undefined) ?? []).filter(
			(location) =>
				!rooms.some(
					(room) =>
						String(room.locationEmailAddress).toLowerCase() ===
						String(location.locationEmailAddress ?? '').toLowerCase(),
				),
		);
		const locations = [...existing, ...rooms];
		if (locations.length) {
			body.location = locations[0];
			body.locations = locations;
		}
	},
};

// Moved to nodes/shared so the Outlook Trigger outputs events the same way.
export { simplifyEvent } from '../../shared/simplify/event';
