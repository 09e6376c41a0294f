/**
 * Where the trigger stands in a mailbox: (UIDVALIDITY, last UID handled), kept in the workflow's
 * static data so it survives restarts. UIDs only grow within one UIDVALIDITY (RFC 9051 §2.3.1.1),
 * so "everything above the cursor" is exactly the mail not handled yet.
 *
 * The cursor moves only after the items of a batch were emitted, so a crash between fetch and
 * emit repeats nothing and loses nothing. Messages a filter skips move it too (they were looked
 * at), so they are not searched again.
 */
import type { IDataObject } from 'n8n-workflow';

export type StartFrom = 'new' | 'unread' | 'sinceDate';

export interface Cursor {
	/** user + folder the cursor belongs to: another mailbox or folder starts afresh. */
	mailbox: string;
	/** UIDVALIDITY as a decimal string (it is a 32-bit unsigned number; JSON has no bigint). */
	uidValidity: string;
	/** Highest UID handled (emitted or skipped by a filter). */
	lastUid: number;
	/**
	 * For "unread mail already there" and "mail since a date": UIDs up to here existed at
	 * activation and are emitted only when they match that condition.
	 */
	backlogEnd?: number;
	backlog?: { unseen?: boolean; since?: string };
}

const KEY = 'imapCursor';

export function readCursor(staticData: IDataObject, mailbox: string): Cursor | undefined {
	const stored = staticData[KEY] as Cursor | undefined;
	if (!stored || typeof stored !== 'object' || stored.mailbox !== mailbox) return undefined;
	if (typeof stored.uidValidity !== 'string' || !Number.isInteger(stored.lastUid)) return undefined;
	return stored;
}

export function writeCursor(staticData: IDataObject, cursor: Cursor): void {
	staticData[KEY] = { ...cursor } as unknown as IDataObject;
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

/** A new cursor per the "start from" choice, for a mailbox in this state. */
export function baseline(mailbox: string, state: MailboxState, start: StartOptions): Cursor {
	const uidValidity = String(state.uidValidity);
	const existing = Math.max(0, state.uidNext - 1);
	if (start.startFrom === 'new') return { mailbox, uidValidity, lastUid: existing };
	const backlog = start.startFrom === 'unread' ? { unseen: true } : { since: start.since };
	return { mailbox, uidValidity, lastUid: 0, backlogEnd: existing, backlog };
}

/**
 * On opening the mailbox: go on from the stored cursor, or set a baseline when there is none or
 * the server's UIDVALIDITY changed (the old UIDs mean nothing any more: RFC 9051 §2.3.1.1).
 */
export function decide(
	stored: Cursor | undefined,
	mailbox: string,
	state: MailboxState,
	start: StartOptions,
): CursorDecision {
	const uidValidity = String(state.uidValidity);
	if (!stored)
		return { action: 'baseline', cursor: baseline(mailbox, state, start), reason: 'first' };
	if (stored.uidValidity !== uidValidity) {
		return {
			action: 'baseline',
			cursor: baseline(mailbox, state, start),
			reason: 'uidValidityChanged',
			previous: stored,
		};
	}
	return { action: 'resume', cursor: stored };
}

/** The cursor after a batch was emitted: never backwards. */
export function advance(cursor: Cursor, handledUpTo: number): Cursor {
	if (handledUpTo <= cursor.lastUid) return cursor;
	const next: Cursor = { ...cursor, lastUid: handledUpTo };
	if (next.backlogEnd !== undefined && handledUpTo >= next.backlogEnd) {
		delete next.backlogEnd;
		delete next.backlog;
	}
	return next;
}
