/**
 * Message Received and Message Updated: one messages delta per watched folder.
 * https://learn.microsoft.com/graph/delta-query-messages
 *
 * - Received rounds ask `changeType=created`; Updated rounds `changeType=updated`. Graph returns
 *   every message of the folder in the initial round and only that kind of change afterwards, each
 *   message once in its latest state.
 * - A message is received once: its (immutable) ID goes into the emitted window, so a message moved
 *   to another watched folder, or served again by a resync, is not emitted again. The Filters apply
 *   to a message as received: one they drop goes into the window too (as Message Flagged records
 *   a flag before filtering), so it is not received later when it changes and moves. A message whose
 *   receivedDateTime is before the start (now, or the Since date) is never "received": the
 *   initial round lists the folder, and a moved old message is not new mail.
 * - An update is emitted once per change key.
 * - 410 (sync state lost): a new initial round; Received emits what arrived since the last completed
 *   round (minus RESYNC_SLACK_MS) and is not in the window; Updated emits messages modified since then
 *   (more than UPDATE_GAP_MS after their creation). Updated treats the first round of a folder that
 *   joined after the start (a new child folder, `joinedAfter`) the same way, from the listing before.
 *   A folder whose first listing lost it is listed again as a first listing (nothing is emitted for
 *   what was there before the trigger started).
 */
