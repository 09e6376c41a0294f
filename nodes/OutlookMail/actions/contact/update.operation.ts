import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { getMailboxRoot, updateDisplayOptions } from '../../../shared/descriptions';
import type { OperationDeclaration } from '../../../shared/declarations';
import { GraphTransport } from '../../../shared/graph/client';
import { contactsPermission } from '../contactFolder/shared';
import {
	buildContactBody,
	CONTACT_NOT_FOUND,
	contactLocator,
	contactOptionalFields,
	contactPath,
	emailAddressesField,
	getContactId,
	givenNameField,
	simplifyContact,
	surnameField,
} from './shared';

const properties: INodeProperties[] = [
	contactLocator(),
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		description:
			'The fields to change; a list field (phones, emails, categories) replaces the whole list, and an empty value clears it',
		options: [emailAddressesField, givenNameField, surnameField, ...contactOptionalFields].sort(
			(a, b) => a.displayName.localeCompare(b.displayName),
		),
	},
];

export const declaration: OperationDeclaration = { does: 'change' };

export const description = updateDisplayOptions(
	{ show: { resource: ['contact'], operation: ['update'] } },
	properties,
);

/** PATCH only the fields given. https://learn.microsoft.com/graph/api/contact-update */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const contactId = getContactId(this, i);
	const body = buildContactBody(
		this,
		i,
		this.getNodeParameter('updateFields', i, {}) as IDataObject,
	);
	if (!Object.keys(body).length) {
		throw new NodeOperationError(
			this.getNode(),
			'No field to update: add one under Update Fields',
			{
				itemIndex: i,
			},
		);
	}
	const root = getMailboxRoot(this, i);
	const transport = await GraphTransport.create(this, i);
	const updated = await transport.request<IDataObject>({
		method: 'PATCH',
		path: contactPath(root, contactId),
		body,
		itemIndex: i,
		notFound: CONTACT_NOT_FOUND,
		...contactsPermission(this, i, 'write', 'update contacts'),
	});
	return simplifyContact(updated);
}
