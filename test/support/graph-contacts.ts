/**
 * Personal contacts and contact folders on the Graph stand-in, as Graph serves them, for the node
 * tests, the trigger tests and the demo:
 *
 * - Contacts (https://learn.microsoft.com/graph/api/resources/contact): create in the default
 *   Contacts folder (`/contacts`) or in a folder (`/contactFolders/{id}/contacts`), get, update and
 *   delete by ID wherever the contact is (`/contacts/{id}`). Graph fills in `id`, `changeKey`,
 *   `createdDateTime`, `lastModifiedDateTime` and `parentFolderId`, and builds `displayName` from
 *   the names when none is given ("later updates to other properties may cause an automatically
 *   generated value to overwrite the displayName value you have specified"; a given displayName
 *   is kept here). Every change gives a new change key.
 * - Lists (user-list-contacts, contactfolder-list-contacts): `$filter` with what the node sends,
 *   joined by `and`: `emailAddresses/any(a:a/address eq '…')` (the only filter Graph allows on
 *   emailAddresses), `startswith(displayName,'…')`, and comparisons of `createdDateTime`;
 *   anything else is refused loudly. `$orderby` of displayName or createdDateTime/
 *   lastModifiedDateTime asc|desc, `$top` (at most 1000), `$count=true`, `$select`, and an opaque
 *   `@odata.nextLink` carrying an offset, as Graph's Outlook lists do (https://learn.microsoft.com/graph/paging).
 * - Contact folders (https://learn.microsoft.com/graph/api/resources/contactfolder): `/contactFolders`
 *   lists the folders in the default Contacts folder; `childFolders` a folder's; create, get,
 *   rename, delete (with its contacts and child folders).
 * - Delta (https://learn.microsoft.com/graph/api/contact-delta): `/contacts/delta` (the default
 *   folder) and `/contactFolders/{id}/contacts/delta`. The initial round returns every contact of
 *   the folder; later rounds each contact created or changed since, once, in its latest state,
 *   and `@removed` for those deleted or moved out. No `changeType` (messages alone have it).
 *   `Prefer: odata.maxpagesize` sets the page size. `expireSyncStates()` makes every token answer
 *   410 Gone `syncStateNotFound`, as Exchange does when it drops a sync state.
 */
import { randomUUID } from 'node:crypto';

import type { GraphReply, GraphRequestRecord, GraphStandIn } from './graph-standin';
import { graphError } from './graph-standin';

type Json = Record<string, unknown>;

/** The default Contacts folder's ID (it is not listed by /contactFolders, which lists its children). */
export const DEFAULT_CONTACTS_FOLDER = 'AAMkContactsRoot=';

const notFound = () =>
	graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');

interface StoredContact {
	data: Json;
	folderId: string;
	/** Sequence number of the change that put it in its folder, and of its last change. */
	enteredSeq: number;
	seq: number;
}

interface Tombstone {
	id: string;
	folderId: string;
	seq: number;
}

interface DeltaRound {
	folderId: string;
	entries: Array<{ id: string; removed: boolean }>;
	offset: number;
	pageSize: number;
	untilSeq: number;
}

function isoNow(clock: () => Date): string {
	return clock()
		.toISOString()
		.replace(/\.\d{3}Z$/, 'Z');
}

function changeKey(): string {
	return Buffer.from(randomUUID()).toString('base64').slice(0, 20);
}

const ORDERINGS = /^(displayName|createdDateTime|lastModifiedDateTime)( (asc|desc))?$/;

/** A predicate for the `and`-joined conditions the node sends on contacts; anything else is refused. */
export function contactFilter(filter: string | undefined): (contact: Json) => boolean {
	if (!filter) return () => true;
	const parts = filter
		.split(' and ')
		.map((part) => part.trim().replace(/^\((.*)\)$/, '$1'))
		.filter(Boolean);
	const literal = (text: string) => text.slice(1, -1).replace(/''/g, "'");
	const tests = parts.map((part) => {
		let match = /^emailAddresses\/any\(a:a\/address eq ('(?:[^']|'')*')\)$/.exec(part);
		if (match) {
			const wanted = literal(match[1]).toLowerCase();
			return (c: Json) =>
				((c.emailAddresses as Array<{ address?: string }> | undefined) ?? []).some(
					(e) => String(e.address ?? '').toLowerCase() === wanted,
				);
		}
		match = /^startswith\(displayName,('(?:[^']|'')*')\)$/.exec(part);
		if (match) {
			const prefix = literal(match[1]).toLowerCase();
			return (c: Json) =>
				String(c.displayName ?? '')
					.toLowerCase()
					.startsWith(prefix);
		}
		match = /^(createdDateTime|lastModifiedDateTime) (ge|gt|le|lt) (\S+)$/.exec(part);
		if (match) {
			const [, property, op, value] = match;
			const bound = Date.parse(value);
			if (Number.isNaN(bound)) throw new Error(`"${value}" is not a date`);
			return (c: Json) => {
				const at = Date.parse(String(c[property]));
				return op === 'ge'
					? at >= bound
					: op === 'gt'
						? at > bound
						: op === 'le'
							? at <= bound
							: at < bound;
			};
		}
		match = /^(\w+) eq ('(?:[^']|'')*')$/.exec(part);
		if (match) {
			const [, property, value] = match;
			return (c: Json) => c[property] === literal(value);
		}
		throw new Error(`graph-contacts: unsupported $filter part "${part}"`);
	});
	return (contact) => tests.every((test) => test(contact));
}

