/**
 * Reply, Reply All and Forward. Without attachments (or with ones that fit in one request) this
 * is one call to the action (`reply`, `replyAll`, `forward`: `{ comment, message?, toRecipients? }`);
 * with large attachments, or a reply with Extra To, CC or BCC (helpers/replyRecipients.ts), it is
 * `createReply`/`createReplyAll`/`createForward` (a draft), its body checked for the comment
 * (helpers/draftComment.ts), the extra recipients added, the files added to it, then `send`.
 * https://learn.microsoft.com/graph/api/message-reply, /message-forward, /message-createforward
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { getMailboxRoot } from '../../shared/descriptions';
import { GraphTransport } from '../../shared/graph/client';
import { segment } from '../../shared/graph/request';
import { attachmentsField, recipientOptions } from '../descriptions/compose';
import { getMessageId, messageLocator } from '../descriptions/locators';
import { RECIPIENT_FIELDS } from './compose';
import { applyFrom, fromField } from './from';
import { inlineImagesField, prepareMessageFiles } from './inlineImages';
import { mailPermission } from './permissions';
import { parseRecipients } from './recipients';
import { readReplyContent, replyContentFields } from './replyContent';
import { addExtraRecipients, hasExtras, type ExtraRecipients } from './replyRecipients';
import { ensureDraftComment } from './draftComment';
import {
	attachAndSendDraft,
	discardDraft,
	sentItemsCheck,
	stampSendId,
	withSendCheck,
} from './sending';

export type RespondKind = 'reply' | 'replyAll' | 'forward';

const CREATE_ACTION: Record<RespondKind, string> = {
	reply: 'createReply',
	replyAll: 'createReplyAll',
	forward: 'createForward',
};

export function respondProperties(kind: RespondKind): INodeProperties[] {
	const properties: INodeProperties[] = [
		messageLocator(),
		...replyContentFields(kind === 'forward'),
	];
	if (kind === 'forward') {
		properties.push({
			displayName: 'To',
			name: 'toRecipients',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. alice@contoso.com, Bob <bob@contoso.com>',
			description: 'Comma-separated addresses to forward the message to',
		});
	}
	properties.push({
		displayName: 'Options',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			attachmentsField,
			...recipientOptions,
			fromField,
			inlineImagesField,
			...(kind === 'forward'
				? []
				: [
						{
							displayName: 'Extra To',
							name: 'toRecipients',
							type: 'string',
							default: '',
							description: 'Additional recipients, comma-separated',
						} as INodeProperties,
					]),
		],
	});
	return properties;
}

export async function respond(
	ctx: IExecuteFunctions,
	i: number,
	kind: RespondKind,
): Promise<IDataObject> {
	const root = getMailboxRoot(ctx, i);
	const messageId = getMessageId(ctx, i);
	const options = ctx.getNodeParameter('additionalFields', i, {}) as IDataObject;

	// A forward's lists are its own; a reply's are added to the ones Exchange works out, on a
	// draft (helpers/replyRecipients.ts).
	const recipients: IDataObject = {};
	const extra: ExtraRecipients = {};
	const to =
		kind === 'forward' ? ctx.getNodeParameter('toRecipients', i, '') : options.toRecipients;
	const toList = parseRecipients(ctx, i, kind === 'forward' ? 'To' : 'Extra To', to);
	if (kind !== 'forward' && toList.length) extra.toRecipients = toList;
	for (const key of ['ccRecipients', 'bccRecipients'] as const) {
		const list = parseRecipients(ctx, i, RECIPIENT_FIELDS[key], options[key]);
		if (!list.length) continue;
		if (kind === 'forward') recipients[key] = list;
		else extra[key] = list;
	}
	if (kind === 'forward' && !toList.length) {
		// Graph answers 400 for a forward without recipients; say so first, naming the field.
		throw new NodeOperationError(ctx.getNode(), 'The field To is empty', {
			itemIndex: i,
			description: 'Forward needs at least one recipient.',
		});
	}
	const content = readReplyContent(ctx, i, options.inlineImages);
	const { files, inline } = await prepareMessageFiles(ctx, i, {
		attachments: options.attachments,
		inlineImages: options.inlineImages,
		html: content.html,
		alongside: [recipients, toList, content.body ?? content.comment],
	});

	const message: IDataObject = { ...recipients };
	applyFrom(ctx, i, message, options.from);
	if (content.body) message.body = content.body;
	const body: IDataObject = content.body ? {} : { comment: content.comment };
	if (kind === 'forward') body.toRecipients = toList;
	if (Object.keys(message).length) body.message = message;

	const transport = await GraphTransport.create(ctx, i);
	const messagePath = `${root}/messages/${segment(messageId)}`;
	const action = kind === 'forward' ? 'forward mail' : 'reply to mail';
	if (inline && !hasExtras(extra)) {
		// The reply or forward carries a send ID, so an ambiguous failure is checked in Sent Items.
		if (inline.length) message.attachments = inline;
		body.message = message;
		const sends = sentItemsCheck(ctx, transport, i, root, stampSendId(message));
		await transport.request({
			method: 'POST',
			path: `${messagePath}/${kind}`,
			body,
			itemIndex: i,
			sends,
			...mailPermission(ctx, i, 'send', action),
		});
		return withSendCheck(
			{ sent: true, action: kind, messageId, attachments: inline.map((a) => a.name) },
			sends,
		);
	}
	const draft = await transport.request<IDataObject>({
		method: 'POST',
		path: `${messagePath}/${CREATE_ACTION[kind]}`,
		body,
		itemIndex: i,
		...mailPermission(
			ctx,
			i,
			'write',
			hasExtras(extra)
				? `create the ${kind} draft that takes the extra recipients`
				: `create the ${kind} draft that carries large attachments`,
		),
	});
	// The comment may not reach the draft's body (known issue): checked, written if missing, and
	// the draft is deleted unsent when it cannot be; so is one the extra recipients cannot reach.
	const draftPath = `${root}/messages/${segment(String(draft.id))}`;
	const permission = mailPermission(ctx, i, 'write', '').permission;
	try {
		await ensureDraftComment(ctx, transport, {
			itemIndex: i,
			messagePath: draftPath,
			draft,
			comment: body.comment as string | undefined,
			permission,
		});
		await addExtraRecipients(transport, { itemIndex: i, draftPath, draft, extra, permission });
	} catch (error) {
		await discardDraft(transport, i, draftPath);
		// The transport's NodeApiError or ensureDraftComment's NodeOperationError.
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
		throw error;
	}
	const { attached, sends } = await attachAndSendDraft(
		ctx,
		transport,
		i,
		root,
		String(draft.id),
		files,
	);
	return withSendCheck(
		{
			sent: true,
			action: kind,
			messageId,
			id: draft.id,
			attachments: attached.map((a) => a.name),
		},
		sends,
	);
}
