/**
 * Where the trigger stands in a mailbox: (UIDVALIDITY, last UID handled), kept in the workflow's
 * static data so it survives restarts. UIDs only grow within one UIDVALIDITY (RFC 9051 §2.3.1.1),
 * so "everything above the cursor" is exactly the mail not handled yet.
 *
 * n8n saves a trigger's static data only when activation returns and inside emit() (fire-and-forget,
 * before the execution exists); closing a trigger when n8n stops saves nothing. So:
 * - activation writes the activation time (`imapStart`) before it returns: a restart before any
 *   mail was emitted starts from that time, not from the newest UID at restart (mail that arrived
 *   while n8n was down would be lost);
 * - the cursor moves in the same synchronous step as the emit it covers;
 * - when n8n stops, closing waits for the executions of what was emitted to be created
 *   (inFlight.ts), since the saved cursor already covers them.
 */
import type { IDataObject } from 'n8n-workflow';

export type StartFrom = 'new' | 'unread' | 'sinceDate';

export interface Backlog {
	/** Only unread messages. */
	unseen?: boolean;
	/** Only messages received on or after this day (IMAP SINCE compares dates). */
	since?: string;
	/** Only messages whose INTERNALDATE is at or after this instant (ISO). */
	after?: string;
	/** Message-IDs emitted before a UIDVALIDITY change: not emitted again. */
	skipIds?: string[];
}

export interface Cursor {
	/** user + folder the cursor belongs to: another mailbox or folder starts afresh. */
	mailbox: string;
	/** UIDVALIDITY as a decimal string (it is a 32-bit unsigned number; JSON has no bigint). */
	uidValidity: string;
	/** Highest UID handled (emitted or skipped by a filter). */
	lastUid: number;
	/** UIDs up to here existed when the cursor was made and are emitted only if they match `backlog`. */
	backlogEnd?: number;
	backlog?: Backlog;
	/** When this cursor was made (ISO), for a UIDVALIDITY change before anything was emitted. */
	createdAt?: string;
	/** INTERNALDATE of the newest message emitted (ISO, the server's clock). */
	lastDate?: string;
	/** Message-IDs of the last messages emitted (at most RECENT_IDS). */
	recentIds?: string[];
	/** Emitted messages whose after-emit action has not run yet (the session ended first). */
	pendingAction?: number[];
}

/** Enough to recognise the mail of the last second or so after a UIDVALIDITY change. */
export const RECENT_IDS = 20;

const KEY = 'imapCursor';
const START_KEY = 'imapStart';

export function readCursor(staticData: IDataObject, mailbox: string): Cursor | undefined {
	const stored = staticData[KEY] as Cursor | undefined;
	if (!stored || typeof stored !== 'object' || stored.mailbox !== mailbox) return undefined;
	if (typeof stored.uidValidity !== 'string' || !Number.isInteger(stored.lastUid)) return undefined;
	return stored;
}

export function writeCursor(staticData: IDataObject, cursor: Cursor): void {
	staticData[KEY] = { ...cursor } as unknown as IDataObject;
}

/** When the trigger was first activated for this mailbox (ISO), if it was. */
export function readStart(staticData: IDataObject, mailbox: string): string | undefined {
	const stored = staticData[START_KEY] as { mailbox?: string; at?: string } | undefined;
	if (!stored || stored.mailbox !== mailbox || typeof stored.at !== 'string') return undefined;
	return Number.isNaN(Date.parse(stored.at)) ? undefined : stored.at;
}

/**
 * Called during activation, before it returns: records when "new mail" begins, once per mailbox,
 * so n8n saves it with the activation.
 */
export function recordStart(staticData: IDataObject, mailbox: string, now = new Date()): void {
	if (readCursor(staticData, mailbox) || readStart(staticData, mailbox)) return;
	staticData[START_KEY] = { mailbox, at: now.toISOString() };
}

export interface MailboxState {
	uidValidity: bigint | number | string;
	/** The UID the next message will get (UIDNEXT). */
	uidNext: number;
}

export interface StartOptions {
	startFrom: StartFrom;
	/** ISO date for "sinceDate". */
	since?: string;
}

export type CursorDecision =
	| { action: 'resume'; cursor: Cursor }
	| {
			action: 'baseline';
			cursor: Cursor;
			reason: 'first' | 'uidValidityChanged';
			previous?: Cursor;
	  };

