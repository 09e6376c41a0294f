/**
 * A calendarView on the Graph stand-in with Graph's window semantics: `startDateTime` and
 * `endDateTime` (required, ISO 8601 with an offset) select every event, occurrence and exception
 * that overlaps the window (starts before its end and ends after its start), ordered by
 * `$orderby=start/dateTime` (ties by ID, the same for every window), with `$top`, `$count=true`
 * (`@odata.count`) and a `@odata.nextLink` carrying `$skip` as Graph's calendarView links do.
 * Times come back in the zone of `Prefer: outlook.timezone`.
 * https://learn.microsoft.com/graph/api/user-list-calendarview, /graph/paging
 */
import { DateTime } from 'luxon';
import { findIana } from 'windows-iana';

import type { GraphRequestRecord, GraphStandIn } from './graph-standin';
import { graphError } from './graph-standin';

/** An event as the stand-in keeps it: its instants (ISO 8601, any offset) and Graph's other fields. */
export interface StoredEvent {
	id: string;
	start: string;
	end: string;
	[field: string]: unknown;
}

export interface CalendarViewOptions {
	maxPageSize?: number;
	/**
	 * Answer `@odata.count` when asked (default true); false models a Graph that leaves it out,
	 * 'refuse' one that answers `$count` with 400 BadRequest.
	 */
	count?: boolean | 'refuse';
}

/** What the stand-in served: each answered request's event IDs (to see events served twice). */
export interface CalendarViewLog {
	pages: Array<{ query: Record<string, string>; ids: string[] }>;
}

// Parsed once per string: the views of a year are recomputed for every request.
const parsed = new Map<string, number>();
function millis(iso: string): number {
	let ms = parsed.get(iso);
	if (ms === undefined) {
		ms = DateTime.fromISO(iso, { setZone: true }).toMillis();
		parsed.set(iso, ms);
	}
	return ms;
}

/** The events of `events` that calendarView returns for [from, to), in its order. */
export function viewOf(events: StoredEvent[], from: string, to: string): StoredEvent[] {
	const lo = millis(from);
	const hi = millis(to);
	return events
		.map((event) => ({ event, s: millis(event.start), e: millis(event.end) }))
		.filter(({ s, e }) => s < hi && e > lo)
		.sort((a, b) => a.s - b.s || (a.event.id < b.event.id ? -1 : a.event.id > b.event.id ? 1 : 0))
		.map(({ event }) => event);
}

// Formatted once per instant and zone (luxon's zone arithmetic is most of the stand-in's time).
const formatted = new Map<string, string>();
function localTime(iso: string, iana: string): string {
	const key = `${iso}|${iana}`;
	let value = formatted.get(key);
	if (value === undefined) {
		value = DateTime.fromMillis(millis(iso), { zone: iana }).toFormat(
			"yyyy-MM-dd'T'HH:mm:ss.SSS'0000'",
		);
		formatted.set(key, value);
	}
	return value;
}

function preferredZone(request: GraphRequestRecord): { name: string; iana: string } {
	const match = /outlook\.timezone="([^"]+)"/.exec(request.headers.prefer ?? '');
	const name = match?.[1] ?? 'UTC';
	return { name, iana: name === 'UTC' ? 'UTC' : (findIana(name)[0] ?? name) };
}

/** Serves `events()` as the calendarView at `pattern` (e.g. `/me/calendarView`). */
export function serveCalendarView(
	graph: GraphStandIn,
	pattern: string,
	events: () => StoredEvent[],
	options: CalendarViewOptions = {},
): CalendarViewLog {
	const log: CalendarViewLog = { pages: [] };
	// The view per window while the calendar is unchanged (same array, same length): a window's
	// next pages need not filter and sort the year again.
	const memo = new Map<string, { source: StoredEvent[]; length: number; list: StoredEvent[] }>();
	graph.on('GET', pattern, (request) => {
		const { query } = request;
		const { startDateTime, endDateTime } = query;
		if (!startDateTime || !endDateTime)
			return graphError(
				400,
				'ErrorInvalidParameter',
				'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.',
			);
		if (Number.isNaN(millis(startDateTime)) || Number.isNaN(millis(endDateTime)))
			return graphError(400, 'ErrorInvalidParameter', 'StartDateTime or EndDateTime is invalid.');
		if (millis(endDateTime) <= millis(startDateTime))
			return graphError(400, 'ErrorInvalidParameter', 'EndDateTime must be after StartDateTime.');
		if (query.$orderby && query.$orderby !== 'start/dateTime')
			return graphError(400, 'BadRequest', `stand-in: unsupported $orderby ${query.$orderby}`);
		if (query.$filter || query.$search)
			return graphError(400, 'BadRequest', 'stand-in: calendarView $filter/$search not modelled');
		if (query.$count !== undefined && options.count === 'refuse')
			return graphError(400, 'BadRequest', "The query parameter '$count' is not supported.");
		const source = events();
		const key = `${startDateTime}|${endDateTime}`;
		const cached = memo.get(key);
		let list: StoredEvent[];
		if (cached && cached.source === source && cached.length === source.length) {
			list = cached.list;
		} else {
			list = viewOf(source, startDateTime, endDateTime);
			memo.set(key, { source, length: source.length, list });
		}
		const top = Math.min(Number(query.$top ?? 10), options.maxPageSize ?? 1000);
		const skip = Number(query.$skip ?? 0);
		const page = list.slice(skip, skip + top);
		const zone = preferredZone(request);
		const local = (iso: string) => ({ dateTime: localTime(iso, zone.iana), timeZone: zone.name });
		const value = page.map((event) => ({
			subject: `Event ${event.id}`,
			isAllDay: false,
			showAs: 'busy',
			...event,
			start: local(event.start),
			end: local(event.end),
		}));
		log.pages.push({ query, ids: page.map((event) => event.id) });
		const body: Record<string, unknown> = {
			'@odata.context': `${graph.url}/v1.0/$metadata#users('me')/calendarView`,
			value,
		};
		if (query.$count === 'true' && (options.count ?? true) === true)
			body['@odata.count'] = list.length;
		if (skip + top < list.length) {
			const next = new URL(`${graph.url}/v1.0${request.path}`);
			next.searchParams.set('startDateTime', startDateTime);
			next.searchParams.set('endDateTime', endDateTime);
			if (query.$orderby) next.searchParams.set('$orderby', query.$orderby);
			next.searchParams.set('$top', String(top));
			next.searchParams.set('$skip', String(skip + top));
			body['@odata.nextLink'] = next.toString();
		}
		return { body };
	});
	return log;
}
