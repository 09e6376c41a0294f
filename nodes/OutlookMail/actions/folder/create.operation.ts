import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { getMailboxRoot, updateDisplayOptions } from '../../../shared/descriptions';
import { GraphTransport } from '../../../shared/graph/client';
import { folderLocator, getFolderId } from '../../descriptions/locators';
import { mailPermission } from '../../helpers/permissions';
import { folderPath } from './shared';
import type { OperationDeclaration } from '../../../shared/declarations';
import { requiredText } from '../../../shared/parameters';

const properties: INodeProperties[] = [
	{
		displayName: 'Name',
		name: 'displayName',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. Invoices',
		description: 'The display name of the new folder',
	},
	{
		displayName: 'Location',
		name: 'location',
		type: 'options',
		options: [
			{
				name: 'Top Level',
				value: 'top',
				description: 'Beside Inbox, Sent Items and the other top-level folders',
			},
			{
				name: 'Inside Another Folder',
				value: 'child',
				description: 'As a child folder of the folder picked below',
			},
		],
		default: 'top',
	},
	folderLocator({
		name: 'parentFolderId',
		displayName: 'Parent Folder',
		description: 'The folder to create the new folder in',
		displayOptions: { show: { location: ['child'] } },
	}),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Hidden',
				name: 'isHidden',
				type: 'boolean',
				default: false,
				description:
					'Whether the folder is hidden from Outlook; this can only be set when the folder is created',
			},
		],
	},
];

export const declaration: OperationDeclaration = { does: 'change' };

export const description = updateDisplayOptions(
	{ show: { resource: ['folder'], operation: ['create'] } },
	properties,
);

/** https://learn.microsoft.com/graph/api/user-post-mailfolders, /graph/api/mailfolder-post-childfolders */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const displayName = requiredText(
		this,
		i,
		'displayName',
		'Name',
		'Enter the name of the new folder.',
	);
	const location = this.getNodeParameter('location', i, 'top') as string;
	const parentId =
		location === 'child' ? getFolderId(this, i, 'parentFolderId', 'Parent Folder') : undefined;
	const options = this.getNodeParameter('options', i, {}) as IDataObject;
	const root = getMailboxRoot(this, i);
	const body: IDataObject = { displayName };
	if (options.isHidden === true) body.isHidden = true;
	const transport = await GraphTransport.create(this, i);
	return await transport.request<IDataObject>({
		method: 'POST',
		path: parentId ? `${folderPath(root, parentId)}/childFolders` : `${root}/mailFolders`,
		body,
		itemIndex: i,
		...mailPermission(this, i, 'write', 'create folders'),
	});
}
