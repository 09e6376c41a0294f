/**
 * Draft → Create Reply, Create Reply All, Create Forward: Graph's `createReply`, `createReplyAll`
 * and `createForward` make a draft in Drafts that belongs to the original's conversation (Graph
 * sets In-Reply-To, References, the subject prefix and the quoted original), so the thread stays
 * intact. Nothing is sent: the output carries the draft's ID and its Outlook on the web link
 * (`webLink`) for a person (or a later Draft → Send) to finish it.
 * https://learn.microsoft.com/graph/api/message-createreply, /message-createreplyall,
 * /message-createforward: "specify either a comment or the body property of the message
 * parameter. Specifying both will return an HTTP 400 Bad Request error." The comment may not
 * reach the draft's body (a known issue): helpers/draftComment.ts checks it and writes it if not.
 * Extra To, CC and BCC of a reply are added to the draft's lists afterwards
 * (helpers/replyRecipients.ts).
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { getMailboxRoot } from '../../shared/descriptions';
import { GraphTransport } from '../../shared/graph/client';
import { segment } from '../../shared/graph/request';
import { attachmentsField, recipientOptions } from '../descriptions/compose';
import { finishDraftAttachments } from './attachments';
import { ensureDraftComment } from './draftComment';
import { getMessageId, messageLocator } from '../descriptions/locators';
import { RECIPIENT_FIELDS } from './compose';
import { applyFrom, fromField } from './from';
import { inlineImagesField, prepareMessageFiles } from './inlineImages';
import { mailPermission } from './permissions';
import { parseRecipients } from './recipients';
import { readReplyContent, replyContentFields } from './replyContent';
import { addExtraRecipients, type ExtraRecipients } from './replyRecipients';
import { discardDraft } from './sending';
import { simplifyMessage } from './simplify';

export type ReplyDraftKind = 'createReply' | 'createReplyAll' | 'createForward';

const WHAT: Record<ReplyDraftKind, string> = {
	createReply: 'reply',
	createReplyAll: 'reply-all',
	createForward: 'forward',
};

export function replyDraftProperties(kind: ReplyDraftKind): INodeProperties[] {
	const forward = kind === 'createForward';
	const properties: INodeProperties[] = [
		messageLocator({ description: `The message to ${forward ? 'forward' : 'reply to'}` }),
		...replyContentFields(forward),
	];
	if (forward) {
		properties.push({
			displayName: 'To',
			name: 'toRecipients',
			type: 'string',
			default: '',
			placeholder: 'e.g. alice@contoso.com, Bob <bob@contoso.com>',
			description:
				'Comma-separated addresses to forward the message to (may stay empty in a draft)',
		});
	}
	const options: INodeProperties[] = [
		attachmentsField,
		...recipientOptions,
		fromField,
		inlineImagesField,
	];
	if (!forward) {
		options.push({
			displayName: 'Extra To',
			name: 'toRecipients',
			type: 'string',
			default: '',
			description: 'Additional recipients, comma-separated',
		});
	}
	properties.push({
		displayName: 'Options',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: options.sort((a, b) => a.displayName.localeCompare(b.displayName)),
	});
	return properties;
}

export async function createReplyDraft(
	ctx: IExecuteFunctions,
	i: number,
	kind: ReplyDraftKind,
): Promise<IDataObject> {
	const forward = kind === 'createForward';
	const root = getMailboxRoot(ctx, i);
	const messageId = getMessageId(ctx, i);
	const options = ctx.getNodeParameter('additionalFields', i, {}) as IDataObject;

	// A forward's lists are its own; a reply's are added to the ones Exchange works out, once the
	// draft exists (helpers/replyRecipients.ts).
	const message: IDataObject = {};
	const body: IDataObject = {};
	const extra: ExtraRecipients = {};
	const to = forward ? ctx.getNodeParameter('toRecipients', i, '') : options.toRecipients;
	const toList = parseRecipients(ctx, i, forward ? 'To' : 'Extra To', to);
	if (toList.length) {
		if (forward) body.toRecipients = toList;
		else extra.toRecipients = toList;
	}
	for (const key of ['ccRecipients', 'bccRecipients'] as const) {
		const list = parseRecipients(ctx, i, RECIPIENT_FIELDS[key], options[key]);
		if (!list.length) continue;
		if (forward) message[key] = list;
		else extra[key] = list;
	}
	applyFrom(ctx, i, message, options.from);

	const content = readReplyContent(ctx, i, options.inlineImages);
	if (content.body) message.body = content.body;
	else body.comment = content.comment;
	const prepared = await prepareMessageFiles(ctx, i, {
		attachments: options.attachments,
		inlineImages: options.inlineImages,
		html: content.html,
		alongside: [body, message],
	});
	if (prepared.inline?.length) message.attachments = prepared.inline;
	if (Object.keys(message).length) body.message = message;

	const transport = await GraphTransport.create(ctx, i);
	const permission = mailPermission(ctx, i, 'write', `create the ${WHAT[kind]} draft`);
	const created = await transport.request<IDataObject>({
		method: 'POST',
		path: `${root}/messages/${segment(messageId)}/${kind}`,
		body,
		itemIndex: i,
		...permission,
	});
	// The comment may not reach the draft's body (known issue): checked, and written if missing.
	const draftPath = `${root}/messages/${segment(String(created.id))}`;
	const commented = await ensureDraftComment(ctx, transport, {
		itemIndex: i,
		messagePath: draftPath,
		draft: created,
		comment: body.comment as string | undefined,
		permission: permission.permission,
	});
	let draft: IDataObject;
	try {
		draft = await addExtraRecipients(transport, {
			itemIndex: i,
			draftPath,
			draft: commented,
			extra,
			permission: permission.permission,
		});
	} catch (error) {
		// A draft without the recipients asked for is not the one the item asked for.
		const removed = await discardDraft(transport, i, draftPath);
		if (error instanceof NodeApiError) {
			const note = removed
				? 'The draft made without them was deleted.'
				: `The draft made without them (${String(created.id)}) is still in Drafts.`;
			error.description = error.description ? `${error.description} ${note}` : note;
		}
		// The transport's NodeApiError, with what became of the draft.
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
		throw error;
	}
	const output: IDataObject = { ...simplifyMessage(draft), inReplyTo: messageId };
	await finishDraftAttachments(
		ctx,
		transport,
		{ itemIndex: i, root, draftId: String(draft.id), prepared, permission: permission.permission },
		output,
	);
	return output;
}
