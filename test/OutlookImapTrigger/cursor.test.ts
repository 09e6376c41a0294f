import {
	advance,
	baseline,
	decide,
	emitted,
	inBacklogWindow,
	readCursor,
	readStart,
	recordStart,
	writeCursor,
	type Cursor,
} from '../../nodes/OutlookImapTrigger/cursor';

const MAILBOX = 'alice@example.test/INBOX';
const STARTED = '2026-11-16T10:00:00.000Z';
const NOW = new Date('2026-11-16T10:05:00.000Z');

describe('cursor', () => {
	test('first activation: "new mail only" is mail received since the activation, the UIDs before it a backlog', () => {
		const decision = decide(
			undefined,
			MAILBOX,
			{ uidValidity: 7n, uidNext: 42 },
			{ startFrom: 'new' },
			STARTED,
			NOW,
		);
		expect(decision).toEqual({
			action: 'baseline',
			reason: 'first',
			cursor: {
				mailbox: MAILBOX,
				uidValidity: '7',
				lastUid: 0,
				backlogEnd: 41,
				backlog: { after: STARTED },
				createdAt: NOW.toISOString(),
			},
		});
		// An empty folder has no backlog.
		expect(
			baseline(MAILBOX, { uidValidity: 7, uidNext: 1 }, { startFrom: 'new' }, STARTED, NOW),
		).toEqual({ mailbox: MAILBOX, uidValidity: '7', lastUid: 0, createdAt: NOW.toISOString() });
	});

	test('"unread" and "since" keep the existing UIDs as a backlog with its condition', () => {
		expect(
			baseline(MAILBOX, { uidValidity: 7, uidNext: 10 }, { startFrom: 'unread' }, STARTED, NOW),
		).toEqual({
			mailbox: MAILBOX,
			uidValidity: '7',
			lastUid: 0,
			backlogEnd: 9,
			backlog: { unseen: true },
			createdAt: NOW.toISOString(),
		});
	});

	test('a UIDVALIDITY change emits only mail since the last one emitted, minus its Message-IDs, whatever "start from" says', () => {
		const stored: Cursor = {
			mailbox: MAILBOX,
			uidValidity: '7',
			lastUid: 5,
			lastDate: '2026-11-16T09:00:00.000Z',
			recentIds: ['<a@x>', '<b@x>'],
		};
		expect(
			decide(stored, MAILBOX, { uidValidity: 7n, uidNext: 100 }, { startFrom: 'unread' }, STARTED),
		).toEqual({ action: 'resume', cursor: stored });
		expect(
			decide(
				stored,
				MAILBOX,
				{ uidValidity: 8n, uidNext: 3 },
				{ startFrom: 'unread' },
				STARTED,
				NOW,
			),
		).toEqual({
			action: 'baseline',
			reason: 'uidValidityChanged',
			previous: stored,
			cursor: {
				mailbox: MAILBOX,
				uidValidity: '8',
				lastUid: 0,
				backlogEnd: 2,
				backlog: { after: '2026-11-16T09:00:00.000Z', skipIds: ['<a@x>', '<b@x>'] },
				createdAt: NOW.toISOString(),
			},
		});
	});

	test('the backlog window: INTERNALDATE to the second, and Message-IDs already emitted', () => {
		const cursor: Cursor = {
			mailbox: MAILBOX,
			uidValidity: '8',
			lastUid: 0,
			backlogEnd: 10,
			backlog: { after: '2026-11-16T09:00:00.500Z', skipIds: ['<a@x>'] },
		};
		expect(inBacklogWindow(cursor, 1, new Date('2026-11-16T08:59:59Z'), '<z@x>')).toBe(false);
		expect(inBacklogWindow(cursor, 1, new Date('2026-11-16T09:00:00Z'), '<z@x>')).toBe(true);
		expect(inBacklogWindow(cursor, 1, new Date('2026-11-16T09:00:00Z'), '<a@x>')).toBe(false);
		// Past the backlog everything counts.
		expect(inBacklogWindow(cursor, 11, new Date('2020-01-01T00:00:00Z'), '<a@x>')).toBe(true);
	});

	test('advance never goes back and leaves the backlog once past it; emitted remembers date and Message-ID', () => {
		const cursor: Cursor = {
			mailbox: MAILBOX,
			uidValidity: '7',
			lastUid: 3,
			backlogEnd: 9,
			backlog: { unseen: true },
		};
		expect(advance(cursor, 2)).toBe(cursor);
		expect(advance(cursor, 5)).toEqual({ ...cursor, lastUid: 5 });
		expect(advance(cursor, 9)).toEqual({ mailbox: MAILBOX, uidValidity: '7', lastUid: 9 });
		let next = { mailbox: MAILBOX, uidValidity: '7', lastUid: 0 } as Cursor;
		for (let i = 1; i <= 25; i++)
			next = emitted(next, i, new Date(Date.UTC(2026, 10, 16, 10, 0, i)), `<${i}@x>`);
		expect(next.lastUid).toBe(25);
		expect(next.lastDate).toBe('2026-11-16T10:00:25.000Z');
		expect(next.recentIds).toHaveLength(20);
		expect(next.recentIds?.[19]).toBe('<25@x>');
	});

	test('static data: another mailbox or folder, or a malformed value, means no cursor; the start is recorded once', () => {
		const staticData = {};
		recordStart(staticData, MAILBOX, new Date(STARTED));
		recordStart(staticData, MAILBOX, NOW);
		expect(readStart(staticData, MAILBOX)).toBe(STARTED);
		expect(readStart(staticData, 'alice@example.test/Archive')).toBeUndefined();
		writeCursor(staticData, { mailbox: MAILBOX, uidValidity: '7', lastUid: 5 });
		expect(readCursor(staticData, MAILBOX)).toEqual({
			mailbox: MAILBOX,
			uidValidity: '7',
			lastUid: 5,
		});
		expect(readCursor(staticData, 'alice@example.test/Archive')).toBeUndefined();
		expect(
			readCursor({ imapCursor: { mailbox: MAILBOX, uidValidity: 7, lastUid: 5 } }, MAILBOX),
		).toBeUndefined();
		expect(readCursor({ imapCursor: 'x' }, MAILBOX)).toBeUndefined();
	});
});
