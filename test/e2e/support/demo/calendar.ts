/**
 * The demo mailbox's calendars: events (single events and weekly series, with their
 * occurrences), listed, read, created, changed, cancelled, deleted, forwarded and answered; the
 * calendar view of a window; calendars and calendar groups; free/busy (getSchedule) and meeting
 * time suggestions (findMeetingTimes). Times are kept in UTC and answered in the zone of
 * `Prefer: outlook.timezone` (UTC without it). What Exchange sends for meetings (requests,
 * updates, cancellations, responses, forwards) lands in the world's outbox.
 * https://learn.microsoft.com/graph/api/resources/event, /graph/api/user-list-events,
 * /graph/api/event-cancel, /graph/api/event-delete, /graph/api/event-forward,
 * /graph/api/event-accept, /graph/api/event-list-instances, /graph/api/calendar-getschedule,
 * /graph/api/user-findmeetingtimes, /graph/api/resources/calendar
 */
import { randomUUID } from 'node:crypto';

import { DateTime, Duration } from 'luxon';
import { findIana } from 'windows-iana';

import { serveCalendarView } from '../../../support/graph-calendar';
import type { GraphRequestRecord, GraphStandIn } from '../../../support/graph-standin';
import { graphError } from '../../../support/graph-standin';
import { TEST_USER } from '../../../support/identity-provider';
import { filterOf, orderOf, UnsupportedQuery } from './odata';
import type { DemoItem, DemoWorld } from './world';
import { addressesOf, itemNotFound, selectFields } from './world';

type Json = Record<string, unknown>;

/** The demo mailbox's default calendar (GET /me/calendars lists it first, as "Calendar"). */
export const DEMO_CALENDAR = {
	id: 'calendar-id',
	name: 'Calendar',
	color: 'auto',
	hexColor: '',
	isDefaultCalendar: true,
	canEdit: true,
	canShare: true,
	canViewPrivateItems: true,
	isRemovable: false,
	owner: { name: 'Alice Demo', address: TEST_USER },
};

const CALENDAR_GROUP = { id: 'calendar-group-id', name: 'My Calendars', classId: randomUUID() };

/** Stored instants: Graph's `dateTimeTimeZone` in UTC with seven fractional digits. */
const utcText = (instant: DateTime) => instant.toUTC().toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'0000'");

/** The IANA zone of a Windows or IANA name (Graph accepts both), or undefined. */
function ianaOf(name: string | undefined): string | undefined {
	if (!name) return 'UTC';
	if (name === 'UTC') return 'UTC';
	const windows = findIana(name)[0];
	if (windows) return windows;
	return DateTime.local().setZone(name).isValid ? name : undefined;
}

/** An instant from Graph's `{ dateTime, timeZone }`. */
function instantOf(value: unknown): DateTime | undefined {
	const v = value as { dateTime?: string; timeZone?: string } | undefined;
	if (!v?.dateTime) return undefined;
	const zone = ianaOf(v.timeZone);
	if (!zone) return undefined;
	const instant = DateTime.fromISO(v.dateTime.replace(/(\.\d{3})\d+$/, '$1'), { zone });
	return instant.isValid ? instant : undefined;
}

/** The zone an answer uses: `Prefer: outlook.timezone="…"`, UTC without it. */
function answerZone(request: GraphRequestRecord): { name: string; iana: string } {
	const name = /outlook\.timezone="([^"]+)"/.exec(request.headers.prefer ?? '')?.[1] ?? 'UTC';
	return { name, iana: ianaOf(name) ?? 'UTC' };
}

const DAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/** At most this many occurrences of a series (a series without an end is cut here). */
const MAX_OCCURRENCES = 52;

/**
 * The starts of a series' occurrences: daily, weekly (on its days) or monthly/yearly (on the
 * first start's date), `interval` apart, until its range ends; wall-clock times in the series'
 * zone, so an occurrence keeps its local time across a DST change, as Exchange expands it.
 * https://learn.microsoft.com/graph/api/resources/recurrencepattern, /resources/recurrencerange
 */
