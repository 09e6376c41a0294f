/**
 * Calendar triggers.
 *
 * Event Created / Updated / Cancelled or Deleted: a calendarView delta over a window (yesterday
 * until N days ahead), which lists instances (single events, occurrences and exceptions of series,
 * expanded by Exchange) and `@removed` for deleted ones.
 * https://learn.microsoft.com/graph/delta-query-events
 * The trigger keeps each instance's change key (hashed) in static data: an instance it has not seen
 * is created, one with another change key is updated, `@removed` or `isCancelled` is cancelled or
 * deleted. The same table makes a resync (410) and the daily move of the window emit nothing twice:
 * the new initial round is compared with it, instances that entered the window only because it
 * moved (created before the last round) are not "created", and known instances missing from the
 * new round inside the window were deleted meanwhile.
 *
 * Event Starting Soon: each poll reads the calendar view from the previous poll until N minutes
 * ahead and emits each occurrence that starts in it once (ID + start in the emitted window; a
 * moved occurrence fires again for its new start).
 */
import { DateTime } from 'luxon';
import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import type { GraphTransport } from '../shared/graph/client';
import { graphCollect } from '../shared/graph/paging';
import { simplifyEvent } from '../shared/simplify/event';
import { fromGraphDateTime } from '../shared/timeZones';
import type { SourceCursor, TriggerState } from './cursor';
import { digest } from './cursor';
import { maxPageSizePreference, rethrowUnlessResync, runDeltaRound } from './delta';
import type { PollLimits } from './messages';
import { RESYNC_SLACK_MS } from './messages';
import type { TriggerSettings } from './settings';
import { logFor } from '../shared/redact';

/** The window moves (a new initial round) once its start is this old. */
export const WINDOW_REBASE_MS = 24 * 60 * 60_000;

/** Graph's largest page of events in a delta. https://learn.microsoft.com/graph/delta-query-events */
const EVENT_PAGE_SIZE = 1000;

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

export async function pollCalendarChanges(
	ctx: IPollFunctions,
	transport: GraphTransport,
	settings: TriggerSettings,
	state: TriggerState,
	now: Date,
): Promise<INodeExecutionData[]> {
	state.keepSources([CALENDAR_SOURCE]);
	const known = state.known;
	const out: INodeExecutionData[] = [];
	const prefer = [maxPageSizePreference(EVENT_PAGE_SIZE)];
	const permission = calendarPermission(settings);
	const since = settings.since?.getTime();

	for (let attempt = 0; ; attempt++) {
		let cursor: SourceCursor = state.source(CALENDAR_SOURCE);
		const stale =
			cursor.windowStart !== undefined &&
			now.getTime() - Date.parse(cursor.windowStart) > WINDOW_REBASE_MS + 24 * 60 * 60_000;
		if (!cursor.link || stale) {
			const window = windowFor(now, settings.windowDays);
			const first = !cursor.syncedAt;
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
			};
			state.resetSource(CALENDAR_SOURCE, cursor);
		}
		const initial = cursor.initial;
		const comparing = initial && cursor.resyncFrom !== undefined;
		const createdFloor = comparing ? Date.parse(cursor.resyncFrom!) : undefined;
		const seen = new Set<string>();
		const pending: INodeExecutionData[] = [];
		const onPage = (events: IDataObject[]) => {
			for (const event of events) {
				if (typeof event.id !== 'string') continue;
				const hash = digest(event.id);
				seen.add(hash);
				const previous = known[hash];
				if (event['@removed']) {
					if (previous === undefined) continue;
					delete known[hash];
					if (settings.event === 'eventCancelledOrDeleted' && !state.hasEmitted(`x${hash}`)) {
						state.remember(`x${hash}`);
						pending.push({
							json: {
								id: event.id,
								change: 'deleted',
								reason: (event['@removed'] as IDataObject).reason ?? 'deleted',
							},
						});
					}
					continue;
				}
				const changeKey = digest(String(event.changeKey ?? ''));
				known[hash] = `${changeKey}|${startMinute(event)}`;
				if (previous === undefined) {
					if (settings.event !== 'eventCreated') continue;
					const created = Date.parse(String(event.createdDateTime ?? ''));
					// The first initial round lists the calendar: only "since a date" emits from it.
					if (initial && !comparing && !(since !== undefined && created >= since)) continue;
					// A resync or moved window: instances created before the last round were there already.
					if (comparing && !(created >= createdFloor!)) continue;
					if (state.hasEmitted(`c${hash}`)) continue;
					state.remember(`c${hash}`);
					pending.push(shapeEvent(settings, event));
					continue;
				}
				if (previous.split('|')[0] === changeKey) continue;
				if (settings.event === 'eventUpdated') {
					const key = `u${hash}${changeKey}`;
					if (state.hasEmitted(key)) continue;
					state.remember(key);
					pending.push(shapeEvent(settings, event));
				} else if (settings.event === 'eventCancelledOrDeleted' && event.isCancelled) {
					if (state.hasEmitted(`x${hash}`)) continue;
					state.remember(`x${hash}`);
					pending.push(shapeEvent(settings, event, 'cancelled'));
				}
			}
		};
		try {
			const round = await runDeltaRound(transport, {
				initial: {
					method: 'GET',
					path: `${settings.root}/calendarView/delta`,
					query: { startDateTime: cursor.windowStart, endDateTime: cursor.windowEnd },
					prefer,
					timeZone: settings.zone.windows,
					...permission,
				},
				link: cursor.link,
				prefer,
				timeZone: settings.zone.windows,
				...permission,
				onPage,
				// A calendar window is small; a round that compares with the known table ends in one poll.
				shouldPause: () => false,
			});
			if (comparing) {
				const windowStart = Math.floor(Date.parse(cursor.windowStart!) / 60_000);
				for (const [hash, value] of Object.entries(known)) {
					if (seen.has(hash)) continue;
					delete known[hash];
					// Gone from the window because it moved: not a deletion.
					if (Number(value.split('|')[1]) < windowStart) continue;
					if (settings.event === 'eventCancelledOrDeleted' && !state.hasEmitted(`x${hash}`)) {
						state.remember(`x${hash}`);
						// Only the hash of its ID is known: say what happened, with that hash to correlate.
						pending.push({ json: { idHash: hash, change: 'deleted', reason: 'deleted' } });
					}
				}
			}
			cursor.link = round.link;
			cursor.initial = false;
			delete cursor.resyncFrom;
			cursor.syncedAt = now.toISOString();
			state.trimKnown();
			out.push(...pending);
			return out;
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
