/**
 * Reading a collection sorted by a date property (messages by `receivedDateTime`) by offset, on
 * up to 4 requests at once. Graph's own next links for messages are offsets (`$skip=N`, which the
 * list-messages endpoint declares), read one after the other; here the offsets are asked side by
 * side, so that the mailbox's 4 lanes (concurrency.ts) work from the first round on instead of
 * waiting for a first answer to learn where the messages lie.
 *
 * Return All: 4 pages at once from the start (a quarter page each, the first with `$count=true`);
 * with Graph's count the rest is cut into pages of equal size, a multiple of 4, that go out the
 * moment a lane is free. Without a count (Graph answers -1 with `$filter`,
 * https://github.com/microsoftgraph/microsoft-graph-docs/issues/4870) the rest is read 4 full
 * pages at a time until one comes back short.
 * Limit N: the first N cut the same way from the start (one request up to SPLIT_AT), and more
 * pages until N are read (Teams chats left out do not count) or the list ends.
 *
 * An offset counts from the list's start at the moment Exchange answers, so mail that arrives,
 * moves or is deleted during the run shifts the pages read after it. Each page therefore asks for
 * one message more than its share: its last message should be the next page's first. When it is
 * not, and the next page's first is not among those already read (the list shrank in between),
 * what lies between the two by date is read again as a date range (whole seconds, as Graph shows
 * dates; repeats kept once, by ID). A page asked beyond a full one that comes back empty is such a
 * gap up to the end of the list. So every message that stays in the list for the whole run is
 * returned once, in order; one that arrives, moves or is deleted during the run may or may not be.
 * A page answered 504 (the gateway timeout Microsoft warns of for pages of many full messages,
 * https://learn.microsoft.com/graph/api/user-list-messages) is asked again as two halves, and
 * later pages stay that small.
 * https://learn.microsoft.com/graph/query-parameters#skip-parameter, /graph/paging
 */
