import { graphError } from '../../support/graph-standin';
import { byId, byUrl, calendarSuite, graphEvent } from '../setup';

const t = calendarSuite();

describe('Event → Get', () => {
	it('GETs the event in the workflow zone and simplifies it', async () => {
		t.s.graph.on('GET', '/me/events/:id', {
			body: graphEvent(
				'AAMk1=',
				'2026-10-25T09:00:00',
				'2026-10-25T10:00:00',
				'Romance Standard Time',
				{
					attendees: [
						{
							type: 'required',
							emailAddress: { address: 'bea@contoso.com', name: 'Bea' },
							status: { response: 'accepted' },
						},
					],
					onlineMeeting: { joinUrl: 'https://teams.microsoft.com/l/meetup-join/x' },
					isOnlineMeeting: true,
					location: { displayName: 'Room 1' },
					locations: [{ displayName: 'Room 1' }],
					responseStatus: { response: 'organizer' },
				},
			),
		});
		const [out] = await t.json({ resource: 'event', operation: 'get', eventId: byId('AAMk1=') });
		expect(t.s.graph.calls()[0]).toMatchObject({ method: 'GET', path: '/me/events/AAMk1%3D' });
		expect(t.s.graph.requests[0].headers.prefer).toContain(
			'outlook.timezone="Romance Standard Time"',
		);
		expect(out).toEqual({
			id: 'AAMk1=',
			subject: 'Event AAMk1=',
			start: '2026-10-25T09:00:00+01:00',
			end: '2026-10-25T10:00:00+01:00',
			timeZone: 'Europe/Madrid',
			isAllDay: false,
			location: 'Room 1',
			locations: ['Room 1'],
			organizer: 'ana@contoso.com',
			organizerName: 'Ana',
			attendees: [
				{ address: 'bea@contoso.com', name: 'Bea', type: 'required', response: 'accepted' },
			],
			isOnlineMeeting: true,
			onlineMeetingUrl: 'https://teams.microsoft.com/l/meetup-join/x',
			showAs: 'busy',
			responseStatus: 'organizer',
			webLink: 'https://outlook.office365.com/owa/?itemid=AAMk1%3D&exvsurl=1&path=/calendar/item',
		});
	});

	it('takes the event ID from an Outlook on the web link (EWS ID → REST ID)', async () => {
		t.s.graph.on('GET', '/me/events/:id', (_req, params) => ({
			body: graphEvent(params.id, '2026-01-01T09:00:00', '2026-01-01T10:00:00', 'UTC'),
		}));
		await t.run({
			resource: 'event',
			operation: 'get',
			eventId: byUrl(
				'https://outlook.office365.com/owa/?itemid=AAMkAG%2Fx%2By%3D&exvsurl=1&path=/calendar/item',
			),
		});
		expect(t.s.graph.calls()[0].path).toBe('/me/events/AAMkAG-x_y%3D');
	});

	it('a URL with no event ID is a field-named error', async () => {
		await expect(
			t.run({
				resource: 'event',
				operation: 'get',
				eventId: byUrl('https://outlook.office.com/calendar/view/week'),
			}),
		).rejects.toThrow(/The URL in the field Event holds no event ID/);
		expect(t.s.graph.requests).toHaveLength(0);
	});

	it('a 404 says the event does not exist', async () => {
		t.s.graph.on(
			'GET',
			'/me/events/:id',
			graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.'),
		);
		await expect(
			t.run({ resource: 'event', operation: 'get', eventId: byId('AAMkGONE=') }),
		).rejects.toThrow(/404 ErrorItemNotFound/);
	});
});

