/**
 * The comment of a reply or forward draft. Microsoft documents that "the comment parameter for
 * creating a reply or forward draft (createReply, createReplyAll, createForward) does not become
 * part of the body of the resultant message draft"
 * (https://learn.microsoft.com/graph/known-issues#the-comment-parameter-for-creating-a-draft-does-not-become-part-of-the-message-body);
 * later reports say it does. So the draft's body is checked, and when the comment is not in it the
 * node writes it above the quoted message itself (PATCH of the draft's body) and checks again: a
 * draft is never sent, or handed over, without the user's text.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { GraphTransport } from '../../shared/graph/client';

const ENTITIES: Record<string, string> = {
	amp: '&',
	lt: '<',
	gt: '>',
	quot: '"',
	apos: "'",
	nbsp: ' ',
};

/** The text a reader sees in an HTML body (tags dropped, entities decoded), for a containment check. */
function htmlText(html: string): string {
	return html
		.replace(/<(script|style|head)\b[\s\S]*?<\/\1\s*>/gi, ' ')
		.replace(/<[^>]*>/g, ' ')
		.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => {
			if (name[0] === '#') {
				const code =
					name[1] === 'x' || name[1] === 'X'
						? parseInt(name.slice(2), 16)
						: parseInt(name.slice(1), 10);
				return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
			}
			return ENTITIES[name.toLowerCase()] ?? entity;
		});
}

function collapse(text: string): string {
	return text.replace(/\s+/g, ' ').trim();
}

/** Whether the body shows the comment (whitespace and line breaks aside). */
export function bodyHasComment(body: IDataObject | undefined, comment: string): boolean {
	const content = String(body?.content ?? '');
	const text = /^html$/i.test(String(body?.contentType ?? '')) ? htmlText(content) : content;
	return collapse(text).includes(collapse(comment));
}

function escapeHtml(text: string): string {
	return text
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;');
}

/** The body with the comment above what it holds (the quoted message), as Outlook places a reply. */
export function bodyWithComment(body: IDataObject | undefined, comment: string): IDataObject {
	const content = String(body?.content ?? '');
	if (!/^html$/i.test(String(body?.contentType ?? ''))) {
		return { contentType: 'text', content: content ? `${comment}\n\n${content}` : comment };
	}
	const block = `<div>${escapeHtml(comment).replace(/\r?\n/g, '<br>')}</div>`;
	const opening = /<body\b[^>]*>/i.exec(content);
	return {
		contentType: 'html',
		content: opening
			? `${content.slice(0, opening.index + opening[0].length)}${block}${content.slice(opening.index + opening[0].length)}`
			: `${block}${content}`,
	};
}

export interface DraftCommentOptions {
	itemIndex: number;
	/** `…/messages/{draftId}`, encoded. */
	messagePath: string;
	/** The draft as createReply / createReplyAll / createForward answered it. */
	draft: IDataObject;
	comment: string | undefined;
	permission?: string;
}

/**
 * Makes sure the draft's body holds the comment; returns the draft as it now is. Throws when the
 * comment is still missing after the node wrote it.
 */
export async function ensureDraftComment(
	ctx: IExecuteFunctions,
	transport: GraphTransport,
	options: DraftCommentOptions,
): Promise<IDataObject> {
	const { comment, draft, itemIndex, messagePath } = options;
	if (!comment?.trim()) return draft;
	let body = draft.body as IDataObject | undefined;
	if (!body) {
		const read = await transport.request<IDataObject>({
			method: 'GET',
			path: messagePath,
			query: { $select: 'body' },
			itemIndex,
			permission: options.permission,
			action: 'read the draft to check the comment is in it',
		});
		body = read.body as IDataObject | undefined;
	}
	if (bodyHasComment(body, comment)) return draft;
	const updated = await transport.request<IDataObject>({
		method: 'PATCH',
		path: messagePath,
		body: { body: bodyWithComment(body, comment) },
		itemIndex,
		permission: options.permission,
		action: 'write the comment into the draft',
	});
	if (!bodyHasComment(updated.body as IDataObject | undefined, comment)) {
		throw new NodeOperationError(
			ctx.getNode(),
			`The comment is not in the body of the draft ${String(draft.id)}, and writing it there did not take`,
			{
				itemIndex,
				description:
					'Microsoft Graph may leave the comment of a reply or forward draft out of its body (a known issue). Nothing was sent. Set Write to Whole Body to send your text as the body.',
			},
		);
	}
	return { ...draft, ...updated };
}
