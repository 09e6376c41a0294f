/**
 * One IMAP session: connect with a token, open the folder, sync, then IDLE (or poll) and sync on
 * each EXISTS, until the server or the trigger ends it. It says how it ended (a `SessionEnd` for
 * the reconnect policy) and never lets a sync that outlives it emit anything.
 */
import type { ImapFlow } from 'imapflow';
import type { IDataObject } from 'n8n-workflow';

import { createImapClient, type ImapEndpoint, type ImapTimeouts } from '../shared/imap/client';
import { redact, redactOpaque } from '../shared/redact';
import type { Failure, SessionEnd } from './reconnectPolicy';
import { BinaryStoreError } from './messages';
import { ActionRefusedError, type SyncClient, type SyncLogger } from './sync';
import { ImapTokenError, type ImapToken } from './token';

export type ReceiveMode = { mode: 'idle' } | { mode: 'poll'; intervalMs: number };

/** The part of ImapFlow a session uses. */
export type ImapClient = SyncClient &
	Pick<
		ImapFlow,
		'connect' | 'logout' | 'close' | 'mailboxOpen' | 'idle' | 'on' | 'removeAllListeners'
	>;

/** What runs inside a session: the mailbox sync, or the manual sample. */
export interface SessionWorker {
	open(state: { uidValidity: bigint; uidNext: number }): void;
	/** `onProgress`: the worker emitted or moved its cursor (the session is working). */
	run(client: ImapClient, live: () => boolean, onProgress: () => void): Promise<void>;
	/** First UID of the FETCH in flight in this session, if any (cleared by `open`). */
	readonly reading: number | undefined;
	takeProgress(): boolean;
}

/** setTimeout's limit (2^31 - 1 ms, about 24.8 days): a longer delay fires at once. */
export const MAX_TIMER_MS = 2_147_483_647;

export interface SessionOptions {
	endpoint: ImapEndpoint;
	folder: string;
	readOnly: boolean;
	receive: ReceiveMode;
	token: ImapToken;
	timeouts: ImapTimeouts;
	/** Reconnect this long before the IMAP token expires (or at half its life, if shorter). */
	tokenRefreshMarginMs: number;
	worker: SessionWorker;
	logger: SyncLogger;
	/** The token in the forms it is sent: removed from anything logged. */
	secrets: string[];
	/** Called once the folder is open. */
	onOpened(): void;
	/**
	 * Called once the session is working: its first sync made progress (emitted, moved the cursor)
	 * or finished. A first sync through a long backlog is working from its first emit.
	 */
	onWorking(): void;
	createClient?: (
		endpoint: ImapEndpoint,
		accessToken: string,
		timeouts: ImapTimeouts,
	) => ImapClient;
}

/** Node's TLS verification failures (tls.connect): a configuration problem, not a passing one. */
const CERTIFICATE_ERRORS = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/;

/** OpenSSL's answer when the peer does not speak TLS at all (it sent a plaintext IMAP greeting). */
const NOT_TLS_ERRORS =
	/^ERR_SSL_(WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|UNKNOWN_PROTOCOL|HTTP_REQUEST)$/;

interface ImapError extends Error {
	code?: string;
	serverResponseCode?: string;
	responseText?: string;
	authenticationFailed?: boolean;
	/** imapflow: STARTTLS was required and the server does not offer it (before any login). */
	tlsFailed?: boolean;
}

/** Error details safe to log: code and server text (redacted), never options or credentials. */
export function describeError(error: unknown, secrets: string[] = []): IDataObject {
	if (error instanceof ImapTokenError)
		return { message: redactOpaque(error.message, secrets), kind: error.kind };
	if (!(error instanceof Error)) return { message: redact(String(error), secrets) };
	const e = error as ImapError;
	return {
		message: redact(e.message, secrets),
		...(e.code ? { code: e.code } : {}),
		...(e.serverResponseCode ? { serverResponseCode: redact(e.serverResponseCode, secrets) } : {}),
		...(e.responseText ? { responseText: redact(e.responseText, secrets) } : {}),
		...(e.authenticationFailed ? { authenticationFailed: true } : {}),
	};
}

