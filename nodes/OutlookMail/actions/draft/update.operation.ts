import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { getMailboxRoot, updateDisplayOptions } from '../../../shared/descriptions';
import { GraphTransport } from '../../../shared/graph/client';
import { segment } from '../../../shared/graph/request';
import { attachBinaryProperties } from '../../../shared/graph/upload';
import {
	bodyContentTypeField,
	bodyField,
	messageOptions,
	subjectField,
	toField,
} from '../../descriptions/compose';
import { draftLocator, getMessageId } from '../../descriptions/locators';
import { buildMessage, messageFiles } from '../../helpers/compose';
import { prepareMessageFiles } from '../../helpers/inlineImages';
import { mailPermission } from '../../helpers/permissions';
import { SIMPLE_FIELDS, simplifyMessage } from '../../helpers/simplify';
import type { OperationDeclaration } from '../../../shared/declarations';

const updateOptions: INodeProperties[] = [
	{
		...messageOptions[0],
		description: 'Binary properties to add to the draft as attachments, comma-separated',
	},
	...messageOptions.slice(1),
	{ ...bodyField, typeOptions: { rows: 5 } },
	bodyContentTypeField,
	subjectField,
	toField(false),
].sort((a, b) => a.displayName.localeCompare(b.displayName));

const properties: INodeProperties[] = [
	draftLocator({ description: 'The draft to update' }),
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: updateOptions,
	},
];

export const declaration: OperationDeclaration = {
	does: 'draft',
	reaches: [
		{ implicit: 'draftRecipients' },
		{ field: 'updateFields.toRecipients', label: 'To' },
		{ field: 'updateFields.ccRecipients', label: 'CC' },
		{ field: 'updateFields.bccRecipients', label: 'BCC' },
		{ field: 'updateFields.replyTo', label: 'Reply To', role: 'replyTo' },
	],
	from: ['updateFields.from'],
};

export const description = updateDisplayOptions(
	{ show: { resource: ['draft'], operation: ['update'] } },
	properties,
);

/** `PATCH .../messages/{id}` with the fields chosen; attachments are added, not replaced. https://learn.microsoft.com/graph/api/message-update */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const root = getMailboxRoot(this, i);
	const draftId = getMessageId(this, i, 'messageId', 'Draft');
	const fields = this.getNodeParameter('updateFields', i, {}) as IDataObject;
	const patch = buildMessage(this, i, fields);
	if (fields.bodyContentType !== undefined && fields.bodyContent === undefined) {
		throw new NodeOperationError(
			this.getNode(),
			'Body Format needs Body: add the field Body as well',
			{ itemIndex: i },
		);
	}
	const { files } = await prepareMessageFiles(this, i, messageFiles(fields, patch));
	if (!Object.keys(patch).length && !files.length) {
		throw new NodeOperationError(
			this.getNode(),
			'No field to update: add one under Update Fields',
			{ itemIndex: i },
		);
	}
	const transport = await GraphTransport.create(this, i);
	const permission = mailPermission(this, i, 'write', 'update drafts');
	const messagePath = `${root}/messages/${segment(draftId)}`;
	let draft: IDataObject = { id: draftId };
	if (Object.keys(patch).length) {
		draft = await transport.request<IDataObject>({
			method: 'PATCH',
			path: messagePath,
			body: patch,
			itemIndex: i,
			...permission,
		});
	}
	let attachments: string[] | undefined;
	if (files.length) {
		const attached = await attachBinaryProperties(this, transport, {
			itemIndex: i,
			messagePath,
			attachments: files,
			permission: permission.permission,
		});
		attachments = attached.map((a) => a.name);
	}
	if (!Object.keys(patch).length) {
		// Only files were added: the output is the draft as it is, not a simplified `{ id }` whose
		// subject, sender and recipients would read as empty.
		draft = await transport.request<IDataObject>({
			method: 'GET',
			path: messagePath,
			query: { $select: SIMPLE_FIELDS.join(',') },
			itemIndex: i,
			...permission,
		});
	}
	const output = simplifyMessage(draft);
	if (attachments) output.attachments = attachments;
	return output;
}
