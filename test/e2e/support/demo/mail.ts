/**
 * The demo mailbox's mail: messages in folders (listed with Graph's query options, read, changed,
 * moved, copied, deleted, their MIME), drafts (created, replied to, sent), sending (sendMail,
 * reply, reply-all, forward: what Exchange sends lands in the world's outbox and a copy in Sent
 * Items), attachments (listed, read, added, uploaded in sessions) and folders (created, renamed,
 * moved, deleted). Graph's behaviour as documented:
 * https://learn.microsoft.com/graph/api/resources/message, /graph/api/resources/mailfolder,
 * /graph/api/user-sendmail, /graph/api/message-send, /graph/api/message-reply,
 * /graph/api/message-createreply, /graph/api/message-move, /graph/api/message-copy,
 * /graph/api/attachment-createuploadsession, /graph/outlook-large-attachments.
 */
import { randomUUID } from 'node:crypto';

import type { GraphRequestRecord, GraphStandIn } from '../../../support/graph-standin';
import { graphError } from '../../../support/graph-standin';
import { serveAttachments, type StoredAttachment } from '../../../support/graph-mailbox';
import { TEST_USER } from '../../../support/identity-provider';
import { filterOf, orderOf, searchOf, UnsupportedQuery } from './odata';
import type { DemoWorld } from './world';
import { addressesOf, demoEml, itemNotFound, selectFields, sortNewestFirst } from './world';

type Json = Record<string, unknown>;

/** The demo's messages in the Inbox: [subject, sender, hours ago]; the first has an attachment. */
const INBOX: Array<[string, string, number]> = [
	['Welcome to the demo mailbox', 'bob@example.test', 1],
	['Invoice 2041', 'billing@example.test', 5],
	['Lunch on Friday?', 'carol@example.test', 26],
	['Quarterly report draft', 'dave@example.test', 50],
	['Your package has shipped', 'shop@example.test', 75],
];

/** Folders Outlook creates in every mailbox that the demo mailbox lacks so far (graph-delta.ts has the others). */
const MORE_WELL_KNOWN: Array<[string, string]> = [
	['drafts', 'Drafts'],
	['junkemail', 'Junk Email'],
];

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

/** A recipients list of Graph's shape without the user's own address (reply-all leaves it out). */
function others(list: unknown): Json[] {
	return (Array.isArray(list) ? (list as Json[]) : []).filter(
		(r) =>
			String((r.emailAddress as Json | undefined)?.address ?? '').toLowerCase() !==
			TEST_USER.toLowerCase(),
	);
}

