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
import { requiredText } from '../../../shared/parameters';

const properties: INodeProperties[] = [
	contactFolderLocator(),
	{
		displayName: 'New Name',
		name: 'displayName',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. Suppliers 2026',
		description: 'The new display name of the contact folder',
	},
];

export const declaration: OperationDeclaration = { does: 'change' };

export const description = updateDisplayOptions(
	{ show: { resource: ['contactFolder'], operation: ['update'] } },
	properties,
);

/** Renames a contact folder. https://learn.microsoft.com/graph/api/contactfolder-update */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const folderId = getContactFolderId(this, i);
	const displayName = requiredText(
		this,
		i,
		'displayName',
		'New Name',
		'Enter the new name of the contact folder.',
	);
	const root = getMailboxRoot(this, i);
	const transport = await GraphTransport.create(this, i);
	return await transport.request<IDataObject>({
		method: 'PATCH',
		path: contactFolderPath(root, folderId),
		body: { displayName },
		itemIndex: i,
		notFound: CONTACT_FOLDER_NOT_FOUND,
		...contactsPermission(this, i, 'write', 'rename contact folders'),
	});
}
