import type { INodeParameters } from 'n8n-workflow';

import { graphError } from '../../support/graph-standin';
import { byId, calendarSuite, graphEvent } from '../setup';

const t = calendarSuite();

/** Echoes the posted event back as Graph does (with an id). */
function echoCreated(id = 'AAMkNEW=') {
	return (request: { body: unknown }) => ({
		status: 201,
		body: { id, ...(request.body as object) },
	});
}

describe('Event → Create: time zones', () => {
	it('09:00 Europe/Madrid on the last Sunday of March (the day DST starts) is sent as 09:00 local in Romance Standard Time', async () => {
		t.s.graph.on('POST', '/me/events', echoCreated());
		const [out] = await t.json({
			resource: 'event',
			operation: 'create',
			subject: 'Standup',
			start: '2026-03-29T09:00:00',
			end: '2026-03-29T09:30:00',
		});
		const [call] = t.s.graph.calls();
		expect(call).toMatchObject({ method: 'POST', path: '/me/events' });
		expect(call.body).toEqual({
			subject: 'Standup',
			start: { dateTime: '2026-03-29T09:00:00', timeZone: 'Romance Standard Time' },
			end: { dateTime: '2026-03-29T09:30:00', timeZone: 'Romance Standard Time' },
		});
		expect(t.s.graph.requests[0].headers.prefer).toBe(
			'IdType="ImmutableId", outlook.timezone="Romance Standard Time"',
		);
		expect(out).toMatchObject({
			id: 'AAMkNEW=',
			start: '2026-03-29T09:00:00+02:00',
			end: '2026-03-29T09:30:00+02:00',
			timeZone: 'Europe/Madrid',
		});
	});

	it('09:00 Europe/Madrid on the last Sunday of October (DST ends) keeps 09:00 and reports +01:00', async () => {
		t.s.graph.on('POST', '/me/events', echoCreated());
		const [out] = await t.json({
			resource: 'event',
			operation: 'create',
			subject: 'Standup',
			start: '2026-10-25T09:00:00',
			end: '2026-10-25T10:00:00',
		});
		expect(t.s.graph.calls()[0].body).toMatchObject({
			start: { dateTime: '2026-10-25T09:00:00', timeZone: 'Romance Standard Time' },
			end: { dateTime: '2026-10-25T10:00:00', timeZone: 'Romance Standard Time' },
		});
		expect(out).toMatchObject({
			start: '2026-10-25T09:00:00+01:00',
			end: '2026-10-25T10:00:00+01:00',
		});
	});

	it('an ISO time with an offset is kept as that instant and sent as wall-clock time of the chosen zone', async () => {
		t.s.graph.on('POST', '/me/events', echoCreated());
		// 07:00Z on 29 March is 09:00 in Madrid (+02:00 since 01:00Z that day).
		await t.run({
			resource: 'event',
			operation: 'create',
			subject: 'x',
			start: '2026-03-29T07:00:00Z',
			end: '2026-03-29T08:00:00+00:00',
		});
		expect(t.s.graph.calls()[0].body).toMatchObject({
			start: { dateTime: '2026-03-29T09:00:00', timeZone: 'Romance Standard Time' },
			end: { dateTime: '2026-03-29T10:00:00', timeZone: 'Romance Standard Time' },
		});
	});

	it('defaults to the workflow time zone, not UTC', async () => {
		t.s.graph.on('POST', '/me/events', echoCreated());
		await t.run(
			{
				resource: 'event',
				operation: 'create',
				subject: 'x',
				start: '2026-07-01T09:00:00',
				end: '2026-07-01T10:00:00',
			},
			{ timezone: 'America/New_York' },
		);
		expect(t.s.graph.calls()[0].body).toMatchObject({
			start: { dateTime: '2026-07-01T09:00:00', timeZone: 'Eastern Standard Time' },
		});
	});

	it('Asia/Kolkata (+05:30): 09:00Z becomes 14:30 India Standard Time, output carries +05:30', async () => {
		t.s.graph.on('POST', '/me/events', echoCreated());
		const [out] = await t.json({
			resource: 'event',
			operation: 'create',
			subject: 'x',
			start: '2026-06-01T09:00:00Z',
			end: '2026-06-01T09:45:00Z',
			additionalFields: { timeZone: 'Asia/Kolkata' },
		});
		expect(t.s.graph.calls()[0].body).toMatchObject({
			start: { dateTime: '2026-06-01T14:30:00', timeZone: 'India Standard Time' },
			end: { dateTime: '2026-06-01T15:15:00', timeZone: 'India Standard Time' },
		});
		expect(t.s.graph.requests[0].headers.prefer).toContain(
			'outlook.timezone="India Standard Time"',
		);
		expect(out).toMatchObject({
			start: '2026-06-01T14:30:00+05:30',
			end: '2026-06-01T15:15:00+05:30',
			timeZone: 'Asia/Kolkata',
		});
	});

	it('an all-day event in Pacific/Auckland on the day DST ends (25 hours) runs midnight to midnight in that zone', async () => {
		t.s.graph.on('POST', '/me/events', echoCreated());
		// 2026-04-04T11:00Z is 2026-04-05T00:00 in Auckland (NZDT, +13:00); DST ends at 03:00 that day.
		const [out] = await t.json({
			resource: 'event',
			operation: 'create',
			subject: 'Holiday',
			start: '2026-04-04T11:00:00Z',
			end: '2026-04-05',
			additionalFields: { allDay: true, timeZone: 'Pacific/Auckland' },
		});
		expect(t.s.graph.calls()[0].body).toEqual({
			subject: 'Holiday',
			isAllDay: true,
			start: { dateTime: '2026-04-05T00:00:00', timeZone: 'New Zealand Standard Time' },
			end: { dateTime: '2026-04-06T00:00:00', timeZone: 'New Zealand Standard Time' },
		});
		expect(out).toMatchObject({
			start: '2026-04-05T00:00:00+13:00',
			end: '2026-04-06T00:00:00+12:00',
			startDate: '2026-04-05',
			endDate: '2026-04-05',
			isAllDay: true,
		});
	});

	it('a multi-day all-day event ending on a later midnight keeps that midnight as the exclusive end', async () => {
		t.s.graph.on('POST', '/me/events', echoCreated());
		await t.run({
			resource: 'event',
			operation: 'create',
			subject: 'Trip',
			start: '2026-08-10',
			end: '2026-08-13T00:00:00',
			additionalFields: { allDay: true },
		});
		expect(t.s.graph.calls()[0].body).toMatchObject({
			start: { dateTime: '2026-08-10T00:00:00', timeZone: 'Romance Standard Time' },
			end: { dateTime: '2026-08-13T00:00:00', timeZone: 'Romance Standard Time' },
		});
	});

	it('an IANA name in lower case (from an expression) is sent to Graph under its Windows name', async () => {
		t.s.graph.on('POST', '/me/events', echoCreated());
		const [out] = await t.json({
			resource: 'event',
			operation: 'create',
			subject: 'Standup',
			start: '2026-06-01T09:00:00',
			end: '2026-06-01T09:30:00',
			additionalFields: { timeZone: 'america/new_york' },
		});
		expect(t.s.graph.calls()[0].body).toMatchObject({
			start: { dateTime: '2026-06-01T09:00:00', timeZone: 'Eastern Standard Time' },
			end: { dateTime: '2026-06-01T09:30:00', timeZone: 'Eastern Standard Time' },
		});
		expect(t.s.graph.requests[0].headers.prefer).toContain(
			'outlook.timezone="Eastern Standard Time"',
		);
		expect(out).toMatchObject({ start: '2026-06-01T09:00:00-04:00', timeZone: 'America/New_York' });
	});

	it('accepts a Windows zone name and a luxon DateTime from an expression', async () => {
		t.s.graph.on('POST', '/me/events', echoCreated());
		await t.run({
			resource: 'event',
			operation: 'create',
			subject: 'x',
			start: "={{ DateTime.fromISO('2026-03-08T12:00:00Z') }}",
			end: "={{ DateTime.fromISO('2026-03-08T12:00:00Z').plus({ hours: 1 }) }}",
			additionalFields: { timeZone: 'Pacific Standard Time' },
		});
		// 8 March 2026 is the day US DST starts: 12:00Z is 05:00 PDT (-07:00).
		expect(t.s.graph.calls()[0].body).toMatchObject({
			start: { dateTime: '2026-03-08T05:00:00', timeZone: 'Pacific Standard Time' },
			end: { dateTime: '2026-03-08T06:00:00', timeZone: 'Pacific Standard Time' },
		});
	});
});

