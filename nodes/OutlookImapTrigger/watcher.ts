/**
 * The trigger's lifecycle: start, stop, and the loop of sessions with the reconnect policy
 * between them; the liveness alarm; the log line of each state change; the manual run's result.
 *
 * A failure the user must fix is reported through emitError (with cause and fix) and the watcher
 * stops: n8n then deactivates the trigger, runs the error workflow and re-activates it later.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { DEFAULT_IMAP_TIMEOUTS, type ImapEndpoint, type ImapTimeouts } from '../shared/imap/client';
import { tokenForms } from '../shared/redact';
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
	/**
	 * Which trigger this is (workflow and node), across n8n's re-activations in this process: a
	 * transient failure reported once is not reported again while it lasts (see `recentReports`).
	 */
	reportScope?: string;
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

/** How long a reported transient failure stays reported when the liveness alarm is off. */
export const DEFAULT_QUIET_MS = 15 * 60_000;

/**
 * Transient failures reported lately, per trigger (`reportScope`), in this process. n8n
 * deactivates a trigger that reports and activates it again a second later; without this, an
 * outage would run the error workflow every few seconds. A working session clears the entry.
 */
const recentReports = new Map<string, { key: string; at: number }>();
const MAX_RECENT_REPORTS = 1_000;

function rememberReport(scope: string | undefined, key: string | undefined) {
	if (!scope || !key) return;
	recentReports.delete(scope);
	recentReports.set(scope, { key, at: Date.now() });
	while (recentReports.size > MAX_RECENT_REPORTS)
		recentReports.delete(recentReports.keys().next().value as string);
}

export class ImapWatcher {
	private readonly tuning: Tuning;

	private readonly signal: { stopped: boolean; current?: { end(): Promise<void> } } = {
		stopped: false,
	};

	private loopDone: Promise<void> | undefined;

	private wake: (() => void) | undefined;

	/** Resolves when stop() is called: a token request under way is not waited for. */
	private readonly stopping: Promise<void>;

	private resolveStopping!: () => void;

	private secrets: string[] = [];

	private readonly worker: SessionWorker;

	private state: State | undefined;

	private working = false;

	private alarm: NodeJS.Timeout | undefined;

	private lastFailure: Failure | undefined;

	/** Manual run: resolves once the sample was emitted, rejects with what went wrong. */
	readonly sampled: Promise<void>;

