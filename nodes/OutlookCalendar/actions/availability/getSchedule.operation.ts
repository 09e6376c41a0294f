import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/descriptions';
import { timeZoneOption } from '../../descriptions/common';
import type { EmailAddress } from '../../helpers/addresses';
import { isEmailAddress, parseAddresses } from '../../helpers/addresses';
import { roomsField } from '../../descriptions/rooms';
import { collectRooms } from '../../helpers/places';
import { calendarCall } from '../../helpers/context';
import { rangeFields, readRange } from '../../helpers/range';
import type { CalendarZone } from '../../helpers/timeZones';
import { zoneFor } from '../../helpers/mailboxZone';
import { fromGraphDateTime, isoWithOffset, toGraphDateTime } from '../../helpers/timeZones';
import type { OperationDeclaration } from '../../../shared/declarations';

/** The node's limit on addresses per request, as the issue sets it (Graph answers per schedule). */
export const MAX_SCHEDULES = 20;
/** `availabilityViewInterval`: "default 30, minimum 5, maximum 1440" minutes. https://learn.microsoft.com/graph/api/calendar-getschedule */
const MIN_INTERVAL = 5;
const MAX_INTERVAL = 1440;

/** The digits of `availabilityView`. https://learn.microsoft.com/graph/api/resources/scheduleinformation */
const AVAILABILITY_DIGITS: Record<string, string> = {
	'0': 'free',
	'1': 'tentative',
	'2': 'busy',
	'3': 'oof',
	'4': 'workingElsewhere',
};

const properties: INodeProperties[] = [
	{
		displayName: 'Addresses',
		name: 'schedules',
		type: 'string',
		default: '',
		placeholder: 'e.g. ana@contoso.com, room402@contoso.com',
		description: `Comma-separated addresses of people, distribution lists or rooms (at most ${MAX_SCHEDULES} with the rooms below)`,
	},
	...rangeFields('Free/busy'),
	{
		displayName: 'Interval (Minutes)',
		name: 'interval',
		type: 'number',
		typeOptions: { minValue: MIN_INTERVAL, maxValue: MAX_INTERVAL },
		default: 30,
		description: 'The length of each slot of the availability view',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			roomsField(
				'Meeting rooms whose free/busy to read, besides the addresses above. Choose from the organisation\'s rooms (needs the Rooms and Room Lists permission), or specify addresses using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			),
			{
				displayName: 'Room List Name or ID',
				name: 'roomList',
				type: 'options',
				typeOptions: { loadOptionsMethod: 'getRoomLists' },
				default: '',
				description:
					'Every room of this room list (a building or a floor), besides the addresses above. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a> (the list\'s email address).',
			},
			timeZoneOption(
				'The zone of From and To when they carry no offset, and of the returned times.',
			),
		],
	},
];

export const declaration: OperationDeclaration = { does: 'read' };

export const description = updateDisplayOptions(
	{ show: { resource: ['availability'], operation: ['getSchedule'] } },
	properties,
);

const sameAddress = (a: EmailAddress, b: EmailAddress) =>
	a.address.toLowerCase() === b.address.toLowerCase();

/** Each address once (the same room picked and typed is asked once). */
function uniqueAddresses(list: EmailAddress[]): EmailAddress[] {
	return list.filter((entry, index) => list.findIndex((e) => sameAddress(e, entry)) === index);
}

function withIsoTimes(item: IDataObject, zone: CalendarZone): IDataObject {
	const start = fromGraphDateTime(item.start, zone);
	const end = fromGraphDateTime(item.end, zone);
	return {
		...item,
		start: start ? isoWithOffset(start, zone) : item.start,
		end: end ? isoWithOffset(end, zone) : item.end,
	};
}

/**
 * POST /calendar/getSchedule; one output item per address, with the availability view decoded
 * into slots that carry ISO times.
 */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const options = this.getNodeParameter('options', i, {}) as {
		timeZone?: string;
		rooms?: string | string[];
		roomList?: string;
	};
	const addresses = uniqueAddresses([
		...parseAddresses(this, i, this.getNodeParameter('schedules', i, ''), 'Addresses'),
		...parseAddresses(this, i, options.rooms, 'Rooms'),
	]);
	const roomList = String(options.roomList ?? '').trim();
	if (roomList && !isEmailAddress(roomList)) {
		throw new NodeOperationError(
			this.getNode(),
			`"${roomList.slice(0, 80)}" in the field Room List is not a room list's email address`,
			{ itemIndex: i, description: 'Pick the room list from the list.' },
		);
	}
	const interval = Number(this.getNodeParameter('interval', i, 30));
	if (!Number.isInteger(interval) || interval < MIN_INTERVAL || interval > MAX_INTERVAL) {
		throw new NodeOperationError(
			this.getNode(),
			`The field Interval (Minutes) must be a whole number from ${MIN_INTERVAL} to ${MAX_INTERVAL} (got ${interval})`,
			{ itemIndex: i },
		);
	}
	const call = await calendarCall(this, i, 'read');
	if (roomList) {
		const rooms = await collectRooms(call.transport, {
			roomList,
			itemIndex: i,
			action: "list the room list's rooms",
		});
		addresses.push(
			...uniqueAddresses(
				rooms.map((room) => ({ address: String(room.emailAddress ?? '') })),
			).filter((room) => room.address && !addresses.some((a) => sameAddress(a, room))),
		);
		if (!rooms.length) {
			throw new NodeOperationError(this.getNode(), `The room list ${roomList} has no rooms`, {
				itemIndex: i,
				description: 'Pick another room list, or name the rooms under Rooms.',
			});
		}
	}
	if (!addresses.length)
		throw new NodeOperationError(this.getNode(), 'The field Addresses is empty', {
			itemIndex: i,
			description: 'Enter addresses, or choose Rooms or a Room List under Options.',
		});
	if (addresses.length > MAX_SCHEDULES) {
		throw new NodeOperationError(
			this.getNode(),
			`The field Addresses holds ${addresses.length} addresses; at most ${MAX_SCHEDULES} are allowed`,
			{
				itemIndex: i,
				description:
					'Split the addresses over several items (the rooms chosen under Options count too)',
			},
		);
	}
	const zone = await zoneFor(this, i, options.timeZone);
	const range = readRange(this, i, zone);
	const response = await call.transport.request<{ value?: IDataObject[] }>({
		method: 'POST',
		path: `${call.root}/calendar/getSchedule`,
		body: {
			schedules: addresses.map((a) => a.address),
			startTime: toGraphDateTime(range.from, zone),
			endTime: toGraphDateTime(range.to, zone),
			availabilityViewInterval: interval,
		},
		timeZone: zone.windows,
		itemIndex: i,
		permission: call.permission,
		action: 'read free/busy information',
	});
	const slotStart = range.from.setZone(zone.iana);
	return (response.value ?? []).map((schedule) => {
		const view = String(schedule.availabilityView ?? '');
		const slots = [...view].map((digit, n) => ({
			start: isoWithOffset(slotStart.plus({ minutes: n * interval }), zone),
			end: isoWithOffset(slotStart.plus({ minutes: (n + 1) * interval }), zone),
			status: AVAILABILITY_DIGITS[digit] ?? 'unknown',
		}));
		return {
			...schedule,
			scheduleItems: ((schedule.scheduleItems as IDataObject[] | undefined) ?? []).map((item) =>
				withIsoTimes(item, zone),
			),
			slots,
			timeZone: zone.iana,
		};
	});
}
