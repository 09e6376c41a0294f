/**
 * What the contact operations share: the contact picker and its reader, the fields of a contact
 * being written (as Graph names them) and the body built from them, and the output choice.
 * https://learn.microsoft.com/graph/api/resources/contact
 */
import { DateTime } from 'luxon';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { categoriesField } from '../../../shared/categories';
import { segment } from '../../../shared/graph/request';
import { readGraphId } from '../../../shared/locators';
import {
	CONTACT_PROPERTIES,
	SIMPLE_CONTACT_FIELDS,
	simplifyContact,
} from '../../../shared/simplify/contact';
import { splitList } from '../../helpers/compose';
import { parseRecipients } from '../../helpers/recipients';

export function contactLocator(overrides: Partial<INodeProperties> = {}): INodeProperties {
	return {
		displayName: 'Contact',
		name: 'contactId',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: 'The contact to work on',
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchContacts', searchable: true },
			},
			{ displayName: 'By ID', name: 'id', type: 'string', placeholder: 'e.g. AAMkADh6v5AAA=' },
		],
		...overrides,
	};
}

export function getContactId(ctx: IExecuteFunctions, itemIndex: number): string {
	return readGraphId(ctx, itemIndex, {
		name: 'contactId',
		label: 'Contact',
		kind: 'contact',
		// Outlook on the web's People links carry persona IDs, which are not Graph contact IDs.
		fromUrl: () => undefined,
		emptyHelp: 'Pick a contact from the list, or enter its ID.',
		urlHelp:
			"Outlook on the web's People links do not hold the contact's Graph ID: pick it from the list or enter its ID.",
	});
}

/** One contact, wherever its folder: contact IDs are unique in the mailbox. https://learn.microsoft.com/graph/api/contact-get */
export function contactPath(root: string, contactId: string): string {
	return `${root}/contacts/${segment(contactId)}`;
}

/** A 404 on a contact: what is missing and the fix. */
export const CONTACT_NOT_FOUND =
	'No contact with this ID in the mailbox (it may have been deleted, or it is in another mailbox). Pick the contact from the list, and check the Mailbox field.';

const addressValues: INodeProperties[] = [
	{ displayName: 'Street', name: 'street', type: 'string', default: '' },
	{ displayName: 'City', name: 'city', type: 'string', default: '' },
	{ displayName: 'State', name: 'state', type: 'string', default: '' },
	{ displayName: 'Postal Code', name: 'postalCode', type: 'string', default: '' },
	{ displayName: 'Country/Region', name: 'countryOrRegion', type: 'string', default: '' },
];

function addressField(displayName: string, name: string): INodeProperties {
	return {
		displayName,
		name,
		type: 'fixedCollection',
		placeholder: 'Add Address',
		default: {},
		options: [{ displayName: 'Address', name: 'address', values: addressValues }],
	};
}

const text = (displayName: string, name: string, description?: string): INodeProperties => ({
	displayName,
	name,
	type: 'string',
	default: '',
	...(description ? { description } : {}),
});

/** Properties taken as lists (comma-separated, or an array from an expression). */
const LIST_PROPERTIES = ['businessPhones', 'homePhones', 'imAddresses', 'children'] as const;
const ADDRESS_PROPERTIES = ['businessAddress', 'homeAddress', 'otherAddress'] as const;
const TEXT_PROPERTIES = [
	'givenName',
	'surname',
	'assistantName',
	'businessHomePage',
	'companyName',
	'department',
	'displayName',
	'fileAs',
	'generation',
	'initials',
	'jobTitle',
	'manager',
	'middleName',
	'mobilePhone',
	'nickName',
	'officeLocation',
	'personalNotes',
	'profession',
	'spouseName',
	'title',
	'yomiCompanyName',
	'yomiGivenName',
	'yomiSurname',
] as const;

export const givenNameField = text('First Name', 'givenName');
export const surnameField = text('Last Name', 'surname');
export const emailAddressesField: INodeProperties = {
	displayName: 'Email Addresses',
	name: 'emailAddresses',
	type: 'string',
	default: '',
	placeholder: 'e.g. ana@contoso.com, Ana Ruiz <ana.ruiz@fabrikam.com>',
	description: 'Comma-separated addresses; Outlook shows the first as Email, then Email 2 and 3',
};

