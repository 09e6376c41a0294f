/**
 * Teams chats among messages. `GET /messages` without a folder also lists "the user's Microsoft
 * Teams chats that occurred outside the scope of a team or channel. These chat messages have "IM"
 * as their subject" (https://learn.microsoft.com/graph/known-issues#get-messages-returns-chats-in-microsoft-teams).
 * What sets them apart is their message class (PR_MESSAGE_CLASS, `String 0x001A`):
 * `IPM.SkypeTeams.Message`, which Graph returns when asked for with `$expand`
 * (https://learn.microsoft.com/graph/api/singlevaluelegacyextendedproperty-get). A subject "IM" alone
 * would also drop real mail with that subject.
 */
import type { IDataObject } from 'n8n-workflow';

export const MESSAGE_CLASS_EXPAND = "singleValueExtendedProperties($filter=id eq 'String 0x001A')";

const TEAMS_CHAT_CLASS = /^IPM\.SkypeTeams\./i;

/** False for a Teams chat (by the message class `MESSAGE_CLASS_EXPAND` asked for). */
export function isMail(message: IDataObject): boolean {
	const properties = (message.singleValueExtendedProperties as IDataObject[] | undefined) ?? [];
	return !properties.some((p) => TEAMS_CHAT_CLASS.test(String(p.value ?? '')));
}

/** The messages without Teams chats, and without the class they were asked for with. */
export function withoutTeamsChats(messages: IDataObject[]): IDataObject[] {
	const kept = messages.filter(isMail);
	for (const message of kept) delete message.singleValueExtendedProperties;
	return kept;
}