function withBacklog(
	mailbox: string,
	state: MailboxState,
	backlog: Backlog,
	createdAt: string,
): Cursor {
	const uidValidity = String(state.uidValidity);
	const existing = Math.max(0, state.uidNext - 1);
	if (!existing) return { mailbox, uidValidity, lastUid: 0, createdAt };
	return { mailbox, uidValidity, lastUid: 0, backlogEnd: existing, backlog, createdAt };
}

/**
 * A new cursor per the "start from" choice. "New mail" is mail received since `startedAt` (the
 * activation), so mail that arrived between activation and this first connection (or while n8n
 * was down before anything was emitted) is not lost.
 */
export function baseline(
	mailbox: string,
	state: MailboxState,
	start: StartOptions,
	startedAt: string,
	now = new Date(),
): Cursor {
	const createdAt = now.toISOString();
	if (start.startFrom === 'new')
		return withBacklog(mailbox, state, { after: startedAt }, createdAt);
	const backlog = start.startFrom === 'unread' ? { unseen: true } : { since: start.since };
	return withBacklog(mailbox, state, backlog, createdAt);
}

/**
 * On opening the mailbox: go on from the stored cursor, or set a baseline when there is none or
 * the server's UIDVALIDITY changed. After a change the old UIDs mean nothing (RFC 9051 §2.3.1.1),
 * but the mail may all still be there (an index rebuild, a migration): whatever "start from" says,
 * only mail received since the last one emitted is emitted, minus Message-IDs already emitted.
 */
export function decide(
	stored: Cursor | undefined,
	mailbox: string,
	state: MailboxState,
	start: StartOptions,
	startedAt: string,
	now = new Date(),
): CursorDecision {
	const uidValidity = String(state.uidValidity);
	if (!stored)
		return {
			action: 'baseline',
			cursor: baseline(mailbox, state, start, startedAt, now),
			reason: 'first',
		};
	if (stored.uidValidity !== uidValidity) {
		const after = stored.lastDate ?? stored.createdAt ?? now.toISOString();
		return {
			action: 'baseline',
			cursor: withBacklog(
				mailbox,
				state,
				{ after, ...(stored.recentIds?.length ? { skipIds: stored.recentIds } : {}) },
				now.toISOString(),
			),
			reason: 'uidValidityChanged',
			previous: stored,
		};
	}
	return { action: 'resume', cursor: stored };
}

/** True when a message at this UID with this date and Message-ID passes the backlog condition. */
export function inBacklogWindow(
	cursor: Cursor,
	uid: number,
	internalDate: Date | string | undefined,
	messageId: string | undefined,
): boolean {
	if (cursor.backlogEnd === undefined || uid > cursor.backlogEnd || !cursor.backlog) return true;
	const { after, skipIds } = cursor.backlog;
	if (after !== undefined) {
		const date = internalDate === undefined ? NaN : new Date(internalDate).getTime();
		// INTERNALDATE has whole seconds (RFC 9051 §2.3.3): compare at that precision.
		if (!Number.isNaN(date) && date < Math.floor(Date.parse(after) / 1000) * 1000) return false;
	}
	if (messageId && skipIds?.includes(messageId)) return false;
	return true;
}

/** The cursor once UID `handledUpTo` was handled: never backwards. */
export function advance(cursor: Cursor, handledUpTo: number): Cursor {
	if (handledUpTo <= cursor.lastUid) return cursor;
	const next: Cursor = { ...cursor, lastUid: handledUpTo };
	if (next.backlogEnd !== undefined && handledUpTo >= next.backlogEnd) {
		delete next.backlogEnd;
		delete next.backlog;
	}
	return next;
}

/** The cursor once a message was emitted: its UID, date and Message-ID remembered. */
export function emitted(
	cursor: Cursor,
	uid: number,
	internalDate: Date | string | undefined,
	messageId: string | undefined,
): Cursor {
	const next = advance(cursor, uid);
	const copy: Cursor = next === cursor ? { ...cursor } : next;
	const date = internalDate === undefined ? undefined : new Date(internalDate);
	if (date && !Number.isNaN(date.getTime())) {
		if (!copy.lastDate || date.getTime() > Date.parse(copy.lastDate))
			copy.lastDate = date.toISOString();
	}
	if (messageId) copy.recentIds = [...(copy.recentIds ?? []), messageId].slice(-RECENT_IDS);
	return copy;
}
