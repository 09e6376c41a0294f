/**
 * Extra To, CC and BCC on Reply and Reply All (and their drafts). Graph documents the `message`
 * of reply, replyAll, createReply and createReplyAll as "any writeable properties to update in the
 * reply", and its example "adds a recipient"; public reports see a `toRecipients` given there take
 * the place of the recipients Exchange worked out (the original sender, and for Reply All the
 * original To and CC), so the sender got no reply. The package does what is right under both
 * readings: it creates the reply as a draft without the extra recipients, then PATCHes each list
 * as the draft holds it plus the extra addresses (a PATCH replaces a list, either way), and only
 * then sends the draft (Reply, Reply All) or returns it (Create Reply, Create Reply All).
 * https://learn.microsoft.com/graph/api/message-reply, /message-createreply, /message-update
 */
import type { IDataObject } from 'n8n-workflow';

import type { GraphTransport } from '../../shared/graph/client';

export const REPLY_RECIPIENT_LISTS = ['toRecipients', 'ccRecipients', 'bccRecipients'] as const;
export type ReplyRecipientList = (typeof REPLY_RECIPIENT_LISTS)[number];
export type ExtraRecipients = Partial<Record<ReplyRecipientList, IDataObject[]>>;

const addressOf = (recipient: IDataObject) =>
	String((recipient.emailAddress as IDataObject | undefined)?.address ?? '').toLowerCase();

/** Each list the extras name, as the draft holds it plus the extra addresses it lacks. */
export function listsWithExtras(draft: IDataObject, extra: ExtraRecipients): IDataObject {
	const lists: IDataObject = {};
	for (const key of REPLY_RECIPIENT_LISTS) {
		const added = extra[key];
		if (!added?.length) continue;
		const held = Array.isArray(draft[key]) ? (draft[key] as IDataObject[]) : [];
		const seen = new Set(held.map(addressOf));
		lists[key] = [
			...held,
			...added.filter((recipient) => {
				const address = addressOf(recipient);
				if (seen.has(address)) return false;
				seen.add(address);
				return true;
			}),
		];
	}
	return lists;
}

export const hasExtras = (extra: ExtraRecipients) =>
	REPLY_RECIPIENT_LISTS.some((key) => (extra[key]?.length ?? 0) > 0);

/** PATCHes the draft's lists with the extras; answers the draft as it then is. */
export async function addExtraRecipients(
	transport: GraphTransport,
	options: {
		itemIndex: number;
		draftPath: string;
		draft: IDataObject;
		extra: ExtraRecipients;
		permission: string;
	},
): Promise<IDataObject> {
	const { draft, extra } = options;
	if (!hasExtras(extra)) return draft;
	const updated = await transport.request<IDataObject>({
		method: 'PATCH',
		path: options.draftPath,
		body: listsWithExtras(draft, extra),
		itemIndex: options.itemIndex,
		permission: options.permission,
		action: 'add the extra recipients to the reply draft',
	});
	return { ...draft, ...updated };
}
