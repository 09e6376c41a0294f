/**
 * The IMAP side of the trigger: one `ImapFlow` per connection (an instance cannot reconnect),
 * SASL XOAUTH2 with a fresh IMAP token per connection, IDLE push or polling, and reconnection
 * forever with capped exponential backoff and jitter. The server ending the session (Exchange's
 * `BYE … AccessTokenExpired`, a kick, a restart, a frozen peer) is just another reconnect.
 *
 * The connection never issues a command inside a `fetch` iteration (imapflow would deadlock:
 * the fetch holds the connection until the iteration ends); it collects first, then acts.
 */
import { ImapFlow } from 'imapflow';
import { searchCompiler } from 'imapflow/lib/search-compiler';
import type {
	FetchMessageObject,
	FetchQueryObject,
	ImapFlowOptions,
	MessageStructureObject,
	SearchObject,
} from 'imapflow';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { advance, decide, readCursor, writeCursor, type Cursor, type StartOptions } from './cursor';
import {
	MESSAGE_LIMITS,
	readMessage,
	type FetchedMessage,
	type OutputOptions,
	type PrepareBinary,
} from './messages';
import { ImapTokenError, type ImapToken } from './token';

export type ConnectionSecurity = 'tls' | 'tlsUnverified' | 'plain';

export interface ImapEndpoint {
	host: string;
	port: number;
	security: ConnectionSecurity;
	/** The mailbox to log in as (the signed-in user, or a shared mailbox they have rights to). */
	user: string;
}

export interface SearchFilters {
	unreadOnly?: boolean;
	from?: string;
	subjectContains?: string;
	hasAttachments?: boolean;
	/** IMAP SEARCH criteria typed by the user (RFC 9051 §6.4.4), ANDed with the rest. */
	rawSearch?: string;
}

export type AfterEmit =
	| { action: 'nothing' }
	| { action: 'markRead' }
	| { action: 'move'; folder: string }
	| { action: 'flag'; flag: string };

export type ReceiveMode = { mode: 'idle' } | { mode: 'poll'; intervalMs: number };

export interface WatcherLogger {
	debug(message: string, meta?: IDataObject): void;
	info(message: string, meta?: IDataObject): void;
	warn(message: string, meta?: IDataObject): void;
	error(message: string, meta?: IDataObject): void;
}

/** A failure that retrying will not fix: the error workflow should hear of it. */
export class PersistentImapError extends Error {
	constructor(
		message: string,
		readonly description?: string,
	) {
		super(message);
		this.name = 'PersistentImapError';
	}
}

export interface WatcherOptions {
	endpoint: ImapEndpoint;
	folder: string;
	getToken(): Promise<ImapToken>;
	staticData: IDataObject;
	start: StartOptions;
	filters: SearchFilters;
	afterEmit: AfterEmit;
	output: OutputOptions;
	receive: ReceiveMode;
	prepareBinary: PrepareBinary;
	emit(items: INodeExecutionData[]): void;
	emitError(error: PersistentImapError): void;
	logger: WatcherLogger;
	/** Manual run: emit the newest N messages (or the next to arrive), once, and touch nothing. */
	sample?: number;
	/** For tests and benches only; the defaults are the production values. */
	tuning?: Partial<Tuning>;
	/** imapflow behind a factory so unit tests can hand in a fake server. */
	createClient?: (options: ImapFlowOptions) => ImapClient;
}

interface Tuning {
	initialBackoffMs: number;
	maxBackoffMs: number;
	/** A frozen peer is detected after 2 × socketTimeout (imapflow probes with NOOP once). */
	socketTimeoutMs: number;
	/** Restart IDLE this often: some servers drop an IDLE after ~29 minutes (RFC 2177 §3). */
	maxIdleMs: number;
	/** Reconnect this long before the IMAP token expires (or at half its life, if shorter). */
	tokenRefreshMarginMs: number;
	/** UIDs per metadata fetch, and bytes of message source held at once. */
	metadataBatch: number;
	sourceBatchBytes: number;
	/** Consecutive failures of one kind after which it is reported (the next try gets a fresh token). */
	persistentAfter: number;
}

const DEFAULT_TUNING: Tuning = {
	initialBackoffMs: 1_000,
	maxBackoffMs: 60_000,
	socketTimeoutMs: 25_000,
	maxIdleMs: 5 * 60_000,
	tokenRefreshMarginMs: 5 * 60_000,
	metadataBatch: 200,
	sourceBatchBytes: 16 * 1024 * 1024,
	persistentAfter: 3,
};