import type { IBinaryKeyData, IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { GraphTransport } from '../shared/graph/client';
import { MAX_PAGE_SIZE } from '../shared/graph/paging';
import { segment } from '../shared/graph/request';
import { SIMPLE_FIELDS, simplifyMessage } from '../shared/simplify/message';
import type { SourceCursor, TriggerState } from './cursor';
import { digest } from './cursor';
import { maxPageSizePreference, rethrowUnlessResync, runDeltaRound } from './delta';
import { watchedFolders } from './folders';
import type { TriggerSettings } from './settings';
import type { SyncContext } from './sync';
import { passesFilters } from './settings';
import { logFor } from '../shared/redact';

/** A resync emits from the last completed round minus this margin (clocks of n8n and Exchange differ). */
export const RESYNC_SLACK_MS = 60 * 60_000;

/**
 * "From now" also takes mail received this long before the first poll, on purpose: receivedDateTime
 * is Exchange's clock and the start n8n's, and a message can reach the folder after the first
 * listing with an earlier receivedDateTime; without it, mail arriving while the trigger is published
 * could be lost. So the first poll emits the mail of these minutes (docs: Start From).
 */
export const START_SLACK_MS = 5 * 60_000;

/** An update after a resync is told from a new message by this gap between creation and change. */
const UPDATE_GAP_MS = 60_000;

/** What the delta asks for: enough for both outputs and the filters (the `$select` lives in the token). */
export const DELTA_FIELDS = [
	...SIMPLE_FIELDS,
	'changeKey',
	'createdDateTime',
	'lastModifiedDateTime',
	'sender',
	'replyTo',
	'bccRecipients',
	'internetMessageId',
];

/**
 * The cursor a source starts over with when Graph lost its sync state (410). After a completed
 * round, the new initial round compares from that round (`resyncFrom`, minus RESYNC_SLACK_MS). A
 * first listing that lost it has nothing to compare with: it is listed again as a first listing,
 * which learns and emits nothing that was there before the trigger started (and Since still
 * applies in full); the first round of a folder that joined later keeps its `joinedAfter`.
 */
export function cursorAfterLostSync(cursor: SourceCursor): SourceCursor {
	if (cursor.syncedAt === undefined)
		return cursor.joinedAfter === undefined
			? { initial: true }
			: { initial: true, joinedAfter: cursor.joinedAfter };
	return {
		initial: true,
		resyncFrom: new Date(Date.parse(cursor.syncedAt) - RESYNC_SLACK_MS).toISOString(),
		syncedAt: cursor.syncedAt,
	};
}

export interface PollLimits {
	/** Stop paging (and leave the rest to the next poll) at this time (ms since epoch)… */
	deadline: number;
	/** …or once this many items are collected. */
	maxItems: number;
}

export function mailPermission(settings: TriggerSettings) {
	return {
		permission: settings.otherMailbox ? 'Mail.Read.Shared' : 'Mail.Read',
		action: 'read mail',
	};
}

export async function pollMessages(
	ctx: SyncContext,
	transport: GraphTransport,
	settings: TriggerSettings,
	state: TriggerState,
	now: Date,
	limits: PollLimits,
): Promise<INodeExecutionData[]> {
	const received = settings.event === 'messageReceived';
	const folders = await watchedFolders(transport, settings, state, now);
	state.keepSources(folders);
	const emitFrom = settings.since
		? settings.since.getTime()
		: Date.parse(state.startedAt) - START_SLACK_MS;
	const collected: IDataObject[] = [];
	const select = [...DELTA_FIELDS, ...(settings.includeBody ? ['body'] : [])].join(',');
	const full = () => collected.length >= limits.maxItems || Date.now() >= limits.deadline;

	for (const folderId of folders) {
		if (full()) break;
		for (let attempt = 0; ; attempt++) {
			const cursor = state.source(folderId);
			const resyncFrom = cursor.resyncFrom ? Date.parse(cursor.resyncFrom) : undefined;
			// Updated: a folder that joined after the trigger's first listing (a new child folder)
			// emits in its first round the messages changed since the listing before (less the clocks'
			// slack), as a resync does; the 10-minute folder refresh would otherwise lose them.
			const changedFrom =
				resyncFrom ??
				(cursor.initial && cursor.joinedAfter !== undefined
					? Date.parse(cursor.joinedAfter) - START_SLACK_MS
					: undefined);
			const onPage = (messages: IDataObject[]) => {
				for (const message of messages) {
					if (message['@removed'] || typeof message.id !== 'string') continue;
					if (received) {
						const key = `r${digest(message.id)}`;
						if (state.hasEmitted(key)) continue;
						const at = Date.parse(String(message.receivedDateTime ?? ''));
						if (!(at >= Math.max(emitFrom, resyncFrom ?? -Infinity))) continue;
						// Received once, as it was received: one the Filters drop is remembered too, so a
						// later change and a move to another watched folder do not make it received then.
						state.remember(key);
						if (!passesFilters(message, settings.filters)) continue;
						collected.push(message);
					} else {
						if (cursor.initial) {
							// The initial round lists the folder; only after a resync, or in a folder that
							// joined later, can it hold updates we missed.
							if (changedFrom === undefined) continue;
							const modified = Date.parse(String(message.lastModifiedDateTime ?? ''));
							const created = Date.parse(String(message.createdDateTime ?? ''));
							if (!(modified >= changedFrom) || !(modified - created > UPDATE_GAP_MS)) continue;
						}
						const key = `u${digest(message.id)}${digest(String(message.changeKey ?? ''))}`;
						if (state.hasEmitted(key)) continue;
						if (!passesFilters(message, settings.filters)) continue;
						state.remember(key);
						collected.push(message);
					}
				}
			};
			const done = await folderRound(ctx, transport, settings, state, folderId, now, {
				query: { $select: select, changeType: received ? 'created' : 'updated' },
				onPage,
				shouldPause: full,
				onResync: (from) => `resyncing from ${from.toISOString()}`,
				attempt,
			});
			if (done) break;
		}
	}
	return await Promise.all(collected.map(async (m) => await toItem(ctx, transport, settings, m)));
}

/**
 * One delta round of a watched folder's messages on its cursor (Message Received, Updated and
 * Flagged share it). Answers true when the round ended (complete, or paused by `shouldPause` with
 * its link kept), false when Graph lost the sync state (410): the folder's cursor then starts a new
 * initial round (cursorAfterLostSync: a resync from the last completed round, or the first listing
 * again) and the caller runs the next attempt with a fresh `onPage`. Any other error is thrown.
 */
export async function folderRound(
	ctx: SyncContext,
	transport: GraphTransport,
	settings: TriggerSettings,
	state: TriggerState,
	folderId: string,
	now: Date,
	round: {
		query: Record<string, string>;
		onPage: (messages: IDataObject[]) => void;
		shouldPause: () => boolean;
		/** How the warning says what the resync does, from the moment it resyncs from. */
		onResync: (from: Date) => string;
		/** 0 for a folder's first round in this poll; a second lost sync state is reported. */
		attempt: number;
	},
): Promise<boolean> {
	const cursor = state.source(folderId);
	const prefer = [maxPageSizePreference(MAX_PAGE_SIZE)];
	const permission = mailPermission(settings);
	try {
		const result = await runDeltaRound(transport, {
			initial: {
				method: 'GET',
				path: `${settings.root}/mailFolders/${segment(folderId)}/messages/delta`,
				query: round.query,
				prefer,
				...permission,
			},
			link: cursor.link,
			prefer,
			...permission,
			onPage: round.onPage,
			shouldPause: round.shouldPause,
		});
		cursor.link = result.link;
		if (result.complete) {
			cursor.initial = false;
			delete cursor.resyncFrom;
			delete cursor.joinedAfter;
			cursor.syncedAt = now.toISOString();
		}
		return true;
	} catch (error) {
		const lost = rethrowUnlessResync(ctx.getNode(), error, round.attempt);
		const next = cursorAfterLostSync(cursor);
		const what = next.resyncFrom
			? round.onResync(new Date(next.resyncFrom))
			: 'listing it again from the start';
		logFor(ctx).warn(
			`Outlook Trigger: Microsoft Graph lost the sync state of folder ${folderId}; ${what} (${lost.graphMessage})`,
		);
		state.resetSource(folderId, next);
		return false;
	}
}

/** One output item: simplified or raw, with file attachments as binary when asked. */
export async function toItem(
	ctx: SyncContext,
	transport: GraphTransport,
	settings: TriggerSettings,
	message: IDataObject,
): Promise<INodeExecutionData> {
	const json = settings.output === 'raw' ? message : simplifyMessage(message);
	if (!settings.downloadAttachments || !message.hasAttachments) return { json };
	const attachments = await transport.request<{ value?: IDataObject[] }>({
		method: 'GET',
		path: `${settings.root}/messages/${segment(String(message.id))}/attachments`,
		...mailPermission(settings),
	});
	const binary: IBinaryKeyData = {};
	let index = 0;
	for (const attachment of attachments.value ?? []) {
		if (attachment['@odata.type'] !== '#microsoft.graph.fileAttachment') continue;
		binary[`attachment_${index++}`] = await ctx.helpers.prepareBinaryData(
			Buffer.from(String(attachment.contentBytes ?? ''), 'base64'),
			String(attachment.name ?? `attachment_${index}`),
			attachment.contentType as string | undefined,
		);
	}
	return index ? { json, binary } : { json };
}