describe('Event → Update', () => {
	it('PATCHes only the given fields, times as wall-clock in the zone', async () => {
		t.s.graph.on('PATCH', '/me/events/:id', (req) => ({
			body: { id: 'AAMk1=', ...(req.body as object) },
		}));
		const [out] = await t.json({
			resource: 'event',
			operation: 'update',
			eventId: byId('AAMk1='),
			updateFields: {
				subject: 'Moved',
				start: '2026-03-29T09:00:00',
				end: '2026-03-29T10:00:00',
				showAs: 'free',
				categories: '',
			},
		});
		expect(t.s.graph.calls()[0]).toMatchObject({
			method: 'PATCH',
			path: '/me/events/AAMk1%3D',
			body: {
				subject: 'Moved',
				start: { dateTime: '2026-03-29T09:00:00', timeZone: 'Romance Standard Time' },
				end: { dateTime: '2026-03-29T10:00:00', timeZone: 'Romance Standard Time' },
				showAs: 'free',
				categories: [],
			},
		});
		expect(out.start).toBe('2026-03-29T09:00:00+02:00');
	});

	it('can turn an event into a series and add attendees', async () => {
		// The attendees it has are read first: a PATCH with attendees replaces them all.
		t.s.graph.on('GET', '/me/events/:id', {
			body: {
				id: 'AAMk1=',
				attendees: [{ type: 'optional', emailAddress: { address: 'carla@contoso.com' } }],
				locations: [],
			},
		});
		t.s.graph.on('PATCH', '/me/events/:id', (req) => ({
			body: { id: 'AAMk1=', ...(req.body as object) },
		}));
		await t.run({
			resource: 'event',
			operation: 'update',
			eventId: byId('AAMk1='),
			updateFields: {
				start: '2026-03-02T09:00:00',
				requiredAttendees: 'bea@contoso.com',
				recurrence: {
					rule: {
						frequency: 'weekly',
						daysOfWeek: ['monday', 'wednesday'],
						endBy: 'count',
						occurrences: 8,
					},
				},
			},
		});
		expect(t.s.graph.calls()[0]).toMatchObject({
			method: 'GET',
			path: '/me/events/AAMk1%3D',
			query: { $select: 'attendees,locations' },
		});
		expect(t.s.graph.calls()[1].body).toEqual({
			start: { dateTime: '2026-03-02T09:00:00', timeZone: 'Romance Standard Time' },
			attendees: [
				{ type: 'optional', emailAddress: { address: 'carla@contoso.com' } },
				{ type: 'required', emailAddress: { address: 'bea@contoso.com' } },
			],
			recurrence: {
				pattern: {
					type: 'weekly',
					interval: 1,
					daysOfWeek: ['monday', 'wednesday'],
					firstDayOfWeek: 'sunday',
				},
				range: {
					type: 'numbered',
					numberOfOccurrences: 8,
					startDate: '2026-03-02',
					recurrenceTimeZone: 'Romance Standard Time',
				},
			},
		});
	});

	it.each([
		['no fields', {}, /The field Update Fields is empty/],
		[
			'End before Start',
			{ start: '2026-03-29T10:00:00', end: '2026-03-29T09:00:00' },
			/The field End .* must be after Start/,
		],
		[
			'recurrence without Start',
			{ recurrence: { rule: { frequency: 'daily' } } },
			/The field Start is needed to set a Recurrence/,
		],
		[
			'an unknown zone',
			{ start: '2026-03-29T10:00:00', timeZone: 'Nowhere/City' },
			/"Nowhere\/City" in the field Time Zone is not a time zone/,
		],
		[
			'a bad resource attendee',
			{ resourceAttendees: 'projector' },
			/"projector" in the field Resource Attendees is not an email address/,
		],
	])('refuses %s before any request', async (_name, updateFields, message) => {
		await expect(
			t.run({ resource: 'event', operation: 'update', eventId: byId('AAMk1='), updateFields }),
		).rejects.toThrow(message);
		expect(t.s.graph.requests).toHaveLength(0);
	});
});

