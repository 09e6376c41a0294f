import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/descriptions';
import type { OperationDeclaration } from '../../../shared/declarations';
import { GraphTransport } from '../../../shared/graph/client';
import { readLocator } from '../../../shared/locators';
import { PLACES_PERMISSION, ROOM_NOT_FOUND, roomPath } from '../../helpers/places';

const properties: INodeProperties[] = [
	{
		displayName: 'Room',
		name: 'room',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: 'A meeting room of the organisation',
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchRooms', searchable: true },
			},
			{
				displayName: 'By Email Address or ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. room402@contoso.com',
			},
		],
	},
];

export const declaration: OperationDeclaration = { does: 'read' };

export const description = updateDisplayOptions(
	{ show: { resource: ['room'], operation: ['get'] } },
	properties,
);

/** https://learn.microsoft.com/graph/api/place-get (a room by its email address or ID) */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const room = String(readLocator(this, 'room', i).value ?? '').trim();
	if (!room || /[/\\?#]/.test(room)) {
		throw new NodeOperationError(
			this.getNode(),
			room
				? `"${room.slice(0, 80)}" in the field Room is not a room's address or ID`
				: 'The field Room is empty',
			{ itemIndex: i, description: 'Pick a room from the list, or enter its email address.' },
		);
	}
	const transport = await GraphTransport.create(this, i);
	return await transport.request<IDataObject>({
		method: 'GET',
		path: roomPath(room),
		itemIndex: i,
		permission: PLACES_PERMISSION,
		action: 'read rooms',
		notFound: ROOM_NOT_FOUND,
	});
}
