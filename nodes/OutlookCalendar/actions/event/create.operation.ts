import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/descriptions';
import { simplifyField } from '../../descriptions/common';
import { eventOptionalFields } from '../../descriptions/eventFields';
import { calendarLocator, readLocatorId } from '../../descriptions/locators';
import { calendarCall, idSegment } from '../../helpers/context';
import type { EventInput } from '../../helpers/eventMapping';
import { buildEventBody, simplifyEvent } from '../../helpers/eventMapping';
import { zoneFor } from '../../helpers/mailboxZone';
import type { OperationDeclaration } from '../../../shared/declarations';

const properties: INodeProperties[] = [
	calendarLocator({
		required: false,
		description: 'The calendar to add the event to; leave empty for the default calendar',
	}),
	{ displayName: 'Subject', name: 'subject', type: 'string', default: '', required: true },
	{
		displayName: 'Start',
		name: 'start',
		type: 'dateTime',
		default: '',
		required: true,
		description:
			"When the event starts. Without an offset it is read in the Time Zone (default: the mailbox's time zone, or the workflow's when the credential cannot read mailbox settings).",
	},
	{
		displayName: 'End',
		name: 'end',
		type: 'dateTime',
		default: '',
		required: true,
		description: 'When the event ends; must be after Start',
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: eventOptionalFields(),
	},
	simplifyField,
];

export const declaration: OperationDeclaration = {
	does: 'send',
	reaches: [
		{ field: 'additionalFields.requiredAttendees', label: 'Required Attendees' },
		{ field: 'additionalFields.optionalAttendees', label: 'Optional Attendees' },
		{ field: 'additionalFields.resourceAttendees', label: 'Resource Attendees' },
		// A room's mailbox gets the meeting request (and answers it).
		{ field: 'additionalFields.rooms', label: 'Rooms' },
		// A calendar shared with the mailbox: the meeting is sent as or on behalf of its owner.
		{ implicit: 'calendarOwner' },
	],
	sendsOnlyWhenReaching: true,
};

export const description = updateDisplayOptions(
	{ show: { resource: ['event'], operation: ['create'] } },
	properties,
);

/** POST /events (default calendar) or /calendars/{id}/events. https://learn.microsoft.com/graph/api/user-post-events */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const additional = this.getNodeParameter('additionalFields', i, {}) as EventInput;
	const input: EventInput = {
		...additional,
		subject: this.getNodeParameter('subject', i) as string,
		start: this.getNodeParameter('start', i),
		end: this.getNodeParameter('end', i),
	};
	const zone = await zoneFor(this, i, input.timeZone);
	const body = buildEventBody(this, i, input, true, zone);
	const calendarId = readLocatorId(this, i, 'calendar', { optional: true });
	const call = await calendarCall(this, i);
	const path = calendarId
		? `${call.root}/calendars/${idSegment(this, i, calendarId, 'Calendar')}/events`
		: `${call.root}/events`;
	const created = await call.transport.request<IDataObject>({
		method: 'POST',
		path,
		body,
		timeZone: zone.windows,
		itemIndex: i,
		permission: call.permission,
		action: 'create events',
	});
	return this.getNodeParameter('simplify', i, true) ? simplifyEvent(created, zone) : created;
}
