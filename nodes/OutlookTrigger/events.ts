/**
 * Calendar triggers.
 *
 * Event Created / Updated / Cancelled or Deleted: a calendarView delta over a window (yesterday
 * until N days ahead) tells what changed; the trigger reads what it needs to emit complete, correct
 * events, whichever way Graph serves recurring series.
 * https://learn.microsoft.com/graph/delta-query-events, /graph/api/event-delta
 *
 * The trigger keeps each instance's change key (hashed) with its start minute and series (hashed)
 * in static data: an instance it has not seen is created (when created since the last round; an
 * older one moved into the window is an update), one with another change key is updated, a
 * cancelled one is cancelled. What Graph says about the rest is read as a signal, not as the answer:
 * - `@removed` means deleted *or* outside the window: "Events that are outside the date range and
 *   that have been added, deleted, or updated" come as `@removed` with reason `deleted`
 *   (event-delta.md). The event is read (`GET /events/{id}`): 404 is a deletion, an event outside
 *   the window was moved there (an update, not a deletion).
 * - Recurring series: the documented reading returns full occurrences and `@removed` for a deleted
 *   one; public reports (microsoft-graph-docs#1716, #7632, #22197, docs PR #4501) show occurrences as
 *   stubs (id, type, seriesMasterId, start, end), the series master listed too, and no `@removed` for
 *   a deleted occurrence. A stub or a master makes the trigger read the series' instances in the
 *   window (`GET /events/{master}/instances`): full occurrences to compare, and known occurrences
 *   that are gone from it.
 * - An instance that is gone from where it was expected (a series, a resync, a moved window) may
 *   have been moved outside the window: it counts as deleted only when a read of the calendar a
 *   year around the window (IDs only) does not find it.
 * - Another user's calendar with the delegated credential: event-delta.md lists no `.Shared`
 *   permission. When Graph refuses the delta (403), the trigger compares the window's calendarView
 *   (which Calendars.Read.Shared covers) with what it knows, every poll, and tries the delta again
 *   when the window moves (once a day).
 * The same table makes a resync (410) and the daily move of the window emit nothing twice.
 *
 * Event Starting Soon: each poll reads the calendar view from the previous poll until N minutes
 * ahead and emits each occurrence that starts in it once (ID + start in the emitted window; a
 * moved occurrence fires again for its new start).
 */
import { DateTime } from 'luxon';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { GraphRequestOptions, GraphTransport } from '../shared/graph/client';
import { graphCollect, graphPages } from '../shared/graph/paging';
import { segment } from '../shared/graph/request';
import { simplifyEvent } from '../shared/simplify/event';
import { fromGraphDateTime, isoWithOffset } from '../shared/timeZones';
import type { SourceCursor, TriggerState } from './cursor';
import { digest } from './cursor';
import { maxPageSizePreference, rethrowUnlessResync, runDeltaRound } from './delta';
import type { PollLimits } from './messages';
import { RESYNC_SLACK_MS } from './messages';
import type { TriggerSettings } from './settings';
import type { SyncContext } from './sync';
import { logFor } from '../shared/redact';

/** The window moves (a new initial round) once its start is this old. */
export const WINDOW_REBASE_MS = 24 * 60 * 60_000;

/** Graph's largest page of events in a delta. https://learn.microsoft.com/graph/delta-query-events */
const EVENT_PAGE_SIZE = 1000;

/** How far around the window an instance that left it is looked for before it counts as deleted. */
export const LOCATE_MARGIN_DAYS = 366;

/** The longest gap between two polls Event Starting Soon looks back over (n8n was down). */
const STARTING_SOON_LOOKBACK_MS = 24 * 60 * 60_000;

const CALENDAR_SOURCE = 'calendar';

export function calendarPermission(settings: TriggerSettings) {
	return {
		permission: settings.otherMailbox ? 'Calendars.Read.Shared' : 'Calendars.Read',
		action: 'read events',
	};
}

function startMinute(event: IDataObject): number {
	return Math.floor((fromGraphDateTime(event.start)?.toMillis() ?? 0) / 60_000);
}

function windowFor(now: Date, days: number): { start: string; end: string } {
	const start = DateTime.fromJSDate(now).toUTC().startOf('day').minus({ days: 1 });
	return {
		start: start.toISO({ suppressMilliseconds: true }) ?? '',
		end: start.plus({ days: days + 1 }).toISO({ suppressMilliseconds: true }) ?? '',
	};
}