describe('Event → Create: recurrence and fields', () => {
	it('a weekly series across the March DST change: 09:00 local, Windows recurrence zone, range by date', async () => {
		t.s.graph.on('POST', '/me/calendars/:calendar/events', echoCreated('AAMkSERIES='));
		await t.run({
			resource: 'event',
			operation: 'create',
			calendar: byId('AAMkCAL='),
			subject: 'Weekly sync',
			start: '2026-03-16T09:00:00',
			end: '2026-03-16T10:00:00',
			additionalFields: {
				recurrence: {
					rule: {
						frequency: 'weekly',
						interval: 1,
						// From an expression, as text (crashed with daysOfWeek.filter).
						daysOfWeek: 'monday, wednesday',
						endBy: 'date',
						endDate: '2026-04-13',
					},
				},
			},
		});
		const [call] = t.s.graph.calls();
		expect(call.path).toBe('/me/calendars/AAMkCAL%3D/events');
		expect(call.body).toMatchObject({
			start: { dateTime: '2026-03-16T09:00:00', timeZone: 'Romance Standard Time' },
			recurrence: {
				pattern: {
					type: 'weekly',
					interval: 1,
					daysOfWeek: ['monday', 'wednesday'],
					firstDayOfWeek: 'sunday',
				},
				range: {
					type: 'endDate',
					startDate: '2026-03-16',
					endDate: '2026-04-13',
					recurrenceTimeZone: 'Romance Standard Time',
				},
			},
		});
	});

	it.each([
		[
			'daily',
			{ frequency: 'daily', interval: 2, endBy: 'count', occurrences: 10 },
			{ type: 'daily', interval: 2 },
			{ type: 'numbered', numberOfOccurrences: 10 },
		],
		[
			'monthly on a day',
			{ frequency: 'monthly', interval: 1, repeatOn: 'dayOfMonth', dayOfMonth: 15, endBy: 'never' },
			{ type: 'absoluteMonthly', interval: 1, dayOfMonth: 15 },
			{ type: 'noEnd' },
		],
		[
			'monthly on a weekday',
			{
				frequency: 'monthly',
				interval: 1,
				repeatOn: 'weekday',
				daysOfWeek: ['tuesday'],
				weekIndex: 'second',
			},
			{ type: 'relativeMonthly', interval: 1, daysOfWeek: ['tuesday'], index: 'second' },
			{ type: 'noEnd' },
		],
		[
			'yearly (day and month of Start)',
			{ frequency: 'yearly', interval: 1 },
			{ type: 'absoluteYearly', interval: 1, dayOfMonth: 16, month: 3 },
			{ type: 'noEnd' },
		],
		[
			'yearly on a weekday',
			{
				frequency: 'yearly',
				interval: 1,
				repeatOn: 'weekday',
				weekIndex: 'last',
				month: 5,
				endBy: 'count',
				occurrences: 3,
			},
			{ type: 'relativeYearly', interval: 1, daysOfWeek: ['monday'], index: 'last', month: 5 },
			{ type: 'numbered', numberOfOccurrences: 3 },
		],
	])('recurrence %s', async (_name, rule, pattern, range) => {
		t.s.graph.on('POST', '/me/events', echoCreated());
		await t.run({
			resource: 'event',
			operation: 'create',
			subject: 'x',
			start: '2026-03-16T09:00:00',
			end: '2026-03-16T10:00:00',
			additionalFields: { recurrence: { rule } },
		});
		const body = t.s.graph.calls()[0].body as { recurrence: { pattern: object; range: object } };
		expect(body.recurrence.pattern).toEqual(expect.objectContaining(pattern));
		expect(body.recurrence.range).toEqual({
			startDate: '2026-03-16',
			recurrenceTimeZone: 'Romance Standard Time',
			...range,
		});
	});

	it('sends body, locations, attendees by type, Teams, reminder, show-as, sensitivity, importance, categories and the invitation flags', async () => {
		t.s.graph.on('POST', '/me/events', echoCreated());
		await t.run({
			resource: 'event',
			operation: 'create',
			subject: 'Review',
			start: '2026-05-04T15:00:00',
			end: '2026-05-04T16:00:00',
			additionalFields: {
				body: '<b>Agenda</b>',
				bodyContentType: 'html',
				locations: {
					location: [
						{ displayName: 'Room 4.02', locationEmailAddress: 'room402@contoso.com' },
						{ displayName: 'Online' },
					],
				},
				requiredAttendees: 'bea@contoso.com, "Ruiz, Carla" <carla@contoso.com>',
				optionalAttendees: 'dan@contoso.com',
				resourceAttendees: 'projector1@contoso.com',
				isOnlineMeeting: true,
				reminderMinutesBeforeStart: 10,
				showAs: 'tentative',
				sensitivity: 'private',
				importance: 'high',
				categories: 'Red category, Project X',
				allowNewTimeProposals: false,
				responseRequested: false,
			},
		});
		expect(t.s.graph.calls()[0].body).toEqual({
			subject: 'Review',
			start: { dateTime: '2026-05-04T15:00:00', timeZone: 'Romance Standard Time' },
			end: { dateTime: '2026-05-04T16:00:00', timeZone: 'Romance Standard Time' },
			body: { contentType: 'html', content: '<b>Agenda</b>' },
			location: { displayName: 'Room 4.02', locationEmailAddress: 'room402@contoso.com' },
			locations: [
				{ displayName: 'Room 4.02', locationEmailAddress: 'room402@contoso.com' },
				{ displayName: 'Online' },
			],
			attendees: [
				{ type: 'required', emailAddress: { address: 'bea@contoso.com' } },
				{ type: 'required', emailAddress: { address: 'carla@contoso.com', name: 'Ruiz, Carla' } },
				{ type: 'optional', emailAddress: { address: 'dan@contoso.com' } },
				{ type: 'resource', emailAddress: { address: 'projector1@contoso.com' } },
			],
			isOnlineMeeting: true,
			onlineMeetingProvider: 'teamsForBusiness',
			reminderMinutesBeforeStart: 10,
			isReminderOn: true,
			showAs: 'tentative',
			sensitivity: 'private',
			importance: 'high',
			categories: ['Red category', 'Project X'],
			allowNewTimeProposals: false,
			responseRequested: false,
		});
	});

	it('a location given only by its email address is named after it (n8n leaves the Name empty, not unset)', async () => {
		t.s.graph.on('POST', '/me/events', echoCreated());
		await t.run({
			resource: 'event',
			operation: 'create',
			subject: 'Review',
			start: '2026-05-04T15:00:00',
			end: '2026-05-04T16:00:00',
			additionalFields: {
				locations: {
					location: [
						{ locationEmailAddress: 'room402@contoso.com' },
						{ displayName: '', locationEmailAddress: 'Room 5.01 <room501@contoso.com>' },
					],
				},
			},
		});
		expect(t.s.graph.calls()[0].body).toMatchObject({
			location: { displayName: 'room402@contoso.com', locationEmailAddress: 'room402@contoso.com' },
			locations: [
				{ displayName: 'room402@contoso.com', locationEmailAddress: 'room402@contoso.com' },
				{ displayName: 'Room 5.01', locationEmailAddress: 'room501@contoso.com' },
			],
		});
	});

	it("creates in another user's calendar under /users/{address}", async () => {
		t.s.graph.on('POST', '/users/:user/events', echoCreated());
		await t.run({
			mailbox: 'other',
			mailboxId: 'boss@contoso.com',
			resource: 'event',
			operation: 'create',
			subject: 'x',
			start: '2026-05-04T15:00:00',
			end: '2026-05-04T16:00:00',
		});
		expect(t.s.graph.calls()[0].path).toBe('/users/boss%40contoso.com/events');
	});

	it('returns the raw Graph event when Simplify is off', async () => {
		t.s.graph.on('POST', '/me/events', {
			status: 201,
			body: graphEvent(
				'AAMk1=',
				'2026-05-04T15:00:00',
				'2026-05-04T16:00:00',
				'Romance Standard Time',
			),
		});
		const [out] = await t.json({
			resource: 'event',
			operation: 'create',
			subject: 'x',
			start: '2026-05-04T15:00:00',
			end: '2026-05-04T16:00:00',
			simplify: false,
		});
		expect(out.start).toEqual({
			dateTime: '2026-05-04T15:00:00.0000000',
			timeZone: 'Romance Standard Time',
		});
	});
});

