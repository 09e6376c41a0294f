/**
 * The "simplified" output of a message: one flat object with what workflows use most, instead of
 * Graph's nested JSON (recipients as `{emailAddress: {name, address}}`, flag as an object…).
 */
import type { IDataObject } from 'n8n-workflow';

/** What the simplified output needs; sent as `$select` so Graph returns no more than that. */
export const SIMPLE_FIELDS = [
	'id',
	'conversationId',
	'subject',
	'from',
	'toRecipients',
	'ccRecipients',
	'receivedDateTime',
	'sentDateTime',
	'bodyPreview',
	'isRead',
	'isDraft',
	'hasAttachments',
	'importance',
	'categories',
	'flag',
	'webLink',
	'parentFolderId',
] as const;

interface GraphAddress {
	emailAddress?: { name?: string; address?: string };
}

function addressOf(recipient: unknown): string | undefined {
	return (recipient as GraphAddress | undefined)?.emailAddress?.address;
}

function addresses(list: unknown): string[] {
	return Array.isArray(list) ? list.map(addressOf).filter((a): a is string => !!a) : [];
}

export function simplifyMessage(message: IDataObject): IDataObject {
	const from = message.from as GraphAddress | undefined;
	const body = message.body as { contentType?: string; content?: string } | undefined;
	const simple: IDataObject = {
		id: message.id,
		conversationId: message.conversationId,
		subject: message.subject ?? '',
		from: from?.emailAddress?.address ?? '',
		fromName: from?.emailAddress?.name ?? '',
		to: addresses(message.toRecipients),
		cc: addresses(message.ccRecipients),
		received: message.receivedDateTime,
		sent: message.sentDateTime,
		preview: message.bodyPreview ?? '',
		isRead: message.isRead,
		isDraft: message.isDraft,
		hasAttachments: message.hasAttachments,
		importance: message.importance,
		categories: message.categories ?? [],
		flag: (message.flag as IDataObject | undefined)?.flagStatus,
		webLink: message.webLink,
		folderId: message.parentFolderId,
	};
	if (body) {
		simple.body = body.content ?? '';
		simple.bodyType = body.contentType;
	}
	// Leave out what Graph did not return (e.g. a partial answer), rather than output `undefined`.
	for (const key of Object.keys(simple)) if (simple[key] === undefined) delete simple[key];
	return simple;
}
