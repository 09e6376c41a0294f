import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { getMailboxRoot, updateDisplayOptions } from '../../../shared/descriptions';
import { GraphTransport } from '../../../shared/graph/client';
import { segment } from '../../../shared/graph/request';
import { getMessageId, messageLocator } from '../../descriptions/locators';
import { BODY_AS_TEXT, outputProperties, readOutput } from '../../descriptions/output';
import {
	downloadAttachmentOptions,
	messagesWithAttachments,
} from '../../helpers/attachmentDownload';
import { mailPermission } from '../../helpers/permissions';
import type { OperationDeclaration } from '../../../shared/declarations';

const properties: INodeProperties[] = [
	messageLocator(),
	...outputProperties,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			...downloadAttachmentOptions,
			{
				displayName: 'Body as Text',
				name: 'bodyAsText',
				type: 'boolean',
				default: false,
				description: 'Whether to have Microsoft Graph convert an HTML body to plain text',
			},
		],
	},
];

export const declaration: OperationDeclaration = { does: 'read' };

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['get'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	i: number,
): Promise<IDataObject | INodeExecutionData[]> {
	const root = getMailboxRoot(this, i);
	const messageId = getMessageId(this, i);
	const options = this.getNodeParameter('options', i, {}) as IDataObject;
	const output = readOutput(this, i, true);
	const transport = await GraphTransport.create(this, i);
	const message = await transport.request<IDataObject>({
		method: 'GET',
		path: `${root}/messages/${segment(messageId)}`,
		query: { $select: output.select },
		prefer: options.bodyAsText ? [BODY_AS_TEXT] : undefined,
		itemIndex: i,
		...mailPermission(this, i, 'read', 'read mail'),
	});
	if (!options.downloadAttachments) return output.shape(message);
	return (await messagesWithAttachments(
		this,
		transport,
		i,
		[message],
		output.shape,
		options,
		true,
	)) as INodeExecutionData[];
}