function occurrenceStarts(first: DateTime, recurrence: Json): DateTime[] {
	const pattern = (recurrence.pattern ?? {}) as Json;
	const range = (recurrence.range ?? {}) as Json;
	const interval = Math.max(1, Number(pattern.interval ?? 1));
	const count =
		range.type === 'numbered'
			? Math.min(Number(range.numberOfOccurrences ?? 1), MAX_OCCURRENCES)
			: MAX_OCCURRENCES;
	const until =
		range.type === 'endDate' && range.endDate
			? DateTime.fromISO(String(range.endDate), { zone: first.zone }).endOf('day')
			: undefined;
	const starts: DateTime[] = [];
	const days = (Array.isArray(pattern.daysOfWeek) ? pattern.daysOfWeek : [])
		.map((d) => DAY_NAMES.indexOf(String(d).toLowerCase()) + 1)
		.filter((d) => d > 0);
	for (let step = 0; starts.length < count && step < MAX_OCCURRENCES * 7; step++) {
		let candidates: DateTime[];
		if (pattern.type === 'daily') candidates = [first.plus({ days: step * interval })];
		else if (pattern.type === 'weekly') {
			const week = first.startOf('week').plus({ weeks: step * interval });
			candidates = (days.length ? days : [first.weekday]).map((d) =>
				week.set({ weekday: d as 1, hour: first.hour, minute: first.minute, second: 0 }),
			);
		} else if (/monthly/i.test(String(pattern.type)))
			candidates = [first.plus({ months: step * interval })];
		else candidates = [first.plus({ years: step * interval })];
		for (const start of candidates) {
			if (start < first || starts.length >= count) continue;
			if (until && start > until) return starts;
			starts.push(start);
		}
	}
	return starts;
}

