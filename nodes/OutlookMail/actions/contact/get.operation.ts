import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { getMailboxRoot, updateDisplayOptions } from '../../../shared/descriptions';
import type { OperationDeclaration } from '../../../shared/declarations';
import { GraphTransport } from '../../../shared/graph/client';
import { contactsPermission } from '../contactFolder/shared';
import {
	CONTACT_NOT_FOUND,
	contactLocator,
	contactOutputProperties,
	contactPath,
	getContactId,
	readContactOutput,
} from './shared';

const properties: INodeProperties[] = [contactLocator(), ...contactOutputProperties];

export const declaration: OperationDeclaration = { does: 'read' };

export const description = updateDisplayOptions(
	{ show: { resource: ['contact'], operation: ['get'] } },
	properties,
);

/** https://learn.microsoft.com/graph/api/contact-get */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const contactId = getContactId(this, i);
	const output = readContactOutput(this, i);
	const root = getMailboxRoot(this, i);
	const transport = await GraphTransport.create(this, i);
	const contact = await transport.request<IDataObject>({
		method: 'GET',
		path: contactPath(root, contactId),
		query: output.select ? { $select: output.select } : undefined,
		itemIndex: i,
		notFound: CONTACT_NOT_FOUND,
		...contactsPermission(this, i, 'read', 'read contacts'),
	});
	return output.shape(contact);
}