export function shapeEvent(
	settings: TriggerSettings,
	event: IDataObject,
	change?: string,
): INodeExecutionData {
	const json = settings.simplify ? simplifyEvent(event, settings.zone) : { ...event };
	if (change) json.change = change;
	return { json };
}

/** What the trigger keeps per instance: `changeKey hash|start minute|series master hash`. */
interface KnownInstance {
	changeKey: string;
	minute: number;
	series: string;
}

function readKnown(value: string): KnownInstance {
	const [changeKey, minute, series] = value.split('|');
	return { changeKey, minute: Number(minute), series: series ?? '' };
}

/** The answer, or undefined when Graph says 404 (the item was deleted). */
async function unlessNotFound<T>(request: Promise<T>): Promise<T | undefined> {
	try {
		return await request;
	} catch (error) {
		if (error instanceof NodeApiError && error.httpCode === '404') return undefined;
		// Already a NodeApiError/NodeOperationError from the transport, telling the user what to do.
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
		throw error;
	}
}

/** How a round reads what it is given. */
interface RoundMode {
	/** The first listing of the calendar: nothing is new but what Since asks for. */
	firstListing: boolean;
	/** The round lists the whole window: known instances it does not list are gone from it. */
	comparing: boolean;
	/** Instances created at or after this instant are new (ms); older ones were there before. */
	floor?: number;
}

/** One round of the calendar: what Graph lists, then what the trigger reads to make sense of it. */
class CalendarRound {
	private readonly seen = new Set<string>();

	/** Known instances Graph listed as `@removed`: hash → ID. */
	private readonly removed = new Map<string, string>();

	/** Series whose instances in the window are read (a master or a stub was listed). */
	private readonly series = new Set<string>();

	/** Stubs outside any series: read one by one. */
	private readonly loose = new Set<string>();

	private readonly known: Record<string, string>;

	private readonly windowStart: number;

	private readonly windowEnd: number;

	constructor(
		private readonly transport: GraphTransport,
		private readonly settings: TriggerSettings,
		private readonly state: TriggerState,
		private readonly window: { start: string; end: string },
		private readonly mode: RoundMode,
		/**
		 * Where the round's items go: the poll's list, kept across a resync (410) because the
		 * abandoned attempt already wrote their change keys into `known` and their keys into the
		 * emitted window, so the new round finds them known and does not emit them again.
		 */
		private readonly pending: INodeExecutionData[],
	) {
		this.known = state.known;
		this.windowStart = Date.parse(window.start);
		this.windowEnd = Date.parse(window.end);
	}

	private request(path: string, query?: GraphRequestOptions['query']): GraphRequestOptions {
		return {
			method: 'GET',
			path,
			query,
			timeZone: this.settings.zone.windows,
			...calendarPermission(this.settings),
		};
	}

	/** What a delta page or a calendarView page lists. */
	readonly accept = (events: IDataObject[]): void => {
		for (const event of events) {
			if (typeof event.id !== 'string') continue;
			if (event['@removed']) {
				const hash = digest(event.id);
				if (this.known[hash] !== undefined) this.removed.set(hash, event.id);
				continue;
			}
			if (event.type === 'seriesMaster') {
				this.series.add(event.id);
				continue;
			}
			if (typeof event.changeKey !== 'string') {
				// A stub: only the ID, type, series and times (microsoft-graph-docs#7632).
				if (typeof event.seriesMasterId === 'string') this.series.add(event.seriesMasterId);
				else this.loose.add(event.id);
				continue;
			}
			this.instance(event);
		}
	};

	private inWindow(event: IDataObject): boolean {
		const start = fromGraphDateTime(event.start)?.toMillis();
		const end = fromGraphDateTime(event.end)?.toMillis() ?? start;
		if (start === undefined || end === undefined) return true;
		return start < this.windowEnd && end > this.windowStart;
	}

	private emit(key: string, item: INodeExecutionData): void {
		if (this.state.hasEmitted(key)) return;
		this.state.remember(key);
		this.pending.push(item);
	}