/** The part of ImapFlow the watcher uses. */
export type ImapClient = Pick<
	ImapFlow,
	| 'connect'
	| 'logout'
	| 'close'
	| 'mailboxOpen'
	| 'fetch'
	| 'search'
	| 'idle'
	| 'messageFlagsAdd'
	| 'messageMove'
	| 'on'
	| 'removeAllListeners'
	| 'usable'
	| 'mailbox'
>;

interface ImapAttribute {
	type: 'ATOM' | 'STRING' | 'SEQUENCE';
	value: string;
}
type ImapAttributes = Array<ImapAttribute | ImapAttributes>;

/**
 * imapflow's internal command runner: its own search() uses it. Raw criteria cannot go through
 * the public search() (it takes an object), so they go here, after preCheck() ends IDLE the way
 * imapflow's run() does (a command sent while IDLE is still on would never be answered).
 */
interface ImapExec {
	preCheck?: () => Promise<void>;
	exec(
		command: string,
		attributes: ImapAttributes,
		options: {
			untagged: Record<
				string,
				(untagged: { attributes?: Array<{ value?: unknown }>; numbers?: number[] }) => Promise<void>
			>;
		},
	): Promise<{ next(): void }>;
}

/**
 * Splits raw IMAP SEARCH criteria into atoms, quoted strings and parenthesised lists, so they go
 * to the server as IMAP syntax built by imapflow's compiler (no line breaks, no literal injection).
 */
