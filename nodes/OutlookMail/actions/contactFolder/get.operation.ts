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

const properties: INodeProperties[] = [contactFolderLocator()];

export const declaration: OperationDeclaration = { does: 'read' };

export const description = updateDisplayOptions(
	{ show: { resource: ['contactFolder'], operation: ['get'] } },
	properties,
);

/** https://learn.microsoft.com/graph/api/contactfolder-get */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const folderId = getContactFolderId(this, i);
	const root = getMailboxRoot(this, i);
	const transport = await GraphTransport.create(this, i);
	return await transport.request<IDataObject>({
		method: 'GET',
		path: contactFolderPath(root, folderId),
		itemIndex: i,
		notFound: CONTACT_FOLDER_NOT_FOUND,
		...contactsPermission(this, i, 'read', 'read contact folders'),
	});
}
