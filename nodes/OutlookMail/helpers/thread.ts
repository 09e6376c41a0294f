/**
 * A conversation as text for a person or a language model: every message of the thread in the
 * order it was written, with only what that message added (`uniqueBody`: Graph removes the quoted
 * earlier messages) and a plain-text rendering of it.
 * https://learn.microsoft.com/graph/api/resources/message (conversationId, uniqueBody)
 */
import type { IDataObject } from 'n8n-workflow';
import { convert } from 'html-to-text';

/**
 * HTML → plain text for a model: links as their text (the URL once, in brackets), images left
 * out (cid: references mean nothing in text), no hard wrapping (a model reads long lines fine and
 * wrapped lines break quotes and tables apart).
 */
const TEXT_OPTIONS = {
	wordwrap: false as const,
	selectors: [
		{ selector: 'img', format: 'skip' },
		{ selector: 'a', options: { hideLinkHrefIfSameAsText: true, noAnchorUrl: true } },
		{ selector: 'h1', options: { uppercase: false } },
		{ selector: 'h2', options: { uppercase: false } },
		{ selector: 'h3', options: { uppercase: false } },
		{ selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
	],
};

export function htmlToText(html: string): string {
	return convert(html, TEXT_OPTIONS).trim();
}

interface GraphBody {
	contentType?: string;
	content?: string;
}

/** The text of a Graph body: converted when HTML, trimmed when text already. */
export function bodyText(body: GraphBody | undefined): string {
	if (!body?.content) return '';
	return body.contentType === 'html' ? htmlToText(body.content) : body.content.trim();
}

type Address = { emailAddress?: { name?: string; address?: string } };

function person(recipient: Address | undefined): string {
	const { name, address } = recipient?.emailAddress ?? {};
	if (name && address && name !== address) return `${name} <${address}>`;
	return address ?? name ?? '';
}

function people(list: unknown): string[] {
	return Array.isArray(list) ? (list as Address[]).map(person).filter(Boolean) : [];
}

/** When the message was written: sent time, or received time for messages without one (drafts). */
export function writtenAt(message: IDataObject): string {
	return String(message.sentDateTime ?? message.receivedDateTime ?? message.createdDateTime ?? '');
}

/** Oldest first; ties keep Graph's order. */
export function inThreadOrder(messages: IDataObject[]): IDataObject[] {
	return messages
		.map((message, index) => ({ message, index, at: Date.parse(writtenAt(message)) || 0 }))
		.sort((a, b) => a.at - b.at || a.index - b.index)
		.map(({ message }) => message);
}

/** One message of the thread, flat, with `text` (plain text of what it added). */
export function threadMessage(message: IDataObject, includeHtml: boolean): IDataObject {
	const unique = message.uniqueBody as GraphBody | undefined;
	const out: IDataObject = {
		id: message.id,
		from: person(message.from as Address | undefined),
		to: people(message.toRecipients),
		cc: people(message.ccRecipients),
		subject: message.subject ?? '',
		sent: writtenAt(message),
		isDraft: message.isDraft,
		hasAttachments: message.hasAttachments,
		webLink: message.webLink,
		text: bodyText(unique),
	};
	if (includeHtml) out.uniqueBody = unique?.content ?? '';
	for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
	return out;
}

/** The whole thread as one text, each message under a short header. */
export function transcript(messages: IDataObject[]): string {
	return messages
		.map((m) => {
			const head = [`From: ${m.from}`, `Date: ${m.sent}`];
			if ((m.to as string[]).length) head.push(`To: ${(m.to as string[]).join(', ')}`);
			if ((m.cc as string[]).length) head.push(`Cc: ${(m.cc as string[]).join(', ')}`);
			head.push(`Subject: ${m.subject}`);
			return `${head.join('\n')}\n\n${m.text}`;
		})
		.join('\n\n---\n\n');
}
