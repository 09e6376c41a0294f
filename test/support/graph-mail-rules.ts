/**
 * Outlook mail on the Graph stand-in as Microsoft documents it in prose (the OpenAPI description
 * says nothing of these), with a switch for each rule that public reports dispute:
 *
 * - `createReply`, `createReplyAll`, `createForward`: "The comment parameter for creating a reply
 *   or forward draft … does not become part of the body of the resultant message draft"
 *   (https://learn.microsoft.com/graph/known-issues#the-comment-parameter-for-creating-a-draft-does-not-become-part-of-the-message-body).
 *   Disputed by later reports: `draftComment` 'dropped' (documented, the default) | 'kept'.
 * - `createUploadSession` with delegated permissions "succeeds only if the message or event is in
 *   the signed-in user's mailbox"; elsewhere it answers 403 Forbidden
 *   (https://learn.microsoft.com/graph/known-issues#attaching-large-files-to-messages-with-delegated-permissions-can-fail).
 *   Disputed by later reports: `delegatedUploadElsewhere` 'refused' (documented) | 'allowed'.
 * - `reply`, `replyAll`, `createReply`, `createReplyAll` take a `message` of "writeable properties
 *   to update in the reply"; the documented example "adds a recipient" with `toRecipients`
 *   (https://learn.microsoft.com/graph/api/message-reply). Public reports see the list given there
 *   replace the recipients Exchange works out (the sender, or Reply-To; for Reply All also the
 *   original To and CC, less the mailbox's own address): `replyRecipients` 'added' (documented) |
 *   'replaced'. `reply`, `replyAll` and `forward` keep what they send in Sent Items.
 * - `GET /messages` (no folder) "includes the user's Microsoft Teams chats that occurred outside
 *   the scope of a team or channel. These chat messages have "IM" as their subject"
 *   (known-issues#get-messages-returns-chats-in-microsoft-teams); their message class
 *   (PR_MESSAGE_CLASS, `String 0x001A`) is `IPM.SkypeTeams.Message`, which Graph returns through
 *   `$expand=singleValueExtendedProperties($filter=id eq 'String 0x001A')`
 *   (https://learn.microsoft.com/graph/api/singlevaluelegacyextendedproperty-get).
 * - `DELETE /messages/{id}` moves the message to Recoverable Items (the user can restore it);
 *   `POST /messages/{id}/permanentDelete` puts it in the Purges folder, out of reach
 *   (https://learn.microsoft.com/graph/api/message-delete, /graph/api/message-permanentdelete).
 * - `$search` on messages: "The results of the search are sorted by the date and time that the
 *   message was sent. A $search request returns up to 1000 results"
 *   (https://learn.microsoft.com/graph/search-query-parameter#using-search-on-message-collections);
 *   implemented in `serveMessages` (graph-mailbox.ts) by `searchMessages` below.
 *
 * `RulesMailbox.install()` registers a mailbox (`/me` or `/users/{address}`) with these routes.
 */
import { randomUUID } from 'node:crypto';

import type { GraphReply, GraphRequestRecord, GraphStandIn } from './graph-standin';
import { graphError } from './graph-standin';
import { serveMessages } from './graph-mailbox';

type Json = Record<string, unknown>;

export interface MailBehaviour {
	draftComment: 'dropped' | 'kept';
	delegatedUploadElsewhere: 'refused' | 'allowed';
	replyRecipients: 'added' | 'replaced';
}

export const DOCUMENTED_MAIL: MailBehaviour = {
	draftComment: 'dropped',
	delegatedUploadElsewhere: 'refused',
	replyRecipients: 'added',
};

/** The mailbox's own address (the signed-in user), left out of a reply-all's recipients. */
export const OWN_ADDRESS = 'alice@contoso.com';

/** PR_MESSAGE_CLASS as Graph names it in extended properties, and the class of Teams chats. */
export const MESSAGE_CLASS_PROPERTY = 'String 0x1A';
export const TEAMS_CHAT_CLASS = 'IPM.SkypeTeams.Message';

