/**
 * What the folder operations share: the folder path, the fields Graph returns for a folder, and
 * the rule that Outlook's well-known folders cannot be renamed, moved or deleted.
 * https://learn.microsoft.com/graph/api/resources/mailfolder
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { segment } from '../../../shared/graph/request';
import { WELL_KNOWN_FOLDERS } from '../../descriptions/locators';

/**
 * Largest `$top` used for folder lists. Graph documents 1000 for messages; for folders no maximum is
 * documented, so a smaller page keeps well inside whatever the service enforces.
 */
export const FOLDER_PAGE_SIZE = 250;

export const FOLDER_FIELDS = [
	'id',
	'displayName',
	'parentFolderId',
	'childFolderCount',
	'unreadItemCount',
	'totalItemCount',
	'isHidden',
] as const;

export function folderPath(root: string, folderId: string): string {
	return `${root}/mailFolders/${segment(folderId)}`;
}

/**
 * Exchange refuses to rename, move or delete a default ("distinguished") folder
 * (ErrorDeleteDistinguishedFolder, ErrorMoveDistinguishedFolder): say so before the request.
 */
export function refuseWellKnown(
	ctx: IExecuteFunctions,
	itemIndex: number,
	folderId: string,
	action: string,
	label = 'Folder',
): void {
	if ((WELL_KNOWN_FOLDERS as readonly string[]).includes(folderId)) {
		throw new NodeOperationError(
			ctx.getNode(),
			`The folder "${folderId}" in the field ${label} is a default Outlook folder, which cannot be ${action}`,
			{
				itemIndex,
				description: 'Pick one of your own folders.',
			},
		);
	}
}
