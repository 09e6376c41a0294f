import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { getMailboxRoot, updateDisplayOptions } from '../../../shared/descriptions';
import type { OperationDeclaration } from '../../../shared/declarations';
import { GraphTransport } from '../../../shared/graph/client';
import { contactsPermission } from '../contactFolder/shared';
import { CONTACT_NOT_FOUND, contactLocator, contactPath, getContactId } from './shared';

const properties: INodeProperties[] = [
	contactLocator({ description: 'The contact to delete (it goes to Deleted Items)' }),
];

export const declaration: OperationDeclaration = { does: 'change' };

export const description = updateDisplayOptions(
	{ show: { resource: ['contact'], operation: ['delete'] } },
	properties,
);

/** https://learn.microsoft.com/graph/api/contact-delete (204 No Content) */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const contactId = getContactId(this, i);
	const root = getMailboxRoot(this, i);
	const transport = await GraphTransport.create(this, i);
	await transport.request({
		method: 'DELETE',
		path: contactPath(root, contactId),
		itemIndex: i,
		notFound: CONTACT_NOT_FOUND,
		...contactsPermission(this, i, 'write', 'delete contacts'),
	});
	return { id: contactId, deleted: true };
}