/** Graph's cap on `$search` results for messages. */
export const SEARCH_RESULT_CAP = 1000;

const notFound = () =>
	graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');

/**
 * The documented refusal of an upload session outside the signed-in user's mailbox with a
 * delegated token (known-issues); undefined when the request may go on.
 */
export function delegatedUploadRefusal(
	request: GraphRequestRecord,
	behaviour: Pick<MailBehaviour, 'delegatedUploadElsewhere'>,
): GraphReply | undefined {
	if (behaviour.delegatedUploadElsewhere === 'allowed' || request.app) return undefined;
	if (!/^\/users\//i.test(request.path)) return undefined;
	return graphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
}

/**
 * `$search` over messages as Graph answers it: the phrase matched in subject, body and sender,
 * newest sent first, at most 1000 results; it cannot be combined with `$filter` or `$orderby`.
 */
export function searchMessages(items: Json[], query: Record<string, string>): Json[] | GraphReply {
	if (query.$filter || query.$orderby)
		return graphError(
			400,
			'ErrorInvalidUrlQuery',
			'The query parameter $search cannot be used with $filter or $orderby on messages.',
		);
	const phrase = query.$search
		.replace(/^"(.*)"$/, '$1')
		.trim()
		.toLowerCase();
	const text = (item: Json) =>
		[
			item.subject,
			(item.body as Json | undefined)?.content,
			(item.from as { emailAddress?: Json } | undefined)?.emailAddress?.address,
		]
			.map((v) => String(v ?? ''))
			.join(' ')
			.toLowerCase();
	return items
		.filter((item) => phrase.split(/\s+/).every((word) => text(item).includes(word)))
		.sort((a, b) => Date.parse(String(b.sentDateTime)) - Date.parse(String(a.sentDateTime)))
		.slice(0, SEARCH_RESULT_CAP);
}

/**
 * `$expand=singleValueExtendedProperties($filter=id eq '…')`: the message's property of that ID.
 * Every message has a class: IPM.Note unless the item says otherwise.
 */
export function expandedProperties(item: Json, expand: string | undefined): Json | undefined {
	const match = /^singleValueExtendedProperties\(\$filter=id eq '([^']+)'\)$/i.exec(expand ?? '');
	if (!match) return undefined;
	const wanted = match[1].toLowerCase().replace(/0x0*/, '0x');
	const stored = (item.singleValueExtendedProperties as Json[] | undefined) ?? [];
	const all = stored.some(
		(p) => String(p.id).toLowerCase() === MESSAGE_CLASS_PROPERTY.toLowerCase(),
	)
		? stored
		: [...stored, { id: MESSAGE_CLASS_PROPERTY, value: 'IPM.Note' }];
	return {
		singleValueExtendedProperties: all.filter(
			(p) => String(p.id).toLowerCase().replace(/0x0*/, '0x') === wanted,
		),
	};
}

interface Stored {
	id: string;
	/** Well-known folder name (inbox, drafts, sentitems, deleteditems, recoverableitemsdeletions…). */
	folder: string;
	data: Json;
	attachments: Json[];
}

function escapeHtml(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** What Graph makes of an HTML body when asked for text (`Prefer: outlook.body-content-type="text"`). */
function htmlToText(html: string): string {
	return html
		.replace(/<br\s*\/?>/gi, '\n')
		.replace(/<\/(div|p)>/gi, '\n')
		.replace(/<[^>]+>/g, '')
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&amp;/g, '&')
		.replace(/\n{3,}/g, '\n\n')
		.trim();
}

/** One mailbox with the documented rules above. */
export class RulesMailbox {
	readonly messages = new Map<string, Stored>();

	/** Messages `permanentDelete` purged (no longer anywhere in the mailbox). */
	readonly purged = new Set<string>();

	readonly behaviour: MailBehaviour;

	private counter = 0;

