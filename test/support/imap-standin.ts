/**
 * An in-memory stand-in for the part of imapflow a trigger session uses (session.ts ImapClient):
 * one folder of UIDs, IDLE until the connection closes, and hooks before each SEARCH and FETCH
 * answer that may delay, throw or drop the connection. For unit tests of the session and the
 * watcher; a real server's behaviour is tested against Dovecot (test/OutlookImapTrigger/*.dovecot).
 */
import { EventEmitter } from 'node:events';

import type { FetchMessageObject } from 'imapflow';

import type { ImapClient } from '../../nodes/OutlookImapTrigger/session';

export interface ImapStandInConnection {
	/** The server ends the connection ('close', as imapflow emits it). */
	drop(): void;
	readonly closed: boolean;
}

export interface ImapStandInOptions {
	/** The folder's messages. */
	uids: number[];
	uidValidity?: bigint;
	uidNext?: number;
	/** Before SEARCH is answered: may wait, throw, or drop the connection. */
	onSearch?(connection: ImapStandInConnection): void | Promise<void>;
	/** Before FETCH of these UIDs is answered: may wait, throw, or drop the connection. */
	onFetch?(uids: number[], connection: ImapStandInConnection): void | Promise<void>;
}

export function standInMessage(uid: number): Buffer {
	return Buffer.from(
		`From: bob@example.test\r\nSubject: m${uid}\r\nMessage-ID: <m${uid}@x>\r\n\r\nbody ${uid}\r\n`,
	);
}

function uidsOf(range: string): number[] {
	return range.split(',').flatMap((part) => {
		const [a, b] = part.split(':').map(Number);
		return Array.from({ length: (b ?? a) - a + 1 }, (_, i) => a + i);
	});
}

/** One connection to the stand-in. */
export function imapStandIn(options: ImapStandInOptions): ImapClient {
	const events = new EventEmitter();
	let closed = false;
	const connection: ImapStandInConnection = {
		drop() {
			if (closed) return;
			closed = true;
			events.emit('close');
		},
		get closed() {
			return closed;
		},
	};
	const checkOpen = () => {
		if (closed) throw new Error('Connection not available');
	};
	const uidNext = options.uidNext ?? Math.max(0, ...options.uids) + 1;
	const client = {
		on(event: string, listener: (...args: unknown[]) => void) {
			events.on(event, listener);
			return client;
		},
		removeAllListeners() {
			events.removeAllListeners();
			return client;
		},
		async connect() {},
		async mailboxOpen() {
			return {
				path: 'INBOX',
				uidValidity: options.uidValidity ?? 1n,
				uidNext,
				exists: options.uids.length,
			};
		},
		async search() {
			checkOpen();
			await options.onSearch?.(connection);
			checkOpen();
			return [...options.uids];
		},
		fetch(range: string, query: { source?: boolean; headers?: boolean }) {
			const wanted = new Set(uidsOf(range));
			const uids = options.uids.filter((uid) => wanted.has(uid));
			return (async function* () {
				checkOpen();
				await options.onFetch?.(uids, connection);
				checkOpen();
				for (const uid of uids)
					yield {
						uid,
						seq: uid,
						size: standInMessage(uid).length,
						flags: new Set<string>(),
						internalDate: new Date(),
						envelope: { messageId: `<m${uid}@x>` },
						...(query.source ? { source: standInMessage(uid) } : {}),
						...(query.headers ? { headers: standInMessage(uid) } : {}),
					} as unknown as FetchMessageObject;
			})();
		},
		async idle() {
			if (!closed) await new Promise<void>((resolve) => events.once('close', resolve));
			return true;
		},
		async logout() {
			connection.drop();
		},
		close() {
			connection.drop();
		},
		async messageFlagsAdd() {
			checkOpen();
			return true;
		},
		async messageMove() {
			checkOpen();
			return false;
		},
	};
	return client as unknown as ImapClient;
}
