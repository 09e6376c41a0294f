/**
 * Rooms and room lists (Graph `places`) through n8n-core against the stand-in
 * (test/support/graph-places.ts): Room → Get Many / Get Many Room Lists / Get, rooms booked by
 * Event → Create, rooms and room lists in Availability → Get Schedule, and the pickers.
 */
import { getRoomLists, getRooms } from '../../../nodes/OutlookCalendar/methods/rooms';
import { placesTypeCast } from '../../support/graph-contract';
import { PlaceDirectory } from '../../support/graph-places';
import { graphError } from '../../support/graph-standin';
import { byId, calendarSuite, TYPE } from '../setup';

const t = calendarSuite();

function directory(): PlaceDirectory {
	const places = new PlaceDirectory().install(t.s.graph);
	places.roomLists.push(
		{ id: 'DC40-1', emailAddress: 'bldg1@contoso.com', displayName: 'Building 1' },
		{ id: 'DC40-2', emailAddress: 'bldg2@contoso.com', displayName: 'Building 2' },
	);
	places.rooms.push(
		{
			id: 'R-100',
			emailAddress: 'cf100@contoso.com',
			displayName: 'Conf Room 100',
			capacity: 50,
			building: '1',
			roomList: 'bldg1@contoso.com',
		},
		{
			id: 'R-101',
			emailAddress: 'cf101@contoso.com',
			displayName: 'Conf Room 101',
			capacity: 8,
			building: '1',
			roomList: 'bldg1@contoso.com',
		},
		{
			id: 'R-200',
			emailAddress: 'cf200@contoso.com',
			displayName: 'Conf Room 200',
			capacity: 12,
			building: '2',
			roomList: 'bldg2@contoso.com',
		},
	);
	return places;
}

describe('Room', () => {
	it("lists every room of the organisation, and a room list's rooms by the list's address", async () => {
		directory();
		const all = await t.json({ resource: 'room', operation: 'getAll', returnAll: true });
		expect(all.map((r) => r.emailAddress)).toEqual([
			'cf100@contoso.com',
			'cf101@contoso.com',
			'cf200@contoso.com',
		]);
		const inList = await t.json({
			resource: 'room',
			operation: 'getAll',
			roomList: { __rl: true, mode: 'list', value: 'bldg2@contoso.com' },
			limit: 10,
		});
		expect(inList).toEqual([
			expect.objectContaining({ displayName: 'Conf Room 200', capacity: 12 }),
		]);
		expect(t.s.graph.calls().map((c) => [c.path, c.query.$top])).toEqual([
			['/places/microsoft.graph.room', '100'],
			['/places/bldg2%40contoso.com/microsoft.graph.roomList/rooms', '10'],
		]);
	});

	it('lists room lists and gets one room by its address', async () => {
		directory();
		const lists = await t.json({ resource: 'room', operation: 'getRoomLists', returnAll: true });
		expect(lists.map((l) => l.displayName)).toEqual(['Building 1', 'Building 2']);
		const [room] = await t.json({
			resource: 'room',
			operation: 'get',
			room: { __rl: true, mode: 'id', value: 'cf101@contoso.com' },
		});
		expect(room).toMatchObject({ id: 'R-101', capacity: 8 });
		expect(t.s.graph.calls()[1].path).toBe('/places/cf101%40contoso.com/microsoft.graph.room');
	});

	it('a room list given by ID instead of address is refused before any request; an unknown one is a 404 with the fix', async () => {
		directory();
		const error = (await t
			.run({ resource: 'room', operation: 'getAll', roomList: byId('DC40-1') })
			.catch((e: unknown) => e)) as Error & { description?: string };
		expect(error.message).toBe(
			'"DC40-1" in the field Room List is not a room list\'s email address',
		);
		expect(t.s.graph.calls()).toEqual([]);
		const unknown = (await t
			.run({ resource: 'room', operation: 'getAll', roomList: byId('bldg9@contoso.com') })
			.catch((e: unknown) => e)) as Error & { description?: string };
		expect(unknown.message).toContain('404');
		expect(unknown.description).toMatch(
			/^No room list with this address .*email address, not its ID/,
		);
	});

	it('a 403 names Place.Read.All, which an administrator must consent to', async () => {
		t.s.graph.on(
			'GET',
			'/places/microsoft.graph.room',
			graphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.'),
		);
		const error = (await t
			.run({ resource: 'room', operation: 'getAll' })
			.catch((e: unknown) => e)) as Error & { description?: string };
		expect(error.description).toBe(
			"Place.Read.All is needed to list rooms, and the credential's granted permissions do not include it. Add *Rooms and Room Lists* to the credential's permissions, grant it in the app registration, and reconnect.",
		);
	});

	it('the Rooms pickers offer every room as "Name <address>" and every room list by address', async () => {
		directory();
		const context = t.n8n.loadOptionsContext(TYPE, {
			parameters: { resource: 'event', operation: 'create' },
		});
		expect(await getRooms.call(context)).toEqual([
			{
				name: 'Conf Room 100 (50 seats)',
				value: 'Conf Room 100 <cf100@contoso.com>',
				description: 'Building 1 · cf100@contoso.com',
			},
			{
				name: 'Conf Room 101 (8 seats)',
				value: 'Conf Room 101 <cf101@contoso.com>',
				description: 'Building 1 · cf101@contoso.com',
			},
			{
				name: 'Conf Room 200 (12 seats)',
				value: 'Conf Room 200 <cf200@contoso.com>',
				description: 'Building 2 · cf200@contoso.com',
			},
		]);
		expect(await getRoomLists.call(context)).toEqual([
			{ name: 'Building 1', value: 'bldg1@contoso.com' },
			{ name: 'Building 2', value: 'bldg2@contoso.com' },
		]);
	});
});

