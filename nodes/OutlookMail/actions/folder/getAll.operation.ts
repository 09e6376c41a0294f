import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import {
	getMailboxRoot,
	updateDisplayOptions,
	returnAllOrLimit,
} from '../../../shared/descriptions';
import type { GraphRequestOptions } from '../../../shared/graph/client';
import { GraphTransport } from '../../../shared/graph/client';
import { graphPages } from '../../../shared/graph/paging';
import { folderLocator, getFolderId } from '../../descriptions/locators';
import { mailPermission } from '../../helpers/permissions';
import { FOLDER_PAGE_SIZE, folderPath } from './shared';
import type { OperationDeclaration } from '../../../shared/declarations';

const properties: INodeProperties[] = [
	{
		displayName: 'Location',
		name: 'location',
		type: 'options',
		options: [
			{
				name: 'Top Level',
				value: 'top',
				description: 'The folders beside Inbox, Sent Items and the others',
			},
			{
				name: 'Inside a Folder',
				value: 'child',
				description: 'The child folders of the folder picked below',
			},
		],
		default: 'top',
	},
	folderLocator({
		name: 'parentFolderId',
		displayName: 'Parent Folder',
		description: 'The folder whose child folders to list',
		displayOptions: { show: { location: ['child'] } },
	}),
	...returnAllOrLimit,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Include Child Folders',
				name: 'recursive',
				type: 'boolean',
				default: false,
				description:
					'Whether to list the child folders of each folder too, at every level (each folder is followed by its children)',
			},
			{
				displayName: 'Include Hidden Folders',
				name: 'includeHiddenFolders',
				type: 'boolean',
				default: false,
				description: 'Whether to list hidden folders as well',
			},
		],
	},
];

export const declaration: OperationDeclaration = { does: 'read' };

export const description = updateDisplayOptions(
	{ show: { resource: ['folder'], operation: ['getAll'] } },
	properties,
);

/**
 * Lists folders; with "Include Child Folders", walks each folder's childFolders depth first (Graph
 * lists one level per request: https://learn.microsoft.com/graph/api/user-list-mailfolders) and
 * gives every folder a `path` of display names from the listing's start.
 */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const location = this.getNodeParameter('location', i, 'top') as string;
	const parentId =
		location === 'child' ? getFolderId(this, i, 'parentFolderId', 'Parent Folder') : undefined;
	const returnAll = this.getNodeParameter('returnAll', i, false) as boolean;
	const limit = returnAll ? Infinity : (this.getNodeParameter('limit', i, 50) as number);
	const options = this.getNodeParameter('options', i, {}) as IDataObject;
	const root = getMailboxRoot(this, i);
	const transport = await GraphTransport.create(this, i);
	const permission = mailPermission(this, i, 'read', 'list folders');
	const query =
		options.includeHiddenFolders === true ? { includeHiddenFolders: 'true' } : undefined;
	const pageSize = Math.min(FOLDER_PAGE_SIZE, limit);

	const listRequest = (path: string): GraphRequestOptions => ({
		method: 'GET',
		path,
		query,
		itemIndex: i,
		...permission,
	});
	const found: IDataObject[] = [];

	async function walk(path: string, parents: string[]): Promise<void> {
		for await (const page of graphPages(transport, listRequest(path), {
			returnAll: true,
			maxPageSize: pageSize,
		})) {
			for (const folder of page) {
				if (found.length >= limit) return;
				const names = [...parents, String(folder.displayName ?? '')];
				found.push({ ...folder, path: names.join('/') });
				if (found.length >= limit) return;
				if (options.recursive === true && Number(folder.childFolderCount ?? 0) > 0) {
					await walk(`${folderPath(root, String(folder.id))}/childFolders`, names);
				}
			}
			if (found.length >= limit) return;
		}
	}

	await walk(parentId ? `${folderPath(root, parentId)}/childFolders` : `${root}/mailFolders`, []);
	return found;
}
