import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/descriptions';
import { simplifyField } from '../../descriptions/common';
import { eventOptionalFields } from '../../descriptions/eventFields';
import { eventLocator, readLocatorId } from '../../descriptions/locators';
import { calendarCall, idSegment } from '../../helpers/context';
import type { EventInput } from '../../helpers/eventMapping';
import { buildEventBody, keepOtherAttendees, simplifyEvent } from '../../helpers/eventMapping';
import { zoneFor } from '../../helpers/mailboxZone';
import type { OperationDeclaration } from '../../../shared/declarations';

const updateOptions: INodeProperties[] = (
	[
		{
			displayName: 'End',
			name: 'end',
			type: 'dateTime',
			default: '',
			description: 'When the event ends; must be after Start',
		},
		{
			displayName: 'Start',
			name: 'start',
			type: 'dateTime',
			default: '',
			description: 'When the event starts. Without an offset it is read in the Time Zone.',
		},
		{ displayName: 'Subject', name: 'subject', type: 'string', default: '' },
		...eventOptionalFields(),
	] as INodeProperties[]
).sort((a, b) => a.displayName.localeCompare(b.displayName));

const properties: INodeProperties[] = [
	eventLocator,
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: updateOptions,
	},
	simplifyField,
];

export const declaration: OperationDeclaration = {
	does: 'send',
	reaches: [
		{ implicit: 'eventAttendees' },
		{ field: 'updateFields.requiredAttendees', label: 'Required Attendees' },
		{ field: 'updateFields.optionalAttendees', label: 'Optional Attendees' },
		{ field: 'updateFields.resourceAttendees', label: 'Resource Attendees' },
		// A room's mailbox gets the meeting request (and answers it).
		{ field: 'updateFields.rooms', label: 'Rooms' },
	],
	sendsOnlyWhenReaching: true,
};

export const description = updateDisplayOptions(
	{ show: { resource: ['event'], operation: ['update'] } },
	properties,
);

/** PATCH /events/{id} with only the fields given. https://learn.microsoft.com/graph/api/event-update */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const input = this.getNodeParameter('updateFields', i, {}) as EventInput;
	const zone = await zoneFor(this, i, input.timeZone);
	const body = buildEventBody(this, i, input, false, zone);
	if (Object.keys(body).length === 0) {
		throw new NodeOperationError(
			this.getNode(),
			'The field Update Fields is empty: add at least one field to change',
			{ itemIndex: i },
		);
	}
	const id = readLocatorId(this, i, 'eventId') as string;
	const call = await calendarCall(this, i);
	const path = `${call.root}/events/${idSegment(this, i, id, 'Event')}`;
	if (keepOtherAttendees.needed(input)) {
		// A PATCH with attendees (or locations) replaces the event's whole list: the attendees of the
		// kinds not given, and with Rooms alone its locations, are read and sent along.
		// https://learn.microsoft.com/graph/api/event-update
		const current = await call.transport.request<IDataObject>({
			method: 'GET',
			path,
			query: { $select: 'attendees,locations' },
			itemIndex: i,
			permission: call.permission,
			action: 'read events',
		});
		keepOtherAttendees.merge(body, input, current);
	}
	const updated = await call.transport.request<IDataObject>({
		method: 'PATCH',
		path,
		body,
		timeZone: zone.windows,
		itemIndex: i,
		permission: call.permission,
		action: 'update events',
		// Exchange mails a meeting's attendees on each update its organizer makes: after a failure
		// that may have come after Graph applied it, a repeat would mail them twice.
		idempotent: false,
	});
	return this.getNodeParameter('simplify', i, true) ? simplifyEvent(updated, zone) : updated;
}
