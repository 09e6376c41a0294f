/**
 * What a reply or forward says: a comment above the quoted original (Graph's `comment`), or the
 * whole body (`message.body`), in text or HTML; inline images need the HTML body. Used by
 * Message → Reply / Reply All / Forward and Draft → Create Reply / Reply All / Forward.
 * https://learn.microsoft.com/graph/api/message-reply: "specify either a comment or the body
 * property of the message parameter. Specifying both will return an HTTP 400 Bad Request error."
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { bodyContentTypeField, bodyField } from '../descriptions/compose';

export function replyContentFields(forward: boolean): INodeProperties[] {
	return [
		{
			displayName: 'Write',
			name: 'replyContent',
			type: 'options',
			options: [
				{
					name: 'Comment Above the Quoted Message',
					value: 'comment',
					description: 'Outlook keeps the original below your text, as a reply in Outlook does',
				},
				{
					name: 'Whole Body',
					value: 'body',
					description:
						'Your text or HTML is the whole body (no quoted original); the thread headers stay',
				},
			],
			default: 'comment',
		},
		{
			displayName: 'Comment',
			name: 'comment',
			type: 'string',
			typeOptions: { rows: 4 },
			default: '',
			displayOptions: { show: { replyContent: ['comment'] } },
			description: forward
				? 'Text placed above the forwarded message'
				: 'Your reply, placed above the quoted message',
		},
		{ ...bodyContentTypeField, displayOptions: { show: { replyContent: ['body'] } } },
		{ ...bodyField, displayOptions: { show: { replyContent: ['body'] } } },
	];
}

export interface ReplyContent {
	/** Set in comment mode: the action's `comment`. */
	comment?: string;
	/** Set in whole-body mode: the message's `body`. */
	body?: IDataObject;
	/** The HTML inline images must be referenced from; undefined unless the body is HTML. */
	html?: string;
}

/** The item's content; inline images with a comment are refused (a comment cannot show them). */
export function readReplyContent(
	ctx: IExecuteFunctions,
	itemIndex: number,
	inlineImages: unknown,
): ReplyContent {
	const mode = ctx.getNodeParameter('replyContent', itemIndex, 'comment') as string;
	if (mode === 'body') {
		const contentType =
			ctx.getNodeParameter('bodyContentType', itemIndex, 'text') === 'html' ? 'html' : 'text';
		const content = ctx.getNodeParameter('bodyContent', itemIndex, '') as string;
		return {
			body: { contentType, content },
			html: contentType === 'html' ? content : undefined,
		};
	}
	if (inlineImages && String(inlineImages).trim()) {
		throw new NodeOperationError(ctx.getNode(), 'Inline images need an HTML body', {
			itemIndex,
			description:
				'A comment is placed as text above the quoted message and cannot reference images. Set Write to Whole Body with Body Format HTML, or use Attachments instead.',
		});
	}
	return { comment: ctx.getNodeParameter('comment', itemIndex, '') as string };
}
