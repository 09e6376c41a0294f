/**
 * Searchable lists behind the Contact, Contact Folder, Category and Rule pickers, read from Graph
 * in the mailbox the node is set to.
 */
import type {
	IDataObject,
	ILoadOptionsFunctions,
	INodeListSearchItems,
	INodeListSearchResult,
} from 'n8n-workflow';

import { colorName, masterCategoriesPath } from '../../shared/categories';
import { getMailboxRoot, isOtherMailbox } from '../../shared/descriptions';
import { GraphTransport } from '../../shared/graph/client';
import { graphCollect } from '../../shared/graph/paging';
import { odataString } from '../../shared/graph/request';

/** Contacts per page of the contact list. */
export const CONTACT_SEARCH_PAGE_SIZE = 50;

interface GraphPage {
	value?: IDataObject[];
	'@odata.nextLink'?: string;
}

function matches(filter: string | undefined, ...texts: string[]): boolean {
	const wanted = filter?.trim().toLowerCase();
	return !wanted || texts.some((text) => text.toLowerCase().includes(wanted));
}

function contactsPermission(ctx: ILoadOptionsFunctions, action: string) {
	return {
		permission: isOtherMailbox(ctx) ? 'Contacts.ReadWrite.Shared' : 'Contacts.Read',
		action,
	};
}

/**
 * Contacts of the default Contacts folder by name; the filter is a name prefix
 * (`startswith(displayName,…)`), as Graph filters contacts.
 */
export async function searchContacts(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const transport = await GraphTransport.create(this);
	const text = filter?.trim();
	const page = await transport.request<GraphPage>({
		method: 'GET',
		path: paginationToken ?? `${getMailboxRoot(this)}/contacts`,
		query: paginationToken
			? undefined
			: {
					$select: 'id,displayName,emailAddresses,companyName',
					$top: CONTACT_SEARCH_PAGE_SIZE,
					// $orderby beside a $filter on another property may be refused; a prefix list is short.
					...(text
						? { $filter: `startswith(displayName,${odataString(text)})` }
						: { $orderby: 'displayName' }),
				},
		...contactsPermission(this, 'list contacts'),
	});
	const results: INodeListSearchItems[] = (page.value ?? []).map((contact) => {
		const email = (contact.emailAddresses as Array<{ address?: string }> | undefined)?.[0]?.address;
		const name = String(contact.displayName ?? '').trim() || email || '(no name)';
		return {
			name: email && email !== name ? `${name} (${email})` : name,
			value: String(contact.id),
		};
	});
	return { results, paginationToken: page['@odata.nextLink'] };
}

/** The mailbox's categories; the value is the category's ID (the operations act on the list entry). */
export async function searchCategories(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const transport = await GraphTransport.create(this);
	const categories = await graphCollect(
		transport,
		{
			method: 'GET',
			path: masterCategoriesPath(getMailboxRoot(this)),
			permission: 'MailboxSettings.Read',
			action: 'list categories',
		},
		{ returnAll: true, sendTop: false },
	);
	return {
		results: categories
			.filter((c) => matches(filter, String(c.displayName ?? '')))
			.sort((a, b) => String(a.displayName).localeCompare(String(b.displayName)))
			.map((c) => ({
				name: `${String(c.displayName)} (${colorName(c.color)})`,
				value: String(c.id),
			})),
	};
}

/** The Inbox's rules, in the order they run. */
export async function searchInboxRules(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const transport = await GraphTransport.create(this);
	const rules = await graphCollect(
		transport,
		{
			method: 'GET',
			path: `${getMailboxRoot(this)}/mailFolders/inbox/messageRules`,
			permission: 'MailboxSettings.Read',
			action: 'list inbox rules',
		},
		{ returnAll: true, sendTop: false },
	);
	return {
		results: rules
			.filter((rule) => matches(filter, String(rule.displayName ?? '')))
			.sort((a, b) => Number(a.sequence ?? 0) - Number(b.sequence ?? 0))
			.map((rule) => ({
				name: `${String(rule.displayName ?? '(no name)')}${rule.isEnabled === false ? ' (off)' : ''}`,
				value: String(rule.id),
			})),
	};
}
