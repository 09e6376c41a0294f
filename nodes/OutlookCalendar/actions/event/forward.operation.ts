import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/descriptions';
import { eventLocator, readLocatorId } from '../../descriptions/locators';
import { parseAddresses } from '../../helpers/addresses';
import { calendarCall, idSegment } from '../../helpers/context';
import type { OperationDeclaration } from '../../../shared/declarations';

const properties: INodeProperties[] = [
	eventLocator,
	{
		displayName: 'To',
		name: 'toRecipients',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. ana@contoso.com, Bea Ruiz <bea@contoso.com>',
		description: 'Comma-separated email addresses to forward the invitation to',
	},
	{
		displayName: 'Comment',
		name: 'comment',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
	},
];

/**
 * Forwarding from an attendee's mailbox also notifies the organizer ("this action also sends a
 * message to notify the organizer of the forwarding", https://learn.microsoft.com/graph/api/event-forward).
 */
export const declaration: OperationDeclaration = {
	does: 'send',
	reaches: [{ field: 'toRecipients', label: 'To' }, { implicit: 'eventOrganizer' }],
};

export const description = updateDisplayOptions(
	{ show: { resource: ['event'], operation: ['forward'] } },
	properties,
);

/** POST /events/{id}/forward. https://learn.microsoft.com/graph/api/event-forward */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const id = readLocatorId(this, i, 'eventId') as string;
	const to = parseAddresses(this, i, this.getNodeParameter('toRecipients', i), 'To');
	if (!to.length)
		throw new NodeOperationError(this.getNode(), 'The field To is empty', { itemIndex: i });
	const comment = this.getNodeParameter('comment', i, '') as string;
	// Microsoft documents Calendars.Read as enough to forward (event-forward, no higher permission):
	// a 403 names it, not Calendars.ReadWrite, which a credential with Read Calendars need not add.
	const call = await calendarCall(this, i, 'read');
	const body: IDataObject = { toRecipients: to.map((emailAddress) => ({ emailAddress })) };
	if (comment) body.comment = comment;
	await call.transport.request({
		method: 'POST',
		path: `${call.root}/events/${idSegment(this, i, id, 'Event')}/forward`,
		body,
		itemIndex: i,
		permission: call.permission,
		action: 'forward events',
		// It sends mail: after an ambiguous failure it is reported, never sent again blindly.
		sends: {},
	});
	return { id, forwardedTo: to.map((a) => a.address) };
}
