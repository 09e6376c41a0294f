/**
 * Delta queries for the Graph stand-in: a mailbox (folders, messages) and a default calendar
 * (event instances) whose changes are served the way Graph serves them.
 *
 * - A round starts with a request without tokens (the "initial round": every item in scope) and
 *   pages through `@odata.nextLink` (`$skiptoken`) to an `@odata.deltaLink` (`$deltatoken`); the
 *   next round starting from that link returns each item changed since, once, in its latest state,
 *   and `@removed` for items deleted or moved out of scope.
 *   https://learn.microsoft.com/graph/delta-query-overview, /graph/delta-query-messages,
 *   /graph/delta-query-events
 * - Query options are given once, in the initial request, and live on in the tokens.
 * - Messages: `changeType=created|updated|deleted` filters later rounds (the initial round returns
 *   every message of the folder, as Graph documents); `$select` picks properties; page size from
 *   `Prefer: odata.maxpagesize` or `$top`. Immutable IDs: a moved message keeps its ID.
 * - Calendar view: `startDateTime`/`endDateTime` bound the instances (occurrences and exceptions
 *   of series, single events); times answer in the `Prefer: outlook.timezone` zone. A later round
 *   returns under `@removed` (reason `deleted`) both the instances deleted inside the window and
 *   every event *outside* it that was added, deleted or updated since: an event moved out of the
 *   window comes back as `@removed` although it still exists, and one created outside it too.
 *   https://learn.microsoft.com/graph/api/event-delta#response ("Events that are outside the date
 *   range and that have been added, deleted, or updated since the previous delta call")
 * - Recurring series, two readings (`DeltaBehaviour.series`):
 *   'documented': the delta returns what calendarView returns ("the same properties you'd normally
 *   get from a GET /calendarView request", event-delta.md): full occurrences, no series masters,
 *   and a deleted occurrence as `@removed`;
 *   'observed' (reported 2017–2026: microsoftgraph/microsoft-graph-docs#1716, #7632, #22197,
 *   docs PR #4501, ridafkih/keeper.sh#409): occurrences come as stubs (`@odata.type`,
 *   `@odata.etag`, `id`, `type`, `seriesMasterId`, `start`, `end`), the series master comes too
 *   (with the first occurrence's start and end), and deleting one occurrence gives no `@removed`
 *   ("No indication is given for a deleted occurrence", PR #4501): only the master changes.
 * - Another user's calendar with a delegated token (`DeltaBehaviour.sharedCalendarDelta`):
 *   event-delta.md lists Calendars.Read, Calendars.ReadBasic and Calendars.ReadWrite, no `.Shared`
 *   permission, so 'refused' (the default) answers the delta 403 ErrorAccessDenied while
 *   calendarView (which does list Calendars.Read.Shared) works; 'allowed' serves it.
 * - `GET /events/{id}` (an instance or a master; 404 ErrorItemNotFound when deleted) and
 *   `GET /events/{master}/instances` (the series' occurrences and exceptions in a range, full).
 *   https://learn.microsoft.com/graph/api/event-get, /graph/api/event-list-instances
 * - `expireSyncStates()` forgets every token: the next request with one is answered 410 Gone,
 *   `syncStateNotFound`, as Exchange does when it drops a sync state.
 *
 * `install()` registers the routes on a GraphStandIn (which still checks each request against
 * Microsoft's OpenAPI description).
 */
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { findIana } from 'windows-iana';

import type { GraphRequestRecord, GraphReply, GraphStandIn } from './graph-standin';
import { graphError } from './graph-standin';

type Json = Record<string, unknown>;

/** Graph's default delta page size for messages and events is 10; the stand-in caps at 1000. */
export const DELTA_DEFAULT_PAGE_SIZE = 10;
export const DELTA_MAX_PAGE_SIZE = 1000;

interface Tracked {
	id: string;
	/** The folder (messages) or 'calendar' (event instances). */
	scope: string;
	/** Sequence number of the change that put the item in its scope (created, moved in). */
	enteredSeq: number;
	/** Sequence number of its last change. */
	seq: number;
	data: Json;
}

/** A change in the mailbox, as a change notification reports it (test/support/graph-subscriptions.ts). */
export interface MailboxChange {
	kind: 'message' | 'event';
	id: string;
	changeType: 'created' | 'updated' | 'deleted';
	/** Messages: the folder the change happened in. */
	folderId?: string;
}

interface Tombstone {
	id: string;
	scope: string;
	seq: number;
}

interface RoundParams {
	kind: 'messages' | 'calendarView' | 'events' | 'mailFolders';
	scope: string;
	select?: string[];
	changeType?: string;
	start?: string;
	end?: string;
	pageSize: number;
}