export function addDemoCalendar(graph: GraphStandIn, world: DemoWorld): void {
	const box = world.mailbox;
	// The default calendar, and one of the user's own (which, unlike the default, can be deleted).
	const calendars: Json[] = [
		{ ...DEMO_CALENDAR },
		{
			...DEMO_CALENDAR,
			id: 'AAMkAD-demo-calendar-team',
			name: 'Team events',
			color: 'lightGreen',
			isDefaultCalendar: false,
			isRemovable: true,
		},
	];
	const events = world.eventStore;

	const calendarOf = (id: string) =>
		id === 'calendar'
			? calendars.find((c) => c.isDefaultCalendar)
			: calendars.find((c) => c.id === id);
	const defaultId = () => String(calendarOf('calendar')!.id);

	/**
	 * Adds an event (or an occurrence) to the store; an event of the default calendar is also an
	 * instance of the mailbox's calendar delta (the Outlook Trigger's calendar events).
	 */
	const put = (calendarId: string, data: Json) => {
		const id = String(data.id);
		if (calendarId === defaultId() && data.type !== 'seriesMaster') {
			const start = instantOf(data.start)!;
			const end = instantOf(data.end)!;
			const { subject, start: _s, end: _e, type, seriesMasterId, ...rest } = data;
			box.addInstance({
				...rest,
				id,
				subject: String(subject ?? ''),
				start,
				end,
				type: type as 'singleInstance',
				seriesMasterId: seriesMasterId as string | undefined,
			});
			// One object: what the calendar view, delta and GET answer is the same event.
			events.set(id, { calendarId, data: box.instances.get(id)!.data as DemoItem });
		} else {
			events.set(id, { calendarId, data: data as DemoItem });
		}
		return events.get(id)!.data;
	};
	const change = (id: string, patch: Json) => {
		const stored = events.get(id);
		if (!stored) return;
		const { start, end, ...rest } = patch;
		if (box.instances.has(id)) {
			box.updateInstance(id, {
				...rest,
				...(start ? { start: instantOf(start) } : {}),
				...(end ? { end: instantOf(end) } : {}),
			});
		} else {
			Object.assign(stored.data, rest, {
				lastModifiedDateTime: new Date().toISOString(),
				...(start ? { start: { dateTime: utcText(instantOf(start)!), timeZone: 'UTC' } } : {}),
				...(end ? { end: { dateTime: utcText(instantOf(end)!), timeZone: 'UTC' } } : {}),
			});
		}
	};
	const remove = (id: string) => {
		for (const [other, stored] of [...events]) {
			if (other !== id && stored.data.seriesMasterId !== id) continue;
			events.delete(other);
			if (box.instances.has(other)) box.deleteInstance(other);
		}
	};
	const occurrencesOf = (masterId: string) =>
		[...events.values()].filter((e) => e.data.seriesMasterId === masterId).map((e) => e.data);

	/** A new event from a request body (what Graph fills in when the request leaves it out). */
	const create = (
		calendarId: string,
		body: Json,
		id = `AAMkAD-demo-event-${randomUUID()}`,
	): Json | undefined => {
		const start = instantOf(body.start);
		const end = instantOf(body.end);
		if (!start || !end) return undefined;
		const now = new Date().toISOString();
		const base: Json = {
			isAllDay: false,
			showAs: 'busy',
			isCancelled: false,
			isOrganizer: true,
			importance: 'normal',
			sensitivity: 'normal',
			attendees: [],
			categories: [],
			location: { displayName: '' },
			locations: [],
			body: { contentType: 'text', content: '' },
			bodyPreview: '',
			responseStatus: { response: 'organizer', time: '0001-01-01T00:00:00Z' },
			organizer: { emailAddress: { name: world.user.displayName, address: TEST_USER } },
			originalStartTimeZone: (body.start as Json).timeZone,
			originalEndTimeZone: (body.end as Json).timeZone,
			reminderMinutesBeforeStart: 15,
			isReminderOn: true,
			createdDateTime: now,
			lastModifiedDateTime: now,
			iCalUId: randomUUID(),
			webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(id)}&exvsurl=1&path=/calendar/item`,
			...body,
			id,
			subject: String(body.subject ?? ''),
		};
		const recurrence = body.recurrence as Json | undefined;
		if (!recurrence) {
			put(calendarId, {
				...base,
				type: 'singleInstance',
				seriesMasterId: null,
				start: { dateTime: utcText(start), timeZone: 'UTC' },
				end: { dateTime: utcText(end), timeZone: 'UTC' },
			});
		} else {
			const zone = ianaOf(String((body.start as Json).timeZone)) ?? 'UTC';
			const first = start.setZone(zone);
			const minutes = end.diff(start, 'minutes').minutes;
			put(calendarId, {
				...base,
				type: 'seriesMaster',
				seriesMasterId: null,
				start: { dateTime: utcText(first), timeZone: 'UTC' },
				end: { dateTime: utcText(first.plus({ minutes })), timeZone: 'UTC' },
			});
			for (const occurrence of occurrenceStarts(first, recurrence)) {
				put(calendarId, {
					...base,
					id: `${id}_${occurrence.toUTC().toFormat("yyyyMMdd'T'HHmmss")}`,
					type: 'occurrence',
					seriesMasterId: id,
					recurrence: null,
					start: { dateTime: utcText(occurrence), timeZone: 'UTC' },
					end: { dateTime: utcText(occurrence.plus({ minutes })), timeZone: 'UTC' },
				});
			}
		}
		const attendees = addressesOf(body.attendees);
		if (attendees.length)
			world.send({ via: 'meetingRequest', subject: String(body.subject ?? ''), to: attendees });
		return events.get(id)!.data;
	};

	// The demo's events: today's stand-up, a review, a customer call, and (listed first: it
	// starts last) a weekly 1:1 that Alice organizes with Bob.
	const day = (offset: number, hour: number) =>
		DateTime.utc().startOf('day').plus({ days: offset, hours: hour });
	const seed: Array<[string, DateTime, Json?]> = [
		['Team stand-up', day(0, 9)],
		['Design review', day(1, 14), { location: { displayName: 'Room 1' } }],
		[
			'Customer call',
			day(2, 10),
			{
				organizer: { emailAddress: { name: 'Carol', address: 'carol@example.test' } },
				isOrganizer: false,
				responseStatus: { response: 'notResponded', time: '0001-01-01T00:00:00Z' },
				attendees: [
					{
						type: 'required',
						emailAddress: { name: 'Alice Demo', address: TEST_USER },
						status: { response: 'none', time: '0001-01-01T00:00:00Z' },
					},
				],
			},
		],
		[
			'1:1 with Bob',
			day(7, 15),
			{
				attendees: [
					{
						type: 'required',
						emailAddress: { name: 'Bob', address: 'bob@example.test' },
						status: { response: 'accepted', time: new Date().toISOString() },
					},
				],
				recurrence: {
					pattern: {
						type: 'weekly',
						interval: 1,
						daysOfWeek: [day(7, 15).weekdayLong!.toLowerCase()],
					},
					range: { type: 'numbered', startDate: day(7, 15).toISODate(), numberOfOccurrences: 8 },
				},
			},
		],
	];
	seed.forEach(([subject, start, extra], index) =>
		create(
			defaultId(),
			{
				subject,
				start: { dateTime: utcText(start), timeZone: 'UTC' },
				end: { dateTime: utcText(start.plus({ hours: 1 })), timeZone: 'UTC' },
				...extra,
			},
			`AAMkAD-demo-event-${index + 1}`,
		),
	);
	// The seed's meeting requests went out before the demo began.
	world.outbox.length = 0;

	/** An event as Graph answers it: times in the answer's zone, `$select` applied. */
	const render = (data: Json, request: GraphRequestRecord): Json => {
		const zone = answerZone(request);
		const local = (value: unknown) => {
			const instant = instantOf(value);
			return instant
				? {
						dateTime: instant.setZone(zone.iana).toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'0000'"),
						timeZone: zone.name,
					}
				: value;
		};
		return selectFields({ ...data, start: local(data.start), end: local(data.end) }, request);
	};
	const listEvents = (request: GraphRequestRecord, calendarId: string) => {
		let list = [...events.values()]
			.filter(
				(e) =>
					e.calendarId === calendarId &&
					e.data.type !== 'occurrence' &&
					e.data.type !== 'exception',
			)
			.map((e) => e.data);
		try {
			list = list.filter(filterOf(request.query.$filter));
		} catch (error) {
			if (error instanceof UnsupportedQuery)
				return graphError(400, 'BadRequest', `Invalid filter clause: ${error.message}.`);
			throw error;
		}
		const order = orderOf(request.query.$orderby);
		if (order) list = [...list].sort(order);
		const { $select: _select, ...query } = request.query;
		const rendered = list.map((e) => render(e, { ...request, query }));
		return world.list(request, rendered);
	};
	const calendarNotFound = () => itemNotFound();

	world.route('GET', '/events', (request) => listEvents(request, defaultId()));
	world.route('GET', '/calendar/events', (request) => listEvents(request, defaultId()));
	world.route('GET', '/calendars/:calendar/events', (request, { calendar }) => {
		const found = calendarOf(calendar);
		return found ? listEvents(request, String(found.id)) : calendarNotFound();
	});
	const createIn = (calendarId: string) => (request: GraphRequestRecord) => {
		const created = create(calendarId, request.body as Json);
		if (!created)
			return graphError(
				400,
				'ErrorInvalidRequest',
				'The start or end time of the event is not valid.',
			);
		return { status: 201, body: render(created, request) };
	};
	world.route('POST', '/events', (request) => createIn(defaultId())(request));
	world.route('POST', '/calendar/events', (request) => createIn(defaultId())(request));
	world.route('POST', '/calendars/:calendar/events', (request, { calendar }) => {
		const found = calendarOf(calendar);
		return found ? createIn(String(found.id))(request) : calendarNotFound();
	});

	const find = (id: string) => events.get(id)?.data;
	world.route('GET', '/events/:id', (request, { id }) => {
		const found = find(id);
		return found ? { body: render(found, request) } : itemNotFound();
	});
	/** Exchange mails a meeting's attendees when its organizer changes or cancels it. */
	const notifyAttendees = (event: Json, via: string) => {
		const attendees = addressesOf(event.attendees).filter(
			(a) => a.toLowerCase() !== TEST_USER.toLowerCase(),
		);
		if (event.isOrganizer !== false && attendees.length)
			world.send({ via, subject: String(event.subject ?? ''), to: attendees });
	};
	world.route('PATCH', '/events/:id', (request, { id }) => {
		const found = find(id);
		if (!found) return itemNotFound();
		const patch = request.body as Json;
		change(id, patch);
		if (found.type === 'seriesMaster') {
			const { start: _s, end: _e, recurrence: _r, ...shared } = patch;
			for (const occurrence of occurrencesOf(id)) change(String(occurrence.id), shared);
		}
		notifyAttendees(find(id)!, 'meetingUpdate');
		return { body: render(find(id)!, request) };
	});
	world.route('DELETE', '/events/:id', (_request, { id }) => {
		const found = find(id);
		if (!found) return itemNotFound();
		// "deleting the event on the organizer's calendar sends a cancellation message" (event-delete).
		notifyAttendees(found, 'cancellation');
		remove(id);
		return { status: 204 };
	});
	world.route('POST', '/events/:id/cancel', (_request, { id }) => {
		const found = find(id);
		if (!found) return itemNotFound();
		if (found.isOrganizer === false)
			return graphError(
				400,
				'ErrorAccessDenied',
				"Your request can't be completed. You need to be an organizer to cancel a meeting.",
			);
		notifyAttendees(found, 'cancellation');
		remove(id);
		return { status: 202 };
	});
	world.route('POST', '/events/:id/forward', (request, { id }) => {
		const found = find(id);
		if (!found) return itemNotFound();
		const to = addressesOf((request.body as Json).toRecipients);
		if (!to.length)
			return graphError(400, 'ErrorInvalidRecipients', 'At least one recipient is not valid.');
		world.send({ via: 'forward', subject: String(found.subject ?? ''), to });
		return { status: 202 };
	});
	for (const [action, response] of [
		['accept', 'accepted'],
		['tentativelyAccept', 'tentativelyAccepted'],
		['decline', 'declined'],
	] as const) {
		world.route('POST', `/events/:id/${action}`, (request, { id }) => {
			const found = find(id);
			if (!found) return itemNotFound();
			const body = (request.body as Json | undefined) ?? {};
			change(id, { responseStatus: { response, time: new Date().toISOString() } });
			const organizer = addressesOf([found.organizer]);
			if (body.sendResponse !== false && found.isOrganizer === false && organizer.length)
				world.send({ via: action, subject: String(found.subject ?? ''), to: organizer });
			// A declined meeting leaves the calendar (https://learn.microsoft.com/graph/api/event-decline).
			if (action === 'decline') remove(id);
			return { status: 202 };
		});
	}
	world.route('GET', '/events/:id/instances', (request, { id }) => {
		const found = find(id);
		if (!found) return itemNotFound();
		const { startDateTime, endDateTime } = request.query;
		if (!startDateTime || !endDateTime)
			return graphError(
				400,
				'ErrorInvalidParameter',
				'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.',
			);
		const [from, to] = [DateTime.fromISO(startDateTime), DateTime.fromISO(endDateTime)];
		const list = (found.type === 'seriesMaster' ? occurrencesOf(id) : [found])
			.filter((e) => instantOf(e.start)! < to && instantOf(e.end)! > from)
			.sort((a, b) => instantOf(a.start)!.toMillis() - instantOf(b.start)!.toMillis())
			.map((e) => render(e, request));
		return world.list(request, list);
	});

	// The calendar view: every instance overlapping the window, with Graph's paging.
	const viewOf = (calendarId: string) => () =>
		[...events.values()]
			.filter((e) => e.calendarId === calendarId && e.data.type !== 'seriesMaster')
			.map((e) => ({
				...e.data,
				id: String(e.data.id),
				start: instantOf(e.data.start)!.toUTC().toISO()!,
				end: instantOf(e.data.end)!.toUTC().toISO()!,
			}));
	for (const root of ['/me', '/users/:user']) {
		serveCalendarView(graph, `${root}/calendarView`, viewOf(defaultId()));
		serveCalendarView(graph, `${root}/calendar/calendarView`, viewOf(defaultId()));
		serveCalendarView(
			graph,
			`${root}/calendars/${DEMO_CALENDAR.id}/calendarView`,
			viewOf(DEMO_CALENDAR.id),
		);
	}
	world.route('GET', '/calendars/:calendar/calendarView', (request, { calendar }) => {
		// Calendars created in the demo: their view without paging (they hold few events).
		const found = calendarOf(calendar);
		if (!found) return calendarNotFound();
		const { startDateTime, endDateTime } = request.query;
		if (!startDateTime || !endDateTime)
			return graphError(
				400,
				'ErrorInvalidParameter',
				'StartDateTime and EndDateTime are required.',
			);
		const [from, to] = [DateTime.fromISO(startDateTime), DateTime.fromISO(endDateTime)];
		const list = [...events.values()]
			.filter((e) => e.calendarId === found.id && e.data.type !== 'seriesMaster')
			.map((e) => e.data)
			.filter((e) => instantOf(e.start)! < to && instantOf(e.end)! > from)
			.map((e) => render(e, request));
		return world.list(request, list, 1000);
	});

	// ---- calendars ----
	world.route('GET', '/calendars', (request) => world.list(request, calendars, 10));
	world.route('GET', '/calendar', (request) => ({
		body: selectFields(calendarOf('calendar')!, request),
	}));
	world.route('GET', '/calendars/:calendar', (request, { calendar }) => {
		const found = calendarOf(calendar);
		return found ? { body: selectFields(found, request) } : calendarNotFound();
	});
	const createCalendar = (request: GraphRequestRecord) => {
		const body = request.body as Json;
		const name = String(body.name ?? '').trim();
		// https://learn.microsoft.com/graph/api/user-post-calendars: names are unique per mailbox.
		if (calendars.some((c) => c.name === name))
			return graphError(
				409,
				'ErrorFolderExists',
				'A folder with the specified name already exists.',
			);
		const calendar = {
			...DEMO_CALENDAR,
			color: 'auto',
			...body,
			id: `AAMkAD-demo-calendar-${randomUUID()}`,
			name,
			isDefaultCalendar: false,
			isRemovable: true,
		};
		calendars.push(calendar);
		return { status: 201, body: calendar };
	};
	world.route('POST', '/calendars', createCalendar);
	world.route('GET', '/calendarGroups', (request) => world.list(request, [CALENDAR_GROUP]));
	world.route('POST', '/calendarGroups/:group/calendars', (request, { group }) =>
		group === CALENDAR_GROUP.id ? createCalendar(request) : itemNotFound(),
	);
	world.route('PATCH', '/calendars/:calendar', (request, { calendar }) => {
		const found = calendarOf(calendar);
		if (!found) return calendarNotFound();
		Object.assign(found, request.body as Json);
		return { body: found };
	});
	world.route('DELETE', '/calendars/:calendar', (_request, { calendar }) => {
		const found = calendarOf(calendar);
		if (!found) return calendarNotFound();
		// The default calendar cannot be removed (calendar resource: isRemovable).
		if (found.isRemovable === false)
			return graphError(400, 'ErrorInvalidRequest', 'The default calendar cannot be deleted.');
		calendars.splice(calendars.indexOf(found), 1);
		for (const [id, stored] of [...events]) if (stored.calendarId === found.id) remove(id);
		return { status: 204 };
	});

	// ---- free/busy and meeting times ----

	/** Alice's busy instances (her own calendar); everyone else is busy every day 12:00–13:00 UTC. */
	const busyOf = (
		address: string,
		from: DateTime,
		to: DateTime,
	): Array<{ start: DateTime; end: DateTime; subject?: string }> => {
		if (address.toLowerCase() === TEST_USER.toLowerCase()) {
			return [...events.values()]
				.filter((e) => e.data.type !== 'seriesMaster' && e.data.showAs !== 'free')
				.map((e) => ({
					start: instantOf(e.data.start)!,
					end: instantOf(e.data.end)!,
					subject: String(e.data.subject ?? ''),
				}))
				.filter((b) => b.start < to && b.end > from);
		}
		const lunches: Array<{ start: DateTime; end: DateTime }> = [];
		for (let d = from.toUTC().startOf('day'); d < to; d = d.plus({ days: 1 }))
			lunches.push({ start: d.plus({ hours: 12 }), end: d.plus({ hours: 13 }) });
		return lunches.filter((b) => b.start < to && b.end > from);
	};
	world.route('POST', '/calendar/getSchedule', (request) => {
		const body = request.body as Json;
		const from = instantOf(body.startTime ?? body.StartTime);
		const to = instantOf(body.endTime ?? body.EndTime);
		if (!from || !to || to <= from)
			return graphError(400, 'ErrorInvalidParameter', 'The start or end time is not valid.');
		const interval = Number(body.availabilityViewInterval ?? 30);
		const zone = answerZone(request);
		const local = (instant: DateTime) => ({
			dateTime: instant.setZone(zone.iana).toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'0000'"),
			timeZone: zone.name,
		});
		const schedules = (body.schedules ?? body.Schedules ?? []) as string[];
		return {
			body: {
				value: schedules.map((address) => {
					const busy = busyOf(address, from, to);
					let view = '';
					for (let slot = from; slot < to; slot = slot.plus({ minutes: interval })) {
						const end = slot.plus({ minutes: interval });
						view += busy.some((b) => b.start < end && b.end > slot) ? '2' : '0';
					}
					return {
						scheduleId: address,
						availabilityView: view,
						scheduleItems: busy.map((b) => ({
							isPrivate: false,
							status: 'busy',
							...(b.subject !== undefined ? { subject: b.subject } : {}),
							start: local(b.start),
							end: local(b.end),
						})),
						workingHours: world.settings.workingHours,
					};
				}),
			},
		};
	});
	world.route('POST', '/findMeetingTimes', (request) => {
		const body = request.body as Json;
		const constraint = (body.timeConstraint ?? {}) as Json;
		const slots = (constraint.timeSlots ?? constraint.timeslots ?? []) as Json[];
		const minutes = body.meetingDuration
			? Duration.fromISO(String(body.meetingDuration)).as('minutes')
			: 30;
		const attendees = addressesOf((body.attendees as Json[] | undefined) ?? []);
		const zone = answerZone(request);
		const local = (instant: DateTime) => ({
			dateTime: instant.setZone(zone.iana).toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'0000'"),
			timeZone: zone.name,
		});
		const max = Number(body.maxCandidates ?? 5);
		const suggestions: Json[] = [];
		for (const slot of slots) {
			const from = instantOf(slot.start);
			const to = instantOf(slot.end);
			if (!from || !to) continue;
			// Half-hour steps within working hours (08:00–17:00 in the mailbox's zone, Monday to Friday).
			const work = ianaOf(String(world.settings.timeZone)) ?? 'UTC';
			for (
				let start = from.setZone(work).startOf('hour');
				start.plus({ minutes }) <= to && suggestions.length < max;
				start = start.plus({ minutes: 30 })
			) {
				const end = start.plus({ minutes });
				if (
					start < from ||
					start.weekday > 5 ||
					start.hour < 8 ||
					end.hour > 17 ||
					(end.hour === 17 && end.minute > 0)
				)
					continue;
				const everyone = [TEST_USER, ...attendees];
				if (everyone.some((a) => busyOf(a, start, end).length)) continue;
				suggestions.push({
					confidence: 100,
					organizerAvailability: 'free',
					attendeeAvailability: attendees.map((address) => ({
						attendee: { type: 'required', emailAddress: { address } },
						availability: 'free',
					})),
					locations: [],
					meetingTimeSlot: { start: local(start), end: local(end) },
				});
			}
		}
		return {
			body: {
				emptySuggestionsReason: suggestions.length ? '' : 'AttendeesUnavailable',
				meetingTimeSuggestions: suggestions,
			},
		};
	});

	// ---- what makes the Outlook Trigger's calendar events happen ----
	world.happenings.set('eventCreated', () => {
		create(defaultId(), {
			subject: 'Planning (new)',
			start: { dateTime: utcText(day(3, 11)), timeZone: 'UTC' },
			end: { dateTime: utcText(day(3, 12)), timeZone: 'UTC' },
		});
	});
	world.happenings.set('eventUpdated', () =>
		change('AAMkAD-demo-event-2', { subject: 'Design review (moved to Room 2)' }),
	);
	world.happenings.set('eventCancelledOrDeleted', () => remove('AAMkAD-demo-event-3'));
	world.happenings.set('eventStartingSoon', () => {
		const start = DateTime.utc().plus({ minutes: 5 });
		create(defaultId(), {
			subject: 'Quick sync',
			start: { dateTime: utcText(start), timeZone: 'UTC' },
			end: { dateTime: utcText(start.plus({ minutes: 15 })), timeZone: 'UTC' },
		});
	});
}
