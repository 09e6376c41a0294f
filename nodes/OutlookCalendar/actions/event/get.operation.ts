import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/descriptions';
import { simplifyField, timeZoneOption } from '../../descriptions/common';
import { eventLocator, readLocatorId } from '../../descriptions/locators';
import { calendarCall, idSegment } from '../../helpers/context';
import { simplifyEvent } from '../../helpers/eventMapping';
import { zoneFor } from '../../helpers/mailboxZone';
import type { OperationDeclaration } from '../../../shared/declarations';

const properties: INodeProperties[] = [
	eventLocator,
	simplifyField,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [timeZoneOption('The zone of the returned times.')],
	},
];

export const declaration: OperationDeclaration = { does: 'read' };

export const description = updateDisplayOptions(
	{ show: { resource: ['event'], operation: ['get'] } },
	properties,
);

/**
 * GET /events/{id} with `Prefer: outlook.timezone` so start and end come back in the chosen zone.
 * https://learn.microsoft.com/graph/api/event-get
 */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const options = this.getNodeParameter('options', i, {}) as { timeZone?: string };
	const zone = await zoneFor(this, i, options.timeZone);
	const id = readLocatorId(this, i, 'eventId') as string;
	const call = await calendarCall(this, i, 'read');
	const event = await call.transport.request<IDataObject>({
		method: 'GET',
		path: `${call.root}/events/${idSegment(this, i, id, 'Event')}`,
		timeZone: zone.windows,
		itemIndex: i,
		permission: call.permission,
		action: 'read events',
	});
	return this.getNodeParameter('simplify', i, true) ? simplifyEvent(event, zone) : event;
}