interface Page {
	params: RoundParams;
	/** What the round returns: IDs of live items, or removed IDs; `master` for a series master. */
	entries: Array<{ id: string; removed: boolean; master?: boolean }>;
	offset: number;
	/** The sequence number the round covers up to; the next round starts after it. */
	untilSeq: number;
}

function preferValue(headers: Record<string, string>, name: string): string | undefined {
	const prefer = headers.prefer ?? '';
	const match = new RegExp(`${name.replace('.', '\\.')}\\s*=\\s*"?([^",]+)"?`, 'i').exec(prefer);
	return match?.[1];
}

function pageSizeOf(request: GraphRequestRecord): number {
	const wanted = Number(
		preferValue(request.headers, 'odata.maxpagesize') ??
			request.query.$top ??
			DELTA_DEFAULT_PAGE_SIZE,
	);
	return Math.max(1, Math.min(Number.isFinite(wanted) ? wanted : 10, DELTA_MAX_PAGE_SIZE));
}

function randomKey(): string {
	return Buffer.from(randomUUID()).toString('base64').slice(0, 16);
}

function isoUtc(date: Date | DateTime): string {
	const dt = date instanceof Date ? DateTime.fromJSDate(date) : date;
	return dt.toUTC().toISO({ suppressMilliseconds: true }) ?? '';
}

export interface FolderSpec {
	displayName: string;
	parentFolderId?: string;
	wellKnownName?: string;
	id?: string;
}

/** The disputed behaviours of calendarView delta (see the header); the default is the documented one. */
export interface DeltaBehaviour {
	series: 'documented' | 'observed';
	sharedCalendarDelta: 'refused' | 'allowed';
}

export const DOCUMENTED_DELTA: DeltaBehaviour = {
	series: 'documented',
	sharedCalendarDelta: 'refused',
};

export interface EventInstanceInput {
	subject: string;
	/** Start instant (any zone); stored in UTC. */
	start: DateTime;
	end: DateTime;
	type?: 'singleInstance' | 'occurrence' | 'exception';
	seriesMasterId?: string;
	[key: string]: unknown;
}

/** One mailbox with delta. */
export class DeltaMailbox {
	private seq = 0;

	readonly folders = new Map<string, Tracked>();

	readonly messages = new Map<string, Tracked>();

	readonly instances = new Map<string, Tracked>();

	/** Series masters (type seriesMaster), by ID; their occurrences are in `instances`. */
	readonly masters = new Map<string, Tracked>();

	private tombstones: Tombstone[] = [];

	private skipTokens = new Map<string, Page>();

	private deltaTokens = new Map<string, { params: RoundParams; sinceSeq: number }>();

	/** The time the mailbox says it is (receivedDateTime, lastModifiedDateTime). */
	now: () => Date = () => new Date();

	/** Told of every change (the subscriptions stand-in sends notifications from these). */
	readonly changeListeners = new Set<(change: MailboxChange) => void>();

	private changed(change: MailboxChange): void {
		for (const listener of this.changeListeners) listener(change);
	}

	private counter = 0;

	readonly behaviour: DeltaBehaviour;

	constructor(
		/** `/me` or `/users/<encoded address>`. */
		readonly root = '/me',
		behaviour: Partial<DeltaBehaviour> = {},
	) {
		this.behaviour = { ...DOCUMENTED_DELTA, ...behaviour };
		for (const [wellKnownName, displayName] of [
			['msgfolderroot', 'Top of Information Store'],
			['inbox', 'Inbox'],
			['archive', 'Archive'],
			['deleteditems', 'Deleted Items'],
			['sentitems', 'Sent Items'],
		]) {
			this.addFolder({
				displayName,
				wellKnownName,
				id: `folder-${wellKnownName}`,
				parentFolderId: wellKnownName === 'msgfolderroot' ? undefined : 'folder-msgfolderroot',
			});
		}
	}

	// ---- mutations (what happens in the mailbox between polls) ----

	private nextSeq(): number {
		return ++this.seq;
	}

	/** A folder by ID or well-known name. */
	folderId(idOrName: string): string | undefined {
		if (this.folders.has(idOrName)) return idOrName;
		for (const folder of this.folders.values())
			if (folder.data.wellKnownName === idOrName.toLowerCase()) return folder.id;
		return undefined;
	}

	addFolder(spec: FolderSpec): string {
		const id = spec.id ?? `folder-${++this.counter}-${randomKey()}`;
		const seq = this.nextSeq();
		const parent = spec.parentFolderId
			? (this.folderId(spec.parentFolderId) ?? spec.parentFolderId)
			: 'folder-msgfolderroot';
		this.folders.set(id, {
			id,
			scope: parent,
			enteredSeq: seq,
			seq,
			data: {
				id,
				displayName: spec.displayName,
				parentFolderId: spec.wellKnownName === 'msgfolderroot' ? undefined : parent,
				wellKnownName: spec.wellKnownName,
				childFolderCount: 0,
				totalItemCount: 0,
				unreadItemCount: 0,
			},
		});
		return id;
	}

