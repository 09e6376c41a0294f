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
	{
		displayName: 'Name',
		name: 'displayName',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. Suppliers',
		description: 'The display name of the new contact folder',
	},
	{
		displayName: 'Location',
		name: 'location',
		type: 'options',
		options: [
			{
				name: 'In Contacts',
				value: 'top',
				description: 'Inside the default Contacts folder, beside the other contact folders',
			},
			{
				name: 'Inside Another Contact Folder',
				value: 'child',
				description: 'As a child folder of the folder picked below',
			},
		],
		default: 'top',
	},
	contactFolderLocator({
		name: 'parentFolderId',
		displayName: 'Parent Folder',
		description: 'The contact folder to create the new folder in',
		displayOptions: { show: { location: ['child'] } },
	}),
];

export const declaration: OperationDeclaration = { does: 'change' };

export const description = updateDisplayOptions(
	{ show: { resource: ['contactFolder'], operation: ['create'] } },
	properties,
);

/** https://learn.microsoft.com/graph/api/user-post-contactfolders, /graph/api/contactfolder-post-childfolders */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const displayName = requiredText(
		this,
		i,
		'displayName',
		'Name',
		'Enter the name of the new contact folder.',
	);
	const parentId =
		this.getNodeParameter('location', i, 'top') === 'child'
			? getContactFolderId(this, i, { name: 'parentFolderId', label: 'Parent Folder' })
			: undefined;
	const root = getMailboxRoot(this, i);
	const transport = await GraphTransport.create(this, i);
	return await transport.request<IDataObject>({
		method: 'POST',
		path: parentId ? `${contactFolderPath(root, parentId)}/childFolders` : `${root}/contactFolders`,
		body: { displayName },
		itemIndex: i,
		notFound: CONTACT_FOLDER_NOT_FOUND,
		...contactsPermission(this, i, 'write', 'create contact folders'),
	});
}
