/**
 * What the category operations share: the picker (from the list, by ID, or by name), the reader
 * that turns it into the category's ID, the colour field and the output.
 * https://learn.microsoft.com/graph/api/resources/outlookcategory
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { CATEGORY_COLORS, colorName, masterCategoriesPath } from '../../../shared/categories';
import type { GraphTransport } from '../../../shared/graph/client';
import { graphCollect } from '../../../shared/graph/paging';
import { segment } from '../../../shared/graph/request';
import { readGraphId, readLocator } from '../../../shared/locators';
import type { PermissionHint } from '../../../shared/permissions';
import { permissionHint } from '../../../shared/permissions';

/** MailboxSettings.Read / MailboxSettings.ReadWrite (outlookuser-list-mastercategories, outlookcategory-update). */
export function categoryPermission(
	ctx: IExecuteFunctions,
	itemIndex: number,
	access: 'read' | 'write',
	action: string,
): PermissionHint {
	return permissionHint(ctx, itemIndex, 'mailboxSettings', access, action);
}

export const CATEGORY_NOT_FOUND =
	"No category with this ID in the mailbox's category list (it may have been deleted). Pick it from the list, or choose it By Name.";

export function categoryLocator(overrides: Partial<INodeProperties> = {}): INodeProperties {
	return {
		displayName: 'Category',
		name: 'categoryId',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: "A category of the mailbox's list",
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchCategories', searchable: true },
			},
			{
				displayName: 'By Name',
				name: 'name',
				type: 'string',
				placeholder: 'e.g. Red category',
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. 7b5ac5a5-7a2b-4ad0-97e7-4e8f0f1fa8b2',
			},
		],
		...overrides,
	};
}

export const colorField: INodeProperties = {
	displayName: 'Color',
	name: 'color',
	type: 'options',
	// n8n lists options by name; Outlook's order (preset0…24) is kept in the values.
	options: [...CATEGORY_COLORS]
		.map(({ value, name }) => ({ name, value, description: value }))
		.sort((a, b) => a.name.localeCompare(b.name)),
	default: 'preset0',
	description: 'One of the 25 preset colours, as Outlook (desktop) shows them',
};

/** Graph's category with the colour's Outlook name beside its constant. */
export function categoryOutput(category: IDataObject): IDataObject {
	return { ...category, colorName: colorName(category.color) };
}

/**
 * The ID of the item's Category: the value picked or typed, or (By Name) the ID of the category
 * of that name in the mailbox's list, which Outlook keeps unique regardless of case.
 */
export async function getCategoryId(
	ctx: IExecuteFunctions,
	itemIndex: number,
	transport: GraphTransport,
	root: string,
): Promise<string> {
	const { mode, value } = readLocator(ctx, 'categoryId', itemIndex);
	if (mode !== 'name') {
		return readGraphId(ctx, itemIndex, {
			name: 'categoryId',
			label: 'Category',
			kind: 'category',
			fromUrl: () => undefined,
			emptyHelp: 'Pick a category from the list, or enter its name or ID.',
		});
	}
	const name = String(value ?? '').trim();
	if (!name) {
		throw new NodeOperationError(ctx.getNode(), 'The field Category is empty', {
			itemIndex,
			description: 'Enter the name of the category, or pick it from the list.',
		});
	}
	const categories = await graphCollect(
		transport,
		{
			method: 'GET',
			path: masterCategoriesPath(root),
			itemIndex,
			...categoryPermission(ctx, itemIndex, 'read', 'find the category by name'),
		},
		{ returnAll: true, sendTop: false },
	);
	const found = categories.find(
		(c) => String(c.displayName ?? '').toLowerCase() === name.toLowerCase(),
	);
	if (!found) {
		throw new NodeOperationError(
			ctx.getNode(),
			`No category named "${name}" in the mailbox's category list`,
			{
				itemIndex,
				description: `The list holds: ${categories.map((c) => String(c.displayName)).join(', ') || 'no categories'}. Create it first (Category → Create), or pick one from the list.`,
			},
		);
	}
	return String(found.id);
}

export function categoryPath(root: string, id: string): string {
	return `${masterCategoriesPath(root)}/${segment(id)}`;
}
