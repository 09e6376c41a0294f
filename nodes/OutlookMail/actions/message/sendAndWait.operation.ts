/**
 * Message → Send and Wait for a Response: mails the recipients a message with approve / decline
 * buttons (or a link to a form), then puts the execution to wait until someone answers through
 * n8n's resume URL or the wait limit passes. The contract with n8n is in helpers/sendAndWait.ts.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { SEND_AND_WAIT_OPERATION } from 'n8n-workflow';

import { getMailboxRoot, updateDisplayOptions } from '../../../shared/descriptions';
import { GraphTransport } from '../../../shared/graph/client';
import { buildMessage, requireRecipient } from '../../helpers/compose';
import { mailPermission } from '../../helpers/permissions';
import {
	responseButtons,
	sendAndWaitHtml,
	sendAndWaitProperties,
	waitTill,
} from '../../helpers/sendAndWait';
import { sentItemsCheck, stampSendId } from '../../helpers/sending';
import type { OperationDeclaration } from '../../../shared/declarations';

export const option = {
	name: 'Send and Wait for Response',
	value: SEND_AND_WAIT_OPERATION,
	description: 'Send a message and wait for the recipient to approve, decline or answer',
	action: 'Send a message and wait for response',
};

const properties: INodeProperties[] = sendAndWaitProperties([
	{
		displayName: 'To',
		name: 'toRecipients',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. approver@contoso.com',
		description:
			'Who answers: one address, or several separated by commas (the first answer counts)',
	},
]);

export const declaration: OperationDeclaration = {
	does: 'send',
	reaches: [{ field: 'toRecipients', label: 'To' }],
};

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: [SEND_AND_WAIT_OPERATION] } },
	properties,
);

/**
 * One mail per execution, from the first item's fields (as n8n's built-in send-and-wait nodes:
 * one execution waits for one answer). Every input item passes through; when the execution
 * resumes, the answer becomes the node's output.
 */
export async function executeAll(
	this: IExecuteFunctions,
	itemIndexes: number[],
): Promise<INodeExecutionData[][]> {
	const i = 0;
	const root = getMailboxRoot(this, i);
	const until = waitTill(this);
	const buttons = responseButtons(this);
	const message = buildMessage(this, i, {
		toRecipients: this.getNodeParameter('toRecipients', i, '') as string,
		subject: this.getNodeParameter('subject', i, '') as string,
		bodyContentType: 'html',
		bodyContent: sendAndWaitHtml(this, buttons),
	});
	requireRecipient(this, i, message);
	const transport = await GraphTransport.create(this, i);
	// Sent once: an ambiguous failure looks in Sent Items for this send ID before trying again.
	const sends = sentItemsCheck(this, transport, i, root, stampSendId(message));
	await transport.request({
		method: 'POST',
		path: `${root}/sendMail`,
		body: { message, saveToSentItems: true },
		itemIndex: i,
		sends,
		...mailPermission(this, i, 'send', 'send mail'),
	});
	await this.putExecutionToWait(until);
	const items = this.getInputData();
	return itemIndexes.map((index) => [items[index]]);
}