import type { IDataObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { logFor } from '../redact';
import type { GraphRequestOptions, GraphTransport } from './client';
import { MAILBOX_CONCURRENCY_LIMIT } from './concurrency';
import { graphPage, MIN_PAGE_SIZE } from './paging';
import type { DateOrderedPaging } from './slices';
import { andFilter, inDateOrder, isoSecond, secondOf, uniqueById } from './slices';

/** A page pays for its own request from about this many items on: a smaller share is not split off. */
export const SPLIT_AT = 100;
/** Requests ready beyond those in flight (held in the transport's mailbox slots). */
const QUEUED = 2;
const SECOND = 1000;

interface Task {
	offset: number;
	/** Items asked for: the page's share and the next page's first. */
	top: number;
	count?: boolean;
}

interface OffsetPage extends Task {
	items: IDataObject[];
	reported?: number;
	/** Whether `keep` keeps the first item, and the items after it that it keeps (worked out on arrival). */
	headKept: boolean;
	rest: IDataObject[];
}

/** Pages of `[from, from + n)`: as many as needed under `maxTop`, spread over the lanes while each holds SPLIT_AT. */
export function offsetPlan(from: number, n: number, maxTop: number, lanes: number): Task[] {
	if (n <= 0) return [];
	const share = Math.max(1, maxTop - 1);
	const needed = Math.ceil(n / share);
	const spread = Math.min(lanes * Math.ceil(needed / lanes), Math.floor(n / SPLIT_AT));
	const pages = Math.max(1, needed, spread);
	return Array.from({ length: pages }, (_, j) => {
		const start = from + Math.round((j * n) / pages);
		const end = from + Math.round(((j + 1) * n) / pages);
		return { offset: start, top: end - start + 1 };
	});
}

/**
 * The items of a collection sorted by `paging.property` (all, or the first `paging.limit`), in the
 * requested order, each once, read by offset on up to 4 requests at once.
 */
export async function graphCollectByOffset(
	transport: GraphTransport,
	request: GraphRequestOptions,
	paging: DateOrderedPaging,
): Promise<IDataObject[]> {
	const { property, direction, limit } = paging;
	const keep = paging.keep ?? (() => true);
	const lanes = Math.max(1, paging.lanes ?? MAILBOX_CONCURRENCY_LIMIT);
	const base = { ...(request.query ?? {}) };
	const desc = direction === 'desc';
	// Shrinks for the rest of the run when a page is answered 504.
	let pageSize = Math.max(2, paging.pageSize);
	const pages: OffsetPage[] = [];
	let count: number | undefined;

	/** Items kept so far: counted page by page when the pages meet, as a rule. */
	const kept = () => {
		const filled = [...pages].sort((a, b) => a.offset - b.offset).filter((p) => p.items.length);
		if (meetExactly(filled))
			return filled.reduce(
				(sum, page, k) => sum + page.rest.length + (k === 0 && page.headKept ? 1 : 0),
				0,
			);
		return uniqueById(pages.flatMap((page) => page.items)).filter(keep).length;
	};

	/** Reads `tasks` (and what reading them adds) with `lanes` requests in flight and QUEUED more ready. */
	const read = async (
		tasks: Task[],
		onPage?: (page: OffsetPage, more: (...tasks: Task[]) => void) => void,
	): Promise<void> => {
		let inFlight = 0;
		let failed = false;
		let waiting: Array<() => void> = [];
		const wake = () => {
			const woken = waiting;
			waiting = [];
			for (const resume of woken) resume();
		};
		const push = (...more: Task[]) => {
			tasks.push(...more);
			wake();
		};
		const one = async (task: Task) => {
			try {
				const answer = await transport.request<{
					value?: IDataObject[];
					'@odata.count'?: number;
					'@odata.nextLink'?: string;
				}>({
					...request,
					method: 'GET',
					query: {
						...base,
						$orderby: `${property} ${direction}`,
						$top: task.top,
						...(task.offset > 0 ? { $skip: task.offset } : {}),
						...(task.count ? { $count: 'true' } : {}),
					},
					// A 504 here is answered with two smaller pages, not the same one again.
					noRetryOn: task.top > MIN_PAGE_SIZE ? [504] : undefined,
				});
				const items = answer.value ?? [];
				const page: OffsetPage = {
					...task,
					items,
					reported: answer['@odata.count'],
					// The kept items now, while other pages are on their way, rather than all after the last.
					headKept: items.length > 0 && keep(items[0]),
					rest: paging.keep ? items.slice(1).filter(keep) : items.slice(1),
				};
				if (items.length > 0 && items.length < task.top && answer['@odata.nextLink']) {
					// Fewer than asked, and more to come: Graph capped the page. The rest of this page's
					// share is asked for on its own (from its last item), and later pages stay that small.
					page.top = items.length;
					pageSize = Math.max(2, Math.min(pageSize, items.length));
					push(...offsetPlan(task.offset + items.length - 1, task.top - items.length, pageSize, 1));
				}
				pages.push(page);
				onPage?.(page, push);
				paging.onPage?.(items);
			} catch (error) {
				const timedOut =
					error instanceof NodeApiError && error.httpCode === '504' && task.top > MIN_PAGE_SIZE;
				if (!timedOut) failed = true;
				if (
					!(error instanceof NodeApiError) ||
					error.httpCode !== '504' ||
					task.top <= MIN_PAGE_SIZE
				)
					// The transport's own NodeApiError/NodeOperationError, passed on as it is.
					// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
					throw error;
				const share = task.top - 1;
				const half = Math.ceil(share / 2);
				pageSize = Math.max(MIN_PAGE_SIZE, Math.min(pageSize, half + 1));
				logFor(transport.ctx).warn(
					`Microsoft Graph timed out on a page of ${task.top}; asking for ${half + 1}`,
				);
				push(
					{ offset: task.offset, top: half + 1, count: task.count },
					...offsetPlan(task.offset + half, share - half, pageSize, 1),
				);
			}
		};
		const worker = async (): Promise<void> => {
			while (!failed) {
				const task = tasks.shift();
				if (!task) {
					if (inFlight === 0) return;
					await new Promise<void>((resume) => waiting.push(resume));
					continue;
				}
				inFlight++;
				await one(task).finally(() => {
					inFlight--;
					wake();
				});
			}
		};
		await Promise.all(Array.from({ length: lanes + QUEUED }, worker));
	};

	// The first round.
	const firstShare = Math.min(pageSize - 1, Math.max(Math.ceil(pageSize / lanes), SPLIT_AT));
	const firstEnd = limit === undefined ? lanes * firstShare : limit;
	const firstRound = offsetPlan(
		0,
		firstEnd,
		limit === undefined ? firstShare + 1 : pageSize,
		lanes,
	);
	if (limit === undefined) firstRound[0].count = true;
	await read(firstRound, (page, more) => {
		if (!page.count) return;
		// Graph answers -1 (or nothing) when it does not know (reported with $filter): no count then.
		if (typeof page.reported === 'number' && page.reported >= 0) {
			count = page.reported;
			if (count > firstEnd) more(...offsetPlan(firstEnd, count - firstEnd, pageSize, lanes));
		}
	});

	// On while the furthest page came back full (the list goes on: mail arrived, there was no
	// count, or Teams chats left out leave the limit short).
	if (pages.length === 0) return [];
	for (;;) {
		const last = pages.reduce((a, b) => (b.offset > a.offset ? b : a));
		if (last.items.length < last.top) break;
		const frontier = last.offset + last.top - 1;
		if (limit !== undefined) {
			const missing = limit - kept();
			if (missing <= 0) break;
			await read(offsetPlan(frontier, missing, pageSize, lanes));
		} else if (count !== undefined) {
			// Graph's count was read: what lies beyond it came in during the run, a page at most, as a rule.
			await read(offsetPlan(frontier, pageSize - 1, pageSize, 1));
		} else {
			await read(
				Array.from({ length: lanes }, (_, j) => ({
					offset: frontier + j * (pageSize - 1),
					top: pageSize,
				})),
			);
		}
	}

	// Where two neighbouring pages do not meet, what lies between them by date is read again.
	pages.sort((a, b) => a.offset - b.offset);
	const filled = pages.filter((page) => page.items.length > 0);
	// An empty list (an empty folder, no unread mail): every page came back empty.
	if (filled.length === 0) return [];
	const repairs = new Map<OffsetPage, Promise<IDataObject[]>>();
	const newer = (a: number, b: number) => (desc ? a > b : a < b);
	for (const [k, page] of filled.entries()) {
		const x = page.items[page.items.length - 1];
		const xSecond = secondOf(x, property);
		const next = filled[k + 1];
		if (!next) {
			// The list ends here: it did when this page came back short, or when nothing came back
			// after it (asked beyond a full page: the list shrank, what was behind it is read by date).
			const beyond = pages.some((p) => p.offset > page.offset);
			if (page.items.length < page.top || !beyond) continue;
			repairs.set(page, between(xSecond, undefined));
			continue;
		}
		const y = next.items[0];
		if (y.id === x.id || page.items.some((item) => item.id === y.id)) continue;
		const ySecond = secondOf(y, property);
		// Much mail arrived between the two reads: the next page starts before this one ended.
		if (xSecond !== undefined && ySecond !== undefined && newer(ySecond, xSecond)) continue;
		repairs.set(page, between(xSecond, ySecond));
	}

	/**
	 * Every item from the second of `from` to the second of `to` (or the list's end), by date. A
	 * range of more than a page goes on from its last item's second (read again, kept once by ID),
	 * not by Graph's next link: that link is an offset too, and a message deleted meanwhile would
	 * shift one that stays out of the range. Only a page within one second follows the link.
	 */
	async function between(from?: number, to?: number): Promise<IDataObject[]> {
		if (from === undefined) return [];
		let [low, high] = desc
			? [to, from + SECOND]
			: [from, to === undefined ? undefined : to + SECOND];
		const items: IDataObject[] = [];
		for (;;) {
			const range = [
				low !== undefined ? `${property} ge ${isoSecond(low)}` : '',
				high !== undefined ? `${property} lt ${isoSecond(high)}` : '',
			]
				.filter(Boolean)
				.join(' and ');
			const page = await graphPage(transport, {
				...request,
				method: 'GET',
				query: {
					...base,
					$filter: andFilter(range, base.$filter),
					$orderby: `${property} ${direction}`,
					$top: pageSize,
				},
			});
			for (const item of page.items) items.push(item);
			if (!page.next || page.items.length === 0) break;
			const first = secondOf(page.items[0], property);
			const last = secondOf(page.items[page.items.length - 1], property);
			if (last === undefined || first === last) {
				for (let link: string | undefined = page.next; link; ) {
					const more: { value?: IDataObject[]; '@odata.nextLink'?: string } =
						await transport.request({
							...request,
							method: 'GET',
							path: link,
							query: undefined,
						});
					for (const item of more.value ?? []) items.push(item);
					link = more['@odata.nextLink'];
				}
				break;
			}
			if (desc) high = last + SECOND;
			else low = last;
		}
		return uniqueById(items);
	}

	const repaired = new Map<OffsetPage, IDataObject[]>();
	await Promise.all([...repairs].map(async ([page, items]) => repaired.set(page, await items)));
	if (repairs.size > 0)
		logFor(transport.ctx).debug(
			`Read ${repairs.size} date range(s) again where the list changed between two pages`,
		);

	// Nothing changed during the run (as a rule): each page begins with the last message of the one
	// before it, and they are in order as they are.
	if (meetExactly(filled) && repairs.size === 0) {
		const merged: IDataObject[] = filled[0].headKept ? [filled[0].items[0]] : [];
		for (const page of filled) for (const item of page.rest) merged.push(item);
		return limit === undefined ? merged : merged.slice(0, limit);
	}

	return inDateOrder(
		filled.flatMap((page) => [...page.items, ...(repaired.get(page) ?? [])]),
		paging,
	);
}

/** Each page (by offset, none empty) begins where the one before it ends, with its last item. */
function meetExactly(filled: OffsetPage[]): boolean {
	return filled.every((page, k) => {
		if (k === 0) return true;
		const before = filled[k - 1];
		return (
			before.offset + before.top - 1 === page.offset &&
			before.items[before.items.length - 1].id === page.items[0].id
		);
	});
}