describe('Event → Delete, Respond, Cancel, Forward', () => {
	it('deletes', async () => {
		t.s.graph.on('DELETE', '/me/events/:id', { status: 204 });
		const out = await t.json({ resource: 'event', operation: 'delete', eventId: byId('AAMk1=') });
		expect(t.s.graph.calls()[0]).toMatchObject({ method: 'DELETE', path: '/me/events/AAMk1%3D' });
		expect(out).toEqual([{ id: 'AAMk1=', deleted: true }]);
	});

	it.each(['accept', 'tentativelyAccept', 'decline'])(
		'responds %s with comment and send-response flag',
		async (response) => {
			t.s.graph.on('POST', `/me/events/:id/${response}`, { status: 202 });
			const out = await t.json({
				resource: 'event',
				operation: 'respond',
				eventId: byId('AAMk1='),
				response,
				comment: 'See you',
				sendResponse: false,
			});
			expect(t.s.graph.calls()[0]).toMatchObject({
				method: 'POST',
				path: `/me/events/AAMk1%3D/${response}`,
				body: { sendResponse: false, comment: 'See you' },
			});
			expect(out).toEqual([{ id: 'AAMk1=', response, sendResponse: false }]);
		},
	);

	it.each([
		['Decline', 'decline'],
		[' tentativelyaccept ', 'tentativelyAccept'],
	])(
		'a Response of %j from an expression is that response, not an acceptance',
		async (given, action) => {
			t.s.graph.on('POST', '/me/events/:id/:action', { status: 202 });
			const out = await t.json({
				resource: 'event',
				operation: 'respond',
				eventId: byId('AAMk1='),
				response: `={{ ${JSON.stringify(given)} }}`,
				sendResponse: false,
			});
			expect(t.s.graph.calls().map((c) => c.path)).toEqual([`/me/events/AAMk1%3D/${action}`]);
			expect(out).toEqual([{ id: 'AAMk1=', response: action, sendResponse: false }]);
		},
	);

	it('a Response that is none of them is an error naming the field, before any request', async () => {
		await expect(
			t.run({
				resource: 'event',
				operation: 'respond',
				eventId: byId('AAMk1='),
				response: "={{ 'maybe' }}",
			}),
		).rejects.toThrow('"maybe" in the field Response is not one of its options');
		expect(t.s.graph.requests).toHaveLength(0);
	});

	it('declines proposing a new time, in the chosen zone', async () => {
		t.s.graph.on('POST', '/me/events/:id/decline', { status: 202 });
		await t.run({
			resource: 'event',
			operation: 'respond',
			eventId: byId('AAMk1='),
			response: 'decline',
			proposeNewTime: {
				start: '2026-10-26T09:00:00',
				end: '2026-10-26T09:30:00',
				timeZone: 'Asia/Kolkata',
			},
		});
		expect(t.s.graph.calls()[0].body).toEqual({
			sendResponse: true,
			proposedNewTime: {
				start: { dateTime: '2026-10-26T09:00:00', timeZone: 'India Standard Time' },
				end: { dateTime: '2026-10-26T09:30:00', timeZone: 'India Standard Time' },
			},
		});
	});

	it.each([
		[
			'without Send Response',
			{
				sendResponse: false,
				proposeNewTime: { start: '2026-10-26T09:00:00', end: '2026-10-26T09:30:00' },
			},
			/Propose New Time needs the field Send Response/,
		],
		[
			'ending before it starts',
			{ proposeNewTime: { start: '2026-10-26T09:00:00', end: '2026-10-26T08:30:00' } },
			/The field Proposed End .* must be after Proposed Start/,
		],
		[
			'without an end',
			{ proposeNewTime: { start: '2026-10-26T09:00:00' } },
			/The field Proposed End is empty/,
		],
	])('refuses a proposed time %s before any request', async (_name, extra, message) => {
		await expect(
			t.run({
				resource: 'event',
				operation: 'respond',
				eventId: byId('AAMk1='),
				response: 'tentativelyAccept',
				...extra,
			}),
		).rejects.toThrow(message);
		expect(t.s.graph.requests).toHaveLength(0);
	});

	it("cancels with a comment (organizer); a non-organizer gets Graph's refusal", async () => {
		t.s.graph.on('POST', '/me/events/:id/cancel', { status: 202 });
		const out = await t.json({
			resource: 'event',
			operation: 'cancel',
			eventId: byId('AAMk1='),
			comment: 'Sorry',
		});
		expect(t.s.graph.calls()[0]).toMatchObject({
			path: '/me/events/AAMk1%3D/cancel',
			body: { comment: 'Sorry' },
		});
		expect(out).toEqual([{ id: 'AAMk1=', cancelled: true }]);
		t.s.graph.on(
			'POST',
			'/me/events/:id/cancel',
			graphError(
				400,
				'ErrorAccessDenied',
				"Your request can't be completed. You need to be an organizer to cancel a meeting.",
			),
		);
		await expect(
			t.run({ resource: 'event', operation: 'cancel', eventId: byId('AAMk2=') }),
		).rejects.toThrow(/You need to be an organizer/);
	});

	it('forwards to recipients with a comment', async () => {
		t.s.graph.on('POST', '/me/events/:id/forward', { status: 202 });
		const out = await t.json({
			resource: 'event',
			operation: 'forward',
			eventId: byId('AAMk1='),
			toRecipients: 'bea@contoso.com; Carla <carla@contoso.com>',
			comment: 'FYI',
		});
		expect(t.s.graph.calls()[0].body).toEqual({
			toRecipients: [
				{ emailAddress: { address: 'bea@contoso.com' } },
				{ emailAddress: { address: 'carla@contoso.com', name: 'Carla' } },
			],
			comment: 'FYI',
		});
		expect(out).toEqual([{ id: 'AAMk1=', forwardedTo: ['bea@contoso.com', 'carla@contoso.com'] }]);
	});

	it('forward refuses a recipient that is not an address', async () => {
		await expect(
			t.run({
				resource: 'event',
				operation: 'forward',
				eventId: byId('AAMk1='),
				toRecipients: 'bea',
			}),
		).rejects.toThrow(/"bea" in the field To is not an email address/);
		expect(t.s.graph.requests).toHaveLength(0);
	});

	it('a 403 on forward names Calendars.Read, which Microsoft documents as enough (event-forward)', async () => {
		// The credential holds Read Calendars only: forwarding is allowed by it, so the 403 is about
		// the mailbox, not a permission to add.
		t.n8n.setCredential({
			...t.n8n.credential(),
			oauthTokenData: t.s.idp.oauthTokenData('User.Read Calendars.Read offline_access'),
		});
		t.s.graph.on(
			'POST',
			'/me/events/:id/forward',
			graphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.'),
		);
		const error = await t
			.run({
				resource: 'event',
				operation: 'forward',
				eventId: byId('AAMk1='),
				toRecipients: 'bea@contoso.com',
			})
			.catch((e: Error) => e);
		const description = (error as { description?: string }).description;
		expect(description).toMatch(/^Calendars\.Read is needed to forward events/);
		expect(description).toMatch(/holds it/);
	});

	it('respond in a shared calendar goes to /users/{id} and a 403 names Calendars.ReadWrite.Shared', async () => {
		t.s.graph.on(
			'POST',
			'/users/:user/events/:id/accept',
			graphError(403, 'ErrorAccessDenied', 'Access is denied.'),
		);
		const error = await t
			.run({
				mailbox: 'other',
				mailboxId: '6e4a3f1c-9b7d-4c2e-8f10-1a2b3c4d5e6f',
				resource: 'event',
				operation: 'respond',
				eventId: byId('AAMk1='),
				response: 'accept',
			})
			.catch((e: Error) => e);
		expect(t.s.graph.calls()[0].path).toBe(
			'/users/6e4a3f1c-9b7d-4c2e-8f10-1a2b3c4d5e6f/events/AAMk1%3D/accept',
		);
		expect((error as { description?: string }).description).toMatch(
			/Calendars\.ReadWrite\.Shared is needed to respond to events/,
		);
	});
});

