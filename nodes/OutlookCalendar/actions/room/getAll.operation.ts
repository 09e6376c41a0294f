import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { returnAllOrLimit, updateDisplayOptions } from '../../../shared/descriptions';
import type { OperationDeclaration } from '../../../shared/declarations';
import { GraphTransport } from '../../../shared/graph/client';
import { graphCollect } from '../../../shared/graph/paging';
import {
	PLACES_PAGE_SIZE,
	PLACES_PERMISSION,
	ROOM_LIST_NOT_FOUND,
	ROOMS_PATH,
	roomListRoomsPath,
} from '../../helpers/places';
import { getRoomListAddress, roomListLocator } from './shared';

const properties: INodeProperties[] = [
	roomListLocator({
		required: false,
		description: "Only this room list's rooms; leave empty for every room of the organisation",
	}),
	...returnAllOrLimit,
];

export const declaration: OperationDeclaration = { does: 'read' };

export const description = updateDisplayOptions(
	{ show: { resource: ['room'], operation: ['getAll'] } },
	properties,
);

/**
 * The organisation's meeting rooms, or a room list's: name, email address (to invite the room or
 * ask its free/busy), capacity, building, floor, equipment.
 * https://learn.microsoft.com/graph/api/place-list
 */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const roomList = getRoomListAddress(this, i);
	const returnAll = this.getNodeParameter('returnAll', i, false) as boolean;
	const limit = returnAll ? undefined : (this.getNodeParameter('limit', i, 50) as number);
	const transport = await GraphTransport.create(this, i);
	return await graphCollect(
		transport,
		{
			method: 'GET',
			path: roomList ? roomListRoomsPath(roomList) : ROOMS_PATH,
			itemIndex: i,
			permission: PLACES_PERMISSION,
			action: 'list rooms',
			notFound: roomList ? ROOM_LIST_NOT_FOUND : undefined,
		},
		{ returnAll, limit, maxPageSize: PLACES_PAGE_SIZE },
	);
}