	/** A complete instance (single event, occurrence or exception). */
	private instance(event: IDataObject): void {
		const id = String(event.id);
		const hash = digest(id);
		const previous = this.known[hash];
		if (!this.inWindow(event)) {
			if (previous !== undefined) this.movedOut(event);
			return;
		}
		this.seen.add(hash);
		this.removed.delete(hash);
		const changeKey = digest(String(event.changeKey ?? ''));
		const series = typeof event.seriesMasterId === 'string' ? digest(event.seriesMasterId) : '';
		this.known[hash] = `${changeKey}|${startMinute(event)}|${series}`;
		const { event: trigger, since } = this.settings;
		if (previous === undefined) {
			if (event.isCancelled) return;
			const created = Date.parse(String(event.createdDateTime ?? ''));
			if (this.mode.firstListing) {
				// The first listing of the calendar: only "since a date" emits from it.
				if (trigger === 'eventCreated' && since !== undefined && created >= since.getTime())
					this.emit(`c${hash}`, shapeEvent(this.settings, event));
				return;
			}
			const floor = this.mode.floor ?? 0;
			if (created >= floor) {
				if (trigger === 'eventCreated') this.emit(`c${hash}`, shapeEvent(this.settings, event));
				return;
			}
			// There before the last round: it entered the window because it was moved there, or the
			// series was extended (an update), or because the window moved (nothing happened to it).
			const modified = Date.parse(String(event.lastModifiedDateTime ?? ''));
			if (trigger === 'eventUpdated' && modified >= floor)
				this.emit(`u${hash}${changeKey}`, shapeEvent(this.settings, event));
			return;
		}
		if (readKnown(previous).changeKey === changeKey) return;
		if (trigger === 'eventUpdated') {
			this.emit(`u${hash}${changeKey}`, shapeEvent(this.settings, event));
		} else if (trigger === 'eventCancelledOrDeleted' && event.isCancelled) {
			this.emit(`x${hash}`, shapeEvent(this.settings, event, 'cancelled'));
		}
	}

	/** A known instance that now lies outside the window: rescheduled, not deleted. */
	private movedOut(event: IDataObject): void {
		const hash = digest(String(event.id));
		delete this.known[hash];
		this.seen.add(hash);
		this.removed.delete(hash);
		if (this.settings.event === 'eventUpdated') {
			const changeKey = digest(String(event.changeKey ?? ''));
			this.emit(`u${hash}${changeKey}`, shapeEvent(this.settings, event));
		} else if (this.settings.event === 'eventCancelledOrDeleted' && event.isCancelled) {
			this.emit(`x${hash}`, shapeEvent(this.settings, event, 'cancelled'));
		}
	}

	/** A known instance that no longer exists. */
	private deleted(hash: string, found: { id?: string; masterId?: string }): void {
		const value = this.known[hash];
		delete this.known[hash];
		this.seen.add(hash);
		if (this.settings.event !== 'eventCancelledOrDeleted') return;
		if (found.id) {
			this.emit(`x${hash}`, { json: { id: found.id, change: 'deleted', reason: 'deleted' } });
			return;
		}
		// Only the hash of its ID is known: say what happened, with that hash to correlate, and
		// when it was to start.
		const json: IDataObject = { idHash: hash, change: 'deleted', reason: 'deleted' };
		const minute = value === undefined ? NaN : readKnown(value).minute;
		if (Number.isFinite(minute) && minute > 0) {
			json.start = isoWithOffset(DateTime.fromMillis(minute * 60_000), this.settings.zone);
		}
		if (found.masterId) json.seriesMasterId = found.masterId;
		this.emit(`x${hash}`, { json });
	}

	/** The event by ID, or undefined when it was deleted. */
	private async getEvent(id: string): Promise<IDataObject | undefined> {
		return await unlessNotFound(
			this.transport.request<IDataObject>(
				this.request(`${this.settings.root}/events/${segment(id)}`),
			),
		);
	}

	/** The series' instances in the window, complete; undefined when the series was deleted. */
	private async seriesInstances(masterId: string): Promise<IDataObject[] | undefined> {
		return await unlessNotFound(
			graphCollect(
				this.transport,
				this.request(`${this.settings.root}/events/${segment(masterId)}/instances`, {
					startDateTime: this.window.start,
					endDateTime: this.window.end,
				}),
				{ returnAll: true, maxPageSize: EVENT_PAGE_SIZE },
			),
		);
	}

	/** Known instances not seen in this round, inside the window, optionally of one series. */
	private unseenInWindow(series?: string): string[] {
		const first = Math.floor(this.windowStart / 60_000);
		const last = Math.floor(this.windowEnd / 60_000);
		const hashes: string[] = [];
		for (const [hash, value] of Object.entries(this.known)) {
			if (this.seen.has(hash)) continue;
			const entry = readKnown(value);
			if (series !== undefined && entry.series !== series) continue;
			if (entry.minute < last && entry.minute >= first) hashes.push(hash);
		}
		return hashes;
	}

