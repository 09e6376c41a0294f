import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/descriptions';
import { graphCollect } from '../../../shared/graph/paging';
import {
	limitField,
	returnAllField,
	simplifyField,
	timeZoneOption,
} from '../../descriptions/common';
import { eventLocator, readLocatorId } from '../../descriptions/locators';
import { calendarCall, idSegment } from '../../helpers/context';
import { simplifyEvent } from '../../helpers/eventMapping';
import { rangeFields, readRange } from '../../helpers/range';
import { zoneFor } from '../../helpers/mailboxZone';
import type { OperationDeclaration } from '../../../shared/declarations';

const properties: INodeProperties[] = [
	{ ...eventLocator, description: 'The series (its master event)' },
	...rangeFields('Occurrences'),
	returnAllField,
	limitField,
	simplifyField,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			timeZoneOption(
				'The zone of From and To when they carry no offset, and of the returned times.',
			),
		],
	},
];

export const declaration: OperationDeclaration = { does: 'read' };

export const description = updateDisplayOptions(
	{ show: { resource: ['event'], operation: ['getInstances'] } },
	properties,
);

/** GET /events/{id}/instances between From and To. https://learn.microsoft.com/graph/api/event-list-instances */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const options = this.getNodeParameter('options', i, {}) as { timeZone?: string };
	const zone = await zoneFor(this, i, options.timeZone);
	const range = readRange(this, i, zone);
	const id = readLocatorId(this, i, 'eventId') as string;
	const returnAll = this.getNodeParameter('returnAll', i, false) as boolean;
	const limit = this.getNodeParameter('limit', i, 50) as number;
	const call = await calendarCall(this, i, 'read');
	const events = await graphCollect(
		call.transport,
		{
			method: 'GET',
			path: `${call.root}/events/${idSegment(this, i, id, 'Event')}/instances`,
			query: { ...range.query, $orderby: 'start/dateTime' },
			timeZone: zone.windows,
			itemIndex: i,
			permission: call.permission,
			action: 'read events',
		},
		{ returnAll, limit },
	);
	return this.getNodeParameter('simplify', i, true)
		? events.map((event) => simplifyEvent(event, zone))
		: events;
}
