import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { getMailboxRoot, updateDisplayOptions } from '../../../shared/descriptions';
import { GraphTransport } from '../../../shared/graph/client';
import { segment } from '../../../shared/graph/request';
import { attachBinaryProperties, readBinaryAttachments } from '../../../shared/graph/upload';
import { getMessageId, messageLocator } from '../../descriptions/locators';
import { mailPermission } from '../../helpers/permissions';
import type { OperationDeclaration } from '../../../shared/declarations';

const properties: INodeProperties[] = [
	messageLocator({ description: 'The message or draft to add the files to' }),
	{
		displayName: 'Input Binary Fields',
		name: 'binaryPropertyName',
		type: 'string',
		required: true,
		default: 'data',
		placeholder: 'e.g. data, invoice',
		hint: 'The names of the input binary fields holding the files, separated by commas',
		description:
			'Files under 3 MB are added in one request; larger ones (up to 150 MB) are uploaded in chunks',
	},
];

export const declaration: OperationDeclaration = { does: 'change' };

export const description = updateDisplayOptions(
	{ show: { resource: ['attachment'], operation: ['add'] } },
	properties,
);

/**
 * Adds files from the item's binary fields to a message or draft: each file under 3 MB with one
 * POST, larger ones through an upload session. Every file is checked before the first request.
 * https://learn.microsoft.com/graph/outlook-large-attachments
 */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const messageId = getMessageId(this, i);
	const names = String(this.getNodeParameter('binaryPropertyName', i, '') ?? '')
		.split(',')
		.map((name) => name.trim())
		.filter((name) => name !== '');
	if (!names.length) {
		throw new NodeOperationError(this.getNode(), 'The field Input Binary Fields is empty', {
			itemIndex: i,
			description: 'Enter the binary field names, e.g. data.',
		});
	}
	const root = getMailboxRoot(this, i);
	const attachments = await readBinaryAttachments(this, i, names, {
		fieldName: 'Input Binary Fields',
	});
	const transport = await GraphTransport.create(this, i);
	const attached = await attachBinaryProperties(this, transport, {
		itemIndex: i,
		messagePath: `${root}/messages/${segment(messageId)}`,
		attachments,
		permission: mailPermission(this, i, 'write', 'add attachments').permission,
	});
	return attached.map((file) => ({ messageId, ...file }));
}
