/**
 * Return All of a large collection in parallel: Graph's `@odata.nextLink` paging is sequential
 * (10,000 messages are 10 round trips however fast each is), while Exchange allows 4 requests in
 * flight per mailbox (concurrency.ts). A collection sorted by a date property is read from both
 * ends at once, and what lies between is split into disjoint date ranges that page side by side.
 *
 * Round 1. The first page, as the sequential paging sends it (plus `$count=true`, which Graph
 *    answers in the same response). Without a next page that is the answer: one call, nothing
 *    extra. With one page left (by the count) the next link is followed: two calls, as before.
 * Round 2. Two requests at once, both data: the second page by the first page's link, and the
 *    first page of the other end (the same query sorted the other way), whose last date is the
 *    other bound of what is left.
 * Round 3 on. What lies between the two ends' last dates is split into up to 4 ranges (fewer when
 *    `@odata.count` says fewer pages are left); each range pages with its own nextLink.
 *
 * For 10,000 messages that is 4 rounds: 1 + 2 pages in the first two rounds, then 7,000 in
 * 4 ranges of about 1,750, 2 pages each (a range may hold up to 2,000 before it needs a third).
 *
 * The ranges are closed where a page ended (items with the same date as a page's last item may be
 * on either side) and half-open between each other; items are de-duplicated by ID, so none is
 * returned twice and none is missed. Messages that arrive during the run have a newer date than
 * every bound and fall only into the newest end's pages, so they are returned at most once.
 * https://learn.microsoft.com/graph/paging, /graph/throttling-limits#outlook-service-limits
 */
import type { IDataObject } from 'n8n-workflow';

import type { GraphRequestOptions, GraphTransport } from './client';
import { MAILBOX_CONCURRENCY_LIMIT } from './concurrency';
import { graphCollect, MAX_PAGE_SIZE } from './paging';

export interface SlicedPaging {
	/** The date property the collection is sorted by, e.g. `receivedDateTime`. */
	property: string;
	direction: 'asc' | 'desc';
	maxPageSize?: number;
	/** At most this many ranges page at once (Exchange: 4 per mailbox). */
	maxSlices?: number;
}

interface GraphPage {
	value?: IDataObject[];
	'@odata.nextLink'?: string;
	'@odata.count'?: number;
}

/** The sorted date of an item in milliseconds, or undefined when it lacks one. */
function timeOf(item: IDataObject | undefined, property: string): number | undefined {
	const value = item?.[property];
	if (typeof value !== 'string') return undefined;
	const ms = Date.parse(value);
	return Number.isNaN(ms) ? undefined : ms;
}

/** `a and b`, leaving out what is empty. The date condition comes first: Graph wants the sorted property first in `$filter`. */
function andFilter(first: string, rest: unknown): string {
	return typeof rest === 'string' && rest.trim() ? `${first} and ${rest}` : first;
}

/** The items without repeats (by ID), first occurrence kept. */
export function uniqueById(items: IDataObject[]): IDataObject[] {
	const seen = new Set<string>();
	return items.filter((item) => {
		const id = typeof item.id === 'string' ? item.id : JSON.stringify(item);
		if (seen.has(id)) return false;
		seen.add(id);
		return true;
	});
}

/** The date bounds of `count` ranges between `low` and `high` (both kept as Graph wrote them). */
export function sliceBounds(low: string, high: string, count: number): string[] {
	const from = Date.parse(low);
	const to = Date.parse(high);
	const bounds = [low];
	for (let j = 1; j < count; j++) {
		bounds.push(new Date(from + Math.round(((to - from) * j) / count)).toISOString());
	}
	bounds.push(high);
	// Ranges shorter than a millisecond collapse into their neighbours.
	return bounds.filter((bound, j) => j === 0 || Date.parse(bound) > Date.parse(bounds[j - 1]));
}

/**
 * All items of a collection sorted by `paging.property` (Return All), read from both ends and in
 * up to 4 disjoint date ranges at once, in the requested order, each item once.
 */