describe('Event → Create: Recurrence Days of Week from an expression', () => {
	const weekly = (daysOfWeek: string): INodeParameters => ({
		resource: 'event',
		operation: 'create',
		subject: 'Gym',
		// A Monday.
		start: '2026-03-16T18:00:00',
		end: '2026-03-16T19:00:00',
		additionalFields: { recurrence: { rule: { frequency: 'weekly', daysOfWeek } } },
	});

	it.each([
		['day names as people write them', "={{ ['Tuesday', 'THURSDAY'] }}"],
		['a comma-separated list', "={{ 'tuesday, thursday' }}"],
	])('%s are the days of the series, not the weekday of Start', async (_name, daysOfWeek) => {
		t.s.graph.on('POST', '/me/events', echoCreated());
		await t.run(weekly(daysOfWeek));
		expect(t.s.graph.calls()[0].body).toMatchObject({
			recurrence: { pattern: { type: 'weekly', daysOfWeek: ['tuesday', 'thursday'] } },
		});
	});

	it("the rule's options in another case ('Monthly', 'Weekday', 'Second') are read as chosen, not as the defaults", async () => {
		t.s.graph.on('POST', '/me/events', echoCreated());
		await t.run({
			resource: 'event',
			operation: 'create',
			subject: 'Review',
			start: '2026-03-16T18:00:00',
			end: '2026-03-16T19:00:00',
			additionalFields: {
				recurrence: {
					rule: {
						frequency: "={{ 'Monthly' }}",
						repeatOn: "={{ 'Weekday' }}",
						weekIndex: "={{ 'Second' }}",
						endBy: "={{ 'Count' }}",
						occurrences: 6,
					},
				},
			},
		});
		expect(t.s.graph.calls()[0].body).toMatchObject({
			recurrence: {
				pattern: { type: 'relativeMonthly', daysOfWeek: ['monday'], index: 'second' },
				range: { type: 'numbered', numberOfOccurrences: 6 },
			},
		});
	});

	it('a Week of Month that is none of the options is an error naming the field', async () => {
		await expect(
			t.run({
				resource: 'event',
				operation: 'create',
				subject: 'Review',
				start: '2026-03-16T18:00:00',
				end: '2026-03-16T19:00:00',
				additionalFields: {
					recurrence: {
						rule: { frequency: 'monthly', repeatOn: 'weekday', weekIndex: "={{ 'fifth' }}" },
					},
				},
			}),
		).rejects.toThrow('"fifth" in the field Recurrence Week of Month is not one of its options');
		expect(t.s.graph.requests).toHaveLength(0);
	});

	it('a name that is not a day is an error naming the field, before any request', async () => {
		await expect(t.run(weekly("={{ ['Monday', 'Funday'] }}"))).rejects.toThrow(
			/"Funday" in the field Recurrence Days of Week is not a day of the week/,
		);
		expect(t.s.graph.requests).toHaveLength(0);
	});
});