	private uploads = new Map<
		string,
		{ messageId: string; name: string; size: number; parts: Buffer[] }
	>();

	constructor(
		/** `/me` or `/users/<encoded address>`. */
		readonly root = '/me',
		behaviour: Partial<MailBehaviour> = {},
	) {
		this.behaviour = { ...DOCUMENTED_MAIL, ...behaviour };
	}

	private nextId(): string {
		return `AAMk-rules-${++this.counter}-${randomUUID().slice(0, 8)}`;
	}

	/** A message received in `folder`. */
	deliver(folder: string, fields: Json = {}): string {
		const id = (fields.id as string | undefined) ?? this.nextId();
		const at = new Date(Date.UTC(2026, 0, 1) + this.counter * 60_000).toISOString();
		this.messages.set(id, {
			id,
			folder,
			attachments: [],
			data: {
				id,
				subject: `Message ${this.counter}`,
				body: { contentType: 'html', content: '<html><body><p>Hello</p></body></html>' },
				from: { emailAddress: { name: 'Bob', address: 'bob@contoso.com' } },
				toRecipients: [{ emailAddress: { name: 'Alice', address: 'alice@contoso.com' } }],
				ccRecipients: [],
				receivedDateTime: at,
				sentDateTime: at,
				isRead: false,
				isDraft: false,
				hasAttachments: false,
				importance: 'normal',
				categories: [],
				conversationId: `conv-${id}`,
				...fields,
			},
		});
		return id;
	}

	/** A Teams chat message as `GET /messages` lists it (known-issues): subject "IM", its own class. */
	teamsChat(fields: Json = {}): string {
		return this.deliver('teamsmessagesdata', {
			subject: 'IM',
			body: { contentType: 'html', content: '<div>lunch?</div>' },
			singleValueExtendedProperties: [{ id: MESSAGE_CLASS_PROPERTY, value: TEAMS_CHAT_CLASS }],
			...fields,
		});
	}

	/** The messages of a folder (well-known name). */
	inFolder(folder: string): Json[] {
		return [...this.messages.values()].filter((m) => m.folder === folder).map((m) => m.data);
	}

	private json(stored: Stored, request?: GraphRequestRecord): Json {
		const data: Json = { ...stored.data, parentFolderId: stored.folder };
		delete data.singleValueExtendedProperties;
		const prefer = request?.headers.prefer ?? '';
		const body = data.body as Json | undefined;
		if (/outlook\.body-content-type="?text/i.test(prefer) && body?.contentType === 'html') {
			data.body = { contentType: 'text', content: htmlToText(String(body.content ?? '')) };
		}
		const select = request?.query.$select?.split(',');
		if (!select) return data;
		return Object.fromEntries(
			Object.entries(data).filter(([key]) => key === 'id' || select.includes(key)),
		);
	}

