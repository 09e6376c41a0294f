/** How Get and Get Many return messages: simplified, Graph's raw JSON, or selected fields. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { listValue } from '../../shared/parameters';
import { MAX_PAGE_SIZE } from '../../shared/graph/paging';
import { SIMPLE_FIELDS, simplifyMessage } from '../helpers/simplify';

/** Properties of a Graph message that can be selected. https://learn.microsoft.com/graph/api/resources/message */
export const MESSAGE_PROPERTIES = [
	'bccRecipients',
	'body',
	'bodyPreview',
	'categories',
	'ccRecipients',
	'changeKey',
	'conversationId',
	'conversationIndex',
	'createdDateTime',
	'flag',
	'from',
	'hasAttachments',
	'importance',
	'inferenceClassification',
	'internetMessageHeaders',
	'internetMessageId',
	'isDeliveryReceiptRequested',
	'isDraft',
	'isRead',
	'isReadReceiptRequested',
	'lastModifiedDateTime',
	'parentFolderId',
	'receivedDateTime',
	'replyTo',
	'sender',
	'sentDateTime',
	'subject',
	'toRecipients',
	'uniqueBody',
	'webLink',
] as const;

export const outputProperties: INodeProperties[] = [
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		default: 'simple',
		options: [
			{
				name: 'Simplified',
				value: 'simple',
				description:
					'Flat fields: from, to, subject, received, preview, read, attachments, link, IDs',
			},
			{ name: 'Raw', value: 'raw', description: "Microsoft Graph's JSON as returned" },
			{
				name: 'Selected Fields',
				value: 'fields',
				description: 'Only the message properties you choose',
			},
		],
	},
	{
		displayName: 'Fields',
		name: 'fields',
		type: 'multiOptions',
		default: [],
		displayOptions: { show: { output: ['fields'] } },
		options: MESSAGE_PROPERTIES.map((property) => ({ name: property, value: property })),
		description: 'The message properties to return (the ID is always included)',
	},
];

export interface OutputChoice {
	output: 'simple' | 'raw' | 'fields';
	/** `$select`, or undefined for raw. */
	select?: string;
	shape(message: IDataObject): IDataObject;
}

/**
 * The largest page of messages for what is selected. Without `$select` (Raw) Graph returns each
 * message's body; "returning a page with hundreds of messages each with a full response payload
 * may trigger the gateway timeout (HTTP 504)", https://learn.microsoft.com/graph/api/user-list-messages:
 * pages with bodies stay at 100. Without bodies, Graph's largest page (1,000).
 */
export const FULL_MESSAGE_PAGE_SIZE = 100;

export function messagePageSize(select: string | undefined): number {
	const fields = select?.split(',');
	return !fields || fields.includes('body') || fields.includes('uniqueBody')
		? FULL_MESSAGE_PAGE_SIZE
		: MAX_PAGE_SIZE;
}

export function readOutput(ctx: IExecuteFunctions, i: number, withBody: boolean): OutputChoice {
	const output = ctx.getNodeParameter('output', i, 'simple') as OutputChoice['output'];
	if (output === 'raw') return { output, shape: (message) => message };
	if (output === 'fields') {
		// A list from an expression may be text too: "subject, from".
		const fields = listValue(ctx.getNodeParameter('fields', i, []));
		const select = ['id', ...fields.filter((f) => f !== 'id')].join(',');
		return { output, select, shape: (message) => message };
	}
	const select = [...SIMPLE_FIELDS, ...(withBody ? ['body'] : [])].join(',');
	return { output, select, shape: simplifyMessage };
}

/** `Prefer: outlook.body-content-type="text"` makes Graph convert HTML bodies to text. https://learn.microsoft.com/graph/api/message-get */
export const BODY_AS_TEXT = 'outlook.body-content-type="text"';
