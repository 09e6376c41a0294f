import { DateTime } from 'luxon';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { categoriesField } from '../../../shared/categories';
import {
	getMailboxRoot,
	updateDisplayOptions,
	returnAllOrLimit,
} from '../../../shared/descriptions';
import { GraphTransport } from '../../../shared/graph/client';
import { graphCollect } from '../../../shared/graph/paging';
import { graphCollectByOffset, SPLIT_AT } from '../../../shared/graph/offsets';
import { odataString, segment } from '../../../shared/graph/request';
import { folderLocator, getFolderId } from '../../descriptions/locators';
import {
	BODY_AS_TEXT,
	messagePageSize,
	outputProperties,
	readOutput,
} from '../../descriptions/output';
import { splitList } from '../../helpers/compose';
import {
	downloadAttachmentOptions,
	messagesWithAttachments,
	readDownloadChoice,
} from '../../helpers/attachmentDownload';
import { mailPermission } from '../../helpers/permissions';
import { isMail, MESSAGE_CLASS_EXPAND, withoutTeamsChats } from '../../helpers/teamsChats';
import { parseAddress } from '../../helpers/recipients';
import type { OperationDeclaration } from '../../../shared/declarations';

const properties: INodeProperties[] = [
	...returnAllOrLimit,
	...outputProperties,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			categoriesField({
				description:
					'Messages in any of these categories. Choose from the mailbox\'s list, or specify names using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			}),
			{
				...folderLocator({
					required: false,
					description: 'Only messages in this folder (not its subfolders)',
				}),
			},
			{
				displayName: 'From',
				name: 'from',
				type: 'string',
				default: '',
				placeholder: 'e.g. alice@contoso.com',
				description: "Only messages from this sender's address",
			},
			{
				displayName: 'Has Attachments',
				name: 'hasAttachments',
				type: 'boolean',
				default: true,
				description:
					'Whether to return only messages with attachments (on) or only messages without (off)',
			},
			{
				displayName: 'Raw Filter ($filter)',
				name: 'filter',
				type: 'string',
				default: '',
				placeholder: "e.g. importance eq 'high'",
				description:
					'An OData $filter expression, combined with the other filters by "and". See <a href="https://learn.microsoft.com/graph/filter-query-parameter">the Graph documentation</a>.',
			},
			{
				displayName: 'Received After',
				name: 'receivedAfter',
				type: 'dateTime',
				default: '',
			},
			{
				displayName: 'Received Before',
				name: 'receivedBefore',
				type: 'dateTime',
				default: '',
			},
			{
				displayName: 'Search ($search)',
				name: 'search',
				type: 'string',
				default: '',
				placeholder: 'e.g. invoice from:alice',
				description:
					'Free-text (KQL) search over subject, body, sender and more. Microsoft Graph returns at most 1,000 results, newest sent first, and does not combine Search with other filters or a sort order. See <a href="https://learn.microsoft.com/graph/search-query-parameter">the Graph documentation</a>.',
			},
			{
				displayName: 'Unread Only',
				name: 'unreadOnly',
				type: 'boolean',
				default: true,
				description: 'Whether to return only unread messages',
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
			...downloadAttachmentOptions,
			{
				displayName: 'Body as Text',
				name: 'bodyAsText',
				type: 'boolean',
				default: false,
				description:
					'Whether to have Microsoft Graph convert HTML bodies to plain text (with Raw or Selected Fields output)',
			},
			{
				displayName: 'Sort',
				name: 'orderBy',
				type: 'options',
				default: 'receivedDateTime desc',
				options: [
					{ name: 'Newest First', value: 'receivedDateTime desc' },
					{ name: 'Oldest First', value: 'receivedDateTime asc' },
					{ name: 'Subject A→Z', value: 'subject asc' },
					{ name: 'Subject Z→A', value: 'subject desc' },
					{ name: "Graph's Default", value: '' },
				],
			},
		],
	},
];

export const declaration: OperationDeclaration = { does: 'read' };

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['getAll'] } },
	properties,
);

