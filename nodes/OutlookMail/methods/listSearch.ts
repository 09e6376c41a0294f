/**
 * Searchable lists behind the Folder and Message pickers, read from Graph in the mailbox the node
 * is set to (the signed-in user's or a shared one).
 */
import type {
	IDataObject,
	ILoadOptionsFunctions,
	INodeListSearchItems,
	INodeListSearchResult,
} from 'n8n-workflow';

import { getMailboxRoot, isOtherMailbox } from '../../shared/descriptions';
import { graphBatch } from '../../shared/graph/batch';
import { GraphTransport } from '../../shared/graph/client';
import { graphPages } from '../../shared/graph/paging';
import { segment } from '../../shared/graph/request';
import { MESSAGE_CLASS_EXPAND, withoutTeamsChats } from '../helpers/teamsChats';

/** The well-known folders offered first, in Outlook's order (https://learn.microsoft.com/graph/api/resources/mailfolder). */
export const LISTED_WELL_KNOWN_FOLDERS = [
	'inbox',
	'sentitems',
	'drafts',
	'deleteditems',
	'archive',
	'junkemail',
] as const;

/** Top-level folders per page of the folder list (each page also brings every child folder under them). */
export const FOLDER_SEARCH_PAGE_SIZE = 100;

/** Messages per page of the message list. */
export const MESSAGE_SEARCH_PAGE_SIZE = 50;

const FOLDER_SELECT = 'id,displayName,childFolderCount';

interface GraphPage {
	value?: IDataObject[];
	'@odata.nextLink'?: string;
}

/** For the 403 hint: another user's mailbox needs the Shared permission (as in helpers/permissions.ts). */
function readPermission(
	ctx: ILoadOptionsFunctions,
	action: string,
): { permission: string; action: string } {
	return { permission: isOtherMailbox(ctx) ? 'Mail.ReadWrite.Shared' : 'Mail.Read', action };
}

function matches(filter: string | undefined, ...texts: string[]): boolean {
	if (!filter) return true;
	const wanted = filter.trim().toLowerCase();
	return texts.some((text) => text.toLowerCase().includes(wanted));
}

/**
 * Folders with their full path ("Inbox / Projects / 2025"), child folders included, the
 * well-known ones first (by their well-known name, which works in every mailbox). The filter
 * matches any part of the path, case-insensitively. Each page is one page of top-level folders
 * with everything under them; the next page's token is Graph's nextLink.
 */
export async function searchFolders(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await listFolders(this, filter, paginationToken, { ownOnly: false });
}

/**
 * The user's own folders only (every folder but the well-known ones, which Exchange refuses to
 * rename, move or delete): the list of Folder → Rename, Move and Delete, so that what the list
 * offers is what the operation can do.
 */
export async function searchOwnFolders(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await listFolders(this, filter, paginationToken, { ownOnly: true });
}

async function listFolders(
	ctx: ILoadOptionsFunctions,
	filter: string | undefined,
	paginationToken: string | undefined,
	{ ownOnly }: { ownOnly: boolean },
): Promise<INodeListSearchResult> {
	const root = getMailboxRoot(ctx);
	const transport = await GraphTransport.create(ctx);
	const permission = readPermission(ctx, 'list folders');

	// Which folder IDs are the well-known ones: one $batch of GETs (a missing Archive answers 404).
	const wellKnown = await graphBatch(
		transport,
		LISTED_WELL_KNOWN_FOLDERS.map((name) => ({
			method: 'GET' as const,
			path: `${root}/mailFolders/${name}`,
			query: { $select: FOLDER_SELECT },
		})),
	);
	const wellKnownNames = new Map<string, string>();
	const results: INodeListSearchItems[] = [];
	wellKnown.forEach((result, index) => {
		const folder = result.status === 200 ? result.body : undefined;
		if (!folder?.id) return;
		const name = LISTED_WELL_KNOWN_FOLDERS[index];
		wellKnownNames.set(String(folder.id), String(folder.displayName ?? name));
		if (!ownOnly && !paginationToken && matches(filter, String(folder.displayName ?? ''), name)) {
			results.push({ name: String(folder.displayName ?? name), value: name });
		}
	});

	const page = await transport.request<GraphPage>({
		method: 'GET',
		path: paginationToken ?? `${root}/mailFolders`,
		query: paginationToken ? undefined : { $select: FOLDER_SELECT, $top: FOLDER_SEARCH_PAGE_SIZE },
		...permission,
	});

	const walk = async (folders: IDataObject[], parents: string[]): Promise<void> => {
		for (const folder of folders) {
			const id = String(folder.id);
			const displayName = String(folder.displayName ?? '');
			const names = [...parents, wellKnownNames.get(id) ?? displayName];
			const path = names.join(' / ');
			if (!wellKnownNames.has(id) && matches(filter, path)) results.push({ name: path, value: id });
			if (Number(folder.childFolderCount ?? 0) > 0) {
				const children: IDataObject[] = [];
				for await (const childPage of graphPages(
					transport,
					{
						method: 'GET',
						path: `${root}/mailFolders/${segment(id)}/childFolders`,
						query: { $select: FOLDER_SELECT },
						...permission,
					},
					{ returnAll: true, maxPageSize: FOLDER_SEARCH_PAGE_SIZE },
				)) {
					children.push(...childPage);
				}
				await walk(children, names);
			}
		}
	};
	await walk(page.value ?? [], []);
	return { results, paginationToken: page['@odata.nextLink'] };
}

