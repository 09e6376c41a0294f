/**
 * Event → Update sets attendees kind by kind. Graph replaces an event's whole `attendees` (and
 * `locations`) with what a PATCH gives and mails a cancellation to the attendees it drops
 * (https://learn.microsoft.com/graph/api/event-update); the stand-in world does the same.
 */
import type { INodeParameters } from 'n8n-workflow';

import { OutboundLedger } from '../../support/graph-outbound';
import { GraphWorld } from '../../support/graph-world';
import { TEST_USER } from '../../support/identity-provider';
import { byId, calendarSuite } from '../setup';

const t = calendarSuite();

describe('Event → Update: attendees and rooms', () => {
	let ledger: OutboundLedger;
	let world: GraphWorld;
	beforeAll(() => {
		ledger = new OutboundLedger(TEST_USER).attach(t.s.graph);
	});
	beforeEach(() => {
		ledger.reset();
		world = new GraphWorld(t.s.graph, ledger).install();
		world.addEvent({
			id: 'AAMkMEET=',
			organizer: TEST_USER,
			attendees: ['ana@contoso.com', 'bea@contoso.com'],
		});
		const meeting = world.events.get('AAMkMEET=')!;
		meeting.attendees = [
			{
				type: 'required',
				emailAddress: { address: 'ana@contoso.com' },
				status: { response: 'accepted' },
			},
			{
				type: 'optional',
				emailAddress: { address: 'bea@contoso.com' },
				status: { response: 'none' },
			},
		];
		meeting.location = { displayName: 'Cafeteria' };
		meeting.locations = [{ displayName: 'Cafeteria' }];
	});

	const update = async (updateFields: INodeParameters) =>
		await t.run({
			resource: 'event',
			operation: 'update',
			eventId: byId('AAMkMEET='),
			updateFields,
		});
	const attendees = () =>
		(
			world.events.get('AAMkMEET=')!.attendees as Array<{
				type: string;
				emailAddress: { address: string };
			}>
		).map((a) => `${a.type}:${a.emailAddress.address}`);
	const cancelled = () =>
		ledger.entries
			.flatMap((e) => e.recipients)
			.filter((r) => !attendees().some((a) => a.endsWith(`:${r}`)));

	it('Optional Attendees replaces the optional attendees and keeps the required ones (nobody is dropped unasked)', async () => {
		await update({ optionalAttendees: 'dan@contoso.com' });
		expect(attendees()).toEqual(['required:ana@contoso.com', 'optional:dan@contoso.com']);
		// bea, an optional attendee replaced, is the only one dropped.
		expect(cancelled()).toEqual(['bea@contoso.com']);
	});

	it('Required Attendees naming an optional attendee makes them required, once', async () => {
		await update({ requiredAttendees: 'ana@contoso.com, bea@contoso.com' });
		expect(attendees()).toEqual(['required:ana@contoso.com', 'required:bea@contoso.com']);
		expect(cancelled()).toEqual([]);
	});

	it('Rooms books the rooms on top of the attendees and locations the meeting has', async () => {
		await update({ rooms: ['Room 4.02 <room402@contoso.com>'] });
		expect(attendees()).toEqual([
			'required:ana@contoso.com',
			'optional:bea@contoso.com',
			'resource:room402@contoso.com',
		]);
		expect(cancelled()).toEqual([]);
		expect(world.events.get('AAMkMEET=')!.locations).toEqual([
			{ displayName: 'Cafeteria' },
			{
				displayName: 'Room 4.02',
				locationEmailAddress: 'room402@contoso.com',
				locationType: 'conferenceRoom',
			},
		]);
	});

	it('without attendee fields the event is not read first', async () => {
		await update({ subject: 'Moved' });
		expect(t.s.graph.calls().map((c) => c.method)).toEqual(['PATCH']);
		expect(attendees()).toEqual(['required:ana@contoso.com', 'optional:bea@contoso.com']);
	});
});