	/**
	 * The first attempt's outcome: undefined once the folder is open (or activation stopped
	 * waiting), or its failure. Activation waits for it, so a trigger that cannot work fails its
	 * activation (n8n shows the error and retries the activation with its own growing delay).
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
		this.stopping = new Promise((resolve) => (this.resolveStopping = resolve));
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

	/**
	 * The first attempt's failure, or undefined once the folder opened or `waitMs` passed. Once
	 * the wait is over, activation has returned and can throw nothing more: the first attempt's
	 * failure, when it comes, is reported like any other (emitError, the reconnect policy).
	 */
	async firstOutcome(waitMs: number): Promise<Failure | undefined> {
		let timer: NodeJS.Timeout | undefined;
		const waited = new Promise<undefined>((resolve) => {
			timer = setTimeout(() => {
				this.endFirstAttempt();
				resolve(undefined);
			}, waitMs);
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
		this.resolveStopping();
		this.endFirstAttempt();
		this.disarmAlarm();
		this.wake?.();
		await this.signal.current?.end();
		await this.loopDone;
		this.setState('stopped');
	}

	/** Nobody waits for the first attempt any more (the folder opened, activation returned, stop). */
	private endFirstAttempt(failure?: Failure) {
		if (this.firstAttemptDone) return;
		this.firstAttemptDone = true;
		this.resolveFirstAttempt(failure);
	}

	/** The mailbox, folder and host, as every log line and report names them. */
	private get where(): string {
		const { host, user } = this.options.endpoint;
		return `${user} "${this.options.folder}" on ${host}`;
	}

	/**
	 * Logs a change of state once. A retry is logged when it is decided, with where, when and why
	 * (`reconnecting to … in 2.0 s (attempt 2): cause`): a 'reconnecting' without that is not logged.
	 */
	private setState(state: State, detail = '', meta?: IDataObject) {
		if (this.state === state && (state !== 'reconnecting' || !detail)) return;
		this.state = state;
		const where = this.where;
		const log = this.options.logger;
		if (state === 'connected')
			log.info(
				`Outlook IMAP Trigger: connected to ${where}, ${this.options.receive.mode === 'idle' ? 'idle, waiting for new mail (IMAP IDLE)' : 'polling for new mail'}`,
			);
		else if (state === 'reconnecting') {
			if (detail) log.warn(`Outlook IMAP Trigger: reconnecting to ${where} ${detail}`, meta);
		} else if (state === 'failing') log.error(`Outlook IMAP Trigger: failing, ${detail}`, meta);
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
		const last = this.lastFailure;
		rememberReport(this.options.reportScope, last?.key);
		this.report({
			class: 'transient',
			key: 'liveness',
			message: `The trigger has had no working IMAP connection to ${this.where} for ${span}${last ? `: ${last.message}` : ''}`,
			description: `${last?.description ? `${last.description} ` : ''}New mail is not being emitted. n8n re-activates the trigger on its own; if this keeps coming, check the server, the network and the credential. The time is set by the option "Alert After No Connection (Minutes)".`,
		});
		void this.stop();
	}

	/**
	 * A transient failure that came back with the same cause: said as such, naming the mailbox,
	 * folder and host, the cause, and what to check.
	 */
	private repeated(failure: Failure, times: number): Failure {
		if (failure.class !== 'transient' || this.options.sample) return failure;
		return {
			...failure,
			message: `The IMAP session for ${this.where} failed ${times} times in a row with the same cause: ${failure.message}`,
			description: `${failure.description ?? `Check the server ${this.options.endpoint.host} and the network between n8n and it.`} The trigger keeps trying after n8n re-activates it; this is not reported again until it works or the alert after no connection fires.`,
		};
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
			// A reconnect was logged when it was decided (with its cause); a first connect is logged here.
			if (this.state !== 'reconnecting') this.setState('connecting');
			const end = await this.attempt();
			if (this.working) {
				this.working = false;
				this.armAlarm();
			}
			if (this.signal.stopped) break;
			if (!this.firstAttemptDone) {
				const failure = end.how === 'failedStart' ? end.failure : undefined;
				this.endFirstAttempt(failure);
				// Activation, still waiting, throws this one (failActivation): not reported a second time.
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
				alreadyReported: this.alreadyReported(),
			});
			if (decision.action === 'stop') break;
			if (decision.action === 'report') {
				this.disarmAlarm();
				if (decision.failure.class === 'transient')
					rememberReport(this.options.reportScope, decision.failure.key);
				this.report(this.repeated(decision.failure, decision.history.sameKey));
				this.signal.stopped = true;
				break;
			}
			history = decision.history;
			if (decision.failure) this.lastFailure = decision.failure;
			if (decision.failure || decision.delayMs >= 1_000) {
				const cause = decision.failure?.message ?? 'the server ended the session';
				this.setState(
					'reconnecting',
					`in ${(decision.delayMs / 1000).toFixed(1)} s (attempt ${history.failures || 1}): ${cause}`,
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
		let token: ImapToken | undefined;
		try {
			// n8n's OAuth2 client waits up to 5 minutes for a token endpoint that does not answer:
			// closing the trigger does not wait with it (no connection is made once it ends).
			const request = this.options.getToken(tokenOptions);
			request.catch(() => undefined);
			token = await Promise.race([request, this.stopping.then(() => undefined)]);
		} catch (error) {
			if (this.signal.stopped) return { how: 'stopped' };
			return {
				how: 'failedStart',
				failure: toFailure(error, { endpoint, folder, secrets: this.secrets }),
			};
		}
		if (this.signal.stopped || !token) return { how: 'stopped' };
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
				onOpened: () => this.endFirstAttempt(),
				onWorking: () => {
					this.working = true;
					this.disarmAlarm();
					this.lastFailure = undefined;
					if (this.options.reportScope) recentReports.delete(this.options.reportScope);
					this.setState('connected');
				},
			},
			this.signal,
		);
	}

	/** The transient failure reported for this trigger a short while ago, if any. */
	private alreadyReported(): string | undefined {
		const scope = this.options.reportScope;
		const entry = scope ? recentReports.get(scope) : undefined;
		if (!entry) return undefined;
		const quietMs = this.options.alertAfterMs || DEFAULT_QUIET_MS;
		return Date.now() - entry.at < quietMs ? entry.key : undefined;
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