	/** Renames a folder (or changes other fields): a change in its parent's folder delta. */
	updateFolder(id: string, patch: Json): void {
		const folder = this.folders.get(id);
		if (!folder) throw new Error(`no folder ${id}`);
		folder.seq = this.nextSeq();
		Object.assign(folder.data, patch);
	}

	/** Moves a folder under another: it leaves its old parent's scope and enters the new one's. */
	moveFolder(id: string, parent: string): void {
		const folder = this.folders.get(id);
		const parentId = this.folderId(parent);
		if (!folder || !parentId) throw new Error(`no folder ${id} or ${parent}`);
		const seq = this.nextSeq();
		this.tombstones.push({ id, scope: folder.scope, seq });
		folder.scope = parentId;
		folder.enteredSeq = seq;
		folder.seq = seq;
		folder.data.parentFolderId = parentId;
	}

	/** Deletes a folder with its child folders and their messages. */
	deleteFolder(id: string): void {
		const folder = this.folders.get(id);
		if (!folder) throw new Error(`no folder ${id}`);
		for (const child of [...this.folders.values()])
			if (child.data.parentFolderId === id) this.deleteFolder(child.id);
		for (const message of [...this.messages.values()])
			if (message.scope === id) this.deleteMessage(message.id);
		this.tombstones.push({ id, scope: folder.scope, seq: this.nextSeq() });
		this.folders.delete(id);
	}

