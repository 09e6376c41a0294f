import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { getMailboxRoot, updateDisplayOptions } from '../../../shared/descriptions';
import { GraphTransport } from '../../../shared/graph/client';
import { getMessageId, messageLocator } from '../../descriptions/locators';
import { downloadAttachment, getAttachmentMetadata } from '../../helpers/attachmentDownload';
import { attachmentMetadata, getAttachmentId } from './shared';
import type { OperationDeclaration } from '../../../shared/declarations';

const properties: INodeProperties[] = [
	messageLocator(),
	{
		displayName: 'Attachment ID',
		name: 'attachmentId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. AAMkAGI2TG93AAABEgAQAEh…',
		description: 'The ID of the attachment, from Attachment → Get Many',
	},
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		required: true,
		default: 'data',
		hint: 'The name of the output binary field to put the file in',
	},
];

export const declaration: OperationDeclaration = { does: 'read' };

export const description = updateDisplayOptions(
	{ show: { resource: ['attachment'], operation: ['download'] } },
	properties,
);

/**
 * Downloads an attachment into a binary field, streamed from `/$value` (an attached email or event
 * as its MIME; a file falls back to the JSON `contentBytes`): helpers/attachmentDownload.ts.
 * https://learn.microsoft.com/graph/api/attachment-get
 */
export async function execute(this: IExecuteFunctions, i: number): Promise<INodeExecutionData> {
	const messageId = getMessageId(this, i);
	const attachmentId = getAttachmentId(this, i);
	const binaryPropertyName = String(
		this.getNodeParameter('binaryPropertyName', i, 'data') ?? '',
	).trim();
	if (!binaryPropertyName) {
		throw new NodeOperationError(this.getNode(), 'The field Put Output File in Field is empty', {
			itemIndex: i,
			description: 'Enter a binary field name such as data.',
		});
	}
	const source = {
		ctx: this,
		transport: await GraphTransport.create(this, i),
		root: getMailboxRoot(this, i),
		messageId,
		itemIndex: i,
	};
	const attachment = await getAttachmentMetadata(source, attachmentId);
	const binary = await downloadAttachment(source, attachment);
	return {
		json: { messageId, ...attachmentMetadata(attachment) },
		binary: { [binaryPropertyName]: binary },
	};
}
