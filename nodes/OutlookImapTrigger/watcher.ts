/**
 * The trigger's lifecycle: start, stop, and the loop of sessions with the reconnect policy
 * between them; the liveness alarm; the log line of each state change; the manual run's result.
 *
 * A failure the user must fix is reported through emitError (with cause and fix) and the watcher
 * stops: n8n then deactivates the trigger, runs the error workflow and re-activates it later.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { DEFAULT_IMAP_TIMEOUTS, type ImapEndpoint, type ImapTimeouts } from '../shared/imap/client';
import { tokenForms } from '../shared/imap/redact';
import { recordStart, type StartOptions } from './cursor';
import type { OutputOptions, PrepareBinary } from './messages';
import {
	decide,
	EMPTY_HISTORY,
	type Failure,
	type History,
	type SessionEnd,
} from './reconnectPolicy';
import { ManualSample } from './sample';
import type { SearchFilters } from './search';
import {
	describeError,
	MAX_TIMER_MS,
	runSession,
	toFailure,
	type ImapClient,
	type ReceiveMode,
	type SessionWorker,
} from './session';
import { MailboxSync, type AfterEmit, type EmittedMessageId, type SyncLogger } from './sync';
import type { ImapToken } from './token';

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
	/** Called before every connection; `forceRefresh` asks for a newly issued token. */
	getToken(options?: { forceRefresh?: boolean }): Promise<ImapToken>;
	/**
	 * A login the server refuses is tried once more, at once, with a newly issued token before it
	 * goes to the reconnect policy (app-only: the first token may come from msal's cache).
	 */
	retryLoginWithFreshToken?: boolean;
	/** The fix shown for a refused login (class 'login'), when the credential has its own. */
	loginFix?: string;
	staticData: IDataObject;
	start: StartOptions;
	filters: SearchFilters;
	afterEmit: AfterEmit;
	output: OutputOptions;
	receive: ReceiveMode;
	prepareBinary: PrepareBinary;
	emit(items: INodeExecutionData[], message?: EmittedMessageId): void;
	emitError(error: PersistentImapError): void;
	logger: SyncLogger;
	/** Report through emitError after this long without a working session (0: never). */
	alertAfterMs: number;
	/** The first attempt's non-transient failure ends the watcher quietly: activation throws it. */
	failActivation?: boolean;
	/** Manual run: emit the newest N messages (or the next to arrive), once, and touch nothing. */
	sample?: number;
	/** For tests and benches only; the defaults are the production values. */
	tuning?: Partial<Tuning>;
	/** imapflow behind a factory so unit tests can hand in a fake server. */
	createClient?: (
		endpoint: ImapEndpoint,
		accessToken: string,
		timeouts: ImapTimeouts,
	) => ImapClient;
}

export interface Tuning {
	initialDelayMs: number;
	maxDelayMs: number;
	timeouts: ImapTimeouts;
	tokenRefreshMarginMs: number;
	metadataBatch: number;
	sourceBatchBytes: number;
}

const DEFAULT_TUNING: Tuning = {
	initialDelayMs: 1_000,
	maxDelayMs: 60_000,
	timeouts: DEFAULT_IMAP_TIMEOUTS,
	tokenRefreshMarginMs: 5 * 60_000,
	metadataBatch: 200,
	sourceBatchBytes: 16 * 1024 * 1024,
};

type State = 'connecting' | 'connected' | 'reconnecting' | 'failing' | 'stopped';

export class ImapWatcher {
	private readonly tuning: Tuning;

	private readonly signal: { stopped: boolean; current?: { end(): Promise<void> } } = {
		stopped: false,
	};

	private loopDone: Promise<void> | undefined;

	private wake: (() => void) | undefined;

	private secrets: string[] = [];

	private readonly worker: SessionWorker;

	private state: State | undefined;

	private working = false;

	private alarm: NodeJS.Timeout | undefined;

	private lastFailure: Failure | undefined;

	/** Manual run: resolves once the sample was emitted, rejects with what went wrong. */
	readonly sampled: Promise<void>;

	/**
	 * The first attempt's outcome: undefined once the folder is open, or its failure. Activation
	 * waits for it, so a trigger that cannot work fails its activation (n8n shows the error and
	 * retries the activation with its own growing delay).
	 */
	readonly firstAttempt: Promise<Failure | undefined>;

	private resolveFirstAttempt!: (failure: Failure | undefined) => void;

	private firstAttemptDone = false;

	private resolveSampled!: () => void;

	private rejectSampled!: (error: PersistentImapError) => void;

