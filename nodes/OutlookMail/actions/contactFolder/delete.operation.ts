import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { getMailboxRoot, updateDisplayOptions } from '../../../shared/descriptions';
import type { OperationDeclaration } from '../../../shared/declarations';
import { GraphTransport } from '../../../shared/graph/client';
import {
	CONTACT_FOLDER_NOT_FOUND,
	contactFolderLocator,
	contactFolderPath,
	contactsPermission,
	getContactFolderId,
} from './shared';

const properties: INodeProperties[] = [
	contactFolderLocator({
		description: 'The contact folder to delete, with its contacts and child folders',
	}),
];

export const declaration: OperationDeclaration = { does: 'change' };

export const description = updateDisplayOptions(
	{ show: { resource: ['contactFolder'], operation: ['delete'] } },
	properties,
);

/** https://learn.microsoft.com/graph/api/contactfolder-delete (204 No Content) */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const folderId = getContactFolderId(this, i);
	const root = getMailboxRoot(this, i);
	const transport = await GraphTransport.create(this, i);
	await transport.request({
		method: 'DELETE',
		path: contactFolderPath(root, folderId),
		itemIndex: i,
		notFound: CONTACT_FOLDER_NOT_FOUND,
		...contactsPermission(this, i, 'write', 'delete contact folders'),
	});
	return { id: folderId, deleted: true };
}
