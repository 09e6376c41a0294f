/**
 * What the contact and contact-folder operations share: the folder picker, the reader that turns
 * it into a Graph ID, the paths, and the permission a 403 names.
 * https://learn.microsoft.com/graph/api/resources/contactfolder
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Access, PermissionHint } from '../../../shared/permissions';
import { permissionHint } from '../../../shared/permissions';
import { segment } from '../../../shared/graph/request';
import { readGraphId } from '../../../shared/locators';

/** Contact folders per page of a list (Graph documents no maximum; folder lists are short). */
export const CONTACT_FOLDER_PAGE_SIZE = 100;

/** Contacts.Read / Contacts.ReadWrite, or the `.Shared` one in another mailbox. */
export function contactsPermission(
	ctx: IExecuteFunctions,
	itemIndex: number,
	access: Access,
	action: string,
): PermissionHint {
	return permissionHint(ctx, itemIndex, 'contacts', access, action);
}

export function contactFolderLocator(overrides: Partial<INodeProperties> = {}): INodeProperties {
	return {
		displayName: 'Contact Folder',
		name: 'contactFolderId',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: 'A contact folder (the default Contacts folder holds the others)',
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchContactFolders', searchable: true },
			},
			{ displayName: 'By ID', name: 'id', type: 'string', placeholder: 'e.g. AAMkADIxZTAwAAA=' },
		],
		...overrides,
	};
}

/** The contact folder ID of the item's field; undefined when an optional field is empty. */
export function getContactFolderId(
	ctx: IExecuteFunctions,
	itemIndex: number,
	options: { name?: string; label?: string; optional: true },
): string | undefined;
export function getContactFolderId(
	ctx: IExecuteFunctions,
	itemIndex: number,
	options?: { name?: string; label?: string; optional?: false },
): string;
export function getContactFolderId(
	ctx: IExecuteFunctions,
	itemIndex: number,
	options: { name?: string; label?: string; optional?: boolean } = {},
): string | undefined {
	const field = {
		name: options.name ?? 'contactFolderId',
		label: options.label ?? 'Contact Folder',
		kind: 'contact folder',
		// Outlook on the web links name people, not Graph contact folders.
		fromUrl: () => undefined,
		emptyHelp: 'Pick a contact folder from the list, or enter its ID.',
		urlHelp:
			'Pick the folder from the list, or enter its ID (Contact Folder → Get Many lists them).',
	};
	return options.optional
		? readGraphId(ctx, itemIndex, { ...field, optional: true })
		: readGraphId(ctx, itemIndex, field);
}

export function contactFolderPath(root: string, folderId: string): string {
	return `${root}/contactFolders/${segment(folderId)}`;
}

/** A 404 on a contact folder: what is missing and the fix. */
export const CONTACT_FOLDER_NOT_FOUND =
	'No contact folder with this ID in the mailbox (it may have been deleted). Pick the folder from the list, and check the Mailbox field.';
