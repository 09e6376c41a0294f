import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/descriptions';
import { eventLocator, readLocatorId } from '../../descriptions/locators';
import { calendarCall, idSegment } from '../../helpers/context';
import type { OperationDeclaration } from '../../../shared/declarations';

const properties: INodeProperties[] = [
	eventLocator,
	{
		displayName: 'Comment',
		name: 'comment',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		description: 'Text sent to the attendees with the cancellation',
	},
];

export const declaration: OperationDeclaration = {
	does: 'send',
	reaches: [{ implicit: 'eventAttendees' }],
	sendsOnlyWhenReaching: true,
};

export const description = updateDisplayOptions(
	{ show: { resource: ['event'], operation: ['cancel'] } },
	properties,
);

/**
 * POST /events/{id}/cancel: only the organizer can cancel; attendees get a cancellation message
 * and the event is removed. https://learn.microsoft.com/graph/api/event-cancel
 */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const id = readLocatorId(this, i, 'eventId') as string;
	const comment = this.getNodeParameter('comment', i, '') as string;
	const call = await calendarCall(this, i, 'send');
	await call.transport.request({
		method: 'POST',
		path: `${call.root}/events/${idSegment(this, i, id, 'Event')}/cancel`,
		body: comment ? { comment } : {},
		itemIndex: i,
		permission: call.permission,
		action: 'cancel events',
		// It sends the cancellation to attendees: never sent again blindly after an ambiguous failure.
		sends: {},
	});
	return { id, cancelled: true };
}
