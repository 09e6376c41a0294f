import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import {
	getMailboxRoot,
	returnAllOrLimit,
	updateDisplayOptions,
} from '../../../shared/descriptions';
import type { OperationDeclaration } from '../../../shared/declarations';
import { GraphTransport } from '../../../shared/graph/client';
import { graphCollect } from '../../../shared/graph/paging';
import {
	CONTACT_FOLDER_NOT_FOUND,
	CONTACT_FOLDER_PAGE_SIZE,
	contactFolderLocator,
	contactFolderPath,
	contactsPermission,
	getContactFolderId,
} from './shared';

const properties: INodeProperties[] = [
	{
		displayName: 'Location',
		name: 'location',
		type: 'options',
		options: [
			{
				name: 'In Contacts',
				value: 'top',
				description: 'The folders inside the default Contacts folder',
			},
			{
				name: 'Inside a Contact Folder',
				value: 'child',
				description: 'The child folders of the folder picked below',
			},
		],
		default: 'top',
	},
	contactFolderLocator({
		name: 'parentFolderId',
		displayName: 'Parent Folder',
		description: 'The contact folder whose child folders to list',
		displayOptions: { show: { location: ['child'] } },
	}),
	...returnAllOrLimit,
];

export const declaration: OperationDeclaration = { does: 'read' };

export const description = updateDisplayOptions(
	{ show: { resource: ['contactFolder'], operation: ['getAll'] } },
	properties,
);

/**
 * The contact folders in the default Contacts folder, or a folder's child folders.
 * https://learn.microsoft.com/graph/api/user-list-contactfolders, /graph/api/contactfolder-list-childfolders
 */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const parentId =
		this.getNodeParameter('location', i, 'top') === 'child'
			? getContactFolderId(this, i, { name: 'parentFolderId', label: 'Parent Folder' })
			: undefined;
	const returnAll = this.getNodeParameter('returnAll', i, false) as boolean;
	const limit = returnAll ? undefined : (this.getNodeParameter('limit', i, 50) as number);
	const root = getMailboxRoot(this, i);
	const transport = await GraphTransport.create(this, i);
	return await graphCollect(
		transport,
		{
			method: 'GET',
			path: parentId
				? `${contactFolderPath(root, parentId)}/childFolders`
				: `${root}/contactFolders`,
			itemIndex: i,
			notFound: CONTACT_FOLDER_NOT_FOUND,
			...contactsPermission(this, i, 'read', 'list contact folders'),
		},
		{ returnAll, limit, maxPageSize: CONTACT_FOLDER_PAGE_SIZE },
	);
}
