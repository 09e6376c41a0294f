/**
 * MailboxSync: the cursor, fetching what is above it, and emitting it, one step per message.
 *
 * - The cursor moves in the same synchronous step as the emit it covers (n8n saves static data
 *   inside emit()), so a restart neither repeats nor skips a message.
 * - A session that is ending emits nothing more: `live()` is asked right before each emit, with
 *   nothing awaited between the question and the emit.
 * - No command is issued inside an imapflow fetch iteration (it would deadlock: the fetch holds
 *   the connection until the iteration ends); messages are collected first, then handled.
 * - After-emit actions are checked: imapflow answers `false` to a NO, which is an error here.
 *   The UIDs waiting for their action are kept in the cursor, so a session that ends between
 *   the emit and the action has the action done by the next one.
 */
import type { FetchMessageObject, FetchQueryObject, ImapFlow } from 'imapflow';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import {
	advance,
	decide,
	emitted,
	inBacklogWindow,
	readCursor,
	readStart,
	writeCursor,
	type Cursor,
	type StartOptions,
} from './cursor';
import {
	MESSAGE_LIMITS,
	readMessage,
	type FetchedMessage,
	type OutputOptions,
	type PrepareBinary,
} from './messages';
import { hasAttachment, searchCriteria, uidSearch, uidSet, type SearchFilters } from './search';
import type { SearchObject } from 'imapflow';

export type AfterEmit =
	| { action: 'nothing' }
	| { action: 'markRead' }
	| { action: 'move'; folder: string }
	| { action: 'flag'; flag: string };

/** A message of the folder: UIDVALIDITY and UID name it for as long as the folder exists (RFC 9051 §2.3.1.1). */
export interface EmittedMessageId {
	uidValidity: string;
	uid: number;
}

export interface SyncLogger {
	debug(message: string, meta?: IDataObject): void;
	info(message: string, meta?: IDataObject): void;
	warn(message: string, meta?: IDataObject): void;
	error(message: string, meta?: IDataObject): void;
}

/** The part of ImapFlow a sync uses. */
export type SyncClient = Pick<ImapFlow, 'fetch' | 'search' | 'messageFlagsAdd' | 'messageMove'>;

export interface SyncOptions {
	folder: string;
	/** user/folder, the cursor's key. */
	mailbox: string;
	start: StartOptions;
	filters: SearchFilters;
	afterEmit: AfterEmit;
	output: OutputOptions;
	staticData: IDataObject;
	prepareBinary: PrepareBinary;
	/** `message`: which message of the folder the items are (for n8n's deduplication key). */
	emit(items: INodeExecutionData[], message?: EmittedMessageId): void;
	logger: SyncLogger;
	/** UIDs per metadata fetch, and bytes of message source held at once. */
	metadataBatch: number;
	sourceBatchBytes: number;
}

/** The server answered NO to an after-emit action: the user has to change something. */
export class ActionRefusedError extends Error {
	constructor(
		message: string,
		readonly description: string,
	) {
		super(message);
		this.name = 'ActionRefusedError';
	}
}

export class MailboxSync {
	cursor: Cursor | undefined;

	/**
	 * The first UID of the FETCH in flight in this session: names the message if the server ends
	 * the session over it. Set only while that FETCH runs (a session that ends during it leaves it
	 * set for that session's end), cleared when the next session opens the folder.
	 */
	reading: number | undefined;

	/** Whether this sync emitted or moved the cursor since the last `takeProgress()`. */
	private progressed = false;

	/** The running sync's `onProgress` (see `run`). */
	private onProgress: () => void = () => undefined;

	constructor(private readonly options: SyncOptions) {}