	/** A new message in a folder; returns its (immutable) ID. */
	deliver(folder: string, fields: Json = {}): string {
		const folderId = this.folderId(folder);
		if (!folderId) throw new Error(`no folder ${folder}`);
		const id = (fields.id as string | undefined) ?? `AAMk-msg-${++this.counter}-${randomKey()}`;
		const seq = this.nextSeq();
		const now = isoUtc(this.now());
		this.messages.set(id, {
			id,
			scope: folderId,
			enteredSeq: seq,
			seq,
			data: {
				id,
				changeKey: randomKey(),
				createdDateTime: now,
				lastModifiedDateTime: now,
				receivedDateTime: now,
				sentDateTime: now,
				subject: `Message ${this.counter}`,
				bodyPreview: 'Hello',
				body: { contentType: 'text', content: 'Hello' },
				from: { emailAddress: { name: 'Bob', address: 'bob@contoso.com' } },
				toRecipients: [{ emailAddress: { name: 'Alice', address: 'alice@contoso.com' } }],
				ccRecipients: [],
				isRead: false,
				isDraft: false,
				hasAttachments: false,
				importance: 'normal',
				categories: [],
				flag: { flagStatus: 'notFlagged' },
				conversationId: `conv-${id}`,
				webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(id)}`,
				...fields,
				parentFolderId: folderId,
			},
		});
		this.changed({ kind: 'message', id, changeType: 'created', folderId });
		return id;
	}

	/** Changes a message (read state, flag, categories…): new changeKey and lastModifiedDateTime. */
	updateMessage(id: string, patch: Json): void {
		const message = this.messages.get(id);
		if (!message) throw new Error(`no message ${id}`);
		message.seq = this.nextSeq();
		Object.assign(message.data, patch, {
			changeKey: randomKey(),
			lastModifiedDateTime: isoUtc(this.now()),
		});
		this.changed({ kind: 'message', id, changeType: 'updated', folderId: message.scope });
	}

	moveMessage(id: string, folder: string): void {
		const message = this.messages.get(id);
		const folderId = this.folderId(folder);
		if (!message || !folderId) throw new Error(`no message ${id} or folder ${folder}`);
		const seq = this.nextSeq();
		this.tombstones.push({ id, scope: message.scope, seq });
		message.scope = folderId;
		message.enteredSeq = seq;
		message.seq = seq;
		const from = message.scope;
		Object.assign(message.data, {
			parentFolderId: folderId,
			changeKey: randomKey(),
			lastModifiedDateTime: isoUtc(this.now()),
		});
		this.changed({ kind: 'message', id, changeType: 'deleted', folderId: from });
		this.changed({ kind: 'message', id, changeType: 'created', folderId });
	}

	deleteMessage(id: string): void {
		const message = this.messages.get(id);
		if (!message) throw new Error(`no message ${id}`);
		this.tombstones.push({ id, scope: message.scope, seq: this.nextSeq() });
		this.messages.delete(id);
		this.changed({ kind: 'message', id, changeType: 'deleted', folderId: message.scope });
	}

	/** An event instance in the default calendar (a single event, an occurrence or an exception). */
	addInstance(input: EventInstanceInput): string {
		const { start, end, subject, type, seriesMasterId, ...rest } = input;
		const id =
			(rest.id as string | undefined) ??
			(seriesMasterId
				? `${seriesMasterId}_${start.toUTC().toFormat("yyyyMMdd'T'HHmmss")}`
				: `AAMk-evt-${++this.counter}-${randomKey()}`);
		if (seriesMasterId) this.ensureMaster(seriesMasterId, subject, start, end);
		const seq = this.nextSeq();
		const now = isoUtc(this.now());
		this.instances.set(id, {
			id,
			scope: 'calendar',
			enteredSeq: seq,
			seq,
			data: {
				id,
				changeKey: randomKey(),
				createdDateTime: now,
				lastModifiedDateTime: now,
				subject,
				start: {
					dateTime: start.toUTC().toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'0000'"),
					timeZone: 'UTC',
				},
				end: { dateTime: end.toUTC().toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'0000'"), timeZone: 'UTC' },
				isAllDay: false,
				isCancelled: false,
				isOrganizer: true,
				showAs: 'busy',
				importance: 'normal',
				sensitivity: 'normal',
				type: type ?? (seriesMasterId ? 'occurrence' : 'singleInstance'),
				seriesMasterId: seriesMasterId ?? null,
				organizer: { emailAddress: { name: 'Alice', address: 'alice@contoso.com' } },
				attendees: [],
				location: { displayName: '' },
				locations: [],
				categories: [],
				bodyPreview: '',
				webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(id)}`,
				...rest,
			},
		});
		if (seriesMasterId) this.touchMaster(seriesMasterId);
		this.changed({ kind: 'event', id, changeType: 'created' });
		return id;
	}

	/** The series master of `masterId`, created with its first occurrence's subject and times. */
	private ensureMaster(masterId: string, subject: string, start: DateTime, end: DateTime): void {
		if (this.masters.has(masterId)) return;
		const seq = this.nextSeq();
		const now = isoUtc(this.now());
		this.masters.set(masterId, {
			id: masterId,
			scope: 'series',
			enteredSeq: seq,
			seq,
			data: {
				id: masterId,
				changeKey: randomKey(),
				createdDateTime: now,
				lastModifiedDateTime: now,
				subject,
				// Graph lists a master with its first occurrence's start and end (keeper.sh#409).
				start: {
					dateTime: start.toUTC().toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'0000'"),
					timeZone: 'UTC',
				},
				end: { dateTime: end.toUTC().toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'0000'"), timeZone: 'UTC' },
				isAllDay: false,
				isCancelled: false,
				type: 'seriesMaster',
				seriesMasterId: null,
				recurrence: {
					pattern: {
						type: 'weekly',
						interval: 1,
						daysOfWeek: [start.toFormat('cccc').toLowerCase()],
					},
					range: { type: 'noEnd', startDate: start.toFormat('yyyy-MM-dd') },
				},
				organizer: { emailAddress: { name: 'Alice', address: 'alice@contoso.com' } },
				attendees: [],
				categories: [],
			},
		});
	}

	/** A change to a series (an occurrence edited, added or deleted) changes its master too. */
	private touchMaster(masterId: string): void {
		const master = this.masters.get(masterId);
		if (!master) return;
		master.seq = this.nextSeq();
		Object.assign(master.data, {
			changeKey: randomKey(),
			lastModifiedDateTime: isoUtc(this.now()),
		});
		this.changed({ kind: 'event', id: masterId, changeType: 'updated' });
	}

	/** The series' occurrences and exceptions, in start order. */
	private seriesInstances(masterId: string): Tracked[] {
		return [...this.instances.values()]
			.filter((i) => i.data.seriesMasterId === masterId)
			.sort((a, b) => this.startOf(a).toMillis() - this.startOf(b).toMillis());
	}

	/** The organizer edits the whole series (subject, location…): the master and every occurrence change. */
	updateSeries(masterId: string, patch: Json): void {
		const master = this.masters.get(masterId);
		if (!master) throw new Error(`no series ${masterId}`);
		for (const instance of this.seriesInstances(masterId)) {
			instance.seq = this.nextSeq();
			Object.assign(instance.data, patch, {
				changeKey: randomKey(),
				lastModifiedDateTime: isoUtc(this.now()),
			});
		}
		Object.assign(master.data, patch);
		this.touchMaster(masterId);
	}

	/** The whole series is deleted: every occurrence is gone, and the master. */
	deleteSeries(masterId: string): void {
		for (const instance of this.seriesInstances(masterId)) {
			this.instances.delete(instance.id);
			this.tombstones.push({ id: instance.id, scope: 'calendar', seq: this.nextSeq() });
		}
		if (this.masters.delete(masterId))
			this.tombstones.push({ id: masterId, scope: 'series', seq: this.nextSeq() });
		this.changed({ kind: 'event', id: masterId, changeType: 'deleted' });
	}

	/**
	 * A weekly series: `count` occurrences at the same wall-clock time in `zone` (so the UTC time
	 * moves by an hour across a DST change, as Exchange expands it). Returns the master's ID and
	 * the occurrences' IDs.
	 */
	addWeeklySeries(
		subject: string,
		firstStart: DateTime,
		minutes: number,
		count: number,
	): { masterId: string; occurrences: string[] } {
		const masterId = `AAMk-series-${++this.counter}`;
		const occurrences: string[] = [];
		for (let week = 0; week < count; week++) {
			const start = firstStart.plus({ weeks: week });
			occurrences.push(
				this.addInstance({
					subject,
					start,
					end: start.plus({ minutes }),
					seriesMasterId: masterId,
				}),
			);
		}
		return { masterId, occurrences };
	}

	updateInstance(id: string, patch: Partial<EventInstanceInput>): void {
		const instance = this.instances.get(id);
		if (!instance) throw new Error(`no event ${id}`);
		const { start, end, ...rest } = patch;
		instance.seq = this.nextSeq();
		Object.assign(instance.data, rest, {
			changeKey: randomKey(),
			lastModifiedDateTime: isoUtc(this.now()),
		});
		if (start)
			instance.data.start = {
				dateTime: start.toUTC().toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'0000'"),
				timeZone: 'UTC',
			};
		if (end)
			instance.data.end = {
				dateTime: end.toUTC().toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'0000'"),
				timeZone: 'UTC',
			};
		const masterId = instance.data.seriesMasterId;
		if (typeof masterId === 'string') this.touchMaster(masterId);
		this.changed({ kind: 'event', id, changeType: 'updated' });
	}

	/**
	 * An instance is deleted. A single event (or, in the documented reading, an occurrence) gives
	 * `@removed` in the next round; in the observed reading a deleted occurrence gives nothing but
	 * a changed master (microsoft-graph-docs PR #4501).
	 */
	deleteInstance(id: string): void {
		const instance = this.instances.get(id);
		if (!instance) throw new Error(`no event ${id}`);
		this.instances.delete(id);
		const masterId = instance.data.seriesMasterId;
		if (typeof masterId === 'string') this.touchMaster(masterId);
		if (typeof masterId !== 'string' || this.behaviour.series === 'documented')
			this.tombstones.push({ id, scope: 'calendar', seq: this.nextSeq() });
		this.changed({ kind: 'event', id, changeType: 'deleted' });
	}

	/** Exchange dropped every sync state: each token is answered 410 Gone. */
	expireSyncStates(): void {
		this.skipTokens.clear();
		this.deltaTokens.clear();
	}

	// ---- the routes ----

	/** Registers the routes under `root` (this mailbox's own by default; a pattern such as `/users/:user` serves it at every address). */
	install(graph: GraphStandIn, root = this.root): this {
		graph.on('GET', `${root}/mailFolders/:folder`, (_request, params) =>
			this.getFolder(params.folder),
		);
		graph.on('GET', `${root}/mailFolders/:folder/childFolders`, (request, params) =>
			this.childFolders(graph, request, params.folder),
		);
		graph.on('GET', `${root}/mailFolders/:folder/messages`, (request, params) =>
			this.listMessages(request, params.folder),
		);
		graph.on('GET', `${root}/mailFolders/:folder/messages/delta`, (request, params) => {
			const folder = this.folderId(params.folder);
			if (!folder && !request.query.$deltatoken && !request.query.$skiptoken)
				return graphError(
					404,
					'ErrorItemNotFound',
					'The specified object was not found in the store.',
				);
			return this.delta(graph, request, {
				kind: 'messages',
				scope: folder ?? params.folder,
				select: request.query.$select?.split(','),
				changeType: request.query.changeType,
				pageSize: pageSizeOf(request),
			});
		});
		// Registered after `:folder` so that it wins for `/mailFolders/delta` (the top-level folders).
		graph.on('GET', `${root}/mailFolders/delta`, (request) =>
			this.delta(graph, request, {
				kind: 'mailFolders',
				scope: 'folder-msgfolderroot',
				select: request.query.$select?.split(','),
				pageSize: pageSizeOf(request),
			}),
		);
		graph.on('GET', `${root}/calendarView`, (request) => this.calendarView(graph, request));
		graph.on('GET', `${root}/events/:id`, (request, params) => this.getEvent(request, params.id));
		graph.on('GET', `${root}/events/:id/instances`, (request, params) =>
			this.listInstances(graph, request, params.id),
		);
		// Registered after `/events/:id` so that it wins for `/events/delta`.
		// Events delta: the same window, without expanding series (single events and exceptions;
		// the stand-in keeps no series masters).
		graph.on('GET', `${root}/events/delta`, (request) => {
			if (!request.query.$deltatoken && !request.query.$skiptoken) {
				if (!request.query.startDateTime || !request.query.endDateTime)
					return graphError(
						400,
						'ErrorInvalidParameter',
						'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.',
					);
			}
			return this.delta(graph, request, {
				kind: 'events',
				scope: 'calendar',
				start: request.query.startDateTime,
				end: request.query.endDateTime,
				select: request.query.$select?.split(','),
				pageSize: pageSizeOf(request),
			});
		});
		graph.on('GET', `${root}/calendarView/delta`, (request) => {
			if (
				this.behaviour.sharedCalendarDelta === 'refused' &&
				!request.app &&
				this.root.startsWith('/users/')
			) {
				// event-delta.md lists no Calendars.Read.Shared: a delegated token on another user's
				// calendar is refused as Exchange refuses what a permission does not cover.
				return graphError(
					403,
					'ErrorAccessDenied',
					'Access is denied. Check credentials and try again.',
				);
			}
			if (!request.query.$deltatoken && !request.query.$skiptoken) {
				if (!request.query.startDateTime || !request.query.endDateTime)
					return graphError(
						400,
						'ErrorInvalidParameter',
						'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.',
					);
			}
			return this.delta(graph, request, {
				kind: 'calendarView',
				scope: 'calendar',
				start: request.query.startDateTime,
				end: request.query.endDateTime,
				pageSize: pageSizeOf(request),
			});
		});
		return this;
	}

	private getFolder(idOrName: string): GraphReply {
		const id = this.folderId(idOrName);
		if (!id)
			return graphError(
				404,
				'ErrorItemNotFound',
				'The specified object was not found in the store.',
			);
		return { body: this.folderJson(id) };
	}

	private folderJson(id: string): Json {
		const folder = this.folders.get(id)!;
		const children = [...this.folders.values()].filter((f) => f.data.parentFolderId === id).length;
		const { wellKnownName: _hidden, ...data } = folder.data;
		return { ...data, childFolderCount: children };
	}

	private childFolders(
		graph: GraphStandIn,
		request: GraphRequestRecord,
		parent: string,
	): GraphReply {
		const parentId = this.folderId(parent);
		if (!parentId)
			return graphError(
				404,
				'ErrorItemNotFound',
				'The specified object was not found in the store.',
			);
		let value = [...this.folders.values()]
			.filter((f) => f.data.parentFolderId === parentId)
			.map((f) => this.folderJson(f.id));
		const filter = /^displayName eq '((?:[^']|'')*)'$/.exec(request.query.$filter ?? '');
		if (filter) {
			const name = filter[1].replace(/''/g, "'");
			value = value.filter((f) => f.displayName === name);
		}
		return { body: { '@odata.context': `${graph.url}/v1.0/$metadata#mailFolders`, value } };
	}

	private listMessages(request: GraphRequestRecord, folder: string): GraphReply {
		const folderId = this.folderId(folder);
		if (!folderId)
			return graphError(
				404,
				'ErrorItemNotFound',
				'The specified object was not found in the store.',
			);
		const top = Number(request.query.$top ?? 10);
		// Newest first unless `$orderby=receivedDateTime asc`; `$skip` as the endpoint declares it.
		const sign = request.query.$orderby === 'receivedDateTime asc' ? -1 : 1;
		const skip = Math.max(0, Number(request.query.$skip ?? 0) || 0);
		const messages = [...this.messages.values()]
			.filter((m) => m.scope === folderId)
			.map((m) => m.data)
			.sort((a, b) => sign * String(b.receivedDateTime).localeCompare(String(a.receivedDateTime)));
		const select = request.query.$select?.split(',');
		return {
			body: { value: messages.slice(skip, skip + top).map((m) => this.selected(m, select)) },
		};
	}

	private calendarView(graph: GraphStandIn, request: GraphRequestRecord): GraphReply {
		return this.pagedInstances(graph, request, () => [...this.instances.values()]);
	}

	/**
	 * Instances overlapping `startDateTime`–`endDateTime`, in start order, with `$select`, `$top`
	 * (default 10) and a `@odata.nextLink` carrying `$skip`, as Graph's calendarView links do.
	 */
	private pagedInstances(
		graph: GraphStandIn,
		request: GraphRequestRecord,
		source: () => Tracked[],
	): GraphReply {
		const { startDateTime, endDateTime } = request.query;
		if (!startDateTime || !endDateTime)
			return graphError(
				400,
				'ErrorInvalidParameter',
				'startDateTime and endDateTime are required.',
			);
		const zone = this.zoneOf(request);
		const select = request.query.$select?.split(',');
		const value = source()
			.filter((i) => this.inWindow(i, startDateTime, endDateTime))
			.sort(
				(a, b) => this.startOf(a).toMillis() - this.startOf(b).toMillis() || (a.id < b.id ? -1 : 1),
			)
			.map((i) => this.selected(this.eventJson(i.data, zone), select));
		const top = Math.min(Number(request.query.$top ?? 10), DELTA_MAX_PAGE_SIZE);
		const skip = Number(request.query.$skip ?? 0);
		const body: Json = { value: value.slice(skip, skip + top) };
		if (skip + top < value.length) {
			const next = new URL(`${graph.url}/v1.0${request.path}`);
			for (const [key, v] of Object.entries(request.query)) next.searchParams.set(key, v);
			next.searchParams.set('$top', String(top));
			next.searchParams.set('$skip', String(skip + top));
			body['@odata.nextLink'] = next.toString();
		}
		return { body };
	}

	/** GET /events/{id}: an instance (occurrence, exception, single event) or a series master. */
	private getEvent(request: GraphRequestRecord, id: string): GraphReply {
		const item = this.instances.get(id) ?? this.masters.get(id);
		if (!item)
			return graphError(
				404,
				'ErrorItemNotFound',
				'The specified object was not found in the store.',
			);
		const select = request.query.$select?.split(',');
		return { body: this.selected(this.eventJson(item.data, this.zoneOf(request)), select) };
	}

	/** GET /events/{master}/instances: the series' occurrences and exceptions in the range. */
	private listInstances(graph: GraphStandIn, request: GraphRequestRecord, id: string): GraphReply {
		if (!this.masters.has(id))
			return graphError(
				404,
				'ErrorItemNotFound',
				'The specified object was not found in the store.',
			);
		return this.pagedInstances(graph, request, () => this.seriesInstances(id));
	}

	private startOf(item: Tracked): DateTime {
		const start = item.data.start as { dateTime: string };
		return DateTime.fromISO(start.dateTime, { zone: 'UTC' });
	}

	private inWindow(item: Tracked, start?: string, end?: string): boolean {
		if (!start || !end) return true;
		const s = this.startOf(item).toMillis();
		const e = DateTime.fromISO((item.data.end as { dateTime: string }).dateTime, {
			zone: 'UTC',
		}).toMillis();
		return (
			s < DateTime.fromISO(end, { zone: 'UTC' }).toMillis() &&
			e > DateTime.fromISO(start, { zone: 'UTC' }).toMillis()
		);
	}

	/** The IANA zone of `Prefer: outlook.timezone` (Windows or IANA name), UTC by default. */
	private zoneOf(request: GraphRequestRecord): { name: string; iana: string } {
		const name = preferValue(request.headers, 'outlook.timezone') ?? 'UTC';
		const iana = name === 'UTC' ? 'UTC' : (findIana(name)[0] ?? name);
		return { name, iana };
	}

	private eventJson(data: Json, zone: { name: string; iana: string }): Json {
		const convert = (value: unknown) => {
			const v = value as { dateTime: string };
			const local = DateTime.fromISO(v.dateTime, { zone: 'UTC' }).setZone(zone.iana);
			return { dateTime: local.toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'0000'"), timeZone: zone.name };
		};
		return { ...data, start: convert(data.start), end: convert(data.end) };
	}

	private selected(data: Json, select: string[] | undefined): Json {
		if (!select?.length) return data;
		const out: Json = { id: data.id };
		for (const key of select) if (key in data) out[key] = data[key];
		return out;
	}

	private itemsOf(params: RoundParams): Map<string, Tracked> {
		if (params.kind === 'messages') return this.messages;
		if (params.kind === 'mailFolders') return this.folders;
		return this.instances;
	}

	private inScope(item: Tracked, params: RoundParams): boolean {
		if (item.scope !== params.scope) return false;
		if (params.kind === 'events' && item.data.type === 'occurrence') return false;
		return (
			(params.kind !== 'calendarView' && params.kind !== 'events') ||
			this.inWindow(item, params.start, params.end)
		);
	}

	private delta(graph: GraphStandIn, request: GraphRequestRecord, fresh: RoundParams): GraphReply {
		const { $skiptoken: skip, $deltatoken: deltaToken } = request.query;
		let page: Page | undefined;
		if (skip) {
			page = this.skipTokens.get(skip);
			this.skipTokens.delete(skip);
		} else if (deltaToken) {
			const state = this.deltaTokens.get(deltaToken);
			if (state) page = this.startRound(state.params, state.sinceSeq);
		} else {
			page = this.startRound(fresh, undefined);
		}
		if (!page) {
			return graphError(
				410,
				'syncStateNotFound',
				'The sync state generation is not found. Restart the sync with a fresh request.',
			);
		}
		const slice = page.entries.slice(page.offset, page.offset + page.params.pageSize);
		const items = this.itemsOf(page.params);
		const zone = this.zoneOf(request);
		const value = slice.map((entry) => {
			if (entry.master) {
				const master = this.masters.get(entry.id);
				if (!master || entry.removed) return { id: entry.id, '@removed': { reason: 'deleted' } };
				return this.eventJson(master.data, zone);
			}
			const item = items.get(entry.id);
			if (entry.removed || !item || !this.inScope(item, page.params)) {
				return { id: entry.id, '@removed': { reason: 'deleted' } };
			}
			const isEvent = page.params.kind === 'calendarView' || page.params.kind === 'events';
			const data = isEvent ? this.eventJson(item.data, zone) : item.data;
			if (
				page.params.kind === 'calendarView' &&
				this.behaviour.series === 'observed' &&
				data.type === 'occurrence'
			) {
				// What the reports show for an occurrence (microsoft-graph-docs#7632, #22197).
				return {
					'@odata.type': '#microsoft.graph.event',
					'@odata.etag': `W/"${String(data.changeKey)}"`,
					id: data.id,
					seriesMasterId: data.seriesMasterId,
					type: data.type,
					start: data.start,
					end: data.end,
				};
			}
			return page.params.kind === 'mailFolders'
				? this.selected(this.folderJson(item.id), page.params.select)
				: this.selected(data, page.params.select);
		});
		const link = new URL(`${graph.url}/v1.0${request.path}`);
		const body: Json = { '@odata.context': `${graph.url}/v1.0/$metadata#Collection`, value };
		const rest = page.offset + slice.length;
		if (rest < page.entries.length) {
			const token = randomKey() + randomKey();
			this.skipTokens.set(token, { ...page, offset: rest });
			link.searchParams.set('$skiptoken', token);
			body['@odata.nextLink'] = link.toString();
		} else {
			const token = randomKey() + randomKey();
			this.deltaTokens.set(token, { params: page.params, sinceSeq: page.untilSeq });
			link.searchParams.set('$deltatoken', token);
			body['@odata.deltaLink'] = link.toString();
		}
		return { body };
	}

	/** What a round returns: every item in scope (initial round), or what changed since `sinceSeq`. */
	private startRound(params: RoundParams, sinceSeq: number | undefined): Page {
		const items = [...this.itemsOf(params).values()].filter((i) => this.inScope(i, params));
		const entries: Page['entries'] = [];
		const observedSeries = params.kind === 'calendarView' && this.behaviour.series === 'observed';
		if (sinceSeq === undefined) {
			for (const item of items) entries.push({ id: item.id, removed: false });
			if (observedSeries) {
				const inWindow = new Set(items.map((i) => i.data.seriesMasterId));
				for (const master of this.masters.values())
					if (inWindow.has(master.id))
						entries.push({ id: master.id, removed: false, master: true });
			}
		} else {
			if (params.kind === 'calendarView') {
				// Events outside the window that were added or updated since: `@removed` (event-delta.md).
				for (const item of this.instances.values())
					if (item.seq > sinceSeq && !this.inScope(item, params))
						entries.push({ id: item.id, removed: true });
			}
			if (observedSeries) {
				for (const master of this.masters.values())
					if (master.seq > sinceSeq) entries.push({ id: master.id, removed: false, master: true });
			}
			const wanted = params.changeType;
			for (const item of items) {
				if (item.seq <= sinceSeq) continue;
				const created = item.enteredSeq > sinceSeq;
				if (!wanted || (wanted === 'created' && created) || (wanted === 'updated' && !created))
					entries.push({ id: item.id, removed: false });
			}
			if (!wanted || wanted === 'deleted') {
				const live = new Set(items.map((i) => i.id));
				const removed = new Set<string>();
				for (const t of this.tombstones) {
					if (t.seq > sinceSeq && t.scope === params.scope && !live.has(t.id)) removed.add(t.id);
				}
				for (const id of removed) entries.push({ id, removed: true });
				if (observedSeries)
					for (const t of this.tombstones)
						if (t.seq > sinceSeq && t.scope === 'series')
							entries.push({ id: t.id, removed: true, master: true });
			}
		}
		return { params, entries, offset: 0, untilSeq: this.seq };
	}
}
