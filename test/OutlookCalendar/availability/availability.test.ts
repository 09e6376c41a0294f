import { DateTime } from 'luxon';

import { AvailabilityModel } from '../../support/graph-availability';
import { calendarSuite } from '../setup';

const t = calendarSuite();

describe('Availability → Get Schedule', () => {
	it('posts schedules, Windows-zone times and the interval; decodes the view into slots with offsets', async () => {
		t.s.graph.on('POST', '/me/calendar/getSchedule', {
			body: {
				value: [
					{
						scheduleId: 'bea@contoso.com',
						availabilityView: '0210',
						scheduleItems: [
							{
								status: 'busy',
								start: {
									dateTime: '2026-03-29T09:30:00.0000000',
									timeZone: 'Romance Standard Time',
								},
								end: { dateTime: '2026-03-29T10:30:00.0000000', timeZone: 'Romance Standard Time' },
							},
						],
					},
					{ scheduleId: 'room1@contoso.com', availabilityView: '0000', scheduleItems: [] },
				],
			},
		});
		const out = await t.json({
			resource: 'availability',
			operation: 'getSchedule',
			schedules: 'bea@contoso.com, room1@contoso.com',
			from: '2026-03-29T09:00:00',
			to: '2026-03-29T11:00:00',
			interval: 30,
		});
		expect(t.s.graph.calls()[0]).toMatchObject({
			method: 'POST',
			path: '/me/calendar/getSchedule',
			body: {
				schedules: ['bea@contoso.com', 'room1@contoso.com'],
				startTime: { dateTime: '2026-03-29T09:00:00', timeZone: 'Romance Standard Time' },
				endTime: { dateTime: '2026-03-29T11:00:00', timeZone: 'Romance Standard Time' },
				availabilityViewInterval: 30,
			},
		});
		expect(t.s.graph.requests[0].headers.prefer).toContain(
			'outlook.timezone="Romance Standard Time"',
		);
		expect(out).toHaveLength(2);
		expect(out[0].slots).toEqual([
			{ start: '2026-03-29T09:00:00+02:00', end: '2026-03-29T09:30:00+02:00', status: 'free' },
			{ start: '2026-03-29T09:30:00+02:00', end: '2026-03-29T10:00:00+02:00', status: 'busy' },
			{ start: '2026-03-29T10:00:00+02:00', end: '2026-03-29T10:30:00+02:00', status: 'tentative' },
			{ start: '2026-03-29T10:30:00+02:00', end: '2026-03-29T11:00:00+02:00', status: 'free' },
		]);
		expect(out[0].scheduleItems).toEqual([
			{ status: 'busy', start: '2026-03-29T09:30:00+02:00', end: '2026-03-29T10:30:00+02:00' },
		]);
	});

	it.each([
		[
			'21 addresses',
			{ schedules: Array.from({ length: 21 }, (_, n) => `p${n}@contoso.com`).join(',') },
			/The field Addresses holds 21 addresses; at most 20/,
		],
		[
			'a bad address',
			{ schedules: 'bea@contoso.com, room 1' },
			/"room 1" in the field Addresses is not an email address/,
		],
		[
			'an interval below 5',
			{ interval: 4 },
			/The field Interval \(Minutes\) must be a whole number from 5 to 1440/,
		],
		['To before From', { to: '2026-03-29T08:00:00' }, /The field To .* must be after From/],
		[
			'an unknown zone',
			{ options: { timeZone: 'Atlantis/Capital' } },
			/in the field Time Zone is not a time zone/,
		],
	])('refuses %s before any request', async (_name, override, message) => {
		const parameters = {
			resource: 'availability',
			operation: 'getSchedule',
			schedules: 'bea@contoso.com',
			from: '2026-03-29T09:00:00',
			to: '2026-03-29T11:00:00',
			...override,
		};
		await expect(t.run(parameters)).rejects.toThrow(message);
		expect(t.s.graph.requests).toHaveLength(0);
	});
});

