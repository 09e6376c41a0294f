/**
 * The fields of a message being written, shared by Message → Send, Draft → Create and
 * Draft → Update (recipients, subject, body, options, attachments from binary properties).
 */
import type { INodeProperties } from 'n8n-workflow';
import { categoriesField } from '../../shared/categories';
import { importanceField } from '../../shared/descriptions';
import { fromField } from '../helpers/from';
import { inlineImagesField } from '../helpers/inlineImages';

// n8n renders descriptions as HTML: a literal <bob@contoso.com> would vanish as an unknown tag.
const recipientsHint =
	'Comma-separated addresses, e.g. alice@contoso.com, Bob &lt;bob@contoso.com&gt;';

export const toField = (required: boolean): INodeProperties => ({
	displayName: 'To',
	name: 'toRecipients',
	type: 'string',
	default: '',
	required,
	placeholder: 'e.g. alice@contoso.com, Bob <bob@contoso.com>',
	description: recipientsHint,
});

export const subjectField: INodeProperties = {
	displayName: 'Subject',
	name: 'subject',
	type: 'string',
	default: '',
	placeholder: 'e.g. Quarterly report',
};

export const bodyContentTypeField: INodeProperties = {
	displayName: 'Body Format',
	name: 'bodyContentType',
	type: 'options',
	options: [
		{ name: 'Text', value: 'text' },
		{ name: 'HTML', value: 'html' },
	],
	default: 'text',
};

export const bodyField: INodeProperties = {
	displayName: 'Body',
	name: 'bodyContent',
	type: 'string',
	typeOptions: { rows: 5 },
	default: '',
};

export const recipientOptions: INodeProperties[] = [
	{
		displayName: 'CC',
		name: 'ccRecipients',
		type: 'string',
		default: '',
		description: recipientsHint,
	},
	{
		displayName: 'BCC',
		name: 'bccRecipients',
		type: 'string',
		default: '',
		description: recipientsHint,
	},
];

export const attachmentsField: INodeProperties = {
	// Short enough for the Options list, which cuts longer labels ("Attachments (Binary Pr…").
	displayName: 'Binary Attachments',
	name: 'attachments',
	type: 'string',
	// n8n's convention for the binary property a node reads (the Read/Write Files node writes `data`).
	default: 'data',
	placeholder: 'e.g. data, invoice',
	description:
		'Names of the input binary properties to attach, comma-separated. Files up to 150 MB; large ones are uploaded in pieces.',
};

/** Message options other than recipients: used inside the Options / Update Fields collections. */
export const messageOptions: INodeProperties[] = [
	attachmentsField,
	...recipientOptions,
	categoriesField(),
	importanceField,
	fromField,
	inlineImagesField,
	{
		displayName: 'Reply To',
		name: 'replyTo',
		type: 'string',
		default: '',
		description: `Where replies should go. ${recipientsHint}`,
	},
	{
		displayName: 'Request Read Receipt',
		name: 'isReadReceiptRequested',
		type: 'boolean',
		default: false,
		description: 'Whether to ask recipients for a read receipt',
	},
	{
		displayName: 'Request Delivery Receipt',
		name: 'isDeliveryReceiptRequested',
		type: 'boolean',
		default: false,
		description: 'Whether to ask for a delivery receipt',
	},
];

export const internetHeadersField: INodeProperties = {
	displayName: 'Internet Headers',
	name: 'internetMessageHeaders',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	placeholder: 'Add Header',
	default: {},
	description: 'Custom headers; names must start with x- (Microsoft Graph accepts no others)',
	options: [
		{
			displayName: 'Header',
			name: 'headers',
			values: [
				{
					displayName: 'Name',
					name: 'name',
					type: 'string',
					default: '',
					placeholder: 'e.g. x-campaign-id',
				},
				{ displayName: 'Value', name: 'value', type: 'string', default: '' },
			],
		},
	],
};

export const saveToSentItemsField: INodeProperties = {
	displayName: 'Save to Sent Items',
	name: 'saveToSentItems',
	type: 'boolean',
	default: true,
	description:
		'Whether to keep a copy in Sent Items. A message with attachments too large to send in one request is sent from a draft and always kept.',
};

/** The fields of Send and Draft → Create: To, Subject, Body Format, Body, then an Options collection. */
export function composeFields(options: { toRequired: boolean; send: boolean }): INodeProperties[] {
	const extra = [
		...messageOptions,
		internetHeadersField,
		...(options.send ? [saveToSentItemsField] : []),
	];
	return [
		toField(options.toRequired),
		options.send ? { ...subjectField, required: true } : subjectField,
		bodyContentTypeField,
		bodyField,
		{
			displayName: 'Options',
			name: 'additionalFields',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: extra.sort((a, b) => a.displayName.localeCompare(b.displayName)),
		},
	];
}