describe('Event → Create: bad input is refused before any request', () => {
	const base = {
		resource: 'event',
		operation: 'create',
		subject: 'x',
		start: '2026-05-04T15:00:00',
		end: '2026-05-04T16:00:00',
	};

	it.each([
		[
			'End before Start',
			{ ...base, end: '2026-05-04T14:00:00' },
			/The field End \(2026-05-04T14:00:00\+02:00\) must be after Start/,
		],
		[
			'End equal to Start',
			{ ...base, end: '2026-05-04T15:00:00' },
			/The field End .* must be after Start/,
		],
		[
			'an unknown zone',
			{ ...base, additionalFields: { timeZone: 'Mars/Olympus_Mons' } },
			/"Mars\/Olympus_Mons" in the field Time Zone is not a time zone/,
		],
		[
			'an unreadable Start',
			{ ...base, start: 'next tuesday' },
			/"next tuesday" in the field Start is not a date and time/,
		],
		[
			'a recurrence ending by date without a date',
			{
				...base,
				additionalFields: { recurrence: { rule: { frequency: 'daily', endBy: 'date' } } },
			},
			/The field Recurrence End Date is empty, but End By is "Date"/,
		],
		[
			'a recurrence ending by count without a count',
			{
				...base,
				additionalFields: {
					recurrence: { rule: { frequency: 'daily', endBy: 'count', occurrences: 0 } },
				},
			},
			/The field Recurrence Occurrences must be 1 or more/,
		],
		[
			'a recurrence ending before it starts',
			{
				...base,
				additionalFields: {
					recurrence: { rule: { frequency: 'daily', endBy: 'date', endDate: '2026-05-01' } },
				},
			},
			/Recurrence End Date \(2026-05-01\) is before the series starts \(2026-05-04\)/,
		],
		[
			'an attendee that is not an address',
			{ ...base, additionalFields: { requiredAttendees: 'bea@contoso.com, bob' } },
			/"bob" in the field Required Attendees is not an email address/,
		],
		[
			'a bad optional attendee',
			{ ...base, additionalFields: { optionalAttendees: 'Bob <bob@>' } },
			/"Bob <bob@>" in the field Optional Attendees is not an email address/,
		],
		[
			'a mailbox that is not an address',
			{ ...base, mailbox: 'other', mailboxId: 'boss' },
			/"boss" in the field Mailbox Address or ID/,
		],
	])('%s', async (_name, parameters, message) => {
		await expect(t.run(parameters)).rejects.toThrow(message);
		expect(t.s.graph.requests).toHaveLength(0);
	});

	it('names the item that failed and continues with the others under Continue On Fail', async () => {
		t.s.graph.on('POST', '/me/events', echoCreated());
		const out = await t.run(
			{ ...base, end: '={{ $json.end }}' },
			{
				continueOnFail: true,
				items: [{ json: { end: '2026-05-04T16:00:00' } }, { json: { end: '2026-05-04T14:00:00' } }],
			},
		);
		expect(out).toHaveLength(2);
		expect(out[0].json).toMatchObject({ id: 'AAMkNEW=' });
		expect(out[1]).toMatchObject({
			json: { error: expect.stringMatching(/The field End/) },
			pairedItem: { item: 1 },
		});
		expect(t.s.graph.calls()).toHaveLength(1);
	});
});

describe('Event → Create: permissions', () => {
	it('a 403 names Calendars.ReadWrite', async () => {
		t.s.graph.on(
			'POST',
			'/me/events',
			graphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.'),
		);
		const error = await t.run(base()).catch((e: Error & { description?: string }) => e);
		expect(error).toBeInstanceOf(Error);
		expect((error as Error).message).toMatch(/403 ErrorAccessDenied/);
		expect((error as { description?: string }).description).toMatch(
			/Calendars\.ReadWrite is needed to create events/,
		);
	});

	it("a 403 in another user's calendar names Calendars.ReadWrite.Shared", async () => {
		t.s.graph.on(
			'POST',
			'/users/:user/events',
			graphError(403, 'ErrorAccessDenied', 'Access is denied.'),
		);
		const error = await t
			.run({ ...base(), mailbox: 'other', mailboxId: 'boss@contoso.com' })
			.catch((e: Error) => e);
		expect((error as { description?: string }).description).toMatch(
			/Calendars\.ReadWrite\.Shared is needed to create events/,
		);
	});

	function base() {
		return {
			resource: 'event',
			operation: 'create',
			subject: 'x',
			start: '2026-05-04T15:00:00',
			end: '2026-05-04T16:00:00',
		};
	}
});
