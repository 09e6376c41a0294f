import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	getMailboxRoot,
	returnAllOrLimit,
	updateDisplayOptions,
} from '../../../shared/descriptions';
import type { OperationDeclaration } from '../../../shared/declarations';
import type { GraphRequestOptions } from '../../../shared/graph/client';
import { GraphTransport } from '../../../shared/graph/client';
import { graphCollect, MAX_PAGE_SIZE } from '../../../shared/graph/paging';
import { odataString } from '../../../shared/graph/request';
import { graphCollectByDate } from '../../../shared/graph/slices';
import { isEmailAddress } from '../../helpers/recipients';
import {
	CONTACT_FOLDER_NOT_FOUND,
	contactFolderLocator,
	contactFolderPath,
	contactsPermission,
	getContactFolderId,
} from '../contactFolder/shared';
import { contactOutputProperties, readContactOutput } from './shared';

const properties: INodeProperties[] = [
	contactFolderLocator({
		required: false,
		description: 'The contact folder to list; leave empty for Contacts (the default folder)',
	}),
	...returnAllOrLimit,
	...contactOutputProperties,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Email Address',
				name: 'emailAddress',
				type: 'string',
				default: '',
				placeholder: 'e.g. ana@contoso.com',
				description: 'Only contacts with this email address (one of their up to three)',
			},
			{
				displayName: 'Name Starts With',
				name: 'nameStartsWith',
				type: 'string',
				default: '',
				placeholder: 'e.g. Ana',
				description: 'Only contacts whose display name starts with this text',
			},
			{
				displayName: 'Raw Filter ($filter)',
				name: 'filter',
				type: 'string',
				default: '',
				placeholder: "e.g. companyName eq 'Contoso'",
				description:
					'An OData $filter expression, combined with the other filters by "and". See <a href="https://learn.microsoft.com/graph/filter-query-parameter">the Graph documentation</a>.',
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Sort',
				name: 'sort',
				type: 'options',
				default: 'displayName',
				options: [
					{ name: 'Name A→Z', value: 'displayName' },
					{ name: 'Newest First', value: 'createdDateTime desc' },
					{ name: 'Oldest First', value: 'createdDateTime asc' },
					{ name: "Graph's Default", value: '' },
				],
			},
		],
	},
];

export const declaration: OperationDeclaration = { does: 'read' };

export const description = updateDisplayOptions(
	{ show: { resource: ['contact'], operation: ['getAll'] } },
	properties,
);

const byName = (a: IDataObject, b: IDataObject) =>
	String(a.displayName ?? '').localeCompare(String(b.displayName ?? ''), undefined, {
		sensitivity: 'base',
	});

/** `$filter` conditions of the item's Filters, checked before any request. */
function filterConditions(ctx: IExecuteFunctions, i: number): string[] {
	const filters = ctx.getNodeParameter('filters', i, {}) as IDataObject;
	const conditions: string[] = [];
	const email = String(filters.emailAddress ?? '').trim();
	if (email) {
		if (!isEmailAddress(email)) {
			throw new NodeOperationError(
				ctx.getNode(),
				`"${email}" in the filter Email Address is not an email address`,
				{ itemIndex: i, description: 'Enter one address, e.g. ana@contoso.com.' },
			);
		}
		// The one filter Graph supports on emailAddresses: any() with eq on address.
		// https://learn.microsoft.com/graph/api/user-list-contacts#optional-query-parameters
		conditions.push(`emailAddresses/any(a:a/address eq ${odataString(email)})`);
	}
	const prefix = String(filters.nameStartsWith ?? '').trim();
	if (prefix) conditions.push(`startswith(displayName,${odataString(prefix)})`);
	const raw = String(filters.filter ?? '').trim();
	if (raw) conditions.push(`(${raw})`);
	return conditions;
}

/**
 * Contacts of the default Contacts folder or of a contact folder.
 * https://learn.microsoft.com/graph/api/user-list-contacts, /graph/api/contactfolder-list-contacts
 *
 * - With filters: Graph's matches in its order (no `$orderby`, which Exchange may refuse beside a
 *   `$filter` on another property), then sorted here as asked.
 * - Return All of a whole folder: read from both ends and in up to 4 date ranges
 *   of `createdDateTime` at once (shared/graph/slices.ts), then sorted by name when asked. A large
 *   address book (a CRM sync) is then 4 rounds instead of one request per 1,000 contacts.
 * - Otherwise: pages in the order asked, up to the limit.
 */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const folderId = getContactFolderId(this, i, { optional: true });
	const returnAll = this.getNodeParameter('returnAll', i, false) as boolean;
	const limit = returnAll ? undefined : (this.getNodeParameter('limit', i, 50) as number);
	const output = readContactOutput(this, i);
	const sort = String(
		(this.getNodeParameter('options', i, {}) as IDataObject).sort ?? 'displayName',
	);
	const conditions = filterConditions(this, i);
	const root = getMailboxRoot(this, i);
	const transport = await GraphTransport.create(this, i);
	const request: GraphRequestOptions & { query: Record<string, string | undefined> } = {
		method: 'GET',
		path: folderId ? `${contactFolderPath(root, folderId)}/contacts` : `${root}/contacts`,
		query: { $select: output.select },
		itemIndex: i,
		notFound: CONTACT_FOLDER_NOT_FOUND,
		...contactsPermission(this, i, 'read', 'read contacts'),
	};
	const sortHere = (contacts: IDataObject[]) => {
		if (sort === 'displayName') return contacts.sort(byName);
		const date = /^createdDateTime (asc|desc)$/.exec(sort);
		if (!date) return contacts;
		const sign = date[1] === 'asc' ? 1 : -1;
		const time = (c: IDataObject) => Date.parse(String(c.createdDateTime ?? '')) || 0;
		return contacts.sort((a, b) => sign * (time(a) - time(b)));
	};

	// What sorting here reads must be selected; what the user did not ask for is removed after.
	const needs = (properties: string[]) => {
		const select = request.query.$select?.split(',');
		const added = select ? properties.filter((p) => !select.includes(p)) : [];
		if (select && added.length) request.query.$select = [...select, ...added].join(',');
		return (contacts: IDataObject[]) => {
			for (const contact of contacts) for (const property of added) delete contact[property];
			return contacts;
		};
	};
	const sortKey = sort.startsWith('createdDateTime') ? 'createdDateTime' : sort;

	if (conditions.length) {
		request.query.$filter = conditions.join(' and ');
		const strip = needs(sortKey ? [sortKey] : []);
		const found = sortHere(
			await graphCollect(transport, request, { returnAll, limit, maxPageSize: MAX_PAGE_SIZE }),
		);
		return strip(found).map(output.shape);
	}
	if (!returnAll || sort === '') {
		if (sort) request.query.$orderby = sort;
		const found = await graphCollect(transport, request, {
			returnAll,
			limit,
			maxPageSize: MAX_PAGE_SIZE,
		});
		return found.map(output.shape);
	}
	const strip = needs(['createdDateTime', ...(sort === 'displayName' ? ['displayName'] : [])]);
	request.query.$orderby = sort === 'createdDateTime asc' ? sort : 'createdDateTime desc';
	const contacts = await graphCollectByDate(transport, request, {
		property: 'createdDateTime',
		direction: sort === 'createdDateTime asc' ? 'asc' : 'desc',
		pageSize: MAX_PAGE_SIZE,
	});
	if (sort === 'displayName') contacts.sort(byName);
	strip(contacts);
	return contacts.map(output.shape);
}
