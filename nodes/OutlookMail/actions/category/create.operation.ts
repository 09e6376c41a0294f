import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { masterCategoriesPath } from '../../../shared/categories';
import { getMailboxRoot, updateDisplayOptions } from '../../../shared/descriptions';
import type { OperationDeclaration } from '../../../shared/declarations';
import { GraphTransport } from '../../../shared/graph/client';
import { categoryOutput, categoryPermission, colorField } from './shared';
import { requiredText } from '../../../shared/parameters';

const properties: INodeProperties[] = [
	{
		displayName: 'Name',
		name: 'displayName',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. Invoices',
		description:
			"The category's name, unique in the mailbox; it cannot be changed once the category exists",
	},
	colorField,
];

export const declaration: OperationDeclaration = { does: 'change' };

export const description = updateDisplayOptions(
	{ show: { resource: ['category'], operation: ['create'] } },
	properties,
);

/** https://learn.microsoft.com/graph/api/outlookuser-post-mastercategories */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const displayName = requiredText(
		this,
		i,
		'displayName',
		'Name',
		'Enter the name of the new category.',
	);
	const color = this.getNodeParameter('color', i, 'preset0') as string;
	const root = getMailboxRoot(this, i);
	const transport = await GraphTransport.create(this, i);
	const created = await transport.request<IDataObject>({
		method: 'POST',
		path: masterCategoriesPath(root),
		body: { displayName, color },
		itemIndex: i,
		...categoryPermission(this, i, 'write', 'create categories'),
	});
	return categoryOutput(created);
}
