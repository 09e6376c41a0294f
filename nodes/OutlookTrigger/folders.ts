/**
 * The folders a mail trigger watches, as folder IDs: each delta cursor belongs to one folder, and
 * a folder named twice (by well-known name and by path) is watched once. Resolved folders are kept
 * in static data: IDs and well-known names never change, so they are resolved once; paths and
 * child folders are looked up again every FOLDER_REFRESH_MS (a renamed or new folder is noticed).
 * A folder found by a later listing gets a cursor marked `joinedAfter` the listing before.
 */
import { WELL_KNOWN_FOLDERS } from '../shared/locators';
import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { GraphTransport } from '../shared/graph/client';
import { graphCollect } from '../shared/graph/paging';
import { odataString, segment } from '../shared/graph/request';
import type { TriggerState } from './cursor';
import type { FolderChoice, TriggerSettings } from './settings';

export const FOLDER_REFRESH_MS = 10 * 60_000;

const WELL_KNOWN = new Set<string>(WELL_KNOWN_FOLDERS);

const FOLDER_PERMISSION = { permission: 'Mail.Read', action: 'read mail folders' };

function wellKnownName(value: string): string | undefined {
	const name = value.toLowerCase().replace(/\s+/g, '');
	return WELL_KNOWN.has(name) ? name : undefined;
}

async function folderIdOf(
	transport: GraphTransport,
	root: string,
	choice: FolderChoice,
): Promise<string> {
	if (choice.mode !== 'path') {
		const name = wellKnownName(choice.value);
		if (!name) return choice.value;
		const folder = await transport.request<IDataObject>({
			method: 'GET',
			path: `${root}/mailFolders/${segment(name)}`,
			query: { $select: 'id' },
			...FOLDER_PERMISSION,
		});
		return String(folder.id);
	}
	const parts = choice.value
		.split('/')
		.map((p) => p.trim())
		.filter(Boolean);
	let parent = 'msgfolderroot';
	for (const [index, part] of parts.entries()) {
		const found = await transport.request<{ value?: IDataObject[] }>({
			method: 'GET',
			path: `${root}/mailFolders/${segment(parent)}/childFolders`,
			query: { $filter: `displayName eq ${odataString(part)}`, $select: 'id,displayName' },
			...FOLDER_PERMISSION,
		});
		const folder = found.value?.[0];
		if (!folder) {
			throw new NodeOperationError(
				transport.ctx.getNode(),
				`The folder "${parts.slice(0, index + 1).join('/')}" in the field Folders does not exist`,
				{ description: 'Check the path (folder names separated by /), e.g. Inbox/Projects.' },
			);
		}
		parent = String(folder.id);
	}
	return parent;
}

async function descendants(transport: GraphTransport, root: string, id: string): Promise<string[]> {
	const children = await graphCollect(
		transport,
		{
			method: 'GET',
			path: `${root}/mailFolders/${segment(id)}/childFolders`,
			query: { $select: 'id,childFolderCount' },
			...FOLDER_PERMISSION,
		},
		{ returnAll: true, maxPageSize: 100 },
	);
	const all: string[] = [];
	for (const child of children) {
		all.push(String(child.id));
		if (Number(child.childFolderCount ?? 0) > 0)
			all.push(...(await descendants(transport, root, String(child.id))));
	}
	return all;
}

/** The IDs of the watched folders, from static data while still fresh. */
export async function watchedFolders(
	transport: GraphTransport,
	settings: TriggerSettings,
	state: TriggerState,
	now: Date,
): Promise<string[]> {
	const refreshes = settings.includeChildFolders || settings.folders.some((f) => f.mode === 'path');
	const cached = state.folders;
	if (cached && (!refreshes || now.getTime() - Date.parse(cached.at) < FOLDER_REFRESH_MS))
		return cached.ids;
	const ids: string[] = [];
	for (const choice of settings.folders) {
		const id = await folderIdOf(transport, settings.root, choice);
		ids.push(id);
		if (settings.includeChildFolders)
			ids.push(...(await descendants(transport, settings.root, id)));
	}
	const unique = [...new Set(ids)];
	// A folder the listing before did not have joins now: its first round is not the trigger's
	// first listing (what changed in it since that listing is news).
	if (cached) {
		const before = new Set(cached.ids);
		for (const id of unique)
			if (!before.has(id)) state.resetSource(id, { initial: true, joinedAfter: cached.at });
	}
	state.folders = { ids: unique, at: now.toISOString() };
	return unique;
}