describe('Availability → Find Meeting Times', () => {
	it('posts attendees, window, duration and constraints; one item per suggestion with ISO times', async () => {
		t.s.graph.on('POST', '/me/calendar/getSchedule', {
			body: {
				value: [{ scheduleId: 'carla@contoso.com', availabilityView: '0', scheduleItems: [] }],
			},
		});
		t.s.graph.on('POST', '/me/findMeetingTimes', {
			body: {
				emptySuggestionsReason: '',
				meetingTimeSuggestions: [
					{
						confidence: 100,
						meetingTimeSlot: {
							start: { dateTime: '2026-06-01T15:00:00.0000000', timeZone: 'India Standard Time' },
							end: { dateTime: '2026-06-01T16:30:00.0000000', timeZone: 'India Standard Time' },
						},
					},
				],
			},
		});
		const out = await t.json({
			resource: 'availability',
			operation: 'findMeetingTimes',
			attendees: 'bea@contoso.com',
			durationMinutes: 90,
			from: '2026-06-01T09:00:00',
			to: '2026-06-01T18:00:00',
			options: {
				timeZone: 'Asia/Kolkata',
				activityDomain: 'unrestricted',
				maxCandidates: 3,
				optionalAttendees: 'carla@contoso.com',
				isOrganizerOptional: true,
				minimumAttendeePercentage: 80,
				returnSuggestionReasons: true,
			},
		});
		expect(t.s.graph.calls()[0]).toMatchObject({
			method: 'POST',
			path: '/me/findMeetingTimes',
			body: {
				// Optional attendees are not sent: Graph would treat them as required.
				attendees: [{ type: 'required', emailAddress: { address: 'bea@contoso.com' } }],
				timeConstraint: {
					activityDomain: 'unrestricted',
					timeSlots: [
						{
							start: { dateTime: '2026-06-01T09:00:00', timeZone: 'India Standard Time' },
							end: { dateTime: '2026-06-01T18:00:00', timeZone: 'India Standard Time' },
						},
					],
				},
				meetingDuration: 'PT1H30M',
				maxCandidates: 3,
				isOrganizerOptional: true,
				minimumAttendeePercentage: 80,
				returnSuggestionReasons: true,
			},
		});
		expect(out).toHaveLength(1);
		expect(out[0]).toMatchObject({
			confidence: 100,
			start: '2026-06-01T15:00:00+05:30',
			end: '2026-06-01T16:30:00+05:30',
			timeZone: 'Asia/Kolkata',
			optionalAttendeeAvailability: [
				{
					attendee: { type: 'optional', emailAddress: { address: 'carla@contoso.com' } },
					availability: 'free',
				},
			],
		});
	});

	it('optional attendees do not limit the suggestions; each says whether they are free (Graph treats every person as required)', async () => {
		const day = DateTime.fromISO('2026-06-02T09:00:00', { zone: 'Europe/Madrid' });
		new AvailabilityModel()
			.addBusy('carla@contoso.com', day, day.plus({ hours: 1 }))
			.addBusy('bea@contoso.com', day.plus({ hours: 2 }), day.plus({ hours: 3 }))
			.install(t.s.graph);
		const out = await t.json({
			resource: 'availability',
			operation: 'findMeetingTimes',
			attendees: 'bea@contoso.com',
			durationMinutes: 60,
			from: '2026-06-02T09:00:00',
			to: '2026-06-02T11:00:00',
			options: { minimumAttendeePercentage: 100, optionalAttendees: 'carla@contoso.com' },
		});
		// 09:00 suits Bea (required); Carla (optional) is busy then, which does not remove it.
		expect(
			out.map((s) => [
				s.start,
				(s.optionalAttendeeAvailability as Array<{ availability: string }>)[0].availability,
			]),
		).toEqual([
			['2026-06-02T09:00:00+02:00', 'busy'],
			['2026-06-02T09:30:00+02:00', 'busy'],
			['2026-06-02T10:00:00+02:00', 'free'],
		]);
		expect(t.s.graph.calls().map((c) => c.path)).toEqual([
			'/me/findMeetingTimes',
			'/me/calendar/getSchedule',
		]);
	});

	it('without optional attendees, one request', async () => {
		new AvailabilityModel().install(t.s.graph);
		const out = await t.json({
			resource: 'availability',
			operation: 'findMeetingTimes',
			attendees: 'bea@contoso.com',
			from: '2026-06-02T09:00:00',
			to: '2026-06-02T10:00:00',
		});
		expect(out.map((s) => s.start)).toEqual([
			'2026-06-02T09:00:00+02:00',
			'2026-06-02T09:30:00+02:00',
		]);
		expect(out[0]).not.toHaveProperty('optionalAttendeeAvailability');
		expect(t.s.graph.calls()).toHaveLength(1);
	});

	it('says why there are no suggestions', async () => {
		t.s.graph.on('POST', '/me/findMeetingTimes', {
			body: { emptySuggestionsReason: 'AttendeesUnavailable', meetingTimeSuggestions: [] },
		});
		const out = await t.json({
			resource: 'availability',
			operation: 'findMeetingTimes',
			attendees: 'bea@contoso.com',
			from: '2026-06-01T09:00:00',
			to: '2026-06-01T18:00:00',
		});
		expect(out).toEqual([{ suggestions: 0, emptySuggestionsReason: 'AttendeesUnavailable' }]);
	});

	it.each([
		['no attendees', { attendees: '' }, /The field Attendees is empty/],
		[
			'a bad attendee',
			{ attendees: 'bea' },
			/"bea" in the field Attendees is not an email address/,
		],
		[
			'a window shorter than the meeting',
			{ durationMinutes: 120, to: '2026-06-01T10:00:00' },
			/shorter than the field Duration/,
		],
	])('refuses %s before any request', async (_name, override, message) => {
		const parameters = {
			resource: 'availability',
			operation: 'findMeetingTimes',
			attendees: 'bea@contoso.com',
			from: '2026-06-01T09:00:00',
			to: '2026-06-01T18:00:00',
			...override,
		};
		await expect(t.run(parameters)).rejects.toThrow(message);
		expect(t.s.graph.requests).toHaveLength(0);
	});
});
