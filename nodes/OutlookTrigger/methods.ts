/** The folder picker: every folder with its path ("Inbox / Projects"), filtered by any part of it. */
import type {
	IDataObject,
	ILoadOptionsFunctions,
	INodeListSearchItems,
	INodeListSearchResult,
} from 'n8n-workflow';

import { getCategories } from '../shared/categories';
import { searchContactFolders } from '../shared/contactFolders';
import { getMailboxRoot } from '../shared/descriptions';
import { GraphTransport } from '../shared/graph/client';
import { graphCollect } from '../shared/graph/paging';
import { segment } from '../shared/graph/request';
import { redactMethods } from '../shared/redact';

const FOLDER_SELECT = 'id,displayName,childFolderCount';

async function searchFolders(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const root = getMailboxRoot(this);
	const transport = await GraphTransport.create(this);
	const wanted = filter?.trim().toLowerCase();
	const results: INodeListSearchItems[] = [];
	const walk = async (path: string, parents: string[]): Promise<void> => {
		const folders = await graphCollect(
			transport,
			{
				method: 'GET',
				path,
				query: { $select: FOLDER_SELECT },
				permission: 'Mail.Read',
				action: 'list folders',
			},
			{ returnAll: true, maxPageSize: 100 },
		);
		for (const folder of folders) {
			const names = [...parents, String(folder.displayName ?? '')];
			const label = names.join(' / ');
			if (!wanted || label.toLowerCase().includes(wanted))
				results.push({ name: label, value: String(folder.id) });
			if (Number((folder as IDataObject).childFolderCount ?? 0) > 0)
				await walk(`${root}/mailFolders/${segment(String(folder.id))}/childFolders`, names);
		}
	};
	await walk(`${root}/mailFolders`, []);
	return { results };
}

/** Each method's errors pass the one redaction step (shared/redact.ts). */
export const listSearch = redactMethods({ searchFolders, searchContactFolders });

/** The Categories filter offers the mailbox's categories. */
export const loadOptions = redactMethods({ getCategories });
