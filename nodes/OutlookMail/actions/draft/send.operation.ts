import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { getMailboxRoot, updateDisplayOptions } from '../../../shared/descriptions';
import { GraphTransport } from '../../../shared/graph/client';
import { segment } from '../../../shared/graph/request';
import { draftLocator, getMessageId } from '../../descriptions/locators';
import { mailPermission } from '../../helpers/permissions';
import { draftSentCheck, withSendCheck } from '../../helpers/sending';
import type { OperationDeclaration } from '../../../shared/declarations';

const properties: INodeProperties[] = [draftLocator({ description: 'The draft to send' })];

export const declaration: OperationDeclaration = {
	does: 'send',
	reaches: [{ implicit: 'draftRecipients' }],
};

export const description = updateDisplayOptions(
	{ show: { resource: ['draft'], operation: ['send'] } },
	properties,
);

/** `POST .../messages/{id}/send` (202, no body); the sent message lands in Sent Items. https://learn.microsoft.com/graph/api/message-send */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const root = getMailboxRoot(this, i);
	const draftId = getMessageId(this, i, 'messageId', 'Draft');
	const transport = await GraphTransport.create(this, i);
	const messagePath = `${root}/messages/${segment(draftId)}`;
	const sends = draftSentCheck(transport, i, messagePath);
	await transport.request({
		method: 'POST',
		path: `${messagePath}/send`,
		itemIndex: i,
		sends,
		...mailPermission(this, i, 'send', 'send mail'),
	});
	return withSendCheck({ id: draftId, sent: true }, sends);
}