function messageLabel(message: IDataObject): string {
	const subject = String(message.subject ?? '').trim() || '(no subject)';
	const from = (message.from as { emailAddress?: { name?: string; address?: string } } | undefined)
		?.emailAddress;
	const sender = from?.name || from?.address;
	const date =
		typeof message.receivedDateTime === 'string' ? message.receivedDateTime.slice(0, 10) : '';
	const details = [sender, date].filter(Boolean).join(', ');
	return details ? `${subject} (${details})` : subject;
}

/**
 * A search term for `$search="subject:…"`. KQL phrases are delimited by double quotes and Graph
 * reads a backslash as an escape, so both are replaced by spaces: they cannot end the phrase or
 * change the query. https://learn.microsoft.com/graph/search-query-parameter
 */
export function subjectSearch(text: string): string | undefined {
	const term = text.replace(/["\\]/g, ' ').replace(/\s+/g, ' ').trim();
	return term ? `"subject:${term}"` : undefined;
}

/**
 * The drafts in Drafts, newest first: the list of Draft → Update, Send and Delete (a received
 * message is no draft to send). The filter searches the subject, as for messages.
 */
export async function searchDrafts(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await listMessages(
		this,
		`${getMailboxRoot(this)}/mailFolders/drafts/messages`,
		filter,
		paginationToken,
	);
}

/**
 * Recent messages, newest first; the filter searches the subject (`$search`, which matches words
 * and word prefixes, sorted by date: https://learn.microsoft.com/graph/search-query-parameter).
 * `$orderby` cannot be combined with `$search`, so it is sent only without a filter.
 */
export async function searchMessages(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await listMessages(this, `${getMailboxRoot(this)}/messages`, filter, paginationToken);
}

async function listMessages(
	ctx: ILoadOptionsFunctions,
	path: string,
	filter: string | undefined,
	paginationToken: string | undefined,
): Promise<INodeListSearchResult> {
	const transport = await GraphTransport.create(ctx);
	const search = filter ? subjectSearch(filter) : undefined;
	const query = paginationToken
		? undefined
		: {
				$select: 'id,subject,from,receivedDateTime,webLink',
				...(search ? { $search: search } : { $orderby: 'receivedDateTime desc' }),
				// Teams chats are listed too: left out by their class (helpers/teamsChats.ts).
				$expand: MESSAGE_CLASS_EXPAND,
				$top: MESSAGE_SEARCH_PAGE_SIZE,
			};
	const page = await transport.request<GraphPage>({
		method: 'GET',
		path: paginationToken ?? path,
		query,
		...readPermission(ctx, 'list messages'),
	});
	const results: INodeListSearchItems[] = withoutTeamsChats(page.value ?? []).map((message) => ({
		name: messageLabel(message),
		value: String(message.id),
		...(typeof message.webLink === 'string' ? { url: message.webLink } : {}),
	}));
	return { results, paginationToken: page['@odata.nextLink'] };
}
