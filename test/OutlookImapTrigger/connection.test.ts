/**
 * The connection's decision logic with a fake server (the behaviour against a real one is in the
 * *.dovecot.test.ts suites): what is retried, what is reported, and the small pure helpers.
 */
import { EventEmitter } from 'node:events';

import type { ImapFlowOptions } from 'imapflow';

import {
	backoffDelay,
	hasAttachment,
	ImapWatcher,
	parseRawSearch,
	uidSet,
	type ImapClient,
	type WatcherOptions,
} from '../../nodes/OutlookImapTrigger/connection';
import { ImapTokenError, RECONNECT_MESSAGE } from '../../nodes/OutlookImapTrigger/token';

describe('helpers', () => {
	test('parseRawSearch: atoms, quoted strings and lists; no line breaks or literals', () => {
		expect(parseRawSearch('OR HEADER X-Priority 1 (FLAGGED SUBJECT "a \\"b\\" c")')).toEqual([
			{ type: 'ATOM', value: 'OR' },
			{ type: 'ATOM', value: 'HEADER' },
			{ type: 'ATOM', value: 'X-Priority' },
			{ type: 'ATOM', value: '1' },
			[
				{ type: 'ATOM', value: 'FLAGGED' },
				{ type: 'ATOM', value: 'SUBJECT' },
				{ type: 'STRING', value: 'a "b" c' },
			],
		]);
		expect(() => parseRawSearch('ALL\r\nA1 LOGOUT')).toThrow('one line');
		expect(() => parseRawSearch('TEXT {5}')).toThrow('literals');
		expect(() => parseRawSearch('(ALL')).toThrow('Unbalanced "("');
		expect(() => parseRawSearch('ALL)')).toThrow('Unbalanced ")"');
		expect(() => parseRawSearch('SUBJECT "open')).toThrow('Unterminated');
	});

	test('uidSet compresses runs (RFC 9051 sequence-set)', () => {
		expect(uidSet([7, 1, 2, 3, 9, 10])).toBe('1:3,7,9:10');
		expect(uidSet([5])).toBe('5');
	});

	test('backoff: ≤ 250 ms after a healthy session, then 1 s doubling to a 60 s cap, half of it jittered', () => {
		expect(backoffDelay(0, 1000, 60_000, () => 0.999)).toBeLessThan(250);
		expect(backoffDelay(1, 1000, 60_000, () => 0)).toBe(500);
		expect(backoffDelay(1, 1000, 60_000, () => 0.999)).toBe(999);
		expect(backoffDelay(3, 1000, 60_000, () => 0)).toBe(2000);
		expect(backoffDelay(20, 1000, 60_000, () => 0.999)).toBeLessThanOrEqual(60_000);
		expect(backoffDelay(20, 1000, 60_000, () => 0)).toBe(30_000);
	});

	test('hasAttachment reads the body structure', () => {
		expect(hasAttachment({ type: 'text/plain' })).toBe(false);
		expect(
			hasAttachment({
				type: 'multipart/mixed',
				childNodes: [
					{ type: 'text/plain' },
					{ type: 'application/pdf', disposition: 'attachment' },
				],
			}),
		).toBe(true);
		expect(
			hasAttachment({
				type: 'multipart/related',
				childNodes: [
					{ type: 'text/html' },
					{ type: 'image/png', disposition: 'inline', parameters: { name: 'a.png' } },
				],
			}),
		).toBe(false);
		expect(hasAttachment({ type: 'application/zip', parameters: { name: 'a.zip' } })).toBe(true);
	});
});

/** A server that refuses every login the same way. */
class RefusingClient extends EventEmitter {
	static connects = 0;

	usable = false;

	mailbox = false as const;

	constructor(private readonly failure: object) {
		super();
	}

	async connect() {
		RefusingClient.connects++;
		throw Object.assign(new Error('Command failed'), this.failure);
	}

	async logout() {}