export class ContactsStore {
	readonly contacts = new Map<string, StoredContact>();

	readonly folders = new Map<string, Json>();

	private tombstones: Tombstone[] = [];

	private seq = 0;

	private counter = 0;

	private skipTokens = new Map<string, DeltaRound>();

	private deltaTokens = new Map<string, { folderId: string; sinceSeq: number }>();

	private listTokens = new Map<string, { query: Record<string, string>; skip: number }>();

	/** What the mailbox says the time is (createdDateTime, lastModifiedDateTime). */
	now: () => Date = () => new Date();

	// ---- what happens in the mailbox ----

	addFolder(displayName: string, parentFolderId = DEFAULT_CONTACTS_FOLDER, id?: string): string {
		const folderId = id ?? `AAMkContactFolder${++this.counter}=`;
		this.folders.set(folderId, { id: folderId, displayName, parentFolderId });
		return folderId;
	}

	/** A contact as Graph creates it; returns its data. */
	addContact(fields: Json, folderId = DEFAULT_CONTACTS_FOLDER): Json {
		const now = isoNow(this.now);
		const id =
			(fields.id as string | undefined) ??
			`AAMkContact${++this.counter}-${randomUUID().slice(0, 8)}=`;
		const names = [fields.givenName, fields.surname].filter(Boolean).join(' ');
		const data: Json = {
			id,
			createdDateTime: now,
			lastModifiedDateTime: now,
			changeKey: changeKey(),
			categories: [],
			businessPhones: [],
			homePhones: [],
			emailAddresses: [],
			...fields,
			displayName:
				(fields.displayName as string | undefined) ||
				names ||
				(fields.companyName as string | undefined) ||
				((fields.emailAddresses as Array<{ address?: string }> | undefined)?.[0]?.address ?? ''),
			parentFolderId: folderId,
		};
		const seq = ++this.seq;
		this.contacts.set(id, { data, folderId, enteredSeq: seq, seq });
		return data;
	}

	updateContact(id: string, patch: Json): Json {
		const contact = this.contacts.get(id);
		if (!contact) throw new Error(`no contact ${id}`);
		Object.assign(contact.data, patch, {
			changeKey: changeKey(),
			lastModifiedDateTime: isoNow(this.now),
		});
		contact.seq = ++this.seq;
		return contact.data;
	}

	deleteContact(id: string): void {
		const contact = this.contacts.get(id);
		if (!contact) throw new Error(`no contact ${id}`);
		this.contacts.delete(id);
		this.tombstones.push({ id, folderId: contact.folderId, seq: ++this.seq });
	}

	moveContact(id: string, folderId: string): void {
		const contact = this.contacts.get(id);
		if (!contact) throw new Error(`no contact ${id}`);
		const seq = ++this.seq;
		this.tombstones.push({ id, folderId: contact.folderId, seq });
		contact.folderId = folderId;
		contact.enteredSeq = seq;
		contact.seq = seq;
		Object.assign(contact.data, { parentFolderId: folderId, changeKey: changeKey() });
	}

	/** Exchange dropped every sync state: each delta token is answered 410 Gone. */
	expireSyncStates(): void {
		this.skipTokens.clear();
		this.deltaTokens.clear();
	}

	// ---- the routes ----

