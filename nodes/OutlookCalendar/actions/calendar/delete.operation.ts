import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/descriptions';
import { calendarLocator, readLocatorId } from '../../descriptions/locators';
import { calendarCall, idSegment } from '../../helpers/context';
import type { OperationDeclaration } from '../../../shared/declarations';

const properties: INodeProperties[] = [
	calendarLocator({ required: true, list: 'searchRemovableCalendars' }),
];

export const declaration: OperationDeclaration = { does: 'change' };

export const description = updateDisplayOptions(
	{ show: { resource: ['calendar'], operation: ['delete'] } },
	properties,
);

/** DELETE /calendars/{id}; the default calendar cannot be deleted. https://learn.microsoft.com/graph/api/calendar-delete */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const id = readLocatorId(this, i, 'calendar') as string;
	const call = await calendarCall(this, i);
	await call.transport.request({
		method: 'DELETE',
		path: `${call.root}/calendars/${idSegment(this, i, id, 'Calendar')}`,
		itemIndex: i,
		permission: call.permission,
		action: 'delete calendars',
	});
	return { id, deleted: true };
}