	/** After the listing: reads series, checks `@removed`, and accounts for what vanished. */
	async settle(): Promise<void> {
		const missing = new Map<string, string | undefined>();
		const read: string[] = [];
		for (const masterId of this.series) {
			const instances = await this.seriesInstances(masterId);
			for (const event of instances ?? []) this.instance(event);
			read.push(masterId);
		}
		for (const id of this.loose) {
			const event = await this.getEvent(id);
			if (event) this.instance(event);
		}
		for (const [hash, id] of [...this.removed]) {
			if (this.seen.has(hash)) continue;
			const event = await this.getEvent(id);
			if (!event) this.deleted(hash, { id });
			else this.instance(event);
		}
		for (const masterId of read)
			for (const hash of this.unseenInWindow(digest(masterId))) missing.set(hash, masterId);
		if (this.mode.comparing) {
			const first = Math.floor(this.windowStart / 60_000);
			for (const [hash, value] of Object.entries(this.known)) {
				// Gone from the window because it moved: nothing happened to it.
				if (!this.seen.has(hash) && readKnown(value).minute < first) delete this.known[hash];
			}
			for (const hash of this.unseenInWindow())
				if (!missing.has(hash)) missing.set(hash, undefined);
		}
		await this.locate(missing);
		this.state.trimKnown();
	}

	/**
	 * Known instances gone from the window: moved out of it (found within a year around it: an
	 * update) or deleted. One read of IDs only, and only when something vanished.
	 */
	private async locate(missing: Map<string, string | undefined>): Promise<void> {
		if (!missing.size) return;
		const margin = LOCATE_MARGIN_DAYS * 24 * 60 * 60_000;
		const found = new Map<string, string>();
		for await (const page of graphPages(
			this.transport,
			this.request(`${this.settings.root}/calendarView`, {
				startDateTime: new Date(this.windowStart - margin).toISOString(),
				endDateTime: new Date(this.windowEnd + margin).toISOString(),
				$select: 'id',
			}),
			{ returnAll: true, maxPageSize: EVENT_PAGE_SIZE },
		)) {
			for (const { id } of page) {
				if (typeof id !== 'string') continue;
				const hash = digest(id);
				if (missing.has(hash)) found.set(hash, id);
			}
		}
		for (const [hash, masterId] of missing) {
			const id = found.get(hash);
			const event = id === undefined ? undefined : await this.getEvent(id);
			if (!event) this.deleted(hash, { masterId });
			else this.instance(event);
		}
	}
}

/** Graph refused the delta of another user's calendar to the delegated credential (event-delta.md lists no `.Shared` permission). */
function sharedDeltaRefused(
	error: unknown,
	settings: TriggerSettings,
	transport: GraphTransport,
	cursor: SourceCursor,
): boolean {
	return (
		error instanceof NodeApiError &&
		error.httpCode === '403' &&
		settings.otherMailbox &&
		!transport.appOnly &&
		!cursor.link
	);
}

