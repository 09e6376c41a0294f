import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { getMailboxRoot, updateDisplayOptions } from '../../../shared/descriptions';
import { GraphTransport } from '../../../shared/graph/client';
import { composeFields } from '../../descriptions/compose';
import { prepareMessageFiles } from '../../helpers/inlineImages';
import { buildMessage, messageFiles, requireRecipient } from '../../helpers/compose';
import { mailPermission } from '../../helpers/permissions';
import {
	attachAndSendDraft,
	sentItemsCheck,
	stampSendId,
	withSendCheck,
} from '../../helpers/sending';
import type { OperationDeclaration } from '../../../shared/declarations';

const properties: INodeProperties[] = composeFields({ toRequired: true, send: true });

export const declaration: OperationDeclaration = {
	does: 'send',
	reaches: [
		{ field: 'toRecipients', label: 'To' },
		{ field: 'additionalFields.ccRecipients', label: 'CC' },
		{ field: 'additionalFields.bccRecipients', label: 'BCC' },
		{ field: 'additionalFields.replyTo', label: 'Reply To', role: 'replyTo' },
	],
	from: ['additionalFields.from'],
	asDraft: { resource: 'draft', operation: 'create' },
};

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['send'] } },
	properties,
);

/** The flat field record of Send and Draft → Create: top-level fields plus the Options collection. */
export function composeInput(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	const options = ctx.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	const fields: IDataObject = {
		...options,
		toRecipients: ctx.getNodeParameter('toRecipients', itemIndex, '') as string,
		subject: ctx.getNodeParameter('subject', itemIndex, '') as string,
		bodyContentType: ctx.getNodeParameter('bodyContentType', itemIndex, 'text') as string,
		bodyContent: ctx.getNodeParameter('bodyContent', itemIndex, '') as string,
	};
	return fields;
}

/** Summary of what was sent (sendMail answers 202 with no body). */
function sentSummary(message: IDataObject, attachments: IDataObject[]): IDataObject {
	const list = (key: string) =>
		((message[key] as Array<{ emailAddress: { address: string } }> | undefined) ?? []).map(
			(r) => r.emailAddress.address,
		);
	return {
		sent: true,
		subject: message.subject ?? '',
		to: list('toRecipients'),
		cc: list('ccRecipients'),
		bcc: list('bccRecipients'),
		attachments: attachments.map((a) => a.name),
	};
}

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const fields = composeInput(this, i);
	const root = getMailboxRoot(this, i);
	const message = buildMessage(this, i, fields);
	requireRecipient(this, i, message);
	const { files, inline } = await prepareMessageFiles(this, i, messageFiles(fields, message));
	const saveToSentItems = fields.saveToSentItems !== false;
	const transport = await GraphTransport.create(this, i);

	if (inline) {
		if (inline.length) message.attachments = inline;
		// A copy kept in Sent Items can be found again by the ID stamped on it; without one, an
		// ambiguous failure is reported, never sent again.
		const sends = saveToSentItems
			? sentItemsCheck(this, transport, i, root, stampSendId(message))
			: {};
		// https://learn.microsoft.com/graph/api/user-sendmail: { message, saveToSentItems }, 202 Accepted.
		await transport.request({
			method: 'POST',
			path: `${root}/sendMail`,
			body: { message, saveToSentItems },
			itemIndex: i,
			sends,
			...mailPermission(this, i, 'send', 'send mail'),
		});
		return withSendCheck(sentSummary(message, inline), sends);
	}

	const draft = await transport.request<IDataObject>({
		method: 'POST',
		path: `${root}/messages`,
		body: message,
		itemIndex: i,
		...mailPermission(this, i, 'write', 'create the draft that carries large attachments'),
	});
	const { attached, sends } = await attachAndSendDraft(
		this,
		transport,
		i,
		root,
		String(draft.id),
		files,
	);
	return withSendCheck({ ...sentSummary(message, attached), id: draft.id }, sends);
}