	close() {}
}

function watcher(overrides: Partial<WatcherOptions>) {
	const errors: Error[] = [];
	const warnings: string[] = [];
	const w = new ImapWatcher({
		endpoint: { host: 'imap.test', port: 993, security: 'tls', user: 'alice@example.test' },
		folder: 'INBOX',
		getToken: async () => ({ accessToken: 'token', expiresAt: Date.now() + 3_600_000 }),
		staticData: {},
		start: { startFrom: 'new' },
		filters: {},
		afterEmit: { action: 'nothing' },
		output: {
			format: 'parsed',
			attachmentPrefix: 'attachment_',
			maxAttachmentBytes: 0,
			downloadAttachments: true,
		},
		receive: { mode: 'idle' },
		prepareBinary: async () => ({ data: '', mimeType: 'text/plain' }),
		emit: () => undefined,
		emitError: (error) => errors.push(error),
		logger: {
			debug: () => undefined,
			info: () => undefined,
			warn: (message) => warnings.push(message),
			error: () => undefined,
		},
		tuning: { initialBackoffMs: 5, maxBackoffMs: 20 },
		...overrides,
	});
	return { w, errors, warnings };
}

describe('ImapWatcher decisions (fake server)', () => {
	beforeEach(() => {
		RefusingClient.connects = 0;
	});

	test('authentication refused with a fresh token each time: reported after 3 tries, then it stops', async () => {
		const tokens: number[] = [];
		const { w, errors } = watcher({
			getToken: async () => {
				tokens.push(Date.now());
				return { accessToken: 'token', expiresAt: Date.now() + 3_600_000 };
			},
			createClient: () =>
				new RefusingClient({
					authenticationFailed: true,
					serverResponseCode: 'AUTHENTICATIONFAILED',
				}) as unknown as ImapClient,
		});
		w.start();
		await new Promise((resolve) => setTimeout(resolve, 300));
		await w.stop();
		expect(RefusingClient.connects).toBe(3);
		expect(tokens).toHaveLength(3);
		expect(errors.map((e) => e.message)).toEqual([
			'The IMAP server imap.test refused to log in as alice@example.test with a fresh token',
		]);
	});

	test('identity provider unavailable behind the server (UNAVAILABLE): retried quietly, never reported', async () => {
		const { w, errors, warnings } = watcher({
			createClient: () =>
				new RefusingClient({
					authenticationFailed: true,
					serverResponseCode: 'UNAVAILABLE',
				}) as unknown as ImapClient,
		});
		w.start();
		await new Promise((resolve) => setTimeout(resolve, 300));
		await w.stop();
		expect(RefusingClient.connects).toBeGreaterThan(4);
		expect(errors).toEqual([]);
		expect(warnings[0]).toMatch(/attempt 1 failed/);
	});

	test('a revoked refresh token is reported at once, with no connection attempt', async () => {
		const { w, errors } = watcher({
			getToken: async () => {
				throw new ImapTokenError(RECONNECT_MESSAGE, 'revoked');
			},
			createClient: (options: ImapFlowOptions) =>
				new RefusingClient(options) as unknown as ImapClient,
		});
		w.start();
		await new Promise((resolve) => setTimeout(resolve, 100));
		await w.stop();
		expect(errors.map((e) => e.message)).toEqual([RECONNECT_MESSAGE]);
		expect(RefusingClient.connects).toBe(0);
	});

	test('a token endpoint that is down (transient) is retried, not reported', async () => {
		let calls = 0;
		const { w, errors } = watcher({
			getToken: async () => {
				calls++;
				throw new ImapTokenError(
					'The token endpoint could not be reached (ECONNREFUSED)',
					'transient',
				);
			},
		});
		w.start();
		await new Promise((resolve) => setTimeout(resolve, 200));
		await w.stop();
		expect(calls).toBeGreaterThan(3);
		expect(errors).toEqual([]);
	});
});
