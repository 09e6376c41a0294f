import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { getMailboxRoot, updateDisplayOptions } from '../../../shared/descriptions';
import { GraphTransport } from '../../../shared/graph/client';
import { getFolderId, ownFolderLocator } from '../../descriptions/locators';
import { mailPermission } from '../../helpers/permissions';
import { folderPath, refuseWellKnown } from './shared';
import type { OperationDeclaration } from '../../../shared/declarations';

const properties: INodeProperties[] = [
	ownFolderLocator({
		description:
			'The folder to delete; it goes to Deleted Items with its messages and child folders',
	}),
];

export const declaration: OperationDeclaration = { does: 'change' };

export const description = updateDisplayOptions(
	{ show: { resource: ['folder'], operation: ['delete'] } },
	properties,
);

/** https://learn.microsoft.com/graph/api/mailfolder-delete (204 No Content) */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const folderId = getFolderId(this, i);
	refuseWellKnown(this, i, folderId, 'deleted');
	const root = getMailboxRoot(this, i);
	const transport = await GraphTransport.create(this, i);
	await transport.request({
		method: 'DELETE',
		path: folderPath(root, folderId),
		itemIndex: i,
		...mailPermission(this, i, 'write', 'delete folders'),
	});
	return { id: folderId, deleted: true };
}