export function addDemoMail(_graph: GraphStandIn, world: DemoWorld): void {
	const box = world.mailbox;
	for (const [name, displayName] of MORE_WELL_KNOWN)
		if (!box.folderId(name))
			box.addFolder({ id: `folder-${name}`, displayName, wellKnownName: name });
	// Folders of the user's own (Folder → Rename, Move and Delete list these).
	box.addFolder({
		id: 'AAMkAD-demo-folder-invoices',
		displayName: 'Invoices',
		parentFolderId: 'inbox',
	});
	box.addFolder({ id: 'AAMkAD-demo-folder-projects', displayName: 'Projects' });
	INBOX.forEach(([subject, from, hoursAgo], index) =>
		world.addMessage('inbox', {
			id: `AAMkAD-demo-message-${index + 1}`,
			subject,
			from,
			text: `Hello Alice, this is demo message ${index + 1}: ${subject.toLowerCase()}.`,
			received: new Date(Date.now() - hoursAgo * 3600_000),
			isRead: (index + 1) % 3 === 0,
			// One flagged for follow-up (the Outlook Trigger's Message Flagged shows it as a test event).
			extra: index === 2 ? { flag: { flagStatus: 'flagged' } } : undefined,
		}),
	);
	// A draft waiting in Drafts (Draft → Update, Send and Delete list drafts).
	box.deliver('drafts', {
		id: 'AAMkAD-demo-draft-1',
		subject: 'Notes for the team',
		body: { contentType: 'text', content: 'Draft: agenda for Monday.' },
		bodyPreview: 'Draft: agenda for Monday.',
		from: { emailAddress: { name: 'Alice Demo', address: TEST_USER } },
		toRecipients: [{ emailAddress: { name: 'Bob', address: 'bob@example.test' } }],
		isDraft: true,
		isRead: true,
		receivedDateTime: new Date(Date.now() - 2 * 3600_000).toISOString().replace(/\.\d+Z$/, 'Z'),
	});

	const attachments = new Map<string, StoredAttachment[]>();
	attachments.set('AAMkAD-demo-message-1', [
		{
			'@odata.type': '#microsoft.graph.fileAttachment',
			id: 'AAMkAD-demo-attachment-1',
			name: 'welcome.txt',
			contentType: 'text/plain',
			isInline: false,
			content: Buffer.from('Welcome to the demo mailbox of n8n-nodes-outlook-oauth.\n'),
		},
	]);
	box.updateMessage('AAMkAD-demo-message-1', { hasAttachments: true });
	const attachmentsOf = (id: string) => attachments.get(id) ?? [];

	const find = (id: string) => world.message(id);
	const folderOf = (name: string) => box.folderId(name);

	/** Lists messages with Graph's query options ($filter, $search, $orderby, paging). */
	const listMessages = (request: GraphRequestRecord, all: Json[]) => {
		const { $filter, $search, $orderby } = request.query;
		let list: Json[];
		try {
			list = all.filter(filterOf($filter)).filter(searchOf($search));
		} catch (error) {
			if (error instanceof UnsupportedQuery)
				return graphError(400, 'BadRequest', `Invalid filter clause: ${error.message}.`);
			throw error;
		}
		const order = orderOf($orderby);
		list = order ? [...list].sort(order) : sortNewestFirst(list);
		return world.list(request, list);
	};
	world.route('GET', '/messages', (request) => listMessages(request, world.messages));
	world.route('GET', '/mailFolders/:folder/messages', (request, { folder }) => {
		const id = folderOf(folder);
		if (!id) return itemNotFound();
		return listMessages(
			request,
			world.messages.filter((m) => m.parentFolderId === id),
		);
	});

	const messageJson = (message: Json, request: GraphRequestRecord) =>
		selectFields(message, request);
	world.route('GET', '/messages/:id', (request, { id }) => {
		const found = find(id);
		return found ? { body: messageJson(found, request) } : itemNotFound();
	});
	world.route('PATCH', '/messages/:id', (request, { id }) => {
		if (!find(id)) return itemNotFound();
		box.updateMessage(id, request.body as Json);
		return { body: find(id) };
	});
	world.route('DELETE', '/messages/:id', (_request, { id }) => {
		if (!find(id)) return itemNotFound();
		box.deleteMessage(id);
		attachments.delete(id);
		return { status: 204 };
	});
	world.route('GET', '/messages/:id/$value', (_request, { id }) => {
		const found = find(id);
		if (!found) return itemNotFound();
		return {
			body: Buffer.from(
				demoEml(
					{
						subject: String(found.subject ?? ''),
						from: addressesOf([found.from])[0],
						to: addressesOf(found.toRecipients).join(', '),
						text: String((found.body as Json | undefined)?.content ?? ''),
						messageId: String(found.internetMessageId ?? ''),
					},
					new Date(String(found.receivedDateTime)),
				),
			),
			headers: { 'content-type': 'message/rfc822' },
		};
	});

	/** A message the user writes: a draft in Drafts with the request's fields. */
	const newDraft = (fields: Json): string => {
		const id = `AAMkAD-demo-draft-${randomUUID()}`;
		const body = (fields.body as Json | undefined) ?? { contentType: 'text', content: '' };
		return box.deliver('drafts', {
			subject: '',
			toRecipients: [],
			ccRecipients: [],
			bccRecipients: [],
			replyTo: [],
			from: { emailAddress: { name: world.user.displayName, address: TEST_USER } },
			...fields,
			id,
			body,
			bodyPreview: String(body.content ?? '').slice(0, 255),
			isDraft: true,
			isRead: true,
			hasAttachments: false,
			receivedDateTime: now(),
			internetMessageId: `<${id}@example.test>`,
			conversationId:
				(fields.conversationId as string | undefined) ?? `AAQkAD-demo-conversation-${id}`,
			webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(id)}&exvsurl=1&viewmodel=ReadMessageItem`,
		});
	};

	/** Exchange sends `message`: the recipients get it, a copy goes to Sent Items unless asked not to. */
	const deliverSent = (via: string, message: Json, saveToSentItems = true, draftId?: string) => {
		world.send({
			via,
			subject: String(message.subject ?? ''),
			to: addressesOf(message.toRecipients, message.ccRecipients, message.bccRecipients),
		});
		if (draftId) {
			box.moveMessage(draftId, 'sentitems');
			box.updateMessage(draftId, { isDraft: false, sentDateTime: now() });
		} else if (saveToSentItems) {
			const id = newDraft(message);
			box.moveMessage(id, 'sentitems');
			box.updateMessage(id, { isDraft: false, sentDateTime: now() });
		}
	};

	world.route('POST', '/messages', (request) => {
		const fields = { ...(request.body as Json) };
		const files = (fields.attachments as Json[] | undefined) ?? [];
		delete fields.attachments;
		const id = newDraft(fields);
		for (const file of files) addAttachment(id, file);
		return { status: 201, body: find(id) };
	});
	world.route('POST', '/sendMail', (request) => {
		world.sent.push(request.body);
		const { message, saveToSentItems } = request.body as {
			message: Json;
			saveToSentItems?: boolean;
		};
		if (!addressesOf(message.toRecipients, message.ccRecipients, message.bccRecipients).length)
			return graphError(
				400,
				'ErrorInvalidRecipients',
				'At least one recipient is not valid., Recipient is missing.',
			);
		deliverSent('sendMail', message, saveToSentItems !== false);
		return { status: 202 };
	});
	world.route('POST', '/messages/:id/send', (_request, { id }) => {
		const draft = find(id);
		if (!draft) return itemNotFound();
		if (!addressesOf(draft.toRecipients, draft.ccRecipients, draft.bccRecipients).length)
			return graphError(
				400,
				'ErrorInvalidRecipients',
				'At least one recipient is not valid., Recipient is missing.',
			);
		deliverSent('send', draft, true, id);
		return { status: 202 };
	});

	/**
	 * The draft Graph writes for a reply, reply-all or forward: the original's conversation,
	 * subject prefix, recipients (reply: Reply-To or else the sender; reply-all: also To and CC
	 * without the user; forward: none) and the quoted original under the comment.
	 */
	const answerDraft = (kind: string, original: Json, request: Json): Json => {
		const forward = /forward/i.test(kind);
		const all = /all/i.test(kind);
		const sender = (original.replyTo as Json[] | undefined)?.length
			? (original.replyTo as Json[])
			: [original.from as Json];
		const message = (request.message as Json | undefined) ?? {};
		const quoted = `${String(request.comment ?? '')}\n\n-----Original message-----\nFrom: ${addressesOf([original.from])[0] ?? ''}\nSubject: ${String(original.subject ?? '')}\n\n${String((original.body as Json | undefined)?.content ?? '')}`;
		return {
			subject: `${forward ? 'FW' : 'RE'}: ${String(original.subject ?? '')}`,
			conversationId: original.conversationId,
			toRecipients: forward
				? ((request.toRecipients as Json[] | undefined) ?? [])
				: [...others(sender), ...(all ? others(original.toRecipients) : [])],
			ccRecipients: all ? others(original.ccRecipients) : [],
			body: { contentType: 'text', content: quoted },
			...message,
			...(Array.isArray(message.toRecipients) && !forward
				? {
						toRecipients: [
							...others(sender),
							...(all ? others(original.toRecipients) : []),
							...(message.toRecipients as Json[]),
						],
					}
				: {}),
		};
	};

	// https://learn.microsoft.com/graph/api/message-createreply: "specify either a comment or the
	// body property of the message parameter. Specifying both will return an HTTP 400 Bad Request".
	const bothCommentAndBody = (body: Json) =>
		body.comment !== undefined && (body.message as Json | undefined)?.body !== undefined
			? graphError(
					400,
					'ErrorInvalidRequest',
					'Cannot specify both the comment and the body property of the message parameter.',
				)
			: undefined;

	for (const kind of ['createReply', 'createReplyAll', 'createForward']) {
		world.route('POST', `/messages/:id/${kind}`, (request, { id }) => {
			const original = find(id);
			if (!original) return itemNotFound();
			const body = (request.body as Json | undefined) ?? {};
			const refused = bothCommentAndBody(body);
			if (refused) return refused;
			const fields = answerDraft(kind, original, body);
			const files = (fields.attachments as Json[] | undefined) ?? [];
			delete fields.attachments;
			const draftId = newDraft(fields);
			// A forward carries the original's attachments.
			if (kind === 'createForward') for (const a of attachmentsOf(id)) copyAttachment(draftId, a);
			for (const file of files) addAttachment(draftId, file);
			return { status: 201, body: find(draftId) };
		});
	}
	for (const kind of ['reply', 'replyAll', 'forward']) {
		world.route('POST', `/messages/:id/${kind}`, (request, { id }) => {
			const original = find(id);
			if (!original) return itemNotFound();
			const body = (request.body as Json | undefined) ?? {};
			const refused = bothCommentAndBody(body);
			if (refused) return refused;
			const message = answerDraft(kind, original, body);
			if (!addressesOf(message.toRecipients, message.ccRecipients).length)
				return graphError(
					400,
					'ErrorInvalidRecipients',
					'At least one recipient is not valid., Recipient is missing.',
				);
			deliverSent(kind, message);
			return { status: 202 };
		});
	}
	world.route('POST', '/messages/:id/move', (request, { id }) => {
		const destination = folderOf(String((request.body as Json).destinationId ?? ''));
		if (!find(id) || !destination) return itemNotFound();
		box.moveMessage(id, destination);
		return { status: 201, body: find(id) };
	});
	world.route('POST', '/messages/:id/copy', (request, { id }) => {
		const original = find(id);
		const destination = folderOf(String((request.body as Json).destinationId ?? ''));
		if (!original || !destination) return itemNotFound();
		const { id: _old, parentFolderId: _folder, ...fields } = original;
		const copyId = box.deliver(destination, {
			...fields,
			id: `AAMkAD-demo-copy-${randomUUID()}`,
		});
		for (const a of attachmentsOf(id)) copyAttachment(copyId, a);
		return { status: 201, body: find(copyId) };
	});

	// ---- attachments ----

	function store(messageId: string, attachment: StoredAttachment) {
		attachments.set(messageId, [...attachmentsOf(messageId), attachment]);
		if (!attachment.isInline) box.updateMessage(messageId, { hasAttachments: true });
	}
	function copyAttachment(messageId: string, attachment: StoredAttachment) {
		store(messageId, { ...attachment, id: `AAMkAD-demo-attachment-${randomUUID()}` });
	}
	function addAttachment(messageId: string, file: Json): StoredAttachment {
		const content = Buffer.from(String(file.contentBytes ?? ''), 'base64');
		const attachment: StoredAttachment = {
			'@odata.type': String(file['@odata.type'] ?? '#microsoft.graph.fileAttachment'),
			id: `AAMkAD-demo-attachment-${randomUUID()}`,
			name: String(file.name ?? 'attachment'),
			contentType: String(file.contentType ?? 'application/octet-stream'),
			isInline: file.isInline === true,
			size: content.length,
			content,
		};
		store(messageId, attachment);
		return attachment;
	}
	for (const root of ['/me', '/users/:user']) serveAttachments(world.graph, root, attachmentsOf);
	world.route('POST', '/messages/:id/attachments', (request, { id }) => {
		if (!find(id)) return itemNotFound();
		const attachment = addAttachment(id, request.body as Json);
		const { content: _bytes, ...metadata } = attachment;
		return { status: 201, body: metadata };
	});

	// Upload sessions for files over 3 MB: the upload URL is pre-authenticated and outside /v1.0;
	// each PUT carries a Content-Range, the last one answers 201 with the attachment's Location.
	const sessions = new Map<
		string,
		{ messageId: string; item: Json; parts: Buffer[]; size: number }
	>();
	world.route('POST', '/messages/:id/attachments/createUploadSession', (request, { id }) => {
		if (!find(id)) return itemNotFound();
		const item = ((request.body as Json).AttachmentItem ?? {}) as Json;
		const token = randomUUID();
		sessions.set(token, { messageId: id, item, parts: [], size: Number(item.size ?? 0) });
		return {
			status: 201,
			body: {
				uploadUrl: world.graph.uploadUrl(token),
				expirationDateTime: new Date(Date.now() + 3600_000).toISOString(),
				nextExpectedRanges: ['0-'],
			},
		};
	});
	world.graph.on('PUT', '/upload/:token', (request) => {
		const token = decodeURIComponent(request.path.split('/').pop() ?? '');
		const session = sessions.get(token);
		if (!session) return graphError(404, 'ErrorItemNotFound', 'The upload session is unknown.');
		session.parts.push(request.raw);
		const received = session.parts.reduce((sum, part) => sum + part.length, 0);
		if (received < session.size)
			return { status: 200, body: { nextExpectedRanges: [`${received}-`] } };
		sessions.delete(token);
		const attachment = addAttachment(session.messageId, {
			name: session.item.name,
			contentType: session.item.contentType,
			isInline: session.item.isInline,
			contentBytes: Buffer.concat(session.parts).toString('base64'),
		});
		return {
			status: 201,
			headers: {
				location: `${world.graph.url}/v1.0/me/messages('${session.messageId}')/Attachments('${attachment.id}')`,
			},
		};
	});
	world.graph.on('DELETE', '/upload/:token', (request) => {
		sessions.delete(decodeURIComponent(request.path.split('/').pop() ?? ''));
		return { status: 204 };
	});

	// ---- folders ----

	const folderJson = (id: string): Json => {
		const folder = box.folders.get(id)!;
		const { wellKnownName: _name, ...data } = folder.data;
		const messages = [...box.messages.values()].filter((m) => m.scope === id);
		return {
			...data,
			childFolderCount: [...box.folders.values()].filter((f) => f.data.parentFolderId === id)
				.length,
			totalItemCount: messages.length,
			unreadItemCount: messages.filter((m) => m.data.isRead !== true).length,
			isHidden: false,
		};
	};
	const childrenOf = (parentId: string) =>
		[...box.folders.values()].filter((f) => f.data.parentFolderId === parentId).map((f) => f.id);
	world.route('GET', '/mailFolders', (request) => {
		const root = folderOf('msgfolderroot')!;
		return world.list(request, childrenOf(root).map(folderJson), 10);
	});
	world.route('GET', '/mailFolders/:folder', (request, { folder }) => {
		const id = folderOf(folder);
		return id ? { body: selectFields(folderJson(id), request) } : itemNotFound();
	});
	world.route('GET', '/mailFolders/:folder/childFolders', (request, { folder }) => {
		const id = folderOf(folder);
		if (!id) return itemNotFound();
		let list: Json[];
		try {
			list = childrenOf(id).map(folderJson).filter(filterOf(request.query.$filter));
		} catch (error) {
			if (error instanceof UnsupportedQuery)
				return graphError(400, 'BadRequest', `Invalid filter clause: ${error.message}.`);
			throw error;
		}
		return world.list(request, list, 10);
	});
	const createFolder = (parentId: string, request: GraphRequestRecord) => {
		const displayName = String((request.body as Json).displayName ?? '').trim();
		// https://learn.microsoft.com/graph/api/user-post-mailfolders: a name already used under
		// the same parent is refused (ErrorFolderExists).
		if (childrenOf(parentId).some((id) => box.folders.get(id)!.data.displayName === displayName))
			return graphError(
				409,
				'ErrorFolderExists',
				'A folder with the specified name already exists.',
			);
		const id = box.addFolder({
			id: `AAMkAD-demo-folder-${randomUUID()}`,
			displayName,
			parentFolderId: parentId,
		});
		return { status: 201, body: folderJson(id) };
	};
	world.route('POST', '/mailFolders', (request) =>
		createFolder(folderOf('msgfolderroot')!, request),
	);
	world.route('POST', '/mailFolders/:folder/childFolders', (request, { folder }) => {
		const id = folderOf(folder);
		return id ? createFolder(id, request) : itemNotFound();
	});
	world.route('PATCH', '/mailFolders/:folder', (request, { folder }) => {
		const id = folderOf(folder);
		if (!id) return itemNotFound();
		box.updateFolder(id, request.body as Json);
		return { body: folderJson(id) };
	});
	world.route('DELETE', '/mailFolders/:folder', (_request, { folder }) => {
		const id = folderOf(folder);
		if (!id) return itemNotFound();
		box.deleteFolder(id);
		return { status: 204 };
	});
	world.route('POST', '/mailFolders/:folder/move', (request, { folder }) => {
		const id = folderOf(folder);
		const destination = folderOf(String((request.body as Json).destinationId ?? ''));
		if (!id || !destination) return itemNotFound();
		box.moveFolder(id, destination);
		return { status: 201, body: folderJson(id) };
	});

	// ---- what makes the Outlook Trigger's mail events happen ----
	world.happenings.set('messageReceived', async () => {
		await world.deliver({ subject: 'Invoice 42', from: 'carol@example.test' });
	});
	world.happenings.set('messageFlagged', () => {
		box.updateMessage('AAMkAD-demo-message-2', { flag: { flagStatus: 'flagged' } });
	});
	world.happenings.set('messageUpdated', () => {
		box.updateMessage('AAMkAD-demo-message-1', { isRead: true, flag: { flagStatus: 'flagged' } });
	});
}
