import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getMailboxRoot, updateDisplayOptions } from '../../../shared/descriptions';
import { GraphTransport } from '../../../shared/graph/client';
import { segment } from '../../../shared/graph/request';
import { getMessageId, messageLocator } from '../../descriptions/locators';
import { mailPermission } from '../../helpers/permissions';
import type { OperationDeclaration } from '../../../shared/declarations';

const properties: INodeProperties[] = [
	messageLocator(),
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the output binary field to put the .eml file in',
	},
	{
		displayName: 'File Name',
		name: 'fileName',
		type: 'string',
		default: '',
		placeholder: 'e.g. message.eml',
		description: 'Name of the output file; by default the message ID with .eml',
	},
];

export const declaration: OperationDeclaration = { does: 'read' };

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['getMime'] } },
	properties,
);

/** The RFC 822 (MIME) source: `GET .../messages/{id}/$value`. https://learn.microsoft.com/graph/outlook-get-mime-message */
export async function execute(this: IExecuteFunctions, i: number): Promise<INodeExecutionData[]> {
	const root = getMailboxRoot(this, i);
	const messageId = getMessageId(this, i);
	const binaryPropertyName =
		(this.getNodeParameter('binaryPropertyName', i, 'data') as string).trim() || 'data';
	const fileName =
		(this.getNodeParameter('fileName', i, '') as string).trim() || `${messageId.slice(-40)}.eml`;
	const transport = await GraphTransport.create(this, i);
	const mime = await transport.request<Buffer>({
		method: 'GET',
		path: `${root}/messages/${segment(messageId)}/$value`,
		responseType: 'buffer',
		itemIndex: i,
		...mailPermission(this, i, 'read', 'read mail'),
	});
	const binary = await this.helpers.prepareBinaryData(mime, fileName, 'message/rfc822');
	return [
		{
			json: { id: messageId, fileName, size: mime.length },
			binary: { [binaryPropertyName]: binary },
		},
	];
}