	/**
	 * The draft Graph makes for createReply / createReplyAll / createForward: the quoted original
	 * under a separator, the subject prefixed, recipients per the action; the comment above the
	 * quote only when `draftComment` is 'kept'.
	 */
	private createResponse(
		action: string,
		original: Stored,
		request: GraphRequestRecord,
		/** reply, replyAll, forward: sent at once, the comment always above the quote. */
		direct = false,
	): GraphReply {
		const body = (request.body ?? {}) as Json;
		const comment = typeof body.comment === 'string' ? body.comment : undefined;
		const message = (body.message ?? {}) as Json;
		if (comment !== undefined && message.body)
			return graphError(
				400,
				'ErrorInvalidRequest',
				'Specify either a comment or the body property of the message parameter, not both.',
			);
		const forward = action === 'createForward';
		const from = original.data.from as Json;
		const quote = `<hr><div id="divRplyFwdMsg"><b>From:</b> ${escapeHtml(
			String((from.emailAddress as Json).address),
		)}<br><b>Subject:</b> ${escapeHtml(String(original.data.subject))}</div>${String(
			(original.data.body as Json).content,
		).replace(/<\/?(html|body)[^>]*>/gi, '')}`;
		const said =
			comment && (direct || this.behaviour.draftComment === 'kept')
				? `<div>${escapeHtml(comment).replace(/\r?\n/g, '<br>')}</div>`
				: '';
		const id = this.nextId();
		const all = action === 'createReplyAll';
		const notOwn = (list: unknown) =>
			((list as Json[] | undefined) ?? []).filter(
				(r) => String((r.emailAddress as Json).address).toLowerCase() !== OWN_ADDRESS,
			);
		const replyTo = (original.data.replyTo as Json[] | undefined) ?? [];
		const worked: Record<string, Json[]> = forward
			? { toRecipients: (body.toRecipients as Json[] | undefined) ?? [], ccRecipients: [] }
			: {
					toRecipients: [
						...(replyTo.length ? replyTo : [from]),
						...(all ? notOwn(original.data.toRecipients) : []),
					],
					ccRecipients: all ? notOwn(original.data.ccRecipients) : [],
				};
		const lists = Object.fromEntries(
			['toRecipients', 'ccRecipients', 'bccRecipients'].map((key) => {
				const given = message[key] as Json[] | undefined;
				const held = worked[key] ?? [];
				if (!given) return [key, held];
				return [key, this.behaviour.replyRecipients === 'added' ? [...held, ...given] : given];
			}),
		);
		const draft: Stored = {
			id,
			folder: 'drafts',
			attachments: [],
			data: {
				id,
				subject: `${forward ? 'FW' : 'RE'}: ${String(original.data.subject)}`,
				body: message.body ?? {
					contentType: 'html',
					content: `<html><body>${said}${quote}</body></html>`,
				},
				from: { emailAddress: { address: OWN_ADDRESS } },
				isDraft: true,
				hasAttachments: false,
				conversationId: original.data.conversationId,
				...Object.fromEntries(Object.entries(message).filter(([key]) => key !== 'body')),
				...lists,
			},
		};
		this.messages.set(id, draft);
		return { status: 201, body: this.json(draft) };
	}

