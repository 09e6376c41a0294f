/**
 * Message Flagged: a message of a watched folder is flagged for follow-up, once per flagging.
 *
 * Graph has no "flagged" change type: a messages delta reports a message whenever anything about
 * it changes (https://learn.microsoft.com/graph/delta-query-messages), in its latest state, with
 * `flag.flagStatus` one of notFlagged, flagged, complete
 * (https://learn.microsoft.com/graph/api/resources/followupflag). So the trigger remembers which
 * messages it knows as flagged (hashed IDs in the state's `known` table, which holds one event's
 * items: here the flagged messages) and emits a message when it is flagged and was not known as
 * flagged:
 *
 * - flagged, then read or categorised while still flagged: one execution;
 * - flagged, cleared (or completed), flagged again: two executions;
 * - flagged and cleared between two polls: none (each poll sees a message's latest state).
 *
 * The rounds ask every change (no `changeType`): a message that arrives and is flagged between two
 * polls is reported as created, and it is flagged all the same. A message that arrives already
 * flagged (a sender's "flag for recipients") counts as flagged. A move between watched folders is
 * `@removed` in one and new in the other, with the same immutable ID: still known, nothing is
 * emitted. The first round of a folder lists it and emits nothing (what was flagged before the
 * trigger started is only remembered, also when Graph lost the sync state during it), unless the
 * folder joined after the trigger's first listing (a child folder created later, found by the
 * folder refresh): then it emits the flagged messages changed (lastModifiedDateTime) since the
 * folder listing before, less START_SLACK_MS, as if the folder had been watched since; after Graph
 * lost the sync state (410) of a folder listed before, a new round compares with what is known, so
 * a flag set meanwhile is still emitted once.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { GraphTransport } from '../shared/graph/client';
import type { TriggerState } from './cursor';
import { digest } from './cursor';
import { watchedFolders } from './folders';
import type { PollLimits } from './messages';
import { DELTA_FIELDS, folderRound, START_SLACK_MS, toItem } from './messages';
import type { TriggerSettings } from './settings';
import type { SyncContext } from './sync';
import { passesFilters } from './settings';

/** The value of a message known as flagged in the `known` table. */
const FLAGGED = 'f';

export function isFlagged(message: IDataObject): boolean {
	return (message.flag as { flagStatus?: string } | undefined)?.flagStatus === 'flagged';
}

export async function pollFlagged(
	ctx: SyncContext,
	transport: GraphTransport,
	settings: TriggerSettings,
	state: TriggerState,
	now: Date,
	limits: PollLimits,
): Promise<INodeExecutionData[]> {
	const folders = await watchedFolders(transport, settings, state, now);
	state.keepSources(folders);
	const known = state.known;
	const collected: IDataObject[] = [];
	const select = [...DELTA_FIELDS, ...(settings.includeBody ? ['body'] : [])].join(',');
	const full = () => collected.length >= limits.maxItems || Date.now() >= limits.deadline;

	for (const folderId of folders) {
		if (full()) break;
		for (let attempt = 0; ; attempt++) {
			const cursor = state.source(folderId);
			// A folder that joined after the trigger's first listing (a new child folder): its first
			// round emits flags of messages changed since the listing before (less the clocks' slack).
			const joinedFrom =
				cursor.initial && cursor.joinedAfter !== undefined
					? Date.parse(cursor.joinedAfter) - START_SLACK_MS
					: undefined;
			// A folder's first listing only learns what is flagged; a resync's listing emits news.
			const learning =
				cursor.initial && cursor.resyncFrom === undefined && joinedFrom === undefined;
			const onPage = (messages: IDataObject[]) => {
				for (const message of messages) {
					// Removed from this folder: deleted, or moved to another one where it keeps its ID.
					if (message['@removed'] || typeof message.id !== 'string') continue;
					const hash = digest(message.id);
					if (!isFlagged(message)) {
						delete known[hash];
						continue;
					}
					if (known[hash] === FLAGGED) continue;
					known[hash] = FLAGGED;
					if (learning || !passesFilters(message, settings.filters)) continue;
					if (
						joinedFrom !== undefined &&
						!(Date.parse(String(message.lastModifiedDateTime ?? '')) >= joinedFrom)
					)
						continue;
					collected.push(message);
				}
			};
			const done = await folderRound(ctx, transport, settings, state, folderId, now, {
				query: { $select: select },
				onPage,
				shouldPause: full,
				onResync: () => 'comparing its flags again',
				attempt,
			});
			if (done) break;
		}
	}
	state.trimKnown();
	return await Promise.all(collected.map(async (m) => await toItem(ctx, transport, settings, m)));
}