/** What went wrong, in the words the user reads, and its class for the reconnect policy. */
export function toFailure(
	error: unknown,
	context: { endpoint: ImapEndpoint; folder: string; secrets: string[] },
): Failure {
	return { ...classify(error, context), detail: describeError(error, context.secrets) };
}

function classify(
	error: unknown,
	context: { endpoint: ImapEndpoint; folder: string; secrets: string[] },
): Failure {
	const { host, user } = context.endpoint;
	if (error instanceof ImapTokenError) {
		// The token endpoint's answer is not ours: it may echo what it was sent.
		const message = redactOpaque(error.message, context.secrets);
		const description =
			error.description === undefined
				? undefined
				: redactOpaque(error.description, context.secrets);
		return error.kind === 'transient'
			? {
					class: 'transient',
					key: 'token',
					message,
					description:
						description ??
						"Check n8n's network, its proxy settings (HTTP_PROXY/HTTPS_PROXY) and the credential's Environment: the sign-in endpoint could not be reached or answered with a server error.",
				}
			: { class: 'credential', key: `credential:${error.kind}`, message, description };
	}
	if (error instanceof ActionRefusedError)
		return {
			class: 'action',
			key: 'action',
			message: error.message,
			description: error.description,
		};
	if (error instanceof BinaryStoreError)
		// n8n's own storage, not the server or the message: passing (disk freed, S3 back), so retried;
		// reported when it keeps failing, like any transient cause.
		return {
			class: 'transient',
			key: `binaryStore:${error.code ?? 'error'}`,
			message: redact(error.message, context.secrets),
			description: `The message stays unread by the trigger and is emitted once n8n can store it. Check n8n's binary data storage (N8N_DEFAULT_BINARY_DATA_MODE): free disk space and open files for the filesystem mode (N8N_BINARY_DATA_STORAGE_PATH), the bucket or the database being reachable for the S3 and database modes.`,
		};
	const e = (error ?? {}) as ImapError;
	const code = String(e.code ?? '');
	const { port, security } = context.endpoint;
	if (CERTIFICATE_ERRORS.test(code))
		return {
			class: 'certificate',
			key: 'certificate',
			message: `The certificate of the IMAP server ${host} could not be verified (${code})`,
			description:
				'Check the IMAP host name. "TLS Without Certificate Check" exists for test servers only (a credential with the Custom environment).',
		};
	// After the certificate check: imapflow also marks a STARTTLS upgrade that failed verification.
	if (e.tlsFailed || NOT_TLS_ERRORS.test(code))
		return {
			class: 'certificate',
			key: 'tls',
			message: `The IMAP server ${host}:${port} does not offer TLS${security === 'starttls' ? ' (no STARTTLS)' : ''}, so the IMAP token was not sent: it goes only over TLS`,
			description:
				'Check the option "IMAP Port" against "Connection Security": TLS is port 993, STARTTLS port 143. A server without TLS is a test server: only a credential with the Custom environment may use "Plaintext (for Testing)" with it.',
		};
	const text = redact(`${e.message ?? ''} ${e.responseText ?? ''}`, context.secrets).trim();
	if (e.serverResponseCode === 'UNAVAILABLE')
		return {
			class: 'transient',
			key: 'unavailable',
			message: `The IMAP server is unavailable: ${text}`,
			description: `The server ${host} says it cannot serve the mailbox now. Check its health (Exchange Online: Service health in the Microsoft 365 admin center) and whether the mailbox is being moved.`,
		};
	if (e.authenticationFailed || e.serverResponseCode === 'AUTHENTICATIONFAILED')
		return {
			class: 'login',
			key: 'login',
			message: `The IMAP server ${host} refused to log in as ${user} with a fresh token`,
			description:
				'Check that the mailbox address is right, that the account may use IMAP (Exchange admin: IMAP enabled for the mailbox) and that the credential has the "IMAP Trigger" permission; then reconnect the credential.',
		};
	// Exchange Online accepts the token, then refuses to open the mailbox when the account or app
	// may not: no mailbox grant (app-only: Add-MailboxPermission), a Mailbox the signed-in user has
	// no Full Access to, IMAP turned off or no licence. Something the user fixes, not the network.
	if (/User is authenticated but not connected/i.test(e.responseText ?? ''))
		return {
			class: 'login',
			key: 'login',
			message: `The IMAP server ${host} accepted the token but would not open the mailbox ${user}: ${text}`,
			description: `Check that ${user} has IMAP turned on (Microsoft 365 admin center → user → Mail → Manage email apps) and an Exchange Online licence, and, for another person's or a shared mailbox, that the signed-in account has Full Access to it (Exchange admin center → mailbox → Delegation); then reconnect the credential.`,
		};
	if (
		e.serverResponseCode === 'NONEXISTENT' ||
		/doesn't exist|does not exist|not found|no such mailbox/i.test(e.responseText ?? '')
	)
		return {
			class: 'mailbox',
			key: 'mailbox',
			message: `The folder "${context.folder}" does not exist in the mailbox ${user}`,
			description: 'Pick the folder again from the list; it may have been renamed or deleted.',
		};
	return {
		class: 'transient',
		key: `transient:${code || e.serverResponseCode || 'error'}`,
		message: text || 'IMAP error',
		description: connectionAdvice(context.endpoint),
	};
}