	/** Registers the routes for `root` (`/me`, or `/users/:user` for any other mailbox). */
	install(graph: GraphStandIn, root = '/me'): this {
		graph.on('GET', `${root}/contacts`, (request) =>
			this.list(graph, request, DEFAULT_CONTACTS_FOLDER),
		);
		graph.on('POST', `${root}/contacts`, (request) =>
			this.create(request, DEFAULT_CONTACTS_FOLDER),
		);
		graph.on('GET', `${root}/contacts/:id`, (request, { id }) => this.get(request, id));
		// Registered after `:id` so that it wins for `/contacts/delta`.
		graph.on('GET', `${root}/contacts/delta`, (request) =>
			this.delta(graph, request, DEFAULT_CONTACTS_FOLDER),
		);
		graph.on('PATCH', `${root}/contacts/:id`, (request, { id }) => {
			if (!this.contacts.has(id)) return notFound();
			return { body: this.updateContact(id, request.body as Json) };
		});
		graph.on('DELETE', `${root}/contacts/:id`, (_request, { id }) => {
			if (!this.contacts.has(id)) return notFound();
			this.deleteContact(id);
			return { status: 204 };
		});
		graph.on('GET', `${root}/contactFolders`, (request) =>
			this.folderList(graph, request, DEFAULT_CONTACTS_FOLDER),
		);
		graph.on('POST', `${root}/contactFolders`, (request) =>
			this.createFolder(request, DEFAULT_CONTACTS_FOLDER),
		);
		graph.on('GET', `${root}/contactFolders/:folder`, (_request, { folder }) => {
			const found = this.folders.get(folder);
			return found ? { body: found } : notFound();
		});
		graph.on('PATCH', `${root}/contactFolders/:folder`, (request, { folder }) => {
			const found = this.folders.get(folder);
			if (!found) return notFound();
			Object.assign(found, { displayName: (request.body as Json).displayName });
			return { body: found };
		});
		graph.on('DELETE', `${root}/contactFolders/:folder`, (_request, { folder }) => {
			if (!this.folders.has(folder)) return notFound();
			this.deleteFolder(folder);
			return { status: 204 };
		});
		graph.on('GET', `${root}/contactFolders/:folder/childFolders`, (request, { folder }) =>
			this.folders.has(folder) ? this.folderList(graph, request, folder) : notFound(),
		);
		graph.on('POST', `${root}/contactFolders/:folder/childFolders`, (request, { folder }) =>
			this.folders.has(folder) ? this.createFolder(request, folder) : notFound(),
		);
		graph.on('GET', `${root}/contactFolders/:folder/contacts`, (request, { folder }) =>
			this.folders.has(folder) ? this.list(graph, request, folder) : notFound(),
		);
		graph.on('POST', `${root}/contactFolders/:folder/contacts`, (request, { folder }) =>
			this.folders.has(folder) ? this.create(request, folder) : notFound(),
		);
		graph.on('GET', `${root}/contactFolders/:folder/contacts/delta`, (request, { folder }) => {
			if (!this.folders.has(folder) && !request.query.$skiptoken && !request.query.$deltatoken)
				return notFound();
			return this.delta(graph, request, folder);
		});
		return this;
	}

	private selected(data: Json, select: string | undefined): Json {
		if (!select) return data;
		const keep = new Set(['id', ...select.split(',')]);
		return Object.fromEntries(Object.entries(data).filter(([key]) => keep.has(key)));
	}

	private get(request: GraphRequestRecord, id: string): GraphReply {
		const contact = this.contacts.get(id);
		return contact ? { body: this.selected(contact.data, request.query.$select) } : notFound();
	}

	private create(request: GraphRequestRecord, folderId: string): GraphReply {
		return { status: 201, body: this.addContact(request.body as Json, folderId) };
	}

	private createFolder(request: GraphRequestRecord, parent: string): GraphReply {
		const displayName = String((request.body as Json).displayName ?? '');
		return { status: 201, body: this.folders.get(this.addFolder(displayName, parent))! };
	}

	private deleteFolder(folderId: string): void {
		for (const child of [...this.folders.values()])
			if (child.parentFolderId === folderId) this.deleteFolder(String(child.id));
		for (const contact of [...this.contacts.values()])
			if (contact.folderId === folderId) this.deleteContact(String(contact.data.id));
		this.folders.delete(folderId);
	}

	private folderList(graph: GraphStandIn, request: GraphRequestRecord, parent: string): GraphReply {
		const value = [...this.folders.values()]
			.filter((f) => f.parentFolderId === parent)
			.map((f) => this.selected(f, request.query.$select));
		return this.page(graph, request, value);
	}

