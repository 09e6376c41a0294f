import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/descriptions';
import { calendarCall, idSegment } from '../../helpers/context';
import { calendarGroupField, colorField } from './shared';
import type { OperationDeclaration } from '../../../shared/declarations';

const properties: INodeProperties[] = [
	{ displayName: 'Name', name: 'name', type: 'string', default: '', required: true },
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [calendarGroupField, colorField],
	},
];

export const declaration: OperationDeclaration = { does: 'change' };

export const description = updateDisplayOptions(
	{ show: { resource: ['calendar'], operation: ['create'] } },
	properties,
);

/** POST /calendars, or /calendarGroups/{id}/calendars. https://learn.microsoft.com/graph/api/user-post-calendars */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const name = String(this.getNodeParameter('name', i) ?? '').trim();
	if (!name)
		throw new NodeOperationError(this.getNode(), 'The field Name is empty', { itemIndex: i });
	const options = this.getNodeParameter('options', i, {}) as {
		color?: string;
		calendarGroup?: string;
	};
	const call = await calendarCall(this, i);
	const body: IDataObject = { name };
	if (options.color) body.color = options.color;
	const path = options.calendarGroup
		? `${call.root}/calendarGroups/${idSegment(this, i, options.calendarGroup, 'Calendar Group')}/calendars`
		: `${call.root}/calendars`;
	return await call.transport.request<IDataObject>({
		method: 'POST',
		path,
		body,
		itemIndex: i,
		permission: call.permission,
		action: 'create calendars',
	});
}