	/** On opening the folder: resume, or set a baseline (written to static data at once). */
	open(state: { uidValidity: bigint; uidNext: number }): void {
		const { staticData, mailbox, folder } = this.options;
		// A new session: what the last one was reading when it ended is not this one's.
		this.reading = undefined;
		const startedAt = readStart(staticData, mailbox) ?? new Date().toISOString();
		const decision = decide(
			this.cursor ?? readCursor(staticData, mailbox),
			mailbox,
			state,
			this.options.start,
			startedAt,
		);
		if (decision.action === 'baseline') {
			if (decision.reason === 'uidValidityChanged') {
				const previous = decision.previous;
				this.options.logger.warn(
					`Outlook IMAP Trigger: UIDVALIDITY of "${folder}" changed (${previous?.uidValidity} → ${decision.cursor.uidValidity}); the folder was recreated or rebuilt. Only mail received since ${decision.cursor.backlog?.after ?? 'now'} is emitted, minus Message-IDs already emitted; mail that arrived in the gap without a Message-ID may be missed`,
				);
			}
			writeCursor(staticData, decision.cursor);
		}
		this.cursor = decision.cursor;
	}

	takeProgress(): boolean {
		const value = this.progressed;
		this.progressed = false;
		return value;
	}

	private persist(cursor: Cursor) {
		const moved = cursor !== this.cursor;
		if (moved) this.progressed = true;
		this.cursor = cursor;
		writeCursor(this.options.staticData, cursor);
		if (moved) this.onProgress();
	}

	/**
	 * Everything above the cursor, handled. Throws when a command fails; returns early once `live()`
	 * is false. `onProgress` is called each time the cursor moves (an emit, a slice passed): a long
	 * backlog is a working session long before its first sync ends.
	 */
	async run(
		client: SyncClient,
		live: () => boolean,
		onProgress: () => void = () => undefined,
	): Promise<void> {
		this.onProgress = onProgress;
		let cursor = this.cursor;
		if (!cursor) return;
		if (cursor.pendingAction?.length) {
			await this.afterEmit(client, cursor.pendingAction);
			if (!live()) return;
			cursor = { ...this.cursor!, pendingAction: undefined };
			delete cursor.pendingAction;
			this.persist(cursor);
		}
		const { matching, highest } = await this.pendingUids(client, cursor);
		const { metadataBatch } = this.options;
		for (let offset = 0; offset < matching.length; offset += metadataBatch) {
			const slice = matching.slice(offset, offset + metadataBatch);
			this.reading = slice[0];
			let metadata = await this.collect(client, slice, {
				size: true,
				flags: true,
				internalDate: true,
				envelope: true,
				bodyStructure: Boolean(this.options.filters.hasAttachments),
			});
			this.reading = undefined;
			if (!live()) return;
			cursor = this.cursor!;
			const window = cursor;
			metadata = metadata.filter((message) =>
				inBacklogWindow(window, message.uid, message.internalDate, message.envelope?.messageId),
			);
			if (this.options.filters.hasAttachments)
				metadata = metadata.filter((message) => hasAttachment(message.bodyStructure));
			for (const batch of this.batches(metadata)) {
				this.reading = batch[0].uid;
				const messages = await this.fetchFull(client, batch);
				this.reading = undefined;
				const uids: number[] = [];
				for (const message of messages) {
					const item = await this.toItem(message);
					// Nothing awaited from here to the emit: a session that is ending emits nothing more.
					if (!live()) return;
					const meta = batch.find((m) => m.uid === message.uid);
					cursor = emitted(
						this.cursor!,
						message.uid,
						meta?.internalDate ?? message.internalDate,
						meta?.envelope?.messageId,
					);
					if (this.options.afterEmit.action !== 'nothing')
						cursor.pendingAction = [...(cursor.pendingAction ?? []), message.uid];
					this.persist(cursor);
					if (item)
						this.options.emit([item], { uidValidity: cursor.uidValidity, uid: message.uid });
					uids.push(message.uid);
				}
				if (uids.length && this.options.afterEmit.action !== 'nothing') {
					// An ending session leaves the action to the next one (the UIDs wait in the cursor).
					if (!live()) return;
					await this.afterEmit(client, uids);
					if (!live()) return;
					cursor = { ...this.cursor! };
					delete cursor.pendingAction;
					this.persist(cursor);
				}
			}
			if (!live()) return;
			this.persist(advance(this.cursor!, slice[slice.length - 1]));
		}
		if (!live()) return;
		this.persist(advance(this.cursor!, highest));
	}