/** Graph wants UTC ISO 8601 in `$filter`; n8n date fields hold local times in the workflow's zone. */
function filterDate(ctx: IExecuteFunctions, i: number, label: string, value: unknown): string {
	const text = String(value);
	const date =
		value instanceof Date
			? DateTime.fromJSDate(value)
			: DateTime.fromISO(text, { zone: ctx.getTimezone() });
	if (!date.isValid) {
		throw new NodeOperationError(ctx.getNode(), `"${text}" in the filter ${label} is not a date`, {
			itemIndex: i,
			description: 'Use ISO 8601, e.g. 2024-05-01T09:00:00',
		});
	}
	return date.toUTC().toISO({ suppressMilliseconds: true }) as string;
}

/** A `$search` value must be one double-quoted string; inner quotes are escaped. https://learn.microsoft.com/graph/search-query-parameter */
function searchValue(text: string): string {
	const trimmed = text.trim();
	if (/^".*"$/.test(trimmed)) return trimmed;
	return `"${trimmed.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * `$search` on messages "returns up to 1000 results", sorted by the date sent.
 * https://learn.microsoft.com/graph/search-query-parameter#using-search-on-message-collections
 */
export const SEARCH_RESULT_CAP = 1000;

export interface MessageQuery {
	path: string;
	query: IDataObject;
	/** True when the list is the whole mailbox (no folder): Teams chats are in it and left out. */
	wholeMailbox: boolean;
}

/** Path and query of the item's Get Many, checked before any request. */
export function messageListQuery(
	ctx: IExecuteFunctions,
	i: number,
	select: string | undefined,
): MessageQuery {
	const root = getMailboxRoot(ctx, i);
	const filters = ctx.getNodeParameter('filters', i, {}) as IDataObject;
	const options = ctx.getNodeParameter('options', i, {}) as IDataObject;
	let orderBy = (options.orderBy ?? 'receivedDateTime desc') as string;

	let path = `${root}/messages`;
	const inFolder = filters.folderId !== undefined && (filters.folderId as IDataObject).value !== '';
	if (inFolder) {
		path = `${root}/mailFolders/${segment(getFolderId(ctx, i, 'filters.folderId'))}/messages`;
	}

	const conditions: string[] = [];
	if (filters.receivedAfter)
		conditions.push(
			`receivedDateTime ge ${filterDate(ctx, i, 'Received After', filters.receivedAfter)}`,
		);
	if (filters.receivedBefore)
		conditions.push(
			`receivedDateTime lt ${filterDate(ctx, i, 'Received Before', filters.receivedBefore)}`,
		);
	if (filters.unreadOnly === true) conditions.push('isRead eq false');
	if (filters.from)
		conditions.push(
			`from/emailAddress/address eq ${odataString(parseAddress(ctx, i, 'From', filters.from))}`,
		);
	if (filters.hasAttachments !== undefined)
		conditions.push(`hasAttachments eq ${filters.hasAttachments ? 'true' : 'false'}`);
	const categories = splitList(filters.categories);
	if (categories.length)
		conditions.push(
			`(${categories.map((c) => `categories/any(c:c eq ${odataString(c)})`).join(' or ')})`,
		);
	if (typeof filters.filter === 'string' && filters.filter.trim())
		conditions.push(`(${filters.filter.trim()})`);

	const search = typeof filters.search === 'string' ? filters.search.trim() : '';
	if (search) {
		// https://learn.microsoft.com/graph/search-query-parameter#using-search-on-message-collections:
		// $search cannot be combined with $filter or $orderby on messages.
		if (conditions.length) {
			throw new NodeOperationError(
				ctx.getNode(),
				'The filter Search cannot be combined with other filters',
				{
					itemIndex: i,
					description:
						'Microsoft Graph does not combine $search with $filter on messages. Use KQL in Search instead, e.g. from:alice received>=2024-05-01 hasattachment:true.',
				},
			);
		}
		if (options.orderBy) {
			throw new NodeOperationError(
				ctx.getNode(),
				'The option Sort cannot be used with the filter Search',
				{
					itemIndex: i,
					description:
						'Microsoft Graph sorts search results by the date they were sent, newest first, and refuses $orderby with $search.',
				},
			);
		}
		orderBy = '';
	}

	if (conditions.length && orderBy) {
		// Graph refuses "$filter + $orderby" as InefficientFilter unless the sorted property also
		// appears in the filter, first. https://learn.microsoft.com/graph/api/user-list-messages#using-filter-and-orderby-in-the-same-query
		const sortProperty = orderBy.split(' ')[0];
		const first = conditions.findIndex((c) => c.startsWith(`${sortProperty} `));
		if (first > 0) conditions.unshift(...conditions.splice(first, 1));
		if (first < 0)
			conditions.unshift(
				sortProperty === 'receivedDateTime'
					? 'receivedDateTime ge 1900-01-01T00:00:00Z'
					: `${sortProperty} ge ''`,
			);
	}

	return {
		path,
		query: {
			$select: select,
			$filter: conditions.length ? conditions.join(' and ') : undefined,
			$orderby: orderBy || undefined,
			$search: search ? searchValue(search) : undefined,
			$expand: inFolder ? undefined : MESSAGE_CLASS_EXPAND,
		},
		wholeMailbox: !inFolder,
	};
}

export async function execute(
	this: IExecuteFunctions,
	i: number,
): Promise<IDataObject[] | INodeExecutionData[]> {
	const output = readOutput(this, i, false);
	const { path, query, wholeMailbox } = messageListQuery(this, i, output.select);
	const returnAll = this.getNodeParameter('returnAll', i, false) as boolean;
	const limit = returnAll ? undefined : (this.getNodeParameter('limit', i, 50) as number);
	const options = this.getNodeParameter('options', i, {}) as IDataObject;
	const transport = await GraphTransport.create(this, i);
	const request = {
		method: 'GET' as const,
		path,
		query: query as Record<string, string | undefined>,
		prefer: options.bodyAsText ? [BODY_AS_TEXT] : undefined,
		itemIndex: i,
		...mailPermission(this, i, 'read', 'read mail'),
	};
	// Pages with bodies stay small (Graph's gateway times out on many full messages).
	const pageSize = messagePageSize(request.query.$select);
	// Sorted by date, Return All (and a Limit of 2 × SPLIT_AT or more) reads up to 4 pages at once
	// by offset (shared/graph/offsets.ts); where the list changed between two pages it reads by
	// receivedDateTime, so that is selected and, when the user did not ask for it, removed.
	const sort = /^receivedDateTime (asc|desc)$/.exec(String(query.$orderby ?? ''));
	// Without a folder, Graph lists Teams chats too: they are left out, by their message class.
	const mail = (messages: IDataObject[]) => (wholeMailbox ? withoutTeamsChats(messages) : messages);
	if (!sort || (limit !== undefined && limit < 2 * SPLIT_AT)) {
		let listed = 0;
		const messages = await graphCollect(transport, request, {
			returnAll,
			limit,
			maxPageSize: pageSize,
			smallerOnTimeout: true,
			keep: (message) => {
				listed++;
				return !wholeMailbox || isMail(message);
			},
		});
		if (query.$search && listed >= SEARCH_RESULT_CAP && (limit ?? Infinity) > SEARCH_RESULT_CAP) {
			// Graph stops a search at 1,000 results without saying so: the output pane does.
			this.addExecutionHints({
				message: `Microsoft Graph returns at most ${SEARCH_RESULT_CAP.toLocaleString('en-US')} messages for a search, newest sent first: there may be more than the ones returned here. Narrow the search (for example received>=2024-05-01) or use the other filters instead of Search to read them all.`,
				location: 'outputPane',
			});
		}
		return await messagesWithAttachments(this, transport, i, mail(messages), output.shape, options);
	}
	const select = request.query.$select?.split(',');
	const added = select !== undefined && !select.includes('receivedDateTime');
	if (added) request.query.$select = [...select, 'receivedDateTime'].join(',');
	// Simplified without attachments: each page is simplified as it arrives, while the others are
	// still on their way, instead of all 10,000 after the last one.
	const early =
		output.output === 'simple' && !readDownloadChoice(options)
			? new WeakMap<IDataObject, IDataObject>()
			: undefined;
	const messages = await graphCollectByOffset(transport, request, {
		property: 'receivedDateTime',
		direction: sort[1] as 'asc' | 'desc',
		pageSize,
		limit,
		keep: wholeMailbox ? isMail : undefined,
		onPage:
			early &&
			((items) => {
				for (const message of items) early.set(message, output.shape(message));
			}),
	});
	// Teams chats are already left out (`keep`); the simplified form has no message class to remove.
	if (early) return messages.map((message) => early.get(message) ?? output.shape(message));
	if (added) for (const message of messages) delete message.receivedDateTime;
	return await messagesWithAttachments(this, transport, i, mail(messages), output.shape, options);
}
