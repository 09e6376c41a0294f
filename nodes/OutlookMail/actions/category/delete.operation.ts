import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { getMailboxRoot, updateDisplayOptions } from '../../../shared/descriptions';
import type { OperationDeclaration } from '../../../shared/declarations';
import { GraphTransport } from '../../../shared/graph/client';
import {
	CATEGORY_NOT_FOUND,
	categoryLocator,
	categoryPath,
	categoryPermission,
	getCategoryId,
} from './shared';

const properties: INodeProperties[] = [
	categoryLocator({
		description:
			"The category to remove from the mailbox's list (items keep the name in their categories, without a colour)",
	}),
];

export const declaration: OperationDeclaration = { does: 'change' };

export const description = updateDisplayOptions(
	{ show: { resource: ['category'], operation: ['delete'] } },
	properties,
);

/** https://learn.microsoft.com/graph/api/outlookcategory-delete (204 No Content) */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const root = getMailboxRoot(this, i);
	const transport = await GraphTransport.create(this, i);
	const id = await getCategoryId(this, i, transport, root);
	await transport.request({
		method: 'DELETE',
		path: categoryPath(root, id),
		itemIndex: i,
		notFound: CATEGORY_NOT_FOUND,
		...categoryPermission(this, i, 'write', 'delete categories'),
	});
	return { id, deleted: true };
}
