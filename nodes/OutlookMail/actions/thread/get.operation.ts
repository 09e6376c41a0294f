import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { getMailboxRoot, updateDisplayOptions } from '../../../shared/descriptions';
import { GraphTransport } from '../../../shared/graph/client';
import { graphCollect } from '../../../shared/graph/paging';
import { odataString, segment } from '../../../shared/graph/request';
import { getMessageId, messageLocator } from '../../descriptions/locators';
import { FULL_MESSAGE_PAGE_SIZE } from '../../descriptions/output';
import { mailPermission } from '../../helpers/permissions';
import { inThreadOrder, threadMessage, transcript } from '../../helpers/thread';
import type { OperationDeclaration } from '../../../shared/declarations';

/** The fields each message of a thread is read with (uniqueBody only comes when selected). */
const THREAD_FIELDS = [
	'id',
	'conversationId',
	'subject',
	'from',
	'toRecipients',
	'ccRecipients',
	'sentDateTime',
	'receivedDateTime',
	'isDraft',
	'hasAttachments',
	'webLink',
	'uniqueBody',
];

/** A safety cap on messages read per thread (a model's context is finite too); the output says when it cut. */
const DEFAULT_MAX_MESSAGES = 200;

const properties: INodeProperties[] = [
	{
		displayName: 'Find Thread By',
		name: 'threadBy',
		type: 'options',
		options: [
			{ name: 'A Message in It', value: 'message' },
			{ name: 'Conversation ID', value: 'conversationId' },
		],
		default: 'message',
	},
	messageLocator({
		description: 'Any message of the thread',
		displayOptions: { show: { threadBy: ['message'] } },
	}),
	{
		displayName: 'Conversation ID',
		name: 'conversationId',
		type: 'string',
		default: '',
		required: true,
		displayOptions: { show: { threadBy: ['conversationId'] } },
		description: "The message's conversationId, as Get and Get Many output it",
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Include Drafts',
				name: 'includeDrafts',
				type: 'boolean',
				default: false,
				description: 'Whether unsent drafts in the thread are part of it',
			},
			{
				displayName: 'Include HTML',
				name: 'includeHtml',
				type: 'boolean',
				default: false,
				description: "Whether each message also carries its unique body's HTML",
			},
			{
				displayName: 'Max Messages',
				name: 'maxMessages',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_MAX_MESSAGES,
				description:
					'At most this many messages are read; a longer thread is cut (output truncated: true)',
			},
		],
	},
];

export const declaration: OperationDeclaration = { does: 'read' };

export const description = updateDisplayOptions(
	{ show: { resource: ['thread'], operation: ['get'] } },
	properties,
);

/**
 * `GET {mailbox}/messages?$filter=conversationId eq '…'` across all folders (Inbox, Sent Items,
 * archive), sorted here: Graph refuses `$orderby` together with this filter ("The restriction or
 * sort order is too complex for this operation").
 * https://learn.microsoft.com/graph/api/user-list-messages
 */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const root = getMailboxRoot(this, i);
	const options = this.getNodeParameter('options', i, {}) as IDataObject;
	const transport = await GraphTransport.create(this, i);
	const permission = mailPermission(this, i, 'read', 'read the thread');
	let conversationId: string;
	if (this.getNodeParameter('threadBy', i, 'message') === 'message') {
		const messageId = getMessageId(this, i);
		const message = await transport.request<IDataObject>({
			method: 'GET',
			path: `${root}/messages/${segment(messageId)}`,
			query: { $select: 'conversationId,subject' },
			itemIndex: i,
			...permission,
		});
		conversationId = String(message.conversationId ?? '').trim();
		if (!conversationId) {
			// The user picked a message; Graph gave it no conversation: say that, not a field they never saw.
			const subject = String(message.subject ?? '').trim();
			throw new NodeOperationError(
				this.getNode(),
				`The message in the field Message${subject ? ` ("${subject}")` : ''} belongs to no conversation: Microsoft Graph returned no conversationId for it`,
				{
					itemIndex: i,
					description:
						'Pick another message of the thread, or set Find Thread By to "Conversation ID" and enter the conversationId that Message → Get outputs for a message of the thread.',
				},
			);
		}
	} else {
		conversationId = String(this.getNodeParameter('conversationId', i, '')).trim();
		if (!conversationId) {
			throw new NodeOperationError(this.getNode(), 'The field Conversation ID is empty', {
				itemIndex: i,
				description:
					'Enter a conversationId (Message → Get outputs it), or find the thread by a message.',
			});
		}
	}
	const max = Number(options.maxMessages ?? DEFAULT_MAX_MESSAGES);
	const includeDrafts = options.includeDrafts === true;
	const all = await graphCollect(
		transport,
		{
			method: 'GET',
			path: `${root}/messages`,
			query: {
				$filter: `conversationId eq ${odataString(conversationId)}`,
				$select: THREAD_FIELDS.join(','),
			},
			itemIndex: i,
			...permission,
		},
		// One more than the cap tells whether the thread was cut. Drafts left out are left out while
		// paging, so they neither use up Max Messages nor make the thread look cut.
		{
			returnAll: false,
			limit: max + 1,
			keep: includeDrafts ? undefined : (m) => m.isDraft !== true,
			// Each message comes with its uniqueBody: pages stay as small as Get Many's with bodies
			// ("hundreds of messages each with a full response payload may trigger the gateway
			// timeout (HTTP 504)", https://learn.microsoft.com/graph/api/user-list-messages).
			maxPageSize: FULL_MESSAGE_PAGE_SIZE,
			smallerOnTimeout: true,
		},
	);
	const truncated = all.length > max;
	const messages = inThreadOrder(all.slice(0, max)).map((m) =>
		threadMessage(m, options.includeHtml === true),
	);
	const first = messages[0];
	return {
		conversationId,
		subject: first ? String(first.subject).replace(/^((re|fw|fwd|aw|wg|sv|vs)\s*:\s*)+/i, '') : '',
		messageCount: messages.length,
		truncated,
		participants: [
			...new Set(
				messages.flatMap((m) => [m.from as string, ...(m.to as string[]), ...(m.cc as string[])]),
			),
		].filter(Boolean),
		text: transcript(messages),
		messages,
	};
}