export function parseRawSearch(raw: string): ImapAttributes {
	if (/[\r\n\0]/.test(raw)) throw new Error('The raw IMAP search must be on one line');
	const stack: ImapAttributes[] = [[]];
	let i = 0;
	while (i < raw.length) {
		const c = raw[i];
		if (c === ' ' || c === '\t') {
			i++;
		} else if (c === '(') {
			const list: ImapAttributes = [];
			stack[stack.length - 1].push(list);
			stack.push(list);
			i++;
		} else if (c === ')') {
			if (stack.length === 1) throw new Error('Unbalanced ")" in the raw IMAP search');
			stack.pop();
			i++;
		} else if (c === '"') {
			let value = '';
			i++;
			while (i < raw.length && raw[i] !== '"') {
				if (raw[i] === '\\' && i + 1 < raw.length) i++;
				value += raw[i++];
			}
			if (raw[i] !== '"') throw new Error('Unterminated quoted string in the raw IMAP search');
			i++;
			stack[stack.length - 1].push({ type: 'STRING', value });
		} else {
			let value = '';
			while (i < raw.length && !/[\s()"]/.test(raw[i])) value += raw[i++];
			if (/[{}]/.test(value))
				throw new Error(
					`"${value}" is not allowed in the raw IMAP search (literals are not supported)`,
				);
			stack[stack.length - 1].push({ type: 'ATOM', value });
		}
	}
	if (stack.length !== 1) throw new Error('Unbalanced "(" in the raw IMAP search');
	return stack[0];
}

function compile(client: ImapClient, criteria: SearchObject): ImapAttributes {
	return Object.keys(criteria).length
		? (searchCompiler(client as ImapFlow, criteria) as unknown as ImapAttributes)
		: [];
}

async function rawUidSearch(client: ImapClient, attributes: ImapAttributes): Promise<number[]> {
	const internal = client as unknown as ImapExec;
	if (typeof internal.preCheck === 'function') await internal.preCheck();
	const found: number[] = [];
	const response = await internal.exec('UID SEARCH', attributes, {
		untagged: {
			SEARCH: async (untagged) => {
				if (untagged.numbers) found.push(...untagged.numbers);
				else for (const attribute of untagged.attributes ?? []) found.push(Number(attribute.value));
			},
		},
	});
	response.next();
	return found;
}

/** Compact UID set: 1,2,3,7 → "1:3,7" (RFC 9051 §9 sequence-set). */
export function uidSet(uids: number[]): string {
	const sorted = [...uids].sort((a, b) => a - b);
	const parts: string[] = [];
	for (let i = 0; i < sorted.length; ) {
		let j = i;
		while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
		parts.push(i === j ? String(sorted[i]) : `${sorted[i]}:${sorted[j]}`);
		i = j + 1;
	}
	return parts.join(',');
}

/** True when a body structure has a part that is an attachment (disposition or a named non-text part). */
export function hasAttachment(node: MessageStructureObject | undefined): boolean {
	if (!node) return false;
	if (node.childNodes?.length) return node.childNodes.some((child) => hasAttachment(child));
	if (node.disposition?.toLowerCase() === 'attachment') return true;
	const named = Boolean(node.dispositionParameters?.filename ?? node.parameters?.name);
	return (
		named &&
		!/^text\/(plain|html)$/i.test(node.type) &&
		node.disposition?.toLowerCase() !== 'inline'
	);
}

/** Delay before reconnect attempt n (0 = right after a healthy session ended): capped, jittered. */
export function backoffDelay(
	attempt: number,
	initialMs: number,
	maxMs: number,
	random = Math.random,
): number {
	if (attempt <= 0) return Math.floor(random() * Math.min(250, initialMs));
	const base = Math.min(maxMs, initialMs * 2 ** (attempt - 1));
	// "Equal jitter": half fixed, half random, so clients that dropped together spread out.
	return Math.floor(base / 2 + random() * (base / 2));
}

type FailureKind = 'transient' | 'auth' | 'mailbox' | 'certificate';

/** Node's TLS verification failures (tls.connect): a configuration problem, not a passing one. */
const CERTIFICATE_ERRORS = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/;

interface Session {
	client: ImapClient;
	ended: Promise<void>;
	active: boolean;
	timers: NodeJS.Timeout[];
	/** The running sync of this connection (syncs never overlap), and whether another is due. */
	syncing?: Promise<void>;
	syncAgain: boolean;
}

export class ImapWatcher {
	private readonly tuning: Tuning;

	private stopped = false;

	private session: Session | undefined;

	private loopDone: Promise<void> | undefined;

	private wake: (() => void) | undefined;

	private sampleDone = false;

	/** The current IMAP token, in the forms it is sent: removed from anything logged. */
	private secrets: string[] = [];

	private readonly cursorKey: string;

	/** Resolves when a manual sample was emitted. */
	readonly sampled: Promise<void>;

	private resolveSampled!: () => void;

	constructor(private readonly options: WatcherOptions) {
		this.tuning = { ...DEFAULT_TUNING, ...options.tuning };
		this.cursorKey = `${options.endpoint.user.toLowerCase()}/${options.folder}`;
		this.sampled = new Promise((resolve) => (this.resolveSampled = resolve));
	}

	start(): void {
		this.loopDone ??= this.loop().catch((error: unknown) => {
			this.options.logger.error('Outlook IMAP Trigger: the connection loop ended unexpectedly', {
				error: describe(error, this.secrets),
			});
		});
	}

	/** Logs out, clears every timer and listener; resolves when no connection is left open. */
	async stop(): Promise<void> {
		this.stopped = true;
		this.wake?.();
		const session = this.session;
		if (session) await this.endSession(session, true);
		await this.loopDone;
	}

	private async loop(): Promise<void> {
		let attempt = 0;
		const failures: Record<FailureKind, number> = {
			transient: 0,
			auth: 0,
			mailbox: 0,
			certificate: 0,
		};
		while (!this.stopped) {
			let plannedReconnect = false;
			try {
				const result = await this.runSession();
				plannedReconnect = result.planned;
				if (result.healthy) {
					attempt = 0;
					failures.auth = failures.mailbox = failures.transient = failures.certificate = 0;
				}
			} catch (error) {
				if (this.stopped) break;
				const kind = this.classify(error);
				if (kind === 'persistent') {
					this.report(error);
					return;
				}
				failures[kind]++;
				if (kind !== 'transient' && failures[kind] >= this.tuning.persistentAfter) {
					this.report(error);
					return;
				}
				attempt++;
				this.options.logger.warn(
					`Outlook IMAP Trigger: connection attempt ${attempt} failed, retrying`,
					{
						error: describe(error, this.secrets),
						attempt,
					},
				);
			}
			if (this.stopped || (this.sampleDone && this.options.sample)) break;
			const delay = plannedReconnect
				? 0
				: backoffDelay(attempt, this.tuning.initialBackoffMs, this.tuning.maxBackoffMs);
			await this.sleep(delay);
		}
	}

	private classify(error: unknown): FailureKind | 'persistent' {
		if (error instanceof PersistentImapError) return 'persistent';
		if (error instanceof ImapTokenError)
			return error.kind === 'transient' ? 'transient' : 'persistent';
		const e = error as {
			authenticationFailed?: boolean;
			serverResponseCode?: string;
			responseText?: string;
			message?: string;
			code?: string;
		};
		if (typeof e.code === 'string' && CERTIFICATE_ERRORS.test(e.code)) return 'certificate';
		// Identity provider unreachable from the server: Dovecot says UNAVAILABLE (and also sets
		// authenticationFailed), so branch on the response code (recipe, "Behaviour to build on").
		if (e.serverResponseCode === 'UNAVAILABLE') return 'transient';
		if (e.authenticationFailed || e.serverResponseCode === 'AUTHENTICATIONFAILED') return 'auth';
		if (
			e.serverResponseCode === 'NONEXISTENT' ||
			/doesn't exist|does not exist|not found|no such mailbox/i.test(e.responseText ?? '')
		)
			return 'mailbox';
		return 'transient';
	}

	private report(error: unknown): void {
		let reported: PersistentImapError;
		if (error instanceof PersistentImapError) reported = error;
		else if (error instanceof ImapTokenError) {
			// The token endpoint's answer is not ours: it may echo what it was sent.
			const description =
				error.description === undefined ? undefined : redactOpaque(error.description, this.secrets);
			reported = new PersistentImapError(redactOpaque(error.message, this.secrets), description);
		} else {
			const kind = this.classify(error);
			const { host, user } = this.options.endpoint;
			reported =
				kind === 'certificate'
					? new PersistentImapError(
							`The certificate of the IMAP server ${host} could not be verified (${(error as { code?: string }).code})`,
							'Check the IMAP host name. "TLS Without Certificate Check" exists for test servers only.',
						)
					: kind === 'auth'
						? new PersistentImapError(
								`The IMAP server ${host} refused to log in as ${user} with a fresh token`,
								'Check that the mailbox address is right, that the account may use IMAP (Exchange admin: IMAP enabled for the mailbox) and that the credential has the "IMAP Trigger" permission; then reconnect the credential.',
							)
						: new PersistentImapError(
								`The folder "${this.options.folder}" does not exist in the mailbox ${user}`,
								'Pick the folder again from the list; it may have been renamed or deleted.',
							);
		}
		this.options.logger.error(`Outlook IMAP Trigger stopped: ${reported.message}`);
		this.options.emitError(reported);
	}

	private async sleep(ms: number): Promise<void> {
		if (ms <= 0 || this.stopped) return;
		await new Promise<void>((resolve) => {
			const timer = setTimeout(done, ms);
			function done() {
				clearTimeout(timer);
				resolve();
			}
			this.wake = done;
		});
		this.wake = undefined;
	}

	private clientOptions(token: ImapToken): ImapFlowOptions {
		const { host, port, security, user } = this.options.endpoint;
		return {
			host,
			port,
			secure: security !== 'plain',
			// Plaintext only when the user asked for it (test servers): no STARTTLS upgrade.
			...(security === 'plain' ? { doSTARTTLS: false } : {}),
			tls: {
				rejectUnauthorized: security !== 'tlsUnverified',
				servername: /^[\d.:]+$/.test(host) ? undefined : host,
			},
			auth: { user, accessToken: token.accessToken },
			// imapflow's own logger would print protocol lines; the trigger logs what matters itself.
			logger: false,
			emitLogs: false,
			disableAutoIdle: true,
			maxIdleTime: this.tuning.maxIdleMs,
			socketTimeout: this.tuning.socketTimeoutMs,
			connectionTimeout: 30_000,
			greetingTimeout: 16_000,
			clientInfo: { name: 'n8n Outlook IMAP Trigger' },
		};
	}

	/** One connection, from token to close. Resolves when the session ended; throws if it could not start. */
	private async runSession(): Promise<{ healthy: boolean; planned: boolean }> {
		const token = await this.options.getToken();
		if (this.stopped) return { healthy: false, planned: false };
		// A server's error text may echo what it was sent (the token, or the SASL XOAUTH2 string).
		this.secrets = [
			token.accessToken,
			Buffer.from(
				`user=${this.options.endpoint.user}\x01auth=Bearer ${token.accessToken}\x01\x01`,
			).toString('base64'),
		];
		const client = (this.options.createClient ?? ((o) => new ImapFlow(o)))(
			this.clientOptions(token),
		);
		let endSession!: () => void;
		const session: Session = {
			client,
			ended: new Promise((resolve) => (endSession = resolve)),
			active: true,
			timers: [],
			syncAgain: false,
		};
		let planned = false;
		let healthy = false;
		client.on('close', () => {
			session.active = false;
			endSession();
		});
		client.on('error', (error: unknown) => {
			// 'close' follows and drives the reconnect; the error is only worth a log line.
			this.options.logger.warn('Outlook IMAP Trigger: connection error', {
				error: describe(error, this.secrets),
			});
		});
		client.on('exists', () => this.requestSync(session));
		this.session = session;
		let failure: unknown;
		try {
			await client.connect();
			if (this.stopped) return { healthy: false, planned: false };
			const readOnly = this.options.afterEmit.action === 'nothing' || Boolean(this.options.sample);
			const mailbox = await client.mailboxOpen(this.options.folder, { readOnly });
			if (this.stopped) return { healthy: false, planned: false };
			this.openCursor({ uidValidity: mailbox.uidValidity, uidNext: mailbox.uidNext });

			// Reconnect with a new token a few minutes before this one expires (Exchange ends the
			// session with BYE AccessTokenExpired otherwise).
			const lifetime = token.expiresAt - Date.now();
			const refreshIn = Math.max(
				1_000,
				Math.max(lifetime - this.tuning.tokenRefreshMarginMs, lifetime / 2),
			);
			session.timers.push(
				setTimeout(() => {
					planned = true;
					this.options.logger.debug(
						'Outlook IMAP Trigger: reconnecting with a new token before the current one expires',
					);
					void this.endSession(session, false);
				}, refreshIn),
			);
			if (this.options.receive.mode === 'poll') {
				session.timers.push(
					setInterval(() => this.requestSync(session), this.options.receive.intervalMs),
				);
			}
			this.options.logger.debug('Outlook IMAP Trigger: connected', {
				folder: this.options.folder,
				mode: this.options.receive.mode,
			});
			// A session the server ends mid-command may leave that command unanswered: stop waiting.
			await Promise.race([this.requestSync(session, true), session.ended]);
			healthy = session.active;
			await session.ended;
			this.options.logger.debug('Outlook IMAP Trigger: the session ended', { planned });
		} catch (error) {
			failure = error;
		} finally {
			if (session.active) await this.endSession(session, false);
			this.clearSession(session);
		}
		// A session that had been working and then ended mid-command (kick, restart, BYE) just
		// reconnects; a failure to start is classified by the loop.
		if (failure !== undefined && !healthy && !this.stopped) throw failure;
		return { healthy, planned };
	}

	private clearSession(session: Session) {
		for (const timer of session.timers) clearTimeout(timer);
		session.timers = [];
		session.active = false;
		session.client.removeAllListeners();
		// A late socket error after removing listeners must not crash the process.
		session.client.on('error', () => undefined);
		if (this.session === session) this.session = undefined;
	}

	private async endSession(session: Session, final: boolean): Promise<void> {
		for (const timer of session.timers) clearTimeout(timer);
		session.timers = [];
		const client = session.client;
		if (session.active) {
			session.active = false;
			await Promise.race([
				client.logout().catch(() => undefined),
				new Promise((resolve) => setTimeout(resolve, 3_000).unref()),
			]);
		}
		// close() is idempotent and destroys the socket if LOGOUT did not finish.
		client.close();
		if (final) this.clearSession(session);
	}

	/** In-memory view of the cursor, persisted in static data after every batch. */
	private cursor: Cursor | undefined;

	private openCursor(state: { uidValidity: bigint; uidNext: number }) {
		const staticData = this.options.sample ? {} : this.options.staticData;
		const decision = decide(
			readCursor(staticData, this.cursorKey),
			this.cursorKey,
			state,
			this.options.start,
		);
		if (decision.action === 'baseline') {
			if (decision.reason === 'uidValidityChanged') {
				this.options.logger.warn(
					`Outlook IMAP Trigger: UIDVALIDITY of "${this.options.folder}" changed (${decision.previous?.uidValidity} → ${decision.cursor.uidValidity}); the folder was recreated or rebuilt, starting again per "Start From"`,
				);
			}
			if (!this.options.sample) writeCursor(this.options.staticData, decision.cursor);
		}
		this.cursor = decision.cursor;
	}

	/** Runs a sync now, or once more after the running one (syncs never overlap). */
	private requestSync(session: Session, first = false): Promise<void> {
		if (session.syncing) {
			session.syncAgain = true;
			return session.syncing;
		}
		const run = async () => {
			do {
				session.syncAgain = false;
				if (!session.active || this.stopped) return;
				if (this.options.sample) await this.sampleOnce(session);
				else await this.syncOnce(session);
			} while (session.syncAgain);
		};
		session.syncing = run()
			.catch((error: unknown) => {
				if (first) throw error;
				if (session.active && !this.stopped) {
					// A command failed on a live connection: start over on a new one.
					this.options.logger.warn('Outlook IMAP Trigger: fetching new mail failed, reconnecting', {
						error: describe(error, this.secrets),
					});
					void this.endSession(session, false);
				}
			})
			.finally(() => {
				session.syncing = undefined;
				this.enterIdle(session);
			});
		return session.syncing;
	}

	private enterIdle(session: Session) {
		if (this.options.receive.mode !== 'idle' || !session.active || this.stopped || session.syncing)
			return;
		session.client
			.idle()
			.then(() => {
				// IDLE ends when a command needs the connection or after maxIdleTime: go back to it.
				if (!session.syncing) setImmediate(() => this.enterIdle(session));
			})
			.catch(() => undefined);
	}

	private async uidSearch(
		client: ImapClient,
		range: string,
		criteria: SearchObject,
		extra: ImapAttributes = [],
	): Promise<number[]> {
		let found: number[];
		if (!extra.length) {
			const result = await client.search({ ...criteria, uid: range }, { uid: true });
			// false means the server refused the search (NO/BAD): that is an error, not "nothing".
			if (!Array.isArray(result))
				throw new Error(`The server refused the search in "${this.options.folder}"`);
			found = result;
		} else {
			found = await rawUidSearch(client, [
				{ type: 'ATOM', value: 'UID' },
				{ type: 'SEQUENCE', value: range },
				...compile(client, criteria),
				...extra,
			]);
		}
		return found.filter((uid) => Number.isInteger(uid) && uid > 0).sort((a, b) => a - b);
	}

	private criteria(): { criteria: SearchObject; extra: ImapAttributes } {
		const { unreadOnly, from, subjectContains, rawSearch } = this.options.filters;
		const criteria: SearchObject = {};
		if (unreadOnly) criteria.seen = false;
		if (from) criteria.from = from;
		if (subjectContains) criteria.subject = subjectContains;
		return { criteria, extra: rawSearch ? parseRawSearch(rawSearch) : [] };
	}

	/** UIDs above the cursor that match the filters (and, in the backlog, the "start from" condition). */
	private async pendingUids(
		client: ImapClient,
		cursor: Cursor,
	): Promise<{ matching: number[]; highest: number }> {
		const all = (await this.uidSearch(client, `${cursor.lastUid + 1}:*`, {})).filter(
			(uid) => uid > cursor.lastUid,
		);
		if (!all.length) return { matching: [], highest: cursor.lastUid };
		const highest = all[all.length - 1];
		const { criteria, extra } = this.criteria();
		const filtered = Object.keys(criteria).length > 0 || extra.length > 0;
		const inBacklog = cursor.backlogEnd !== undefined && cursor.lastUid < cursor.backlogEnd;
		if (!filtered && !inBacklog) return { matching: all, highest };
		const matching: number[] = [];
		if (inBacklog) {
			const backlog: SearchObject = { ...criteria };
			if (cursor.backlog?.unseen) backlog.seen = false;
			if (cursor.backlog?.since) backlog.since = new Date(cursor.backlog.since);
			matching.push(
				...(await this.uidSearch(
					client,
					`${cursor.lastUid + 1}:${cursor.backlogEnd}`,
					backlog,
					extra,
				)),
			);
		}
		const from = Math.max(cursor.lastUid, cursor.backlogEnd ?? 0) + 1;
		if (from <= highest) {
			matching.push(
				...(filtered
					? await this.uidSearch(client, `${from}:${highest}`, criteria, extra)
					: all.filter((uid) => uid >= from)),
			);
		}
		return { matching: matching.filter((uid) => uid > cursor.lastUid && uid <= highest), highest };
	}

	private async collect(
		client: ImapClient,
		uids: number[],
		query: FetchQueryObject,
	): Promise<FetchMessageObject[]> {
		const messages: FetchMessageObject[] = [];
		// Nothing but pushing inside the loop: a command here would deadlock imapflow.
		for await (const message of client.fetch(uidSet(uids), { uid: true, ...query }, { uid: true }))
			messages.push(message);
		return messages.sort((a, b) => a.uid - b.uid);
	}

	/** Splits message metadata into batches of at most `sourceBatchBytes` of source (at least one message each). */
	private batches(messages: FetchMessageObject[]): FetchMessageObject[][] {
		const batches: FetchMessageObject[][] = [];
		let current: FetchMessageObject[] = [];
		let bytes = 0;
		for (const message of messages) {
			const size = message.size ?? 0;
			if (current.length && bytes + size > this.tuning.sourceBatchBytes) {
				batches.push(current);
				current = [];
				bytes = 0;
			}
			current.push(message);
			bytes += size;
		}
		if (current.length) batches.push(current);
		return batches;
	}

	private fullQuery(): FetchQueryObject {
		const format = this.options.output.format;
		return format === 'headers'
			? { uid: true, flags: true, size: true, internalDate: true, headers: true }
			: { uid: true, flags: true, size: true, internalDate: true, source: true };
	}

	/** True when a message is too large to download (its metadata stands in for it). */
	private tooLarge(message: FetchMessageObject): boolean {
		return (
			this.options.output.format !== 'headers' &&
			(message.size ?? 0) > MESSAGE_LIMITS.maxMessageBytes
		);
	}

	/** The messages' full data, in UID order; one over the size limit is not downloaded and keeps its metadata. */
	private async fetchFull(
		client: ImapClient,
		metadata: FetchMessageObject[],
	): Promise<FetchMessageObject[]> {
		const wanted = metadata
			.filter((message) => !this.tooLarge(message))
			.map((message) => message.uid);
		const fetched = wanted.length ? await this.collect(client, wanted, this.fullQuery()) : [];
		return [...fetched, ...metadata.filter((message) => this.tooLarge(message))].sort(
			(a, b) => a.uid - b.uid,
		);
	}

	/**
	 * One item per message, in order; `undefined` for an unreadable message skipped per "On
	 * Unreadable Message" (logged here with its UID and reason; the cursor still moves past it).
	 */
	private async toItems(
		messages: FetchMessageObject[],
	): Promise<Array<INodeExecutionData | undefined>> {
		const items: Array<INodeExecutionData | undefined> = [];
		for (const message of messages) {
			const fetched: FetchedMessage = {
				uid: message.uid,
				size: message.size,
				flags: message.flags,
				internalDate: message.internalDate,
				source: message.source,
				headers: message.headers,
				notFetched: this.tooLarge(message)
					? `The message is ${message.size} bytes, more than the ${MESSAGE_LIMITS.maxMessageBytes} bytes the trigger downloads`
					: undefined,
			};
			const { item, unreadable } = await readMessage(
				fetched,
				this.options.output,
				this.options.prepareBinary,
			);
			// The source can be large: let go of it before the next message is read.
			fetched.source = undefined;
			message.source = undefined;
			if (unreadable && this.options.output.onUnreadable === 'skip') {
				this.options.logger.warn('Outlook IMAP Trigger: skipped a message that could not be read', {
					folder: this.options.folder,
					uid: message.uid,
					reason: unreadable,
				});
				items.push(undefined);
			} else {
				if (unreadable)
					this.options.logger.warn(
						'Outlook IMAP Trigger: emitting a message that could not be read, with its error',
						{ folder: this.options.folder, uid: message.uid, reason: unreadable },
					);
				items.push(item);
			}
		}
		return items;
	}

	private async syncOnce(session: Session): Promise<void> {
		const client = session.client;
		let cursor = this.cursor;
		if (!cursor) return;
		const { matching, highest } = await this.pendingUids(client, cursor);
		for (let offset = 0; offset < matching.length; offset += this.tuning.metadataBatch) {
			const slice = matching.slice(offset, offset + this.tuning.metadataBatch);
			let metadata = await this.collect(client, slice, {
				size: true,
				flags: true,
				internalDate: true,
				bodyStructure: Boolean(this.options.filters.hasAttachments),
			});
			if (this.options.filters.hasAttachments)
				metadata = metadata.filter((message) => hasAttachment(message.bodyStructure));
			const sliceEnd = slice[slice.length - 1];
			for (const batch of this.batches(metadata)) {
				if (!session.active || this.stopped) return;
				const messages = await this.fetchFull(client, batch);
				if (!session.active || this.stopped) return;
				const items = await this.toItems(messages);
				// One execution per message, in UID order: a workflow run that fails on one mail does
				// not hold back the others, and the cursor moves message by message.
				// The cursor moves in the same synchronous step as the emit, just before it: n8n saves a
				// trigger's static data only inside emit() (and not at shutdown), so a cursor written after
				// the emit would be stored one message late and a restart would emit that message again.
				// Nothing awaits between these lines, so the cursor is never ahead of what n8n was handed.
				for (let index = 0; index < messages.length; index++) {
					cursor = advance(cursor, messages[index].uid);
					this.persist(cursor);
					const item = items[index];
					if (item) this.options.emit([item]);
				}
				cursor = advance(cursor, batch[batch.length - 1].uid);
				this.persist(cursor);
				await this.afterEmit(
					client,
					messages.map((message) => message.uid),
				);
			}
			cursor = advance(cursor, sliceEnd);
			this.persist(cursor);
		}
		cursor = advance(cursor, highest);
		this.persist(cursor);
	}

	private persist(cursor: Cursor) {
		this.cursor = cursor;
		writeCursor(this.options.staticData, cursor);
	}

	private async afterEmit(client: ImapClient, uids: number[]): Promise<void> {
		if (!uids.length) return;
		const action = this.options.afterEmit;
		const range = uidSet(uids);
		if (action.action === 'markRead')
			await client.messageFlagsAdd(range, ['\\Seen'], { uid: true });
		else if (action.action === 'flag')
			await client.messageFlagsAdd(range, [action.flag], { uid: true });
		else if (action.action === 'move')
			await client.messageMove(range, action.folder, { uid: true });
	}

	/** Manual run: the newest N matching messages; if there are none, the next one to arrive. */
	private async sampleOnce(session: Session): Promise<void> {
		if (this.sampleDone) return;
		const client = session.client;
		const { criteria, extra } = this.criteria();
		const cursor = this.cursor!;
		const firstRun = !this.sampleWaiting;
		const range = firstRun ? '1:*' : `${cursor.lastUid + 1}:*`;
		let uids = await this.uidSearch(client, range, criteria, extra);
		if (!firstRun) uids = uids.filter((uid) => uid > cursor.lastUid);
		let metadata = await this.collect(
			client,
			uids.slice(-Math.max(1, this.options.sample ?? 1) * 4),
			{
				size: true,
				flags: true,
				internalDate: true,
				bodyStructure: Boolean(this.options.filters.hasAttachments),
			},
		);
		if (this.options.filters.hasAttachments)
			metadata = metadata.filter((message) => hasAttachment(message.bodyStructure));
		const newest = metadata.slice(-(this.options.sample ?? 1));
		if (!newest.length) {
			this.sampleWaiting = true;
			if (uids.length)
				this.cursor = { ...cursor, lastUid: Math.max(cursor.lastUid, uids[uids.length - 1]) };
			return;
		}
		const messages = await this.fetchFull(client, newest);
		const items = (await this.toItems(messages.reverse())).filter(
			(item): item is INodeExecutionData => item !== undefined,
		);
		this.sampleDone = true;
		this.options.emit(items);
		this.resolveSampled();
		void this.endSession(session, false);
	}

	private sampleWaiting = false;
}

/** Bearer tokens, JWTs and SASL XOAUTH2 strings, whatever their value (RFC 6750 §2.1 b64token). */
const TOKEN_PATTERNS = [
	/(Bearer\s+)[A-Za-z0-9\-._~+/]+=*/gi,
	/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g,
	/dXNlcj[A-Za-z0-9+/]{20,}=*/g,
];

/** `text` without the given secrets nor anything shaped like a token. */
export function redact(text: string, secrets: string[] = []): string {
	let out = text;
	for (const secret of secrets) if (secret) out = out.split(secret).join('[redacted]');
	for (const pattern of TOKEN_PATTERNS)
		out = out.replace(pattern, (_match: string, prefix?: string) =>
			typeof prefix === 'string' ? `${prefix}[redacted]` : '[redacted]',
		);
	return out;
}

/** Runs of 24 or more token characters: a secret, token or code, whatever its shape (OAuth error codes such as interaction_required are shorter). */
const OPAQUE_RUN = /[A-Za-z0-9._~+/=-]{24,}/g;
/** Trace and correlation IDs in Microsoft's error descriptions: useful to support, not secret. */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Text from a token endpoint's answer, made safe to show: `redact()`, and every opaque run of 24+
 * characters (client secret, refresh token, authorization code) except GUIDs replaced. A hostile
 * or broken endpoint may echo the form it was posted.
 */
export function redactOpaque(text: string, secrets: string[] = []): string {
	return redact(text, secrets).replace(OPAQUE_RUN, (run) => (GUID.test(run) ? run : '[redacted]'));
}

/** Error details safe to log: code and server text (redacted), never options or credentials. */
export function describe(error: unknown, secrets: string[] = []): IDataObject {
	if (error instanceof ImapTokenError)
		return { message: redactOpaque(error.message, secrets), kind: error.kind };
	if (!(error instanceof Error)) return { message: redact(String(error), secrets) };
	const e = error as Error & {
		code?: string;
		serverResponseCode?: string;
		responseText?: string;
		authenticationFailed?: boolean;
	};
	return {
		message: redact(e.message, secrets),
		...(e.code ? { code: e.code } : {}),
		...(e.serverResponseCode ? { serverResponseCode: redact(e.serverResponseCode, secrets) } : {}),
		...(e.responseText ? { responseText: redact(e.responseText, secrets) } : {}),
		...(e.authenticationFailed ? { authenticationFailed: true } : {}),
	};
}
