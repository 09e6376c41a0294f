import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { masterCategoriesPath } from '../../../shared/categories';
import { getMailboxRoot, updateDisplayOptions } from '../../../shared/descriptions';
import type { OperationDeclaration } from '../../../shared/declarations';
import { GraphTransport } from '../../../shared/graph/client';
import { graphCollect } from '../../../shared/graph/paging';
import { categoryOutput, categoryPermission } from './shared';

const properties: INodeProperties[] = [];

export const declaration: OperationDeclaration = { does: 'read' };

export const description = updateDisplayOptions(
	{ show: { resource: ['category'], operation: ['getAll'] } },
	properties,
);

/** The mailbox's master list of categories. https://learn.microsoft.com/graph/api/outlookuser-list-mastercategories */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const root = getMailboxRoot(this, i);
	const transport = await GraphTransport.create(this, i);
	const categories = await graphCollect(
		transport,
		{
			method: 'GET',
			path: masterCategoriesPath(root),
			itemIndex: i,
			...categoryPermission(this, i, 'read', 'list categories'),
		},
		// The list is one short collection; Graph documents no paging options for it.
		{ returnAll: true, sendTop: false },
	);
	return categories.map(categoryOutput);
}
