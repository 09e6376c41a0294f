/**
 * The contact-folder picker of Outlook Mail's contact operations and of the Outlook Trigger's
 * contact events: every contact folder with its path ("Suppliers / Europe").
 * https://learn.microsoft.com/graph/api/user-list-contactfolders, /graph/api/contactfolder-list-childfolders
 */
import type {
	ILoadOptionsFunctions,
	INodeListSearchItems,
	INodeListSearchResult,
} from 'n8n-workflow';

import { getMailboxRoot, isOtherMailbox } from './descriptions';
import { GraphTransport } from './graph/client';
import { graphCollect } from './graph/paging';
import { segment } from './graph/request';

/** How deep the picker looks: contactFolder has no child count, so each level costs a request per folder. */
const MAX_DEPTH = 4;

/** Contact folders with their path ("Suppliers / Europe"), child folders included. */
export async function searchContactFolders(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const root = getMailboxRoot(this);
	const transport = await GraphTransport.create(this);
	const permission = {
		permission: isOtherMailbox(this) ? 'Contacts.ReadWrite.Shared' : 'Contacts.Read',
		action: 'list contact folders',
	};
	const results: INodeListSearchItems[] = [];
	const wanted = filter?.trim().toLowerCase();
	const walk = async (path: string, parents: string[], depth: number): Promise<void> => {
		const folders = await graphCollect(
			transport,
			{ method: 'GET', path, query: { $select: 'id,displayName' }, ...permission },
			{ returnAll: true, maxPageSize: 100 },
		);
		for (const folder of folders) {
			const names = [...parents, String(folder.displayName ?? '')];
			const label = names.join(' / ');
			if (!wanted || label.toLowerCase().includes(wanted))
				results.push({ name: label, value: String(folder.id) });
			if (depth < MAX_DEPTH)
				await walk(
					`${root}/contactFolders/${segment(String(folder.id))}/childFolders`,
					names,
					depth + 1,
				);
		}
	};
	await walk(`${root}/contactFolders`, [], 1);
	return { results };
}
