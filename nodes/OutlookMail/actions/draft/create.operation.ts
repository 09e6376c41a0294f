import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { getMailboxRoot, updateDisplayOptions } from '../../../shared/descriptions';
import { GraphTransport } from '../../../shared/graph/client';
import { composeFields } from '../../descriptions/compose';
import { finishDraftAttachments } from '../../helpers/attachments';
import { prepareMessageFiles } from '../../helpers/inlineImages';
import { buildMessage, messageFiles } from '../../helpers/compose';
import { mailPermission } from '../../helpers/permissions';
import { simplifyMessage } from '../../helpers/simplify';
import { composeInput } from '../message/send.operation';
import type { OperationDeclaration } from '../../../shared/declarations';

const properties: INodeProperties[] = composeFields({ toRequired: false, send: false });

export const declaration: OperationDeclaration = {
	does: 'draft',
	reaches: [
		{ field: 'toRecipients', label: 'To' },
		{ field: 'additionalFields.ccRecipients', label: 'CC' },
		{ field: 'additionalFields.bccRecipients', label: 'BCC' },
		{ field: 'additionalFields.replyTo', label: 'Reply To', role: 'replyTo' },
	],
	from: ['additionalFields.from'],
};

export const description = updateDisplayOptions(
	{ show: { resource: ['draft'], operation: ['create'] } },
	properties,
);

/**
 * `POST {mailbox}/messages` creates a draft in Drafts. Files that fit go in the same request;
 * otherwise they are added to the new draft afterwards. https://learn.microsoft.com/graph/api/user-post-messages
 */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const fields = composeInput(this, i);
	const root = getMailboxRoot(this, i);
	const message = buildMessage(this, i, fields);
	const prepared = await prepareMessageFiles(this, i, messageFiles(fields, message));
	if (prepared.inline?.length) message.attachments = prepared.inline;
	const transport = await GraphTransport.create(this, i);
	const permission = mailPermission(this, i, 'write', 'create drafts');
	const draft = await transport.request<IDataObject>({
		method: 'POST',
		path: `${root}/messages`,
		body: message,
		itemIndex: i,
		...permission,
	});
	const output = simplifyMessage(draft);
	await finishDraftAttachments(
		this,
		transport,
		{ itemIndex: i, root, draftId: String(draft.id), prepared, permission: permission.permission },
		output,
	);
	return output;
}