export async function pollCalendarChanges(
	ctx: SyncContext,
	transport: GraphTransport,
	settings: TriggerSettings,
	state: TriggerState,
	now: Date,
): Promise<INodeExecutionData[]> {
	state.keepSources([CALENDAR_SOURCE]);
	const prefer = [maxPageSizePreference(EVENT_PAGE_SIZE)];
	const permission = calendarPermission(settings);
	// Outside the attempts, as messages and contacts keep theirs: what a round read before Graph
	// lost the sync state is emitted with what the resync round adds.
	const pending: INodeExecutionData[] = [];

	for (let attempt = 0; ; attempt++) {
		let cursor: SourceCursor = state.source(CALENDAR_SOURCE);
		const stale =
			cursor.windowStart !== undefined &&
			now.getTime() - Date.parse(cursor.windowStart) > WINDOW_REBASE_MS + 24 * 60 * 60_000;
		if (stale || (!cursor.link && cursor.mode !== 'calendarView')) {
			const window = windowFor(now, settings.windowDays);
			const first = !cursor.syncedAt;
			// A new window (or a resync) tries the delta again; calendarView mode is kept for a day.
			cursor = {
				initial: true,
				syncedAt: cursor.syncedAt,
				// After the first round, an initial round (resync or moved window) compares with what is known.
				resyncFrom: first
					? undefined
					: new Date(
							Date.parse(cursor.syncedAt ?? state.startedAt) - RESYNC_SLACK_MS,
						).toISOString(),
				windowStart: window.start,
				windowEnd: window.end,
				...(!stale && cursor.mode ? { mode: cursor.mode } : {}),
			};
			state.resetSource(CALENDAR_SOURCE, cursor);
		}
		const window = { start: cursor.windowStart!, end: cursor.windowEnd! };
		const floor = cursor.resyncFrom
			? Date.parse(cursor.resyncFrom)
			: cursor.syncedAt
				? Date.parse(cursor.syncedAt) - RESYNC_SLACK_MS
				: undefined;
		const listing = (comparing: boolean): RoundMode => ({
			firstListing: floor === undefined,
			comparing: comparing && floor !== undefined,
			floor,
		});
		try {
			let round: CalendarRound;
			let link: string | undefined;
			const readView = async () => {
				round = new CalendarRound(transport, settings, state, window, listing(true), pending);
				for await (const page of graphPages(
					transport,
					{
						method: 'GET',
						path: `${settings.root}/calendarView`,
						query: { startDateTime: window.start, endDateTime: window.end },
						timeZone: settings.zone.windows,
						...permission,
					},
					{ returnAll: true, maxPageSize: EVENT_PAGE_SIZE },
				))
					round.accept(page);
			};
			if (cursor.mode === 'calendarView') {
				await readView();
			} else {
				round = new CalendarRound(
					transport,
					settings,
					state,
					window,
					cursor.initial ? listing(true) : { firstListing: false, comparing: false, floor },
					pending,
				);
				try {
					const result = await runDeltaRound(transport, {
						initial: {
							method: 'GET',
							path: `${settings.root}/calendarView/delta`,
							query: { startDateTime: window.start, endDateTime: window.end },
							prefer,
							timeZone: settings.zone.windows,
							...permission,
						},
						link: cursor.link,
						prefer,
						timeZone: settings.zone.windows,
						...permission,
						onPage: round.accept,
						// A calendar window is small; a round that compares with the known table ends in one poll.
						shouldPause: () => false,
					});
					link = result.link;
				} catch (error) {
					// Not the refusal: the transport's NodeApiError or delta.ts's SyncStateLost, passed on.
					// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
					if (!sharedDeltaRefused(error, settings, transport, cursor)) throw error;
					logFor(ctx).info(
						"Outlook Trigger: Microsoft Graph does not offer the delta of another user's calendar to delegated permissions; comparing the window's calendar view instead",
					);
					cursor.mode = 'calendarView';
					await readView();
				}
			}
			await round!.settle();
			cursor.link = link;
			cursor.initial = cursor.mode === 'calendarView';
			delete cursor.resyncFrom;
			cursor.syncedAt = now.toISOString();
			return pending;
		} catch (error) {
			const lost = rethrowUnlessResync(ctx.getNode(), error, attempt);
			logFor(ctx).warn(
				`Outlook Trigger: Microsoft Graph lost the calendar's sync state; resyncing (${lost.graphMessage})`,
			);
			state.resetSource(CALENDAR_SOURCE, { initial: true, syncedAt: cursor.syncedAt });
		}
	}
}

export async function pollStartingSoon(
	transport: GraphTransport,
	settings: TriggerSettings,
	state: TriggerState,
	now: Date,
	limits: PollLimits,
): Promise<INodeExecutionData[]> {
	const cursor = state.source('startingSoon');
	state.keepSources(['startingSoon']);
	const last = cursor.syncedAt ? Date.parse(cursor.syncedAt) : now.getTime();
	const from = Math.max(Math.min(last, now.getTime()), now.getTime() - STARTING_SOON_LOOKBACK_MS);
	const until = now.getTime() + settings.minutesBefore * 60_000;
	const events = await graphCollect(
		transport,
		{
			method: 'GET',
			path: `${settings.root}/calendarView`,
			query: {
				startDateTime: new Date(from).toISOString(),
				endDateTime: new Date(until + 60_000).toISOString(),
			},
			timeZone: settings.zone.windows,
			...calendarPermission(settings),
		},
		{ returnAll: true, maxPageSize: 100 },
	);
	const due = events
		.map((event) => ({ event, start: fromGraphDateTime(event.start)?.toMillis() ?? NaN }))
		.filter(({ event, start }) => !event.isCancelled && start > from && start <= until)
		.sort((a, b) => a.start - b.start);
	const out: INodeExecutionData[] = [];
	let capped = false;
	for (const { event, start } of due) {
		if (out.length >= limits.maxItems) {
			// The rest waits for the next poll, which looks back from the same point.
			capped = true;
			break;
		}
		const key = `s${digest(`${String(event.id)}|${start}`)}`;
		if (state.hasEmitted(key)) continue;
		state.remember(key);
		out.push(shapeEvent(settings, event));
	}
	if (!capped) cursor.syncedAt = now.toISOString();
	cursor.initial = false;
	return out;
}