/** What to check when connections to the server keep failing. */
function connectionAdvice(endpoint: ImapEndpoint): string {
	return `Check that ${endpoint.host} answers IMAP on port ${endpoint.port} (the option "IMAP Port"), the DNS name, and any firewall, proxy or load balancer between n8n and the server that closes connections.`;
}

/** Runs one session to its end. Never throws. */
export async function runSession(
	options: SessionOptions,
	stopSignal: { stopped: boolean; current?: { end(): Promise<void> } },
): Promise<SessionEnd> {
	const { endpoint, folder, worker, logger, secrets } = options;
	const context = { endpoint, folder, secrets };
	const startedAt = Date.now();
	const client = (options.createClient ?? createImapClient)(
		endpoint,
		options.token.accessToken,
		options.timeouts,
	);
	let live = true;
	let planned = false;
	let firstSyncDone = false;
	let failure: Failure | undefined;
	let syncing: Promise<void> | undefined;
	let syncAgain = false;
	const timers: NodeJS.Timeout[] = [];
	let resolveEnded!: () => void;
	const ended = new Promise<void>((resolve) => (resolveEnded = resolve));
	const isLive = () => live && !stopSignal.stopped;
	let working = false;
	const markWorking = () => {
		if (working || !isLive() || failure) return;
		working = true;
		options.onWorking();
	};

	const end = async () => {
		for (const timer of timers) clearTimeout(timer);
		timers.length = 0;
		if (live) {
			live = false;
			await Promise.race([
				client.logout().catch(() => undefined),
				new Promise((resolve) => setTimeout(resolve, 3_000).unref()),
			]);
		}
		// close() is idempotent and destroys the socket if LOGOUT did not finish.
		client.close();
		resolveEnded();
	};
	stopSignal.current = { end };

	client.on('close', () => {
		live = false;
		resolveEnded();
	});
	client.on('error', (error: unknown) => {
		// 'close' follows and ends the session; the error is only worth a log line.
		logger.debug('Outlook IMAP Trigger: connection error', {
			error: describeError(error, secrets),
		});
	});

	const enterIdle = () => {
		if (options.receive.mode !== 'idle' || !isLive() || syncing) return;
		client
			.idle()
			.then(() => {
				// IDLE ends when a command needs the connection or after maxIdleTime: go back to it.
				if (!syncing) setImmediate(enterIdle);
			})
			.catch(() => undefined);
	};

	/** Runs a sync now, or once more after the running one (syncs never overlap). */
	const requestSync = (): Promise<void> => {
		if (syncing) {
			syncAgain = true;
			return syncing;
		}
		const run = async () => {
			do {
				syncAgain = false;
				if (!isLive()) return;
				await worker.run(client, isLive, markWorking);
			} while (syncAgain);
		};
		syncing = run()
			.catch((error: unknown) => {
				if (!isLive()) return;
				// A command failed on a live connection, or n8n could not store a message: this session
				// ends, the policy decides what next.
				failure = toFailure(error, context);
				logger.warn('Outlook IMAP Trigger: the sync failed, ending the session', {
					error: describeError(error, secrets),
				});
				void end();
			})
			.finally(() => {
				syncing = undefined;
				enterIdle();
			});
		return syncing;
	};
	client.on('exists', () => void requestSync());

	try {
		await client.connect();
		if (stopSignal.stopped) {
			await end();
			return { how: 'stopped' };
		}
		const mailbox = await client.mailboxOpen(folder, { readOnly: options.readOnly });
		if (stopSignal.stopped) {
			await end();
			return { how: 'stopped' };
		}
		worker.open({ uidValidity: mailbox.uidValidity, uidNext: mailbox.uidNext });
		options.onOpened();
	} catch (error) {
		await end();
		if (stopSignal.stopped) return { how: 'stopped' };
		return { how: 'failedStart', failure: toFailure(error, context) };
	}

	// Reconnect with a new token a few minutes before this one expires (Exchange ends the session
	// with BYE AccessTokenExpired otherwise); never later than setTimeout can count.
	const lifetime = options.token.expiresAt - Date.now();
	const refreshIn = Math.min(
		MAX_TIMER_MS,
		Math.max(1_000, Math.max(lifetime - options.tokenRefreshMarginMs, lifetime / 2)),
	);
	timers.push(
		setTimeout(() => {
			planned = true;
			logger.debug('Outlook IMAP Trigger: reconnecting with a new token before this one expires');
			void end();
		}, refreshIn),
	);
	if (options.receive.mode === 'poll') {
		const interval = options.receive.intervalMs;
		timers.push(setInterval(() => void requestSync(), interval));
	}

	await Promise.race([requestSync(), ended]);
	if (isLive() && !failure) {
		firstSyncDone = true;
		markWorking();
	}
	await ended;
	// A sync still running on a dead connection cannot emit (isLive() is false); stop waiting for it soon.
	if (syncing) await Promise.race([syncing, new Promise((r) => setTimeout(r, 5_000).unref())]);
	for (const timer of timers) clearTimeout(timer);
	client.removeAllListeners();
	client.on('error', () => undefined);
	if (stopSignal.stopped) return { how: 'stopped' };
	if (planned && !failure) return { how: 'planned' };
	const progressed = worker.takeProgress();
	const reading = worker.reading;
	if (!failure && reading !== undefined) {
		// The server ended the session while the trigger was reading these messages.
		failure = {
			class: 'message',
			key: `message:${reading}`,
			message: `The IMAP server ends the session each time the trigger reads the message with UID ${reading} in "${folder}" (or one right after it)`,
			description:
				'The server cannot read that message. Open it in Outlook on the web: if it cannot be opened there either, move it to another folder or delete it. Mail after it, and mail read together with it, waits until it can be read.',
		};
	}
	if (!firstSyncDone && !progressed)
		return {
			how: 'endedDuringSync',
			failure: failure ?? {
				class: 'transient',
				key: 'endedDuringSync',
				message: `The IMAP server ${endpoint.host} ended the session before the folder "${folder}" was read`,
				description: `The server ends the session right after the folder opens, before the trigger can search it. Check the server's health (Exchange Online: Service health in the Microsoft 365 admin center; the mailbox may be being moved), and any proxy, firewall or load balancer between n8n and ${endpoint.host}:${endpoint.port} that cuts IMAP sessions.`,
			},
		};
	return { how: 'ended', failure, livedMs: Date.now() - startedAt, progressed };
}
