import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { getMailboxRoot, updateDisplayOptions } from '../../../shared/descriptions';
import { GraphTransport } from '../../../shared/graph/client';
import { segment } from '../../../shared/graph/request';
import { getMessageId, messageLocator } from '../../descriptions/locators';
import { mailPermission } from '../../helpers/permissions';
import { attachmentKind, attachmentMetadata, getAttachmentId } from './shared';

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

export const description = updateDisplayOptions(
	{ show: { resource: ['attachment'], operation: ['download'] } },
	properties,
);

const KIND_EXPLANATION = {
	item: 'an attached Outlook item (an email, event or contact), not a file',
	reference: 'a link to a file in the cloud (OneDrive or SharePoint), not a file',
} as const;

/**
 * Downloads a file attachment into a binary field. The JSON form (`GET .../attachments/{id}`, base64
 * `contentBytes`) is used because `/$value` is not in Microsoft's Graph description.
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
	const root = getMailboxRoot(this, i);
	const transport = await GraphTransport.create(this, i);
	const attachment = await transport.request<IDataObject>({
		method: 'GET',
		path: `${root}/messages/${segment(messageId)}/attachments/${segment(attachmentId)}`,
		itemIndex: i,
		...mailPermission(this, i, 'read', 'download attachments'),
	});
	const kind = attachmentKind(attachment);
	if (kind === 'item' || kind === 'reference' || typeof attachment.contentBytes !== 'string') {
		const what =
			kind === 'item' || kind === 'reference'
				? KIND_EXPLANATION[kind]
				: 'not a file (Graph returned no content)';
		throw new NodeOperationError(
			this.getNode(),
			`The attachment "${String(attachment.name ?? attachmentId)}" is ${what}: there is no file to download`,
			{
				itemIndex: i,
				description:
					kind === 'item'
						? 'Get the attached item with Message → Get and $expand, or forward the message instead.'
						: undefined,
			},
		);
	}
	const fileName = String(attachment.name ?? 'attachment');
	const mimeType =
		typeof attachment.contentType === 'string' && attachment.contentType
			? attachment.contentType
			: 'application/octet-stream';
	const binary = await this.helpers.prepareBinaryData(
		Buffer.from(attachment.contentBytes, 'base64'),
		fileName,
		mimeType,
	);
	return {
		json: { messageId, ...attachmentMetadata(attachment) },
		binary: { [binaryPropertyName]: binary },
	};
}
