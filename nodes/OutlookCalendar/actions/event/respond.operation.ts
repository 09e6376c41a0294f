import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/descriptions';
import { eventLocator, readLocatorId } from '../../descriptions/locators';
import { calendarCall, idSegment } from '../../helpers/context';

const properties: INodeProperties[] = [
	eventLocator,
	{
		displayName: 'Response',
		name: 'response',
		type: 'options',
		options: [
			{ name: 'Accept', value: 'accept' },
			{ name: 'Tentatively Accept', value: 'tentativelyAccept' },
			{ name: 'Decline', value: 'decline' },
		],
		default: 'accept',
	},
	{ displayName: 'Comment', name: 'comment', type: 'string', typeOptions: { rows: 2 }, default: '', description: 'Text sent with the response' },
	{
		displayName: 'Send Response',
		name: 'sendResponse',
		type: 'boolean',
		default: true,
		description: 'Whether the organizer gets a response message; otherwise only your calendar changes',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['event'], operation: ['respond'] } }, properties);

/** Graph's response actions share one body. https://learn.microsoft.com/graph/api/event-accept (…-tentativelyaccept, …-decline) */
const RESPONSE_ACTIONS = new Set(['accept', 'tentativelyAccept', 'decline']);

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const id = readLocatorId(this, i, 'eventId') as string;
	const response = this.getNodeParameter('response', i) as string;
	const action = RESPONSE_ACTIONS.has(response) ? response : 'accept';
	const comment = this.getNodeParameter('comment', i, '') as string;
	const sendResponse = this.getNodeParameter('sendResponse', i, true) as boolean;
	const call = await calendarCall(this, i);
	const body: IDataObject = { sendResponse };
	if (comment) body.comment = comment;
	await call.transport.request({
		method: 'POST',
		path: `${call.root}/events/${idSegment(this, i, id, 'Event')}/${action}`,
		body,
		itemIndex: i,
		permission: call.permission,
		action: 'respond to events',
	});
	return { id, response: action, sendResponse };
}