export async function graphCollectSliced(
	transport: GraphTransport,
	request: GraphRequestOptions,
	paging: SlicedPaging,
): Promise<IDataObject[]> {
	const { property, direction } = paging;
	const pageSize = paging.maxPageSize ?? MAX_PAGE_SIZE;
	const maxSlices = Math.max(1, paging.maxSlices ?? MAILBOX_CONCURRENCY_LIMIT);
	const query = { ...(request.query ?? {}) };
	const get = async (q: GraphRequestOptions['query']) =>
		await transport.request<GraphPage>({ ...request, method: 'GET', query: q });
	const follow = async (link: string) =>
		await transport.request<GraphPage>({ ...request, method: 'GET', path: link, query: undefined });
	const rest = async (link: string) =>
		await graphCollect(
			transport,
			{ ...request, method: 'GET', path: link, query: undefined },
			{ returnAll: true, sendTop: false },
		);
	// Graph's message links carry an offset: a message that arrives between two pages shifts the
	// next page by one, which repeats the previous page's last message; IDs drop the repeat.
	const sequential = async (items: IDataObject[], link: string) =>
		uniqueById([...items, ...(await rest(link))]);

	const head = await get({ ...query, $top: pageSize, $count: 'true' });
	const headItems = head.value ?? [];
	const headLink = head['@odata.nextLink'];
	if (!headLink) return headItems;
	const count = head['@odata.count'];
	// One page left (by Graph's count): the next link costs what a parallel round would.
	if (typeof count === 'number' && count - headItems.length <= pageSize) {
		return await sequential(headItems, headLink);
	}
	if (timeOf(headItems[headItems.length - 1], property) === undefined) {
		return await sequential(headItems, headLink);
	}

	// Round 2: the head's second page and the other end's first page, side by side.
	const other = direction === 'desc' ? 'asc' : 'desc';
	const [second, tail] = await Promise.all([
		follow(headLink),
		get({ ...query, $orderby: `${property} ${other}`, $top: pageSize }),
	]);
	const headSide = uniqueById([...headItems, ...(second.value ?? [])]);
	const secondLink = second['@odata.nextLink'];
	const tailItems = tail.value ?? [];
	const headEnd = headSide[headSide.length - 1];
	const tailEnd = tailItems[tailItems.length - 1];
	// Without a date at an end, the head's link goes on alone (the tail page is de-duplicated away).
	if (
		secondLink &&
		(timeOf(headEnd, property) === undefined ||
			(tailItems.length > 0 && timeOf(tailEnd, property) === undefined))
	) {
		return order(uniqueById([...(await sequential(headSide, secondLink)), ...tailItems]));
	}

	const headBound = String(headEnd[property]);
	const tailBound = tailEnd ? String(tailEnd[property]) : headBound;
	const [low, high] = direction === 'desc' ? [tailBound, headBound] : [headBound, tailBound];
	// Between the ends: nothing when either end reached the last page or they met.
	const middleEmpty = !secondLink || !tail['@odata.nextLink'] || Date.parse(low) > Date.parse(high);
	const middle: IDataObject[][] = [];
	if (!middleEmpty) {
		const left = typeof count === 'number' ? count - headSide.length - tailItems.length : Infinity;
		// One range per page left, at most 4; each range gets a tenth of a page to spare for the
		// edge messages it reads again and for uneven dates, before it needs one more page.
		const slices = Math.min(maxSlices, Math.max(1, Math.ceil(left / (0.9 * pageSize))));
		const bounds = sliceBounds(low, high, slices);
		const ranges =
			bounds.length === 1 ? [[low, high]] : bounds.slice(1).map((b, j) => [bounds[j], b]);
		const results = await Promise.all(
			ranges.map(async ([from, to], j) => {
				const last = j === ranges.length - 1;
				const range = `${property} ge ${from} and ${property} ${last ? 'le' : 'lt'} ${to}`;
				return await graphCollect(
					transport,
					{
						...request,
						method: 'GET',
						query: { ...query, $filter: andFilter(range, query.$filter) },
					},
					{ returnAll: true, maxPageSize: pageSize },
				);
			}),
		);
		// Ranges run low → high; in descending order the newest range comes first.
		middle.push(...(direction === 'desc' ? results.reverse() : results));
	}
	return order(uniqueById([...headSide, ...middle.flat(), ...tailItems.reverse()]));

	/** Stable: items with the same date keep the order Graph gave them. */
	function order(items: IDataObject[]): IDataObject[] {
		const sign = direction === 'desc' ? -1 : 1;
		return items
			.map((item, index) => ({ item, index, time: timeOf(item, property) ?? 0 }))
			.sort((a, b) => sign * (a.time - b.time) || a.index - b.index)
			.map(({ item }) => item);
	}
}