/** The optional contact fields, alphabetical as n8n lists collection options. */
export const contactOptionalFields: INodeProperties[] = [
	text('Assistant Name', 'assistantName'),
	{
		displayName: 'Birthday',
		name: 'birthday',
		type: 'dateTime',
		default: '',
		description: 'The date of birth (the time of day is ignored)',
	},
	addressField('Business Address', 'businessAddress'),
	text('Business Home Page', 'businessHomePage'),
	text('Business Phones', 'businessPhones', 'Comma-separated phone numbers'),
	categoriesField(),
	text('Children', 'children', "Comma-separated names of the contact's children"),
	text('Company Name', 'companyName'),
	text('Department', 'department'),
	text(
		'Display Name',
		'displayName',
		'How the contact is shown; Outlook builds it from the names when left empty',
	),
	text('File As', 'fileAs', 'The name the contact is filed under'),
	text('Generation', 'generation', 'E.g. Jr. or III'),
	addressField('Home Address', 'homeAddress'),
	text('Home Phones', 'homePhones', 'Comma-separated phone numbers'),
	text('IM Addresses', 'imAddresses', 'Comma-separated instant messaging addresses'),
	text('Initials', 'initials'),
	text('Job Title', 'jobTitle'),
	text('Manager', 'manager', "The name of the contact's manager"),
	text('Middle Name', 'middleName'),
	text('Mobile Phone', 'mobilePhone'),
	text('Nickname', 'nickName'),
	text('Office Location', 'officeLocation'),
	addressField('Other Address', 'otherAddress'),
	{ ...text('Personal Notes', 'personalNotes'), typeOptions: { rows: 3 } },
	text('Profession', 'profession'),
	text('Spouse Name', 'spouseName'),
	text('Title', 'title', 'E.g. Dr. or Ms.'),
	text('Yomi Company Name', 'yomiCompanyName', 'The phonetic Japanese company name'),
	text('Yomi Given Name', 'yomiGivenName', 'The phonetic Japanese given name'),
	text('Yomi Surname', 'yomiSurname', 'The phonetic Japanese surname'),
];

function fail(ctx: IExecuteFunctions, itemIndex: number, message: string, description?: string) {
	return new NodeOperationError(ctx.getNode(), message, { itemIndex, description });
}

/** `YYYY-MM-DD…` → Graph's birthday (a DateTimeOffset; the date is what Outlook shows). */
function birthday(ctx: IExecuteFunctions, itemIndex: number, value: unknown): string {
	const raw = value instanceof Date ? value.toISOString() : String(value);
	const date = DateTime.fromISO(raw, { setZone: true });
	if (!date.isValid)
		throw fail(
			ctx,
			itemIndex,
			`"${raw}" in the field Birthday is not a date`,
			'Use ISO 8601, e.g. 1990-04-23',
		);
	return `${date.toFormat('yyyy-MM-dd')}T00:00:00Z`;
}

function address(value: unknown): IDataObject | undefined {
	const entry = (value as { address?: IDataObject } | undefined)?.address;
	if (!entry) return undefined;
	const out: IDataObject = {};
	// The address replaces the contact's whole address; parts left empty are left out.
	for (const key of ['street', 'city', 'state', 'postalCode', 'countryOrRegion'])
		if (typeof entry[key] === 'string' && entry[key].trim()) out[key] = entry[key].trim();
	return out;
}

/**
 * The Graph contact body for the fields given (Create: the top fields and Additional Fields;
 * Update: Update Fields). Every value is checked before any request.
 */
export function buildContactBody(
	ctx: IExecuteFunctions,
	itemIndex: number,
	fields: IDataObject,
): IDataObject {
	const body: IDataObject = {};
	for (const key of TEXT_PROPERTIES)
		if (fields[key] !== undefined) body[key] = String(fields[key] ?? '').trim();
	for (const key of LIST_PROPERTIES)
		if (fields[key] !== undefined) body[key] = splitList(fields[key]);
	for (const key of ADDRESS_PROPERTIES) {
		const value = address(fields[key]);
		if (value) body[key] = value;
	}
	if (fields.categories !== undefined) body.categories = splitList(fields.categories);
	if (fields.birthday !== undefined && fields.birthday !== '')
		body.birthday = birthday(ctx, itemIndex, fields.birthday);
	if (fields.emailAddresses !== undefined) {
		body.emailAddresses = parseRecipients(
			ctx,
			itemIndex,
			'Email Addresses',
			fields.emailAddresses,
		).map(({ emailAddress }) => ({
			address: emailAddress.address,
			name: emailAddress.name ?? emailAddress.address,
		}));
	}
	return body;
}

export const contactOutputProperties: INodeProperties[] = [
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		default: 'simple',
		options: [
			{
				name: 'Simplified',
				value: 'simple',
				description: 'Flat fields: names, email, emails, company, phones, addresses, categories',
			},
			{ name: 'Raw', value: 'raw', description: "Microsoft Graph's JSON as returned" },
			{
				name: 'Selected Fields',
				value: 'fields',
				description: 'Only the contact properties you choose',
			},
		],
	},
	{
		displayName: 'Fields',
		name: 'fields',
		type: 'multiOptions',
		default: [],
		displayOptions: { show: { output: ['fields'] } },
		options: CONTACT_PROPERTIES.map((property) => ({ name: property, value: property })),
		description: 'The contact properties to return (the ID is always included)',
	},
];

export interface ContactOutput {
	/** `$select`, or undefined for raw. */
	select?: string;
	shape(contact: IDataObject): IDataObject;
}

export function readContactOutput(ctx: IExecuteFunctions, i: number): ContactOutput {
	const output = ctx.getNodeParameter('output', i, 'simple') as string;
	if (output === 'raw') return { shape: (contact) => contact };
	if (output === 'fields') {
		// A list from an expression may be text too: "companyName, jobTitle".
		const fields = splitList(ctx.getNodeParameter('fields', i, []));
		return {
			select: ['id', ...fields.filter((f) => f !== 'id')].join(','),
			shape: (contact) => contact,
		};
	}
	return { select: SIMPLE_CONTACT_FIELDS.join(','), shape: simplifyContact };
}

export { simplifyContact };
