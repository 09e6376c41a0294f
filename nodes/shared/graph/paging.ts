import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { GraphRequestOptions, GraphTransport } from './client';

/** Graph's largest `$top` for messages, events and folders. https://learn.microsoft.com/graph/paging */
export const MAX_PAGE_SIZE = 1000;

export interface PagingOptions {
	/** Fetch every page (Return All). */
	returnAll: boolean;
	/** With returnAll false: at most this many items, and no page beyond the one that reaches it. */
	limit?: number;
	/** The largest page the endpoint allows; `$top` is never above it. */
	maxPageSize?: number;
	/** Some endpoints (message `$search`) refuse `$top` paging beyond a point, or `$top` at all. */
	sendTop?: boolean;
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
		const page: GraphPage = await transport.request<GraphPage>(next);
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