	private list(graph: GraphStandIn, request: GraphRequestRecord, folderId: string): GraphReply {
		let query = request.query;
		let skip = 0;
		if (query.$skiptoken) {
			const cursor = this.listTokens.get(query.$skiptoken);
			if (!cursor) return graphError(400, 'BadRequest', 'Invalid $skiptoken');
			({ query, skip } = cursor);
		}
		let list: Json[];
		try {
			list = [...this.contacts.values()]
				.filter((c) => c.folderId === folderId)
				.map((c) => c.data)
				.filter(contactFilter(query.$filter));
		} catch (error) {
			return graphError(400, 'BadRequest', (error as Error).message);
		}
		if (query.$orderby) {
			const order = ORDERINGS.exec(query.$orderby);
			if (!order)
				return graphError(400, 'BadRequest', `stand-in: unsupported $orderby ${query.$orderby}`);
			const [, property, , direction] = order;
			const sign = direction === 'desc' ? -1 : 1;
			list = [...list].sort((a, b) =>
				property === 'displayName'
					? sign * String(a.displayName).localeCompare(String(b.displayName))
					: sign * (Date.parse(String(a[property])) - Date.parse(String(b[property]))) ||
						String(a.id).localeCompare(String(b.id)),
			);
		}
		const top = Math.min(Number(query.$top ?? 10), 1000);
		const value = list.slice(skip, skip + top).map((c) => this.selected(c, query.$select));
		const body: Json = { value };
		if (query.$count === 'true') body['@odata.count'] = list.length;
		if (skip + top < list.length) {
			const token = randomUUID();
			this.listTokens.set(token, { query, skip: skip + top });
			const next = new URL(`${graph.url}/v1.0${request.path}`);
			next.searchParams.set('$skiptoken', token);
			body['@odata.nextLink'] = next.toString();
		}
		return { body };
	}

	private page(graph: GraphStandIn, request: GraphRequestRecord, all: Json[]): GraphReply {
		const skip = Number(request.query.$skip ?? 0);
		const top = Math.min(Number(request.query.$top ?? 10), 1000);
		const body: Json = { value: all.slice(skip, skip + top) };
		if (skip + top < all.length) {
			const next = new URL(`${graph.url}/v1.0${request.path}`);
			for (const [key, value] of Object.entries(request.query)) next.searchParams.set(key, value);
			next.searchParams.set('$skip', String(skip + top));
			next.searchParams.set('$top', String(top));
			body['@odata.nextLink'] = next.toString();
		}
		return { body };
	}

	private delta(graph: GraphStandIn, request: GraphRequestRecord, folderId: string): GraphReply {
		const { $skiptoken: skip, $deltatoken: deltaToken } = request.query;
		const pageSize = Math.max(
			1,
			Math.min(
				Number(/odata\.maxpagesize=(\d+)/i.exec(request.headers.prefer ?? '')?.[1] ?? 10),
				1000,
			),
		);
		let round: DeltaRound | undefined;
		if (skip) {
			round = this.skipTokens.get(skip);
			this.skipTokens.delete(skip);
		} else if (deltaToken) {
			const state = this.deltaTokens.get(deltaToken);
			if (state) round = this.startRound(state.folderId, pageSize, state.sinceSeq);
		} else {
			round = this.startRound(folderId, pageSize, undefined);
		}
		if (!round)
			return graphError(
				410,
				'syncStateNotFound',
				'The sync state generation is not found. Restart the sync with a fresh request.',
			);
		const slice = round.entries.slice(round.offset, round.offset + round.pageSize);
		const value = slice.map(({ id, removed }) => {
			const contact = this.contacts.get(id);
			if (removed || !contact || contact.folderId !== round.folderId)
				return { id, '@removed': { reason: 'deleted' } };
			return contact.data;
		});
		const link = new URL(`${graph.url}/v1.0${request.path}`);
		const body: Json = { value };
		const token = randomUUID().replace(/-/g, '');
		if (round.offset + slice.length < round.entries.length) {
			this.skipTokens.set(token, { ...round, offset: round.offset + slice.length });
			link.searchParams.set('$skiptoken', token);
			body['@odata.nextLink'] = link.toString();
		} else {
			this.deltaTokens.set(token, { folderId: round.folderId, sinceSeq: round.untilSeq });
			link.searchParams.set('$deltatoken', token);
			body['@odata.deltaLink'] = link.toString();
		}
		return { body };
	}

	private startRound(folderId: string, pageSize: number, sinceSeq: number | undefined): DeltaRound {
		const inFolder = [...this.contacts.values()].filter((c) => c.folderId === folderId);
		const entries: DeltaRound['entries'] = [];
		for (const contact of inFolder)
			if (sinceSeq === undefined || contact.seq > sinceSeq)
				entries.push({ id: String(contact.data.id), removed: false });
		if (sinceSeq !== undefined) {
			const live = new Set(inFolder.map((c) => String(c.data.id)));
			const removed = new Set(
				this.tombstones
					.filter((t) => t.seq > sinceSeq && t.folderId === folderId && !live.has(t.id))
					.map((t) => t.id),
			);
			for (const id of removed) entries.push({ id, removed: true });
		}
		return { folderId, entries, offset: 0, pageSize, untilSeq: this.seq };
	}
}
