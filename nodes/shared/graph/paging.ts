import type { IDataObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { logFor } from '../redact';
import type { GraphRequestOptions, GraphTransport } from './client';

/** Graph's largest `$top` for messages, events and folders. https://learn.microsoft.com/graph/paging */
export const MAX_PAGE_SIZE = 1000;

/**
 * The smallest page a 504 makes the package ask for; a 504 at this size is left to the
 * credential's retries (a page this small is not what timed the gateway out).
 */
export const MIN_PAGE_SIZE = 10;

export interface PagingOptions {
	/** Fetch every page (Return All). */
	returnAll: boolean;
	/** With returnAll false: at most this many items, and no page beyond the one that reaches it. */
	limit?: number;
	/** The largest page the endpoint allows; `$top` is never above it. */
	maxPageSize?: number;
	/** Some endpoints (message `$search`) refuse `$top` paging beyond a point, or `$top` at all. */
	sendTop?: boolean;
	/**
	 * A first page answered 504 (a gateway timeout, which a page of many large items can cause) is
	 * asked again with half as many items, down to MIN_PAGE_SIZE, instead of the same page again. Later pages
	 * follow Graph's opaque next links, whose size cannot be changed.
	 */
	smallerOnTimeout?: boolean;
	/** Items to leave out (they do not count towards the limit), e.g. Teams chats among messages. */
	keep?: (item: IDataObject) => boolean;
}

interface GraphPage {
	value?: IDataObject[];
	'@odata.nextLink'?: string;
}

/**
 * Yields each page's items. `@odata.nextLink` is opaque: it is followed as Graph gave it (after the
 * transport checks it points at the credential's Graph host), never rebuilt from `$skip`.
 */
export async function* graphPages(
	transport: GraphTransport,
	request: GraphRequestOptions,
	paging: PagingOptions,
): AsyncGenerator<IDataObject[]> {
	const maxPage = paging.maxPageSize ?? MAX_PAGE_SIZE;
	const wanted = paging.returnAll ? Infinity : Math.max(0, paging.limit ?? 50);
	if (wanted === 0) return;
	const top = Math.min(maxPage, wanted);
	const query = { ...(request.query ?? {}) };
	if (paging.sendTop !== false) query.$top = top;
	let next: GraphRequestOptions | undefined = { ...request, method: 'GET', query };
	let received = 0;
	const followed = new Set<string>();
	while (next) {
		const page: GraphPage = await firstOrNext(transport, next, paging, received === 0);
		const items = paging.keep ? (page.value ?? []).filter(paging.keep) : (page.value ?? []);
		const take = items.slice(0, wanted - received);
		received += take.length;
		if (take.length) yield take;
		const link = page['@odata.nextLink'];
		// A link that comes back again would loop forever; Graph never does this, a broken proxy might.
		if (link && followed.has(link)) {
			throw new NodeOperationError(
				transport.ctx.getNode(),
				'Microsoft Graph returned the same page link twice; stopped paging',
				{ itemIndex: request.itemIndex },
			);
		}
		if (link) followed.add(link);
		next =
			link && received < wanted
				? { ...request, method: 'GET', path: link, query: undefined }
				: undefined;
	}
}

/** A page; the first one again smaller on a 504 when `paging.smallerOnTimeout` (see there). */
async function firstOrNext(
	transport: GraphTransport,
	request: GraphRequestOptions,
	paging: PagingOptions,
	first: boolean,
): Promise<GraphPage> {
	const top = Number(request.query?.$top);
	if (!first || !paging.smallerOnTimeout || !(top > MIN_PAGE_SIZE))
		return await transport.request(request);
	for (let size = top; ; size = Math.max(MIN_PAGE_SIZE, size >> 1)) {
		try {
			return await transport.request<GraphPage>({
				...request,
				query: { ...request.query, $top: size },
				noRetryOn: size > MIN_PAGE_SIZE ? [504] : undefined,
			});
		} catch (error) {
			if (!(error instanceof NodeApiError) || error.httpCode !== '504' || size <= MIN_PAGE_SIZE)
				// The transport's own NodeApiError/NodeOperationError, passed on as it is.
				// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
				throw error;
			logFor(transport.ctx).warn(
				`Microsoft Graph timed out on a page of ${size}; asking for ${Math.max(MIN_PAGE_SIZE, size >> 1)}`,
			);
		}
	}
}

/**
 * One page of `request` (at its `$top`), asked again with half as many items on a 504, and the
 * link to the page after it, if any.
 */
export async function graphPage(
	transport: GraphTransport,
	request: GraphRequestOptions,
): Promise<{ items: IDataObject[]; next?: string }> {
	const page = await firstOrNext(
		transport,
		request,
		{ returnAll: true, smallerOnTimeout: true },
		true,
	);
	return { items: page.value ?? [], next: page['@odata.nextLink'] };
}

/** All items of a collection (or up to the limit) in one array. */
export async function graphCollect(
	transport: GraphTransport,
	request: GraphRequestOptions,
	paging: PagingOptions,
): Promise<IDataObject[]> {
	const all: IDataObject[] = [];
	for await (const page of graphPages(transport, request, paging)) all.push(...page);
	return all;
}
