import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { getMailboxRoot, updateDisplayOptions } from '../../../shared/descriptions';
import type { OperationDeclaration } from '../../../shared/declarations';
import { GraphTransport } from '../../../shared/graph/client';
import {
	CATEGORY_NOT_FOUND,
	categoryLocator,
	categoryOutput,
	categoryPath,
	categoryPermission,
	colorField,
	getCategoryId,
} from './shared';

const properties: INodeProperties[] = [
	categoryLocator(),
	{ ...colorField, description: 'The new colour (a category keeps its name for life)' },
];

export const declaration: OperationDeclaration = { does: 'change' };

export const description = updateDisplayOptions(
	{ show: { resource: ['category'], operation: ['update'] } },
	properties,
);

/**
 * Changes a category's colour, its only writable property (the name is fixed once created).
 * https://learn.microsoft.com/graph/api/outlookcategory-update
 */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const root = getMailboxRoot(this, i);
	const transport = await GraphTransport.create(this, i);
	const id = await getCategoryId(this, i, transport, root);
	const updated = await transport.request<IDataObject>({
		method: 'PATCH',
		path: categoryPath(root, id),
		body: { color: this.getNodeParameter('color', i, 'preset0') as string },
		itemIndex: i,
		notFound: CATEGORY_NOT_FOUND,
		...categoryPermission(this, i, 'write', 'change categories'),
	});
	return categoryOutput(updated);
}
