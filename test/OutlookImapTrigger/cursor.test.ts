import {
	advance,
	baseline,
	decide,
	readCursor,
	writeCursor,
	type Cursor,
} from '../../nodes/OutlookImapTrigger/cursor';

const MAILBOX = 'alice@example.test/INBOX';

describe('cursor', () => {
	test('first activation: "new mail only" starts after the last existing UID', () => {
		const decision = decide(
			undefined,
			MAILBOX,
			{ uidValidity: 7n, uidNext: 42 },
			{ startFrom: 'new' },
		);
		expect(decision).toEqual({
			action: 'baseline',
			reason: 'first',
			cursor: { mailbox: MAILBOX, uidValidity: '7', lastUid: 41 },
		});
	});

	test('"unread" and "since" keep the existing UIDs as a backlog with its condition', () => {
		expect(baseline(MAILBOX, { uidValidity: 7, uidNext: 10 }, { startFrom: 'unread' })).toEqual({
			mailbox: MAILBOX,
			uidValidity: '7',
			lastUid: 0,
			backlogEnd: 9,
			backlog: { unseen: true },
		});
		expect(
			baseline(
				MAILBOX,
				{ uidValidity: 7, uidNext: 1 },
				{ startFrom: 'sinceDate', since: '2026-01-01T00:00:00.000Z' },
			),
		).toEqual({
			mailbox: MAILBOX,
			uidValidity: '7',
			lastUid: 0,
			backlogEnd: 0,
			backlog: { since: '2026-01-01T00:00:00.000Z' },
		});
	});

	test('same UIDVALIDITY resumes; a different one re-baselines and keeps the previous cursor for the log', () => {
		const stored: Cursor = { mailbox: MAILBOX, uidValidity: '7', lastUid: 5 };
		expect(
			decide(stored, MAILBOX, { uidValidity: 7n, uidNext: 100 }, { startFrom: 'new' }),
		).toEqual({ action: 'resume', cursor: stored });
		expect(decide(stored, MAILBOX, { uidValidity: 8n, uidNext: 3 }, { startFrom: 'new' })).toEqual({
			action: 'baseline',
			reason: 'uidValidityChanged',
			previous: stored,
			cursor: { mailbox: MAILBOX, uidValidity: '8', lastUid: 2 },
		});
	});

	test('advance never goes back, and leaves the backlog once past it', () => {
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
	});

	test('static data: another mailbox or folder, or a malformed value, means no cursor', () => {
		const staticData = {};
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
