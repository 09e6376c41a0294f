/**
 * Reading a large collection sorted by a date property (contacts by `createdDateTime`) in date
 * ranges on up to 4 requests at once (messages are read by offset instead: offsets.ts). Graph's
 * `@odata.nextLink` paging is sequential (10,000 items are 10 round trips however fast each is),
 * while Exchange runs 4 requests of an app on a mailbox at once (concurrency.ts keeps the package
 * at that).
 *
 * Return All:
 * 1. Both ends at once: the first half-page in the requested order (with `$count=true`) and the
 *    first half-page in the other order. A result that fits in half a page is the first answer;
 *    when the two ends meet (by Graph's count) nothing else is asked.
 * 2. What lies between the two ends' last dates is cut into ranges that Graph's count (or, when it
 *    has none: reported -1 with `$filter`, https://github.com/microsoftgraph/microsoft-graph-docs/issues/4870)
 *    the density of the two ends says hold about equally many messages: a multiple of 4, each
 *    under a page. Workers take ranges in turn, 4 requests in flight (the transport's mailbox
 *    slots hold back two more workers' requests, which go out as soon as an answer is in); a
 *    range with more than a page goes on from its last date (below). A worker with nothing left
 *    to take splits the unread part of the fullest range still being read, so that bunched mail
 *    does not leave one request paging alone.
 * Limit N (more than a page): the first page, then ranges below it as far as its density says N
 *    reach (and a tenth more), again if they fell short.
 *
 * A range goes on from its last item's second (`lt <that second + 1 s>`, or `ge <that second>`
 * oldest first) rather than by next link: Graph shows dates to the second while Exchange stores
 * milliseconds, so `le <second>` would leave out the rest of that second (issue 30 point 7); the
 * items of that second read twice are kept once, by ID. Only a page that lies within one second
 * (no date to go on from) follows Graph's next link. So every range can be asked again with a
 * smaller page: a page answered 504 (the gateway timeout Microsoft warns of for pages of many
 * full messages, https://learn.microsoft.com/graph/api/user-list-messages) is asked again with
 * half as many, and later pages stay that small.
 *
 * Ranges are cut at whole seconds and meet without overlap (`ge a and lt b`); the two ends and a
 * continuation re-read at most their last second, which IDs de-duplicate. Every message that
 * matches for the whole run is returned once, in order. A message that arrives during the run is
 * newer than every range and than the newest end, read first: it is returned at most once (normally
 * not: only if it came in the moment the two ends were read). One moved
 * or deleted during the run may or may not be returned; it never shifts another out of a range.
 * https://learn.microsoft.com/graph/paging, /graph/throttling-limits#outlook-service-limits
 */
