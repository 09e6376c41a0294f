import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { getMailboxRoot, updateDisplayOptions } from '../../../shared/descriptions';
import { GraphTransport } from '../../../shared/graph/client';
import { folderLocator, getFolderId, ownFolderLocator } from '../../descriptions/locators';
import { mailPermission } from '../../helpers/permissions';
import { folderPath, refuseWellKnown } from './shared';
import type { OperationDeclaration } from '../../../shared/declarations';

const properties: INodeProperties[] = [
	ownFolderLocator({ description: 'The folder to move' }),
	folderLocator({
		name: 'destinationFolderId',
		displayName: 'Destination Folder',
		description: 'The folder to move it into (msgfolderroot for the top level)',
	}),
];

export const declaration: OperationDeclaration = { does: 'change' };

export const description = updateDisplayOptions(
	{ show: { resource: ['folder'], operation: ['move'] } },
	properties,
);

/** https://learn.microsoft.com/graph/api/mailfolder-move: POST .../move { destinationId } → the moved folder. */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const folderId = getFolderId(this, i);
	const destinationId = getFolderId(this, i, 'destinationFolderId', 'Destination Folder');
	refuseWellKnown(this, i, folderId, 'moved');
	if (destinationId === folderId) {
		throw new NodeOperationError(
			this.getNode(),
			'The fields Folder and Destination Folder name the same folder',
			{ itemIndex: i, description: 'A folder cannot be moved into itself.' },
		);
	}
	const root = getMailboxRoot(this, i);
	const transport = await GraphTransport.create(this, i);
	return await transport.request<IDataObject>({
		method: 'POST',
		path: `${folderPath(root, folderId)}/move`,
		body: { destinationId },
		itemIndex: i,
		...mailPermission(this, i, 'write', 'move folders'),
	});
}
