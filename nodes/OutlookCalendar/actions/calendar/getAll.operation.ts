import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/descriptions';
import { graphCollect } from '../../../shared/graph/paging';
import { limitField, returnAllField } from '../../descriptions/common';
import { calendarCall, idSegment } from '../../helpers/context';
import { calendarGroupField } from './shared';
import type { OperationDeclaration } from '../../../shared/declarations';

const properties: INodeProperties[] = [
	returnAllField,
	limitField,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [calendarGroupField],
	},
];

export const declaration: OperationDeclaration = { does: 'read' };

export const description = updateDisplayOptions(
	{ show: { resource: ['calendar'], operation: ['getAll'] } },
	properties,
);

/** GET /calendars, or /calendarGroups/{id}/calendars. https://learn.microsoft.com/graph/api/user-list-calendars */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const returnAll = this.getNodeParameter('returnAll', i, false) as boolean;
	const limit = this.getNodeParameter('limit', i, 50) as number;
	const options = this.getNodeParameter('options', i, {}) as { calendarGroup?: string };
	const call = await calendarCall(this, i, 'read');
	const path = options.calendarGroup
		? `${call.root}/calendarGroups/${idSegment(this, i, options.calendarGroup, 'Calendar Group')}/calendars`
		: `${call.root}/calendars`;
	return await graphCollect(
		call.transport,
		{ method: 'GET', path, itemIndex: i, permission: call.permission, action: 'read calendars' },
		{ returnAll, limit },
	);
}
