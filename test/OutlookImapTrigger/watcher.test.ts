/**
 * ImapWatcher with fake token sources and IMAP clients: what activation and the error workflow
 * hear, and when. (Against a real server: resilience.dovecot.test.ts, faults.dovecot.test.ts.)
 */
import type { IDataObject } from 'n8n-workflow';

import { ImapTokenError } from '../../nodes/OutlookImapTrigger/token';
import {
	ImapWatcher,
	type PersistentImapError,
	type WatcherOptions,
} from '../../nodes/OutlookImapTrigger/watcher';
import { imapStandIn } from '../support/imap-standin';

const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

/** A watcher as an active trigger's (failActivation), with what it reports and logs. */
function watcher(options: Partial<WatcherOptions>) {
	const errors: PersistentImapError[] = [];
	const logged: string[] = [];
	const w = new ImapWatcher({
		endpoint: { host: 'imap.example.test', port: 993, security: 'tls', user: 'alice@example.test' },
		folder: 'INBOX',
		getToken: async () => ({ accessToken: 'token', expiresAt: Date.now() + 3_600_000 }),
		staticData: {} as IDataObject,
		start: { startFrom: 'new' },
		filters: {},
		afterEmit: { action: 'nothing' },
		output: {
			format: 'headers',
			attachmentPrefix: 'attachment_',
			maxAttachmentBytes: 0,
			downloadAttachments: false,
		},
		receive: { mode: 'idle' },
		prepareBinary: async () => ({ data: '', mimeType: 'text/plain' }),
		emit: () => undefined,
		emitError: (error) => errors.push(error),
		logger: {
			debug: () => undefined,
			info: () => undefined,
			warn: () => undefined,
			error: (message) => logged.push(message),
		},
		alertAfterMs: 0,
		failActivation: true,
		tuning: { initialDelayMs: 10, maxDelayMs: 20 },
		...options,
	});
	return { watcher: w, errors, logged };
}

test('a credential refused after activation stopped waiting is reported, not dropped', async () => {
	let tokenRequests = 0;
	const {
		watcher: w,
		errors,
		logged,
	} = watcher({
		getToken: async () => {
			tokenRequests++;
			// The identity platform is slow, then says the client secret expired.
			await sleep(150);
			throw new ImapTokenError(
				'Microsoft refused the Outlook credential while refreshing its token (invalid_client, AADSTS7000222)',
				'rejected',
				'Create a new client secret and put it in the credential.',
			);
		},
		alertAfterMs: 400,
	});
	try {
		// What startTrigger does, with 50 ms standing in for ACTIVATION_WAIT_MS (30 s).
		w.start();
		expect(await w.firstOutcome(50)).toBeUndefined();
		// Activation has returned: only emitError can tell the user now.
		await sleep(800);
		expect(tokenRequests).toBe(1);
		expect(logged.join('\n')).toMatch(/failing, Microsoft refused the Outlook credential/);
		expect(errors.map((e) => e.message)).toEqual([
			expect.stringMatching(/^Microsoft refused the Outlook credential/),
		]);
	} finally {
		await w.stop();
	}
});

test('a credential refused while activation waits fails the activation, and is not reported twice', async () => {
	const { watcher: w, errors } = watcher({
		getToken: async () => {
			throw new ImapTokenError('Microsoft refused the Outlook credential', 'rejected');
		},
	});
	try {
		w.start();
		expect(await w.firstOutcome(1_000)).toMatchObject({ class: 'credential' });
		await sleep(100);
		expect(errors).toEqual([]);
	} finally {
		await w.stop();
	}
});

test('a first sync that keeps emitting a long backlog is a working session: no liveness alert, all of it emitted', async () => {
	const count = 30;
	const emitted: unknown[] = [];
	const { watcher: w, errors } = watcher({
		start: { startFrom: 'unread' },
		emit: (items) => emitted.push(...items),
		// 1 s standing in for the 15-minute default; the backlog takes about 2.4 s.
		alertAfterMs: 1_000,
		tuning: { metadataBatch: 1, initialDelayMs: 10, maxDelayMs: 20 },
		createClient: () =>
			imapStandIn({
				uids: Array.from({ length: count }, (_, i) => i + 1),
				// A slow but working server: 40 ms per FETCH, two per message.
				onFetch: async () => {
					await sleep(40);
				},
			}),
	});
	try {
		w.start();
		expect(await w.firstOutcome(5_000)).toBeUndefined();
		await sleep(3_500);
		expect(errors.map((e) => e.message)).toEqual([]);
		expect(emitted).toHaveLength(count);
	} finally {
		await w.stop();
	}
});

test('closing does not wait for a token request that hangs (a sign-in endpoint behind a firewall that drops packets)', async () => {
	// n8n's OAuth2 client waits up to 5 minutes for the token endpoint; deactivating the workflow
	// (or n8n stopping) must not wait with it. Nothing is connected once the request ends.
	let release!: () => void;
	let connects = 0;
	const { watcher: w } = watcher({
		getToken: async () => {
			await new Promise<void>((resolve) => (release = resolve));
			return { accessToken: 'token', expiresAt: Date.now() + 3_600_000 };
		},
		createClient: () => {
			connects++;
			return imapStandIn({ uids: [] });
		},
	});
	w.start();
	await sleep(20);
	const started = Date.now();
	await w.stop();
	expect(Date.now() - started).toBeLessThan(1_000);
	release();
	await sleep(20);
	expect(connects).toBe(0);
});
