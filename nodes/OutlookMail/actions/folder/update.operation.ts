import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { getMailboxRoot, updateDisplayOptions } from '../../../shared/descriptions';
import { GraphTransport } from '../../../shared/graph/client';
import { getFolderId, ownFolderLocator } from '../../descriptions/locators';
import { mailPermission } from '../../helpers/permissions';
import { folderPath, refuseWellKnown } from './shared';
import type { OperationDeclaration } from '../../../shared/declarations';
import { requiredText } from '../../../shared/parameters';

const properties: INodeProperties[] = [
	ownFolderLocator(),
	{
		displayName: 'New Name',
		name: 'displayName',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. Invoices 2025',
		description: 'The new display name of the folder',
	},
];

export const declaration: OperationDeclaration = { does: 'change' };

export const description = updateDisplayOptions(
	{ show: { resource: ['folder'], operation: ['update'] } },
	properties,
);

/** Renames a folder: displayName is the only writable property after creation. https://learn.microsoft.com/graph/api/mailfolder-update */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const folderId = getFolderId(this, i);
	const displayName = requiredText(
		this,
		i,
		'displayName',
		'New Name',
		'Enter the new name of the folder.',
	);
	refuseWellKnown(this, i, folderId, 'renamed');
	const root = getMailboxRoot(this, i);
	const transport = await GraphTransport.create(this, i);
	return await transport.request<IDataObject>({
		method: 'PATCH',
		path: folderPath(root, folderId),
		body: { displayName },
		itemIndex: i,
		...mailPermission(this, i, 'write', 'rename folders'),
	});
}