describe('Rooms where an event takes a location or an attendee', () => {
	it('Event → Create books the rooms chosen: each a resource attendee and a conference-room location', async () => {
		t.s.graph.on('POST', '/me/events', (request) => ({
			status: 201,
			body: { id: 'AAMkNew=', ...(request.body as object) },
		}));
		await t.run({
			resource: 'event',
			operation: 'create',
			subject: 'Review',
			start: '2026-05-04T10:00:00',
			end: '2026-05-04T11:00:00',
			additionalFields: {
				rooms: ['Conf Room 100 <cf100@contoso.com>', 'cf200@contoso.com'],
				requiredAttendees: 'ana@contoso.com',
			},
		});
		const body = t.s.graph.calls()[0].body as Record<string, unknown>;
		expect(body.attendees).toEqual([
			{ type: 'required', emailAddress: { address: 'ana@contoso.com' } },
			{ type: 'resource', emailAddress: { address: 'cf100@contoso.com', name: 'Conf Room 100' } },
			{ type: 'resource', emailAddress: { address: 'cf200@contoso.com' } },
		]);
		expect(body.locations).toEqual([
			{
				displayName: 'Conf Room 100',
				locationEmailAddress: 'cf100@contoso.com',
				locationType: 'conferenceRoom',
			},
			{
				displayName: 'cf200@contoso.com',
				locationEmailAddress: 'cf200@contoso.com',
				locationType: 'conferenceRoom',
			},
		]);
		expect(body.location).toEqual(expect.objectContaining({ displayName: 'Conf Room 100' }));
	});

	it('Availability → Get Schedule asks the free/busy of the rooms chosen and of every room of a room list, each once', async () => {
		directory();
		t.s.graph.on('POST', '/me/calendar/getSchedule', (request) => ({
			body: {
				value: (request.body as { schedules: string[] }).schedules.map((scheduleId) => ({
					scheduleId,
					availabilityView: '02',
					scheduleItems: [],
				})),
			},
		}));
		const out = await t.json({
			resource: 'availability',
			operation: 'getSchedule',
			schedules: 'ana@contoso.com',
			from: '2026-05-04T09:00:00',
			to: '2026-05-04T10:00:00',
			interval: 30,
			options: { rooms: ['Conf Room 100 <cf100@contoso.com>'], roomList: 'bldg1@contoso.com' },
		});
		expect(t.s.graph.calls().map((c) => c.path)).toEqual([
			'/places/bldg1%40contoso.com/microsoft.graph.roomList/rooms',
			'/me/calendar/getSchedule',
		]);
		expect((t.s.graph.calls()[1].body as { schedules: string[] }).schedules).toEqual([
			'ana@contoso.com',
			'cf100@contoso.com',
			'cf101@contoso.com',
		]);
		expect(
			out.map((o) => [o.scheduleId, (o.slots as Array<{ status: string }>).map((s) => s.status)]),
		).toEqual([
			['ana@contoso.com', ['free', 'busy']],
			['cf100@contoso.com', ['free', 'busy']],
			['cf101@contoso.com', ['free', 'busy']],
		]);
	});
});

describe('the contract reads places type casts as Graph does', () => {
	it('the lower-case spelling of Microsoft Learn and the graph.* alias route to the described path', () => {
		expect(placesTypeCast('/places/microsoft.graph.roomlist')).toBe(
			'/places/microsoft.graph.roomList',
		);
		expect(placesTypeCast('/places/b%40c.com/microsoft.graph.roomlist/rooms')).toBe(
			'/places/b%40c.com/microsoft.graph.roomList/rooms',
		);
		expect(placesTypeCast('/places/graph.room')).toBe('/places/microsoft.graph.room');
		expect(placesTypeCast('/me/messages/microsoft.graph.roomlist')).toBe(
			'/me/messages/microsoft.graph.roomlist',
		);
	});
});
