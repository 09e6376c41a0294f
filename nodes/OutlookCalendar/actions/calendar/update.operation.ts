import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/descriptions';
import { calendarLocator, readLocatorId } from '../../descriptions/locators';
import { calendarCall, idSegment } from '../../helpers/context';
import { colorField } from './shared';
import type { OperationDeclaration } from '../../../shared/declarations';

const properties: INodeProperties[] = [
	calendarLocator({ required: true }),
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [colorField, { displayName: 'Name', name: 'name', type: 'string', default: '' }],
	},
];

export const declaration: OperationDeclaration = { does: 'change' };

export const description = updateDisplayOptions(
	{ show: { resource: ['calendar'], operation: ['update'] } },
	properties,
);

/** PATCH /calendars/{id} (name, color). https://learn.microsoft.com/graph/api/calendar-update */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const fields = this.getNodeParameter('updateFields', i, {}) as { name?: string; color?: string };
	const body: IDataObject = {};
	if (fields.name !== undefined) {
		if (!fields.name.trim())
			throw new NodeOperationError(this.getNode(), 'The field Name is empty', { itemIndex: i });
		body.name = fields.name.trim();
	}
	if (fields.color) body.color = fields.color;
	if (!Object.keys(body).length)
		throw new NodeOperationError(
			this.getNode(),
			'The field Update Fields is empty: add Name or Color',
			{ itemIndex: i },
		);
	const id = readLocatorId(this, i, 'calendar') as string;
	const call = await calendarCall(this, i);
	return await call.transport.request<IDataObject>({
		method: 'PATCH',
		path: `${call.root}/calendars/${idSegment(this, i, id, 'Calendar')}`,
		body,
		itemIndex: i,
		permission: call.permission,
		action: 'update calendars',
	});
}