describe('Event → Get Instances', () => {
	it('lists the occurrences of a weekly series across the DST change at 09:00 local each week', async () => {
		const weeks = ['2026-03-16', '2026-03-23', '2026-03-30', '2026-04-06'];
		t.s.graph.collection('GET', '/me/events/:id/instances', () =>
			weeks.map((d, n) =>
				graphEvent(`AAMkI${n}=`, `${d}T09:00:00`, `${d}T10:00:00`, 'Romance Standard Time', {
					type: 'occurrence',
					seriesMasterId: 'AAMkSERIES=',
				}),
			),
		);
		const out = await t.json({
			resource: 'event',
			operation: 'getInstances',
			eventId: byId('AAMkSERIES='),
			from: '2026-03-16',
			to: '2026-04-13',
			returnAll: true,
		});
		expect(t.s.graph.calls()[0]).toMatchObject({
			path: '/me/events/AAMkSERIES%3D/instances',
			query: {
				startDateTime: '2026-03-16T00:00:00+01:00',
				endDateTime: '2026-04-13T00:00:00+02:00',
			},
		});
		expect(out.map((e) => e.start)).toEqual([
			'2026-03-16T09:00:00+01:00',
			'2026-03-23T09:00:00+01:00',
			'2026-03-30T09:00:00+02:00',
			'2026-04-06T09:00:00+02:00',
		]);
	});

	it('honours Limit', async () => {
		t.s.graph.collection('GET', '/me/events/:id/instances', () =>
			Array.from({ length: 40 }, (_, n) =>
				graphEvent(`I${n}`, '2026-01-01T09:00:00', '2026-01-01T10:00:00', 'UTC'),
			),
		);
		const out = await t.json({
			resource: 'event',
			operation: 'getInstances',
			eventId: byId('S'),
			from: '2026-01-01',
			to: '2027-01-01',
			limit: 5,
		});
		expect(out).toHaveLength(5);
		expect(t.s.graph.calls()[0].query.$top).toBe('5');
	});
});
