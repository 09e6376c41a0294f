import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { NodeOperationError } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/descriptions';
import { timeZoneOption } from '../../descriptions/common';
import { eventLocator, readLocatorId } from '../../descriptions/locators';
import { calendarCall, idSegment } from '../../helpers/context';
import { isoWithOffset, requireDateTime, toGraphDateTime } from '../../helpers/timeZones';
import { zoneFor } from '../../helpers/mailboxZone';
import type { OperationDeclaration } from '../../../shared/declarations';

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
	{
		displayName: 'Comment',
		name: 'comment',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		description: 'Text sent with the response',
	},
	{
		displayName: 'Send Response',
		name: 'sendResponse',
		type: 'boolean',
		default: true,
		description:
			'Whether the organizer gets a response message; otherwise only your calendar changes',
	},
	{
		displayName: 'Propose New Time',
		name: 'proposeNewTime',
		type: 'collection',
		placeholder: 'Add Proposed Time',
		default: {},
		description:
			'Suggest another time to the organizer (needs Send Response, and the organizer allowing new time proposals)',
		displayOptions: { show: { response: ['tentativelyAccept', 'decline'] } },
		options: [
			{ displayName: 'End', name: 'end', type: 'dateTime', default: '' },
			{ displayName: 'Start', name: 'start', type: 'dateTime', default: '' },
			timeZoneOption('The zone of Start and End when they carry no offset.'),
		],
	},
];

export const declaration: OperationDeclaration = {
	does: 'send',
	reaches: [{ implicit: 'eventOrganizer', when: 'sendResponse' }],
	sendsOnlyWhenReaching: true,
};

export const description = updateDisplayOptions(
	{ show: { resource: ['event'], operation: ['respond'] } },
	properties,
);

/** Graph's response actions share one body. https://learn.microsoft.com/graph/api/event-accept (…-tentativelyaccept, …-decline) */
const RESPONSE_ACTIONS = ['accept', 'tentativelyAccept', 'decline'];

/**
 * The Response field's action; an expression may give it in any case. Anything else fails the
 * item: taken for an acceptance, a decline would accept the meeting and tell the organizer so.
 */
function responseAction(ctx: IExecuteFunctions, i: number): string {
	const given = String(ctx.getNodeParameter('response', i) ?? '').trim();
	const action = RESPONSE_ACTIONS.find((a) => a.toLowerCase() === given.toLowerCase());
	if (!action) {
		throw new NodeOperationError(
			ctx.getNode(),
			`"${given.slice(0, 40)}" in the field Response is not Accept, Tentatively Accept or Decline`,
			{ itemIndex: i, description: 'Use accept, tentativelyAccept or decline' },
		);
	}
	return action;
}

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const id = readLocatorId(this, i, 'eventId') as string;
	const action = responseAction(this, i);
	const comment = this.getNodeParameter('comment', i, '') as string;
	const sendResponse = this.getNodeParameter('sendResponse', i, true) as boolean;
	const body: IDataObject = { sendResponse };
	if (comment) body.comment = comment;
	if (action !== 'accept') {
		const proposal = this.getNodeParameter('proposeNewTime', i, {}) as {
			start?: unknown;
			end?: unknown;
			timeZone?: string;
		};
		if (proposal.start || proposal.end) {
			// Graph: "proposedNewTime … can only be set when sendResponse is true". https://learn.microsoft.com/graph/api/event-tentativelyaccept
			if (!sendResponse) {
				throw new NodeOperationError(
					this.getNode(),
					'Propose New Time needs the field Send Response turned on',
					{ itemIndex: i },
				);
			}
			const zone = await zoneFor(this, i, proposal.timeZone);
			const start = requireDateTime(this, i, proposal.start, zone, 'Proposed Start');
			const end = requireDateTime(this, i, proposal.end, zone, 'Proposed End');
			if (end <= start) {
				throw new NodeOperationError(
					this.getNode(),
					`The field Proposed End (${isoWithOffset(end)}) must be after Proposed Start (${isoWithOffset(start)})`,
					{ itemIndex: i },
				);
			}
			body.proposedNewTime = {
				start: toGraphDateTime(start, zone),
				end: toGraphDateTime(end, zone),
			};
		}
	}
	const call = await calendarCall(this, i, 'send');
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
