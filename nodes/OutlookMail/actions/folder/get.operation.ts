import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { getMailboxRoot, updateDisplayOptions } from '../../../shared/descriptions';
import { GraphTransport } from '../../../shared/graph/client';
import { folderLocator, getFolderId } from '../../descriptions/locators';
import { mailPermission } from '../../helpers/permissions';
import { folderPath } from './shared';
import type { OperationDeclaration } from '../../../shared/declarations';

const properties: INodeProperties[] = [folderLocator()];

export const declaration: OperationDeclaration = { does: 'read' };

export const description = updateDisplayOptions(
	{ show: { resource: ['folder'], operation: ['get'] } },
	properties,
);

/** https://learn.microsoft.com/graph/api/mailfolder-get (a well-known name works in place of the ID) */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const folderId = getFolderId(this, i);
	const root = getMailboxRoot(this, i);
	const transport = await GraphTransport.create(this, i);
	return await transport.request<IDataObject>({
		method: 'GET',
		path: folderPath(root, folderId),
		itemIndex: i,
		...mailPermission(this, i, 'read', 'read folders'),
	});
}