	constructor(private readonly options: WatcherOptions) {
		this.tuning = { ...DEFAULT_TUNING, ...options.tuning };
		const mailbox = `${options.endpoint.user.toLowerCase()}/${options.folder}`;
		this.sampled = new Promise((resolve, reject) => {
			this.resolveSampled = resolve;
			this.rejectSampled = reject;
		});
		// Nobody may be listening (an active trigger): never an unhandled rejection.
		this.sampled.catch(() => undefined);
		this.firstAttempt = new Promise((resolve) => (this.resolveFirstAttempt = resolve));
		const sync = new MailboxSync({
			folder: options.folder,
			mailbox,
			start: options.start,
			filters: options.filters,
			afterEmit: options.afterEmit,
			output: options.output,
			staticData: options.sample ? {} : options.staticData,
			prepareBinary: options.prepareBinary,
			emit: (items, message) => {
				if (!this.signal.stopped) options.emit(items, message);
			},
			logger: options.logger,
			metadataBatch: this.tuning.metadataBatch,
			sourceBatchBytes: this.tuning.sourceBatchBytes,
		});
		if (options.sample) {
			this.worker = new ManualSample({
				folder: options.folder,
				filters: options.filters,
				size: options.sample,
				reader: sync,
				emit: (items) => {
					if (!this.signal.stopped) options.emit(items);
				},
				onSampled: () => {
					this.resolveSampled();
					void this.stop();
				},
			});
		} else {
			this.worker = sync;
			// Before activation returns, so n8n saves it: "new mail" starts now, also across a restart.
			recordStart(options.staticData, mailbox);
		}
	}

	/** The first attempt's failure, or undefined once the folder opened or `waitMs` passed. */
	async firstOutcome(waitMs: number): Promise<Failure | undefined> {
		let timer: NodeJS.Timeout | undefined;
		const waited = new Promise<undefined>((resolve) => {
			timer = setTimeout(() => resolve(undefined), waitMs);
		});
		try {
			return await Promise.race([this.firstAttempt, waited]);
		} finally {
			clearTimeout(timer);
		}
	}

	start(): void {
		this.armAlarm();
		this.loopDone ??= this.loop().catch((error: unknown) => {
			this.options.logger.error('Outlook IMAP Trigger: the connection loop ended unexpectedly', {
				error: describeError(error, this.secrets),
			});
		});
	}

	/** Logs out, clears every timer and listener; resolves when no connection is left open. */
	async stop(): Promise<void> {
		this.signal.stopped = true;
		if (!this.firstAttemptDone) {
			this.firstAttemptDone = true;
			this.resolveFirstAttempt(undefined);
		}
		this.disarmAlarm();
		this.wake?.();
		await this.signal.current?.end();
		await this.loopDone;
		this.setState('stopped');
	}

	private setState(state: State, detail = '', meta?: IDataObject) {
		if (this.state === state && state !== 'reconnecting') return;
		this.state = state;
		const { host, user } = this.options.endpoint;
		const where = `${user} "${this.options.folder}" on ${host}`;
		const log = this.options.logger;
		if (state === 'connected')
			log.info(
				`Outlook IMAP Trigger: connected to ${where}, ${this.options.receive.mode === 'idle' ? 'idle, waiting for new mail (IMAP IDLE)' : 'polling for new mail'}`,
			);
		else if (state === 'reconnecting')
			log.warn(`Outlook IMAP Trigger: reconnecting ${detail}`, meta);
		else if (state === 'failing') log.error(`Outlook IMAP Trigger: failing, ${detail}`, meta);
		else if (state === 'stopped') log.debug(`Outlook IMAP Trigger: stopped watching ${where}`);
		else log.debug(`Outlook IMAP Trigger: connecting to ${where}`);
	}

	private armAlarm() {
		const after = this.options.alertAfterMs;
		if (!after || this.options.sample || this.alarm || this.signal.stopped) return;
		this.alarm = setTimeout(() => this.onAlarm(), Math.min(after, MAX_TIMER_MS));
	}

	private disarmAlarm() {
		if (this.alarm) clearTimeout(this.alarm);
		this.alarm = undefined;
	}

