import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { returnAllOrLimit, updateDisplayOptions } from '../../../shared/descriptions';
import type { OperationDeclaration } from '../../../shared/declarations';
import { GraphTransport } from '../../../shared/graph/client';
import { graphCollect } from '../../../shared/graph/paging';
import { PLACES_PAGE_SIZE, PLACES_PERMISSION, ROOM_LISTS_PATH } from '../../helpers/places';

const properties: INodeProperties[] = [...returnAllOrLimit];

export const declaration: OperationDeclaration = { does: 'read' };

export const description = updateDisplayOptions(
	{ show: { resource: ['room'], operation: ['getRoomLists'] } },
	properties,
);

/** The organisation's room lists (buildings, floors). https://learn.microsoft.com/graph/api/place-list */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const returnAll = this.getNodeParameter('returnAll', i, false) as boolean;
	const limit = returnAll ? undefined : (this.getNodeParameter('limit', i, 50) as number);
	const transport = await GraphTransport.create(this, i);
	return await graphCollect(
		transport,
		{
			method: 'GET',
			path: ROOM_LISTS_PATH,
			itemIndex: i,
			permission: PLACES_PERMISSION,
			action: 'list room lists',
		},
		{ returnAll, limit, maxPageSize: PLACES_PAGE_SIZE },
	);
}
