/**
 * Return All of a calendarView over a long window, in up to 4 sub-windows at once. calendarView
 * pages with `@odata.nextLink` one page (at most 1,000 events) after the other, while Exchange
 * allows 4 requests in flight per mailbox (nodes/shared/graph/concurrency.ts keeps it at that).
 *
 * 1. The first page of the whole window, as the sequential paging sends it, plus `$count=true`
 *    (Graph answers `@odata.count` in the same response). Without a next link that is the answer:
 *    one request, nothing extra. When the count (or, without one, the part of the window the first
 *    page covered) says at most one page is left, the next link is followed as before.
 * 2. Otherwise the rest of the window, from the first page's last start to To, is cut into up to 4
 *    sub-windows (as many as the pages left, with some headroom), each paged with its own next
 *    link, side by side.
 *
 * calendarView returns an event in every window it overlaps, so an event or occurrence that spans
 * a cut comes back in two sub-windows (and the first sub-window repeats the first page's last
 * events): events are kept once, by ID. Each sub-window is returned in Graph's order (by start)
 * and the sub-windows follow each other in time, so the first copy of each event is where the
 * whole view would have had it. An event starts in exactly one sub-window and overlaps it
 * (its end is not before its start); sub-windows also reach back one second before their cut, so
 * that an event of zero length at a cut is inside one whichever way Graph treats window edges.
 * https://learn.microsoft.com/graph/api/user-list-calendarview, /graph/paging,
 * /graph/throttling-limits#outlook-service-limits
 */
import type { IDataObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';
import type { DateTime } from 'luxon';

import type { GraphRequestOptions, GraphTransport } from '../../shared/graph/client';
import { MAILBOX_CONCURRENCY_LIMIT } from '../../shared/graph/concurrency';
import { graphCollect, MAX_PAGE_SIZE } from '../../shared/graph/paging';
import { uniqueById } from '../../shared/graph/slices';
import type { CalendarZone } from './timeZones';
import { fromGraphDateTime, isoWithOffset } from './timeZones';

/**
 * How far before the first page's last start the first sub-window begins. The cut is computed
 * from the start as Graph wrote it; two days cover any difference between that and the instant
 * Graph sorts and windows by (an all-day event is midnight in some zone, and UTC offsets run from
 * −12 to +14 hours, so two zones' midnights are at most 26 hours apart). The events read twice
 * here are dropped by ID.
 */
export const FIRST_CUT_MARGIN_MS = 2 * 24 * 60 * 60 * 1000;

/**
 * Sub-windows of equal length hold about equally many events, not exactly: one planned to hold a
 * full page would often need a second page (a second round) for a few events over. Planning for
 * a quarter more events than are left avoids that while fewer than 4 sub-windows are planned.
 */
export const SLICE_HEADROOM = 1.25;

/** Each later sub-window reaches back this far before its cut (zero-length events at a cut). */
export const CUT_OVERLAP_MS = 1000;

/** The whole window (From, To) the view's request asks for. */
export interface ViewWindow {
	from: DateTime;
	to: DateTime;
}

interface GraphPage {
	value?: IDataObject[];
	'@odata.nextLink'?: string;
	'@odata.count'?: number;
}

/**
 * The sub-windows [start, end) of what is left after the first page: cuts evenly spaced in time
 * between `low` and `to`, on whole seconds; each but the first reaches back CUT_OVERLAP_MS.
 */
export function subWindows(
	low: DateTime,
	to: DateTime,
	count: number,
): Array<[DateTime, DateTime]> {
	const span = to.toMillis() - low.toMillis();
	const cuts: DateTime[] = [low];
	for (let j = 1; j < count; j++) {
		const at = low.plus({ milliseconds: Math.floor((span * j) / count) }).startOf('second');
		if (at > cuts[cuts.length - 1] && at < to) cuts.push(at);
	}
	return cuts.map((cut, j) => [
		j === 0 ? cut : cut.minus({ milliseconds: CUT_OVERLAP_MS }),
		j === cuts.length - 1 ? to : cuts[j + 1],
	]);
}

/**
 * Every event of one calendarView (Return All, no client-side filter involved), in Graph's order
 * by start, each once. `request` is the view's GET with the whole window in its query.
 */
export async function collectCalendarViewSliced(
	transport: GraphTransport,
	request: GraphRequestOptions,
	window: ViewWindow,
	zone: CalendarZone,
	maxSlices = MAILBOX_CONCURRENCY_LIMIT,
): Promise<IDataObject[]> {
	const query = { ...(request.query ?? {}) };
	const first = async (count: boolean) =>
		await transport.request<GraphPage>({
			...request,
			method: 'GET',
			query: { ...query, $top: MAX_PAGE_SIZE, ...(count ? { $count: 'true' } : {}) },
		});
	let head: GraphPage;
	try {
		head = await first(true);
	} catch (error) {
		// Graph's description allows $count on calendarView; should a mailbox refuse it (400), the
		// first page is asked for again without it, and the rest is estimated from the window.
		// Anything else is already the transport's NodeApiError/NodeOperationError for the item.
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
		if (!(error instanceof NodeApiError) || error.httpCode !== '400') throw error;
		head = await first(false);
	}
	const headEvents = head.value ?? [];
	const link = head['@odata.nextLink'];
	if (!link) return headEvents;
	const sequential = async () =>
		uniqueById([
			...headEvents,
			...(await graphCollect(
				transport,
				{ ...request, method: 'GET', path: link, query: undefined },
				{ returnAll: true, sendTop: false },
			)),
		]);

	// Graph may give fewer than $top: the first page's length is the page size to plan with.
	const pageSize = Math.max(1, headEvents.length);
	const last = fromGraphDateTime(headEvents[headEvents.length - 1]?.start, zone);
	if (!last) return await sequential();
	const count = head['@odata.count'];
	let left: number;
	if (typeof count === 'number') {
		left = count - headEvents.length;
	} else {
		// Without a count: as many events per hour in the rest of the window as in the first page's part.
		const covered = last.toMillis() - window.from.toMillis();
		const rest = window.to.toMillis() - last.toMillis();
		left = covered > 0 ? (headEvents.length * rest) / covered : Infinity;
	}
	if (left <= pageSize) return await sequential();

	const margin = last.minus({ milliseconds: FIRST_CUT_MARGIN_MS });
	const low = margin > window.from ? margin : window.from;
	if (low >= window.to) return await sequential();
	const wanted = Math.min(Math.max(1, maxSlices), Math.ceil((left * SLICE_HEADROOM) / pageSize));
	const windows = subWindows(low, window.to, wanted);
	const results = await Promise.all(
		windows.map(
			async ([start, end]) =>
				await graphCollect(
					transport,
					{
						...request,
						method: 'GET',
						query: {
							...query,
							startDateTime: isoWithOffset(start, zone),
							endDateTime: isoWithOffset(end, zone),
						},
					},
					{ returnAll: true },
				),
		),
	);
	return uniqueById([...headEvents, ...results.flat()]);
}