	/** UIDs above the cursor that match the filters (and, in the backlog, its condition). */
	private async pendingUids(
		client: SyncClient,
		cursor: Cursor,
	): Promise<{ matching: number[]; highest: number }> {
		const folder = this.options.folder;
		const all = (await uidSearch(client, folder, `${cursor.lastUid + 1}:*`, {})).filter(
			(uid) => uid > cursor.lastUid,
		);
		if (!all.length) return { matching: [], highest: cursor.lastUid };
		const highest = all[all.length - 1];
		const { criteria, extra } = searchCriteria(this.options.filters);
		const filtered = Object.keys(criteria).length > 0 || extra.length > 0;
		const inBacklog = cursor.backlogEnd !== undefined && cursor.lastUid < cursor.backlogEnd;
		if (!filtered && !inBacklog) return { matching: all, highest };
		const matching: number[] = [];
		if (inBacklog) {
			const backlog: SearchObject = { ...criteria };
			if (cursor.backlog?.unseen) backlog.seen = false;
			if (cursor.backlog?.since) backlog.since = new Date(cursor.backlog.since);
			// SINCE compares dates in the server's time zone: a day early, the exact instant is checked on INTERNALDATE.
			if (cursor.backlog?.after)
				backlog.since = new Date(Date.parse(cursor.backlog.after) - 24 * 3600_000);
			matching.push(
				...(await uidSearch(
					client,
					folder,
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
					? await uidSearch(client, folder, `${from}:${highest}`, criteria, extra)
					: all.filter((uid) => uid >= from)),
			);
		}
		return { matching: matching.filter((uid) => uid > cursor.lastUid && uid <= highest), highest };
	}

	async collect(
		client: Pick<ImapFlow, 'fetch'>,
		uids: number[],
		query: FetchQueryObject,
	): Promise<FetchMessageObject[]> {
		const asked = new Set(uids);
		const answers = new Map<number, FetchMessageObject>();
		// Nothing but collecting inside the loop: a command here would deadlock imapflow.
		for await (const message of client.fetch(
			uidSet(uids),
			{ uid: true, ...query },
			{ uid: true },
		)) {
			// The server may send FETCH responses of its own while the command runs (RFC 9051 §7.5.2:
			// flags another session changed, an old message read in Outlook), and imapflow hands them
			// on as answers: without a UID (unless CONDSTORE/QRESYNC is enabled) and without what was
			// asked. Only a message asked for counts, once, with what was asked for.
			if (!asked.has(message.uid)) continue;
			const earlier = answers.get(message.uid);
			if (!earlier || (!answersQuery(earlier, query) && answersQuery(message, query)))
				answers.set(message.uid, message);
			// The server answers in UID order (sequence order): a session that ends now ends over the
			// next message, not over the first one asked for (which it just read). A flags-only update
			// says nothing about how far it read.
			if (this.reading !== undefined && answersQuery(message, query)) {
				const next = Math.min(...uids.filter((uid) => uid > message.uid));
				if (Number.isFinite(next)) this.reading = next;
			}
		}
		return [...answers.values()].sort((a, b) => a.uid - b.uid);
	}

	/** Metadata split into batches of at most `sourceBatchBytes` of source (at least one message each). */
	private batches(messages: FetchMessageObject[]): FetchMessageObject[][] {
		const batches: FetchMessageObject[][] = [];
		let current: FetchMessageObject[] = [];
		let bytes = 0;
		for (const message of messages) {
			const size = message.size ?? 0;
			if (current.length && bytes + size > this.options.sourceBatchBytes) {
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
		return this.options.output.format === 'headers'
			? { uid: true, flags: true, size: true, internalDate: true, headers: true }
			: { uid: true, flags: true, size: true, internalDate: true, source: true };
	}

	private tooLarge(message: FetchMessageObject): boolean {
		return (
			this.options.output.format !== 'headers' &&
			(message.size ?? 0) > MESSAGE_LIMITS.maxMessageBytes
		);
	}

	/** The messages' full data, in UID order; one over the size limit keeps its metadata only. */
	async fetchFull(
		client: Pick<ImapFlow, 'fetch'>,
		metadata: FetchMessageObject[],
	): Promise<FetchMessageObject[]> {
		const wanted = metadata.filter((m) => !this.tooLarge(m)).map((m) => m.uid);
		const fetched = wanted.length ? await this.collect(client, wanted, this.fullQuery()) : [];
		return [...fetched, ...metadata.filter((m) => this.tooLarge(m))].sort((a, b) => a.uid - b.uid);
	}

	/**
	 * One message as an item; `undefined` when "On Unreadable Message" says skip (logged). Throws
	 * BinaryStoreError when n8n cannot store its binary data: the sync ends with the message
	 * still above the cursor, so the next session reads it again.
	 */
	async toItem(message: FetchMessageObject): Promise<INodeExecutionData | undefined> {
		const { output, folder, logger } = this.options;
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
		const { item, unreadable } = await readMessage(fetched, output, this.options.prepareBinary);
		// The source can be large: let go of it before the next message is read.
		fetched.source = undefined;
		message.source = undefined;
		if (unreadable && output.onUnreadable === 'skip') {
			logger.warn('Outlook IMAP Trigger: skipped a message that could not be read', {
				folder,
				uid: message.uid,
				reason: unreadable,
			});
			return undefined;
		}
		if (unreadable)
			logger.warn(
				'Outlook IMAP Trigger: emitting a message that could not be read, with its error',
				{ folder, uid: message.uid, reason: unreadable },
			);
		return item;
	}

	/** The after-emit action; a NO from the server is an ActionRefusedError. */
	private async afterEmit(client: SyncClient, uids: number[]): Promise<void> {
		const action = this.options.afterEmit;
		const range = uidSet(uids);
		let ok = true;
		if (action.action === 'markRead')
			ok = await client.messageFlagsAdd(range, ['\\Seen'], { uid: true });
		else if (action.action === 'flag')
			ok = await client.messageFlagsAdd(range, [action.flag], { uid: true });
		else if (action.action === 'move')
			ok = (await client.messageMove(range, action.folder, { uid: true })) !== false;
		if (ok) return;
		const what =
			action.action === 'move'
				? `move the emitted message(s) (UID ${range}) to "${action.folder}"`
				: action.action === 'flag'
					? `add "${action.flag}" to the emitted message(s) (UID ${range})`
					: `mark the emitted message(s) (UID ${range}) as read`;
		const fix =
			action.action === 'move'
				? `Check the field "Move To Folder": the folder "${action.folder}" must exist in the mailbox and the account must be allowed to move mail into it.`
				: action.action === 'flag'
					? 'Check the field "Flag or Keyword": the server may not allow keywords in this folder (PERMANENTFLAGS), or the folder is read-only for the account.'
					: 'The folder is read-only for the account: choose "After Emitting: Nothing" or give the account write access.';
		throw new ActionRefusedError(
			`The server refused to ${what} in "${this.options.folder}"; the messages were emitted and are still in the folder`,
			fix,
		);
	}
}

/** Whether a FETCH response carries every item the query asked for (not a flags-only update). */
function answersQuery(message: FetchMessageObject, query: FetchQueryObject): boolean {
	return Object.entries(query).every(
		([item, wanted]) =>
			!wanted ||
			item === 'uid' ||
			(message as unknown as Record<string, unknown>)[item] !== undefined,
	);
}