	private onAlarm() {
		this.alarm = undefined;
		if (this.working || this.signal.stopped) return;
		const ms = this.options.alertAfterMs;
		const span =
			ms < 60_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 6_000) / 10} minute(s)`;
		const { host, user } = this.options.endpoint;
		const last = this.lastFailure;
		this.report({
			class: 'transient',
			key: 'liveness',
			message: `The trigger has had no working IMAP connection to ${user} on ${host} for ${span}${last ? `: ${last.message}` : ''}`,
			description: `${last?.description ? `${last.description} ` : ''}New mail is not being emitted. n8n re-activates the trigger on its own; if this keeps coming, check the server, the network and the credential. The time is set by the option "Alert After No Connection (Minutes)".`,
		});
		void this.stop();
	}

	private report(failure: Failure) {
		this.setState('failing', failure.message, failure.detail as IDataObject | undefined);
		const error = new PersistentImapError(failure.message, failure.description);
		if (this.options.sample) this.rejectSampled(error);
		else this.options.emitError(error);
	}

	private async loop(): Promise<void> {
		let history: History = EMPTY_HISTORY;
		const manual = Boolean(this.options.sample);
		while (!this.signal.stopped) {
			this.setState(this.state === 'reconnecting' ? 'reconnecting' : 'connecting');
			const end = await this.attempt();
			if (this.working) {
				this.working = false;
				this.armAlarm();
			}
			if (this.signal.stopped) break;
			if (!this.firstAttemptDone) {
				this.firstAttemptDone = true;
				const failure = end.how === 'failedStart' ? end.failure : undefined;
				this.resolveFirstAttempt(failure);
				// Activation throws this one (failActivation): it is not reported a second time.
				if (failure && failure.class !== 'transient' && this.options.failActivation) {
					this.setState('failing', failure.message, failure.detail as IDataObject | undefined);
					this.signal.stopped = true;
					break;
				}
			}
			const decision = decide(end, history, {
				manual,
				initialDelayMs: this.tuning.initialDelayMs,
				maxDelayMs: this.tuning.maxDelayMs,
			});
			if (decision.action === 'stop') break;
			if (decision.action === 'report') {
				this.disarmAlarm();
				this.report(decision.failure);
				this.signal.stopped = true;
				break;
			}
			history = decision.history;
			if (decision.failure) this.lastFailure = decision.failure;
			if (decision.failure || decision.delayMs >= 1_000) {
				this.setState(
					'reconnecting',
					`in ${(decision.delayMs / 1000).toFixed(1)} s (attempt ${history.failures || 1})${decision.failure ? `: ${decision.failure.message}` : ''}`,
					decision.failure?.detail as IDataObject | undefined,
				);
			} else {
				this.options.logger.debug(
					`Outlook IMAP Trigger: ${end.how === 'planned' ? 'renewing the IMAP token' : 'the server ended the session'}, reconnecting`,
				);
			}
			await this.sleep(decision.delayMs);
		}
	}

	/**
	 * One token and one session; how it ended. A refused login is tried once more with a newly
	 * issued token when the credential's tokens are cached (retryLoginWithFreshToken).
	 */
	private async attempt(): Promise<SessionEnd> {
		let end = await this.attemptWith({});
		if (
			this.options.retryLoginWithFreshToken &&
			end.how === 'failedStart' &&
			end.failure.class === 'login' &&
			!this.signal.stopped
		) {
			this.options.logger.debug(
				'Outlook IMAP Trigger: the login was refused, trying once more with a new token',
			);
			end = await this.attemptWith({ forceRefresh: true });
		}
		const fix = this.options.loginFix;
		if (fix && 'failure' in end && end.failure?.class === 'login')
			end.failure = { ...end.failure, description: fix };
		return end;
	}

	private async attemptWith(tokenOptions: { forceRefresh?: boolean }): Promise<SessionEnd> {
		const { endpoint, folder } = this.options;
		let token: ImapToken;
		try {
			token = await this.options.getToken(tokenOptions);
		} catch (error) {
			if (this.signal.stopped) return { how: 'stopped' };
			return {
				how: 'failedStart',
				failure: toFailure(error, { endpoint, folder, secrets: this.secrets }),
			};
		}
		if (this.signal.stopped) return { how: 'stopped' };
		// A server's error text may echo what it was sent (the token, or the SASL XOAUTH2 string).
		this.secrets = tokenForms(endpoint.user, token.accessToken);
		return await runSession(
			{
				endpoint,
				folder,
				readOnly: this.options.afterEmit.action === 'nothing' || Boolean(this.options.sample),
				receive: this.options.receive,
				token,
				timeouts: this.tuning.timeouts,
				tokenRefreshMarginMs: this.tuning.tokenRefreshMarginMs,
				worker: this.worker,
				logger: this.options.logger,
				secrets: this.secrets,
				createClient: this.options.createClient,
				onOpened: () => {
					if (this.firstAttemptDone) return;
					this.firstAttemptDone = true;
					this.resolveFirstAttempt(undefined);
				},
				onWorking: () => {
					this.working = true;
					this.disarmAlarm();
					this.lastFailure = undefined;
					this.setState('connected');
				},
			},
			this.signal,
		);
	}

	private async sleep(ms: number): Promise<void> {
		if (ms <= 0 || this.signal.stopped) return;
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
}
