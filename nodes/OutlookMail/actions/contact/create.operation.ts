import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { getMailboxRoot, updateDisplayOptions } from '../../../shared/descriptions';
import type { OperationDeclaration } from '../../../shared/declarations';
import { GraphTransport } from '../../../shared/graph/client';
import {
	CONTACT_FOLDER_NOT_FOUND,
	contactFolderLocator,
	contactFolderPath,
	contactsPermission,
	getContactFolderId,
} from '../contactFolder/shared';
import {
	buildContactBody,
	contactOptionalFields,
	emailAddressesField,
	givenNameField,
	simplifyContact,
	surnameField,
} from './shared';

const properties: INodeProperties[] = [
	givenNameField,
	surnameField,
	emailAddressesField,
	contactFolderLocator({
		required: false,
		description: 'The contact folder to create the contact in; leave empty for Contacts',
	}),
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: contactOptionalFields,
	},
];

/** A contact is an entry of the mailbox's address book: creating one mails nobody. */
export const declaration: OperationDeclaration = { does: 'change' };

export const description = updateDisplayOptions(
	{ show: { resource: ['contact'], operation: ['create'] } },
	properties,
);

/** https://learn.microsoft.com/graph/api/user-post-contacts, /graph/api/contactfolder-post-contacts */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const fields: IDataObject = {
		...(this.getNodeParameter('additionalFields', i, {}) as IDataObject),
	};
	for (const name of ['givenName', 'surname', 'emailAddresses']) {
		const value = this.getNodeParameter(name, i, '');
		if (value !== '' && value !== undefined && value !== null) fields[name] = value;
	}
	const body = buildContactBody(this, i, fields);
	const named = ['givenName', 'surname', 'displayName', 'companyName'].some((key) => body[key]);
	if (!named && !(body.emailAddresses as IDataObject[] | undefined)?.length) {
		throw new NodeOperationError(this.getNode(), 'The contact has no name and no email address', {
			itemIndex: i,
			description:
				'Fill in First Name, Last Name or Email Addresses (or Display Name or Company Name under Additional Fields).',
		});
	}
	const folderId = getContactFolderId(this, i, { optional: true });
	const root = getMailboxRoot(this, i);
	const transport = await GraphTransport.create(this, i);
	const created = await transport.request<IDataObject>({
		method: 'POST',
		path: folderId ? `${contactFolderPath(root, folderId)}/contacts` : `${root}/contacts`,
		body,
		itemIndex: i,
		notFound: CONTACT_FOLDER_NOT_FOUND,
		...contactsPermission(this, i, 'write', 'create contacts'),
	});
	return simplifyContact(created);
}