	install(graph: GraphStandIn): this {
		const root = this.root;
		const find = (id: string) => {
			const stored = this.messages.get(id);
			return stored && !this.purged.has(id) ? stored : undefined;
		};
		const visible = () =>
			[...this.messages.values()]
				.filter((m) => !m.folder.startsWith('recoverableitems'))
				.map((m) => ({ ...m.data, parentFolderId: m.folder }));
		serveMessages(graph, `${root}/messages`, visible);
		for (const folder of [
			'inbox',
			'drafts',
			'sentitems',
			'deleteditems',
			'recoverableitemsdeletions',
		])
			serveMessages(graph, `${root}/mailFolders/${folder}/messages`, () =>
				[...this.messages.values()].filter((m) => m.folder === folder).map((m) => m.data),
			);
		graph.on('POST', `${root}/messages`, (request) => {
			const id = this.nextId();
			const stored: Stored = {
				id,
				folder: 'drafts',
				attachments: [],
				data: { ...(request.body as Json), id, isDraft: true, hasAttachments: false },
			};
			this.messages.set(id, stored);
			return { status: 201, body: this.json(stored) };
		});
		graph.on('GET', `${root}/messages/:id`, (request, params) => {
			const stored = find(params.id);
			return stored ? { body: this.json(stored, request) } : notFound();
		});
		graph.on('PATCH', `${root}/messages/:id`, (request, params) => {
			const stored = find(params.id);
			if (!stored) return notFound();
			Object.assign(stored.data, request.body as Json);
			return { body: this.json(stored) };
		});
		graph.on('DELETE', `${root}/messages/:id`, (_request, params) => {
			const stored = find(params.id);
			if (!stored) return notFound();
			// message-delete: to Recoverable Items, where Outlook can still restore it.
			stored.folder = 'recoverableitemsdeletions';
			return { status: 204 };
		});
		graph.on('POST', `${root}/messages/:id/permanentDelete`, (_request, params) => {
			const stored = find(params.id);
			if (!stored) return notFound();
			this.purged.add(params.id);
			this.messages.delete(params.id);
			return { status: 204 };
		});
		graph.on('POST', `${root}/messages/:id/move`, (request, params) => {
			const stored = find(params.id);
			if (!stored) return notFound();
			stored.folder = String(
				(request.body as Json).destinationId ?? (request.body as Json).DestinationId,
			);
			return { status: 201, body: this.json(stored) };
		});
		for (const action of ['createReply', 'createReplyAll', 'createForward']) {
			graph.on('POST', `${root}/messages/:id/${action}`, (request, params) => {
				const original = find(params.id);
				return original ? this.createResponse(action, original, request) : notFound();
			});
		}
		// reply, replyAll, forward: the message as createReply & co would make it, sent at once.
		for (const [action, create] of [
			['reply', 'createReply'],
			['replyAll', 'createReplyAll'],
			['forward', 'createForward'],
		]) {
			graph.on('POST', `${root}/messages/:id/${action}`, (request, params) => {
				const original = find(params.id);
				if (!original) return notFound();
				const made = this.createResponse(create, original, request, true);
				if (made.status !== 201) return made;
				const stored = find(String((made.body as Json).id));
				if (stored) {
					stored.folder = 'sentitems';
					stored.data.isDraft = false;
					stored.data.sentDateTime = new Date().toISOString();
				}
				return { status: 202 };
			});
		}
		graph.on('POST', `${root}/messages/:id/attachments`, (request, params) => {
			const stored = find(params.id);
			if (!stored) return notFound();
			const attachment = { ...(request.body as Json), id: `ATT-${++this.counter}` };
			stored.attachments.push(attachment);
			stored.data.hasAttachments = true;
			return { status: 201, body: attachment };
		});
		graph.on('POST', `${root}/messages/:id/attachments/createUploadSession`, (request, params) => {
			const refused = delegatedUploadRefusal(request, this.behaviour);
			if (refused) return refused;
			if (!find(params.id)) return notFound();
			const item = ((request.body as Json).AttachmentItem ??
				(request.body as Json).attachmentItem) as Json;
			const token = randomUUID();
			this.uploads.set(token, {
				messageId: params.id,
				name: String(item.name),
				size: Number(item.size),
				parts: [],
			});
			return {
				status: 201,
				body: {
					uploadUrl: graph.uploadUrl(token),
					expirationDateTime: '2030-01-01T00:00:00Z',
					nextExpectedRanges: ['0-'],
				},
			};
		});
		graph.on('PUT', '/upload/:token', (request) => {
			const token = decodeURIComponent(request.path.split('/').pop() ?? '');
			const upload = this.uploads.get(token);
			if (!upload) return notFound();
			upload.parts.push(request.raw);
			const received = upload.parts.reduce((sum, part) => sum + part.length, 0);
			if (received < upload.size)
				return { status: 200, body: { nextExpectedRanges: [`${received}-`] } };
			const stored = find(upload.messageId);
			const id = `ATT-${++this.counter}`;
			stored?.attachments.push({ id, name: upload.name, size: upload.size });
			if (stored) stored.data.hasAttachments = true;
			return {
				status: 201,
				headers: {
					Location: `https://outlook.office.com/api/v2.0/Users('u')/Messages('m')/Attachments('${id}')`,
				},
			};
		});
		graph.on('POST', `${root}/messages/:id/send`, (_request, params) => {
			const stored = find(params.id);
			if (!stored) return notFound();
			stored.folder = 'sentitems';
			stored.data.isDraft = false;
			stored.data.sentDateTime = new Date().toISOString();
			return { status: 202 };
		});
		return this;
	}

	/** The attachments of a message the stand-in holds (names and sizes). */
	attachmentsOf(id: string): Json[] {
		return this.messages.get(id)?.attachments ?? [];
	}
}
