/**
 * Outlook categories: the mailbox's master list (`/outlook/masterCategories`), the preset colours
 * as Outlook names them, and the option list the category fields of messages, events and contacts
 * offer (both Graph nodes and the Outlook Trigger use it).
 * https://learn.microsoft.com/graph/api/resources/outlookcategory
 */
import type {
	IDataObject,
	ILoadOptionsFunctions,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';

import { getMailboxRoot, isOtherMailbox } from './descriptions';
import { GraphTransport } from './graph/client';
import { graphCollect } from './graph/paging';

/**
 * Graph's `categoryColor` constants and the colour Outlook (desktop) maps each to, as the
 * outlookCategory page lists them. `none` is a category without a colour.
 */
export const CATEGORY_COLORS: ReadonlyArray<{ value: string; name: string }> = [
	{ value: 'none', name: 'No Color' },
	{ value: 'preset0', name: 'Red' },
	{ value: 'preset1', name: 'Orange' },
	{ value: 'preset2', name: 'Brown' },
	{ value: 'preset3', name: 'Yellow' },
	{ value: 'preset4', name: 'Green' },
	{ value: 'preset5', name: 'Teal' },
	{ value: 'preset6', name: 'Olive' },
	{ value: 'preset7', name: 'Blue' },
	{ value: 'preset8', name: 'Purple' },
	{ value: 'preset9', name: 'Cranberry' },
	{ value: 'preset10', name: 'Steel' },
	{ value: 'preset11', name: 'Dark Steel' },
	{ value: 'preset12', name: 'Gray' },
	{ value: 'preset13', name: 'Dark Gray' },
	{ value: 'preset14', name: 'Black' },
	{ value: 'preset15', name: 'Dark Red' },
	{ value: 'preset16', name: 'Dark Orange' },
	{ value: 'preset17', name: 'Dark Brown' },
	{ value: 'preset18', name: 'Dark Yellow' },
	{ value: 'preset19', name: 'Dark Green' },
	{ value: 'preset20', name: 'Dark Teal' },
	{ value: 'preset21', name: 'Dark Olive' },
	{ value: 'preset22', name: 'Dark Blue' },
	{ value: 'preset23', name: 'Dark Purple' },
	{ value: 'preset24', name: 'Dark Cranberry' },
];

/** The Outlook name of a colour constant (`preset7` → Blue); the constant itself when unknown. */
export function colorName(value: unknown): string {
	return CATEGORY_COLORS.find((c) => c.value === value)?.name ?? String(value ?? '');
}

/** The master list's path in the mailbox of `root` (`/me` or `/users/{id}`). */
export function masterCategoriesPath(root: string): string {
	return `${root}/outlook/masterCategories`;
}

/** Reading the master list needs MailboxSettings.Read (outlookuser-list-mastercategories). */
export const CATEGORY_READ_PERMISSION = 'MailboxSettings.Read';

/**
 * The mailbox's categories as options (value: the name, which is what messages, events and
 * contacts carry in `categories`), with each one's colour.
 */
export async function getCategories(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const transport = await GraphTransport.create(this);
	const categories: IDataObject[] = await graphCollect(
		transport,
		{
			method: 'GET',
			path: masterCategoriesPath(getMailboxRoot(this)),
			permission: CATEGORY_READ_PERMISSION,
			action: isOtherMailbox(this)
				? "list another mailbox's categories"
				: "list the mailbox's categories",
		},
		// The list has no documented page size; Outlook's master lists are short.
		{ returnAll: true, sendTop: false },
	);
	return categories
		.map((category) => ({
			name: String(category.displayName ?? ''),
			value: String(category.displayName ?? ''),
			description: colorName(category.color),
		}))
		.filter((option) => option.name !== '')
		.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * A Categories field whose options are the mailbox's categories. It takes a list of names from
 * an expression too (an array, or names separated by commas, as older workflows saved it).
 */
export function categoriesField(overrides: Partial<INodeProperties> = {}): INodeProperties {
	return {
		displayName: 'Categories',
		name: 'categories',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getCategories' },
		default: [],
		description:
			'Categories from the mailbox\'s list. Choose from the list, or specify names using an <a href="https://docs.n8n.io/code/expressions/">expression</a> (an array, or names separated by commas).',
		...overrides,
	};
}