import type { IDataObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { logFor } from '../redact';
import type { GraphRequestOptions, GraphTransport } from './client';
import { MAILBOX_CONCURRENCY_LIMIT } from './concurrency';
import { graphCollect, MIN_PAGE_SIZE } from './paging';

export interface DateOrderedPaging {
	/** The date property the collection is sorted by, e.g. `receivedDateTime`. */
	property: string;
	direction: 'asc' | 'desc';
	/** The largest page for what is selected (e.g. Outlook Mail's `messagePageSize`). */
	pageSize: number;
	/** At most this many, in order; undefined: all (Return All). */
	limit?: number;
	/** At most this many requests at once (Exchange: 4 per mailbox). */
	lanes?: number;
	/**
	 * Items to leave out of the result (they do not count towards the limit), e.g. Teams chats among
	 * messages; they still count for the dates and Graph's count the ranges are cut by.
	 */
	keep?: (item: IDataObject) => boolean;
	/**
	 * Work on each page's items as it arrives, while other pages are still being read (offsets.ts
	 * only), e.g. simplifying them: otherwise all of it waits for the last answer.
	 */
	onPage?: (items: IDataObject[]) => void;
}

interface GraphPage {
	value?: IDataObject[];
	'@odata.nextLink'?: string;
	'@odata.count'?: number;
}

const SECOND = 1000;
/** Requests ready beyond those in flight (waiting for a mailbox slot). */
const QUEUED = 2;
/** A range is planned for this share of a page: a range a little fuller than estimated still fits. */
const RANGE_FILL = 0.9;

/** The whole second (ms since the epoch) of an item's date as Graph shows it. */
export function secondOf(item: IDataObject | undefined, property: string): number | undefined {
	const value = item?.[property];
	if (typeof value !== 'string') return undefined;
	const ms = Date.parse(value);
	return Number.isNaN(ms) ? undefined : Math.floor(ms / SECOND) * SECOND;
}

export function isoSecond(ms: number): string {
	return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** `a and b`, leaving out what is empty. The date condition comes first: Graph wants the sorted property first in `$filter`. */
export function andFilter(first: string, rest: unknown): string | undefined {
	const tail = typeof rest === 'string' && rest.trim() ? rest : undefined;
	if (!first) return tail;
	return tail ? `${first} and ${tail}` : first;
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

/**
 * `items` once each (by ID, first kept), without those `keep` leaves out, sorted by the second of
 * `property` as asked (items of the same second keep the order they were read in), at most `limit`.
 * Read in order already, as a rule (ranges and pages follow each other): sorted only when not.
 */
export function inDateOrder(
	items: IDataObject[],
	paging: Pick<DateOrderedPaging, 'property' | 'direction' | 'limit' | 'keep'>,
): IDataObject[] {
	const sign = paging.direction === 'desc' ? -1 : 1;
	const keyed = uniqueById(items)
		.filter(paging.keep ?? (() => true))
		.map((item, index) => ({ item, index, time: secondOf(item, paging.property) ?? 0 }));
	if (keyed.some((entry, k) => k > 0 && sign * (entry.time - keyed[k - 1].time) < 0))
		keyed.sort((a, b) => sign * (a.time - b.time) || a.index - b.index);
	const sorted = keyed.map(({ item }) => item);
	return paging.limit === undefined ? sorted : sorted.slice(0, paging.limit);
}

/**
 * Cuts [from, to) (whole seconds) into `count` ranges holding about equally many items when the
 * density goes linearly from `densityAtFrom` to `densityAtTo`: the inner cuts, at whole seconds,
 * ascending, without repeats.
 */
export function cutsByDensity(
	from: number,
	to: number,
	count: number,
	densityAtFrom = 1,
	densityAtTo = 1,
): number[] {
	const span = to - from;
	const a = Math.max(densityAtFrom, 1e-12);
	const b = Math.max(densityAtTo, 1e-12);
	// Items up to x (from `from`): a·x + (b − a)·x²/(2·span); the total is span·(a + b)/2.
	const total = (span * (a + b)) / 2;
	const cuts: number[] = [];
	for (let j = 1; j < count; j++) {
		const share = (total * j) / count;
		const slope = (b - a) / span;
		const x =
			Math.abs(slope) < 1e-18 ? share / a : (-a + Math.sqrt(a * a + 2 * slope * share)) / slope;
		const cut = Math.round((from + x) / SECOND) * SECOND;
		if (cut > from && cut < to && cut !== cuts[cuts.length - 1]) cuts.push(cut);
	}
	return cuts;
}

/** A part of the date axis read as one list: [from, to), either end open. */
interface Range {
	from: number;
	to: number;
	/** Its place in the result: ranges in the requested order. */
	rank: number;
	items: IDataObject[];
	/** Items per ms, for splitting what is left of it. */
	density: number;
	/** Set when it goes on by Graph's next link (a page within one second). */
	link?: string;
	/** A request of it is under way. */
	busy: boolean;
	done: boolean;
}

/**
 * The items of a collection sorted by `paging.property` (all, or the first `paging.limit`), in
 * the requested order, each once, read in date ranges on up to 4 requests at once.
 */
export async function graphCollectByDate(
	transport: GraphTransport,
	request: GraphRequestOptions,
	paging: DateOrderedPaging,
): Promise<IDataObject[]> {
	const { property, direction, limit } = paging;
	const keep = paging.keep ?? (() => true);
	const lanes = Math.max(1, paging.lanes ?? MAILBOX_CONCURRENCY_LIMIT);
	const base = { ...(request.query ?? {}) };
	const desc = direction === 'desc';
	const other = desc ? 'asc' : 'desc';
	// Shrinks for the rest of the run when a page is answered 504.
	let pageSize = Math.max(1, paging.pageSize);

	/** One page of [from, to) in `order`, asked again smaller when the gateway times out. */
	const page = async (
		from: number,
		to: number,
		order: 'asc' | 'desc',
		top: number,
		count = false,
	): Promise<GraphPage> => {
		const range = [
			Number.isFinite(from) ? `${property} ge ${isoSecond(from)}` : '',
			Number.isFinite(to) ? `${property} lt ${isoSecond(to)}` : '',
		]
			.filter(Boolean)
			.join(' and ');
		for (let size = Math.min(top, pageSize); ; size = Math.max(MIN_PAGE_SIZE, size >> 1)) {
			try {
				return await transport.request<GraphPage>({
					...request,
					method: 'GET',
					query: {
						...base,
						$filter: andFilter(range, base.$filter),
						$orderby: `${property} ${order}`,
						$top: size,
						...(count ? { $count: 'true' } : {}),
					},
					// A 504 here is answered with a smaller page, not the same one again.
					noRetryOn: size > MIN_PAGE_SIZE ? [504] : undefined,
				});
			} catch (error) {
				if (!(error instanceof NodeApiError) || error.httpCode !== '504' || size <= MIN_PAGE_SIZE)
					// The transport's own NodeApiError/NodeOperationError, passed on as it is.
					// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
					throw error;
				pageSize = Math.min(pageSize, Math.max(MIN_PAGE_SIZE, size >> 1));
				logFor(transport.ctx).warn(
					`Microsoft Graph timed out on a page of ${size}; asking for ${Math.max(MIN_PAGE_SIZE, size >> 1)}`,
				);
			}
		}
	};
	const follow = async (link: string) =>
		await transport.request<GraphPage>({ ...request, method: 'GET', path: link, query: undefined });

	/** Sorted as asked; items of the same second keep the order they were read in. */
	const ordered = (items: IDataObject[]) => inDateOrder(items, paging);

	const firstTop = limit === undefined ? Math.max(1, pageSize >> 1) : Math.min(limit, pageSize);
	const [head, tail] = await Promise.all([
		page(-Infinity, Infinity, direction, firstTop, true),
		limit === undefined ? page(-Infinity, Infinity, other, firstTop) : undefined,
	]);
	const headItems = head.value ?? [];
	// All of it, or enough, in the first page: as Graph gave it.
	const first = headItems.filter(keep);
	if (!head['@odata.nextLink'] || (limit !== undefined && first.length >= limit))
		return limit === undefined ? first : first.slice(0, limit);
	// Graph answers -1 (or nothing) when it does not know (reported with $filter): no count then.
	const reported = head['@odata.count'];
	const count = typeof reported === 'number' && reported >= 0 ? reported : undefined;
	const tailItems = tail?.value ?? [];
	const known = uniqueById([...headItems, ...tailItems]);
	if (tail && (!tail['@odata.nextLink'] || (count !== undefined && known.length >= count)))
		return ordered([...headItems, ...[...tailItems].reverse()]);

	const headLast = secondOf(headItems[headItems.length - 1], property);
	const tailLast = secondOf(tailItems[tailItems.length - 1], property);
	if (headLast === undefined || (tail && tailLast === undefined)) {
		// Without a date to cut at, the first page's next link goes on alone.
		const rest = await graphCollect(
			transport,
			{ ...request, method: 'GET', path: head['@odata.nextLink'], query: undefined },
			{
				returnAll: limit === undefined,
				limit: limit && limit - first.length,
				sendTop: false,
				keep: paging.keep,
			},
		);
		return ordered([...headItems, ...rest, ...[...tailItems].reverse()]);
	}

	/** Items per ms of a page (its dates' span, at least a second). */
	const densityOf = (items: IDataObject[]) => {
		const first = secondOf(items[0], property) ?? 0;
		const last = secondOf(items[items.length - 1], property) ?? 0;
		return items.length / (Math.abs(first - last) + SECOND);
	};
	const headDensity = densityOf(headItems);
	// The part the first page did not cover: older than its last second (newest first), or newer.
	// Its last second itself may hold more (Graph shows seconds): it is read again.
	const beyondHead = desc ? { to: headLast + SECOND } : { from: headLast };

	const ranges: Range[] = [];
	/** Ranges covering [from, to) with about `expected` items, `count` of them, in the requested order. */
	const plan = (
		from: number,
		to: number,
		expected: number,
		densityAtFrom: number,
		densityAtTo: number,
		firstRank: number,
	) => {
		const perLane = Math.ceil(expected / (lanes * RANGE_FILL * pageSize));
		const count = Math.max(
			1,
			Math.min(lanes * Math.max(1, perLane), Math.round(expected / (pageSize / 4))),
		);
		const cuts = [from, ...cutsByDensity(from, to, count, densityAtFrom, densityAtTo), to];
		const planned = cuts.slice(1).map((end, j) => ({
			from: cuts[j],
			to: end,
			rank: 0,
			items: [] as IDataObject[],
			density: expected / Math.max(SECOND, to - from),
			busy: false,
			done: false,
		}));
		if (desc) planned.reverse();
		planned.forEach((range, j) => (range.rank = firstRank + j));
		ranges.push(...planned);
	};

	if (tail) {
		// Between the two ends: [older end's last second, newer end's last second + 1 s).
		const [from, to] = desc ? [tailLast!, headLast + SECOND] : [headLast, tailLast! + SECOND];
		if (from < to) {
			const tailDensity = densityOf(tailItems);
			const [atFrom, atTo] = desc ? [tailDensity, headDensity] : [headDensity, tailDensity];
			const estimated = ((to - from) * (atFrom + atTo)) / 2;
			const expected = count !== undefined ? Math.max(1, count - known.length) : estimated;
			plan(from, to, expected, atFrom, atTo, 1);
		}
		await readRanges();
		return ordered([
			...headItems,
			...ranges.sort((a, b) => a.rank - b.rank).flatMap((range) => range.items),
			...[...tailItems].reverse(),
		]);
	}

	// Limit: ranges beyond the first page, as far as its density says the rest of the limit
	// reaches (a tenth more), again until enough are read or the collection ends. When Graph's
	// count says that is about all there is, a last open-ended range takes whatever lies beyond.
	let edge = desc ? beyondHead.to! : beyondHead.from!;
	let density = headDensity;
	let left = count !== undefined ? count - headItems.length : Infinity;
	let rank = 1;
	const openBeyond = (from: number, to: number) =>
		ranges.push({ from, to, rank: rank++, items: [], density, busy: false, done: false });
	for (;;) {
		const have = uniqueById([...headItems, ...ranges.flatMap((r) => r.items)]).filter(keep).length;
		const needed = Math.min(limit! - have, left);
		if (needed <= 0) break;
		const open = count !== undefined && left <= needed * 1.1;
		const goal = open ? left : needed * 1.1;
		const reach = Math.max(SECOND, Math.round(goal / density / SECOND) * SECOND);
		const [from, to] = desc ? [edge - reach, edge] : [edge, edge + reach];
		const before = ranges.length;
		plan(from, to, goal, density, density, rank);
		rank += ranges.length - before;
		if (open) openBeyond(desc ? -Infinity : to, desc ? from : Infinity);
		await readRanges();
		const read = ranges.slice(before).reduce((sum, r) => sum + r.items.length, 0);
		left -= read;
		if (open) break;
		if (read === 0) {
			// Nothing that far: whatever is left lies beyond, read open-ended.
			openBeyond(desc ? -Infinity : to, desc ? from : Infinity);
			await readRanges();
			break;
		}
		density = read / reach;
		edge = desc ? from : to;
	}
	return ordered([
		...headItems,
		...ranges.sort((a, b) => a.rank - b.rank).flatMap((range) => range.items),
	]);

	/** Reads every range not yet done with `lanes` workers; a worker with nothing to take splits a range. */
	async function readRanges(): Promise<void> {
		const worker = async (): Promise<void> => {
			for (;;) {
				const range = ranges.find((r) => !r.done && !r.busy) ?? split();
				if (!range) return;
				range.busy = true;
				try {
					await step(range);
				} finally {
					range.busy = false;
				}
			}
		};
		// More workers than requests may be in flight: the transport's mailbox slots (concurrency.ts)
		// hold the extra ones back, and the moment an answer has arrived (before it is parsed) the
		// next request goes out, so the mailbox does not wait for the node to read a page.
		await Promise.all(Array.from({ length: lanes + QUEUED }, worker));
	}

	/** One page of a range: its items, and where it goes on (or that it is done). */
	async function step(range: Range): Promise<void> {
		const result = range.link
			? await follow(range.link)
			: await page(range.from, range.to, direction, pageSize);
		const items = result.value ?? [];
		range.items.push(...items);
		const next = result['@odata.nextLink'];
		const last = secondOf(items[items.length - 1], property);
		if (!next || last === undefined || range.from >= range.to) {
			range.done = true;
			return;
		}
		if (range.link) {
			range.link = next;
			return;
		}
		const first = secondOf(items[0], property) ?? last;
		if (first !== last) range.density = items.length / (Math.abs(first - last) + SECOND);
		// Go on from the last item's second (read again); a page within one second cannot: its link can.
		if (desc) {
			if (last + SECOND >= range.to) range.link = next;
			else range.to = last + SECOND;
		} else if (last <= range.from) range.link = next;
		else range.from = last;
		if (range.from >= range.to) range.done = true;
	}

	/**
	 * A new range from the unread far part of the range being read with the most left (what its
	 * page under way will not reach), or undefined when none has enough left to be worth a request.
	 */
	function split(): Range | undefined {
		let best: { range: Range; cut: number; left: number } | undefined;
		for (const range of ranges) {
			if (range.done || !range.busy || range.link) continue;
			if (!Number.isFinite(range.from) || !Number.isFinite(range.to)) continue;
			// The page under way reads about pageSize items from the near end.
			const reach = pageSize / Math.max(range.density, 1e-12);
			const [farFrom, farTo] = desc
				? [range.from, range.to - reach]
				: [range.from + reach, range.to];
			const left = (farTo - farFrom) * range.density;
			if (left < pageSize / 2 || (best && best.left >= left)) continue;
			const cut = Math.round((farFrom + (farTo - farFrom) / 2) / SECOND) * SECOND;
			if (cut <= range.from || cut >= range.to) continue;
			best = { range, cut, left };
		}
		if (!best) return undefined;
		const { range, cut } = best;
		const stolen: Range = {
			from: desc ? range.from : cut,
			to: desc ? cut : range.to,
			// Just after the range it came from, in the requested order.
			rank: range.rank + 0.5 / (1 + ranges.length),
			items: [],
			density: range.density,
			busy: false,
			done: false,
		};
		if (desc) range.from = cut;
		else range.to = cut;
		ranges.push(stolen);
		return stolen;
	}
}
