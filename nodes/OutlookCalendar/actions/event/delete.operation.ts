import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/descriptions';
import { eventLocator, readLocatorId } from '../../descriptions/locators';
import { calendarCall, idSegment } from '../../helpers/context';
import type { OperationDeclaration } from '../../../shared/declarations';

const properties: INodeProperties[] = [eventLocator];

export const declaration: OperationDeclaration = {
	does: 'send',
	reaches: [{ implicit: 'eventAttendees' }],
	sendsOnlyWhenReaching: true,
};

export const description = updateDisplayOptions(
	{ show: { resource: ['event'], operation: ['delete'] } },
	properties,
);

/**
 * DELETE /events/{id}. Deleting a meeting on its organizer's calendar makes Exchange send the
 * attendees a cancellation ("deleting the event on the organizer's calendar sends a cancellation
 * message to the meeting attendees"); Cancel does the same with a comment.
 * https://learn.microsoft.com/graph/api/event-delete
 */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const id = readLocatorId(this, i, 'eventId') as string;
	const call = await calendarCall(this, i);
	await call.transport.request({
		method: 'DELETE',
		path: `${call.root}/events/${idSegment(this, i, id, 'Event')}`,
		itemIndex: i,
		permission: call.permission,
		action: 'delete events',
	});
	return { id, deleted: true };
}
