/**
 * A whole mailbox and calendar on the Graph stand-in, for tests that run every operation of both
 * nodes (the AI-tool limits): messages, drafts, folders, events, calendars and mailbox settings,
 * answered as Graph answers them (shapes from https://learn.microsoft.com/graph/api/resources/message,
 * /resources/event, /resources/mailfolder, /resources/calendar, /resources/mailboxsettings), for
 * `/me` and any `/users/{id}`. Items are seeded by the test and told to the outbound ledger
 * (graph-outbound.ts), which classifies what leaves.
 */
import { randomUUID } from 'node:crypto';

import type { GraphHandler, GraphReply, GraphStandIn } from './graph-standin';
import { graphError } from './graph-standin';
import type { OutboundLedger } from './graph-outbound';
import { TEST_USER } from './identity-provider';

type Json = Record<string, unknown>;

export const recipient = (address: string) => ({ emailAddress: { address } });

/** The one attachment every message of the world carries. */
export const ATTACHMENT_ID = 'AAMkatt-1';

export interface WorldMessage {
	id: string;
	from: string;
	replyTo?: string[];
	to?: string[];
	cc?: string[];
	bcc?: string[];
	isDraft?: boolean;
}

export interface WorldEvent {
	id: string;
	/** The organizer's address; the mailbox's own when it organises the meeting. */
	organizer: string;
	attendees: string[];
}

const notFound = () =>
	graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');

export class GraphWorld {
	readonly messages = new Map<string, Json>();

	readonly events = new Map<string, Json>();

	readonly folders = new Map<string, Json>([
		['inbox', { id: 'inbox', displayName: 'Inbox', totalItemCount: 0 }],
		['drafts', { id: 'drafts', displayName: 'Drafts', totalItemCount: 0 }],
		['AAMkfolder-1', { id: 'AAMkfolder-1', displayName: 'Projects', totalItemCount: 0 }],
		['AAMkfolder-2', { id: 'AAMkfolder-2', displayName: 'Archive 2026', totalItemCount: 0 }],
	]);

	readonly calendars = new Map<string, Json>([
		['AAMkcal-1', { id: 'AAMkcal-1', name: 'Calendar', isDefaultCalendar: true }],
	]);

	automaticReplies: Json = { status: 'disabled', externalAudience: 'all' };

	readonly contacts = new Map<string, Json>([
		[
			'AAMkcontact-1',
			{
				id: 'AAMkcontact-1',
				displayName: 'Ana Ruiz',
				givenName: 'Ana',
				emailAddresses: [{ address: 'ana@contoso.com', name: 'Ana Ruiz' }],
				createdDateTime: '2026-11-01T09:00:00Z',
			},
		],
	]);

	readonly contactFolders = new Map<string, Json>([
		[
			'AAMkcontacts-1',
			{ id: 'AAMkcontacts-1', displayName: 'Suppliers', parentFolderId: 'contacts' },
		],
		[
			'AAMkcontacts-2',
			{ id: 'AAMkcontacts-2', displayName: 'Partners', parentFolderId: 'contacts' },
		],
	]);

	readonly categories = new Map<string, Json>([
		['AAMkcategory-1', { id: 'AAMkcategory-1', displayName: 'Project X', color: 'preset7' }],
	]);

	readonly rules = new Map<string, Json>();

	readonly rooms: Json[] = [
		{
			'@odata.type': '#microsoft.graph.room',
			id: 'room-1',
			displayName: 'Room 4.02',
			emailAddress: 'room402@contoso.com',
			capacity: 8,
		},
	];

	readonly roomLists: Json[] = [
		{
			'@odata.type': '#microsoft.graph.roomList',
			id: 'roomlist-1',
			displayName: 'Building 4',
			emailAddress: 'building4@contoso.com',
		},
	];

	/** Requests the world has no answer for (a test asserts it empty). */
	readonly unanswered: string[] = [];

	constructor(
		private readonly graph: GraphStandIn,
		private readonly ledger: OutboundLedger,
		readonly ownAddress = TEST_USER,
	) {}

	addMessage(message: WorldMessage): this {
		const json: Json = {
			id: message.id,
			subject: `Message ${message.id}`,
			bodyPreview: 'Hello',
			body: { contentType: 'text', content: 'Hello' },
			from: recipient(message.from),
			sender: recipient(message.from),
			replyTo: (message.replyTo ?? []).map(recipient),
			toRecipients: (message.to ?? []).map(recipient),
			ccRecipients: (message.cc ?? []).map(recipient),
			bccRecipients: (message.bcc ?? []).map(recipient),
			isDraft: message.isDraft ?? false,
			isRead: false,
			conversationId: `conv-${message.id}`,
			receivedDateTime: '2026-11-30T09:00:00Z',
			sentDateTime: '2026-11-30T09:00:00Z',
			hasAttachments: false,
			parentFolderId: message.isDraft ? 'drafts' : 'inbox',
			webLink: `https://outlook.office.com/mail/id/${message.id}`,
		};
		this.messages.set(message.id, json);
		this.ledger.know({
			message: {
				id: message.id,
				from: message.from.toLowerCase(),
				replyTo: (message.replyTo ?? []).map((a) => a.toLowerCase()),
				to: (message.to ?? []).map((a) => a.toLowerCase()),
				cc: (message.cc ?? []).map((a) => a.toLowerCase()),
				bcc: (message.bcc ?? []).map((a) => a.toLowerCase()),
				isDraft: message.isDraft ?? false,
			},
		});
		return this;
	}

	/** An inbox rule that forwards (and is on or off). */
	addRule(rule: { id: string; forwardTo: string[]; enabled: boolean }): this {
		this.rules.set(rule.id, {
			id: rule.id,
			displayName: `Rule ${rule.id}`,
			sequence: 1,
			isEnabled: rule.enabled,
			conditions: { subjectContains: ['invoice'] },
			actions: { forwardTo: rule.forwardTo.map(recipient), stopProcessingRules: true },
		});
		this.ledger.know({
			rule: {
				id: rule.id,
				enabled: rule.enabled,
				targets: rule.forwardTo.map((a) => a.toLowerCase()),
			},
		});
		return this;
	}

	addEvent(event: WorldEvent): this {
		const organises = event.organizer.toLowerCase() === this.ownAddress.toLowerCase();
		const json: Json = {
			id: event.id,
			subject: `Event ${event.id}`,
			start: { dateTime: '2026-12-10T09:00:00.0000000', timeZone: 'UTC' },
			end: { dateTime: '2026-12-10T10:00:00.0000000', timeZone: 'UTC' },
			isAllDay: false,
			isCancelled: false,
			isOrganizer: organises,
			organizer: recipient(event.organizer),
			attendees: event.attendees.map((address) => ({
				type: 'required',
				emailAddress: { address },
				status: { response: 'none' },
			})),
			showAs: 'busy',
			type: 'singleInstance',
			webLink: `https://outlook.office.com/calendar/item/${event.id}`,
		};
		this.events.set(event.id, json);
		this.ledger.know({
			event: {
				id: event.id,
				isOrganizer: organises,
				organizer: event.organizer.toLowerCase(),
				attendees: event.attendees.map((a) => a.toLowerCase()),
			},
		});
		return this;
	}

	/** Serves every path under `/me` and `/users/{id}` (registered once per stand-in reset). */
	install(): this {
		const handler: GraphHandler = async (request) => await this.answer(request.method, request);
		for (const root of ['/me', '/users/:mailbox']) {
			for (let depth = 0; depth <= 7; depth++) {
				const pattern = root + Array.from({ length: depth }, (_, i) => `/:s${i}`).join('');
				for (const method of ['GET', 'POST', 'PATCH', 'DELETE', 'PUT'])
					this.graph.on(method, pattern, handler);
			}
		}
		// Rooms and room lists are the tenant's: /places, no mailbox (https://learn.microsoft.com/graph/api/place-list).
		for (let depth = 1; depth <= 4; depth++) {
			const pattern = '/places' + Array.from({ length: depth }, (_, i) => `/:p${i}`).join('');
			this.graph.on('GET', pattern, (request) => this.places(request.path));
		}
		// A documented action missing from the OpenAPI subset (https://learn.microsoft.com/graph/api/user-getmailtips).
		this.graph.allowOutsideContract('POST', '/me/getMailTips');
		this.graph.allowOutsideContract('POST', '/users/:mailbox/getMailTips');
		return this;
	}

	private newMessage(body: Json, extra: Json = {}): Json {
		const id = `AAMkdraft-${randomUUID().slice(0, 8)}`;
		const json: Json = {
			id,
			subject: '',
			toRecipients: [],
			ccRecipients: [],
			bccRecipients: [],
			replyTo: [],
			...body,
			...extra,
			isDraft: true,
			parentFolderId: 'drafts',
			webLink: `https://outlook.office.com/mail/id/${id}`,
		};
		this.messages.set(id, json);
		return json;
	}

	private async answer(
		method: string,
		request: { path: string; body: unknown; query: Record<string, string> },
	): Promise<GraphReply> {
		const rest = request.path.replace(/^\/(me|users\/[^/]+)/i, '');
		const body = (request.body ?? {}) as Json;
		const segments = rest.split('/').filter(Boolean).map(decodeURIComponent);
		const list = (values: Iterable<Json>): GraphReply => ({ body: { value: [...values] } });
		const [first, id, action, sub] = segments;

		if (!segments.length && method === 'GET')
			return {
				body: {
					id: 'user-1',
					mail: this.ownAddress,
					userPrincipalName: this.ownAddress,
					displayName: 'Alice',
				},
			};
		if (first === 'mailboxSettings') {
			if (method === 'PATCH') {
				const setting = body.automaticRepliesSetting as Json | undefined;
				if (setting) this.automaticReplies = { ...this.automaticReplies, ...setting };
			}
			const settings = {
				timeZone: 'UTC',
				automaticRepliesSetting: this.automaticReplies,
			};
			return { body: id === 'automaticRepliesSetting' ? this.automaticReplies : settings };
		}
		if (first === 'getMailTips' && method === 'POST') return list([]);
		if (first === 'sendMail' && method === 'POST') return { status: 202 };
		if (first === 'findMeetingTimes' && method === 'POST')
			return { body: { meetingTimeSuggestions: [], emptySuggestionsReason: 'Unknown' } };
		if (first === 'calendar' && id === 'getSchedule' && method === 'POST') return list([]);

		// Messages, also under a folder: …/mailFolders/{id}/messages…
		const messageAt = segments.indexOf('messages');
		if (messageAt >= 0) {
			const [messageId, messageAction, attachment] = segments.slice(messageAt + 1);
			const message = messageId ? this.messages.get(messageId) : undefined;
			if (!messageId) {
				if (method === 'GET') return list(this.messages.values());
				if (method === 'POST') return { status: 201, body: this.newMessage(body) };
			}
			if (!message) return notFound();
			if (!messageAction) {
				if (method === 'GET') return { body: message };
				if (method === 'PATCH') {
					Object.assign(message, body);
					return { body: message };
				}
				if (method === 'DELETE') {
					this.messages.delete(messageId);
					return { status: 204 };
				}
			}
			if (messageAction === '$value' && method === 'GET')
				return {
					body: Buffer.from(`Subject: ${String(message.subject)}\r\n\r\nHello\r\n`),
					headers: { 'content-type': 'message/rfc822' },
				};
			if (messageAction === 'attachments') {
				const file = {
					'@odata.type': '#microsoft.graph.fileAttachment',
					id: ATTACHMENT_ID,
					name: 'notes.txt',
					contentType: 'text/plain',
					size: 5,
					isInline: false,
				};
				if (method === 'GET' && !attachment) return list([file]);
				if (method === 'GET' && attachment === ATTACHMENT_ID) {
					if (segments[messageAt + 4] === '$value')
						return { body: Buffer.from('Hello'), headers: { 'content-type': 'text/plain' } };
					return { body: { ...file, contentBytes: Buffer.from('Hello').toString('base64') } };
				}
				if (method === 'POST')
					return { status: 201, body: { id: `att-${randomUUID().slice(0, 8)}`, ...body } };
				return notFound();
			}
			if (['send', 'reply', 'replyAll', 'forward'].includes(messageAction) && method === 'POST')
				return { status: 202 };
			if (['createReply', 'createReplyAll', 'createForward'].includes(messageAction)) {
				const extra = (body.message ?? {}) as Json;
				// The draft keeps the comment above the quoted original (Graph's known issue says it may
				// not; later reports see it kept, which is the reading here).
				const comment = typeof body.comment === 'string' ? body.comment : '';
				return {
					status: 201,
					body: this.newMessage(extra, {
						subject: `RE: ${String(message.subject)}`,
						conversationId: message.conversationId,
						...(extra.body
							? {}
							: {
									body: {
										contentType: 'html',
										content: `<p>${comment}</p><hr><p>${String((message.body as Json)?.content ?? '')}</p>`,
									},
								}),
					}),
				};
			}
			// https://learn.microsoft.com/graph/api/message-permanentdelete
			if (messageAction === 'permanentDelete' && method === 'POST') {
				this.messages.delete(messageId);
				return { status: 204 };
			}
			if (['move', 'copy'].includes(messageAction) && method === 'POST')
				return { status: 201, body: { ...message, id: `${messageId}-moved` } };
			return this.unknown(method, request.path);
		}

		// Inbox rules (https://learn.microsoft.com/graph/api/mailfolder-list-messagerules and siblings).
		if (first === 'mailFolders' && action === 'messageRules') {
			const ruleId = segments[3];
			if (!ruleId) {
				if (method === 'GET') return list(this.rules.values());
				if (method === 'POST') {
					const created = { id: `rule-${randomUUID().slice(0, 8)}`, isEnabled: true, ...body };
					this.rules.set(String(created.id), created);
					return { status: 201, body: created };
				}
			}
			const rule = this.rules.get(ruleId);
			if (!rule) return notFound();
			if (method === 'GET') return { body: rule };
			if (method === 'PATCH') {
				// The update's actions replace the rule's as a group, or merge into them (the ledger's
				// ruleActionsMerge: Microsoft documents neither).
				const actions =
					body.actions && this.ledger.ruleActionsMerge
						? { ...(rule.actions as Json), ...(body.actions as Json) }
						: body.actions;
				return { body: Object.assign(rule, body, actions ? { actions } : {}) };
			}
			if (method === 'DELETE') {
				this.rules.delete(ruleId);
				return { status: 204 };
			}
		}

		// Contacts, also in a folder: …/contactFolders/{id}/contacts…
		const contactAt = segments.lastIndexOf('contacts');
		if (contactAt >= 0) {
			const contactId = segments[contactAt + 1];
			if (!contactId) {
				if (method === 'GET') return list(this.contacts.values());
				if (method === 'POST') {
					const created = { id: `AAMkcontact-${randomUUID().slice(0, 8)}`, ...body };
					this.contacts.set(String(created.id), created);
					return { status: 201, body: created };
				}
			}
			const contact = this.contacts.get(contactId);
			if (!contact) return notFound();
			if (method === 'GET') return { body: contact };
			if (method === 'PATCH') return { body: Object.assign(contact, body) };
			if (method === 'DELETE') {
				this.contacts.delete(contactId);
				return { status: 204 };
			}
		}
		if (first === 'contactFolders') {
			const folderId = id;
			if (!folderId || action === 'childFolders') {
				if (method === 'GET') return list(this.contactFolders.values());
				if (method === 'POST') return { status: 201, body: { id: randomUUID(), ...body } };
			}
			const folder = this.contactFolders.get(folderId);
			if (!folder) return notFound();
			if (method === 'GET') return { body: folder };
			if (method === 'PATCH') return { body: { ...folder, ...body } };
			if (method === 'DELETE') return { status: 204 };
		}

		// The mailbox's category list (https://learn.microsoft.com/graph/api/outlookuser-list-mastercategories).
		if (first === 'outlook' && id === 'masterCategories') {
			const categoryId = action;
			if (!categoryId) {
				if (method === 'GET') return list(this.categories.values());
				if (method === 'POST') return { status: 201, body: { id: randomUUID(), ...body } };
			}
			const category = this.categories.get(categoryId);
			if (!category) return notFound();
			if (method === 'GET') return { body: category };
			if (method === 'PATCH') return { body: { ...category, ...body } };
			if (method === 'DELETE') return { status: 204 };
		}

		if (first === 'mailFolders') {
			const folder = id ? this.folders.get(id) : undefined;
			if (!id) {
				if (method === 'GET') return list(this.folders.values());
				if (method === 'POST') return { status: 201, body: { id: randomUUID(), ...body } };
			}
			if (!folder) return notFound();
			if (!action) {
				if (method === 'GET') return { body: folder };
				if (method === 'PATCH') return { body: { ...folder, ...body } };
				if (method === 'DELETE') return { status: 204 };
			}
			if (action === 'childFolders') {
				if (method === 'GET') return list([]);
				if (method === 'POST') return { status: 201, body: { id: randomUUID(), ...body } };
			}
			if (action === 'move' || action === 'copy')
				return { status: 201, body: { ...folder, id: randomUUID() } };
			// Inbox rules (https://learn.microsoft.com/graph/api/mailfolder-post-messagerules).
			if (action === 'messageRules' && method === 'POST')
				return { status: 201, body: { id: `rule-${randomUUID().slice(0, 8)}`, ...body } };
			return this.unknown(method, request.path);
		}

		// Events, also under a calendar: …/calendars/{id}/events…, …/calendar/events…
		const eventAt = segments.indexOf('events');
		const viewAt = segments.indexOf('calendarView');
		if (viewAt >= 0 && method === 'GET') return list(this.events.values());
		if (eventAt >= 0) {
			const [eventId, eventAction] = segments.slice(eventAt + 1);
			if (!eventId) {
				if (method === 'GET') return list(this.events.values());
				if (method === 'POST') {
					const created: Json = {
						id: `AAMkevent-${randomUUID().slice(0, 8)}`,
						...body,
						isOrganizer: true,
						organizer: recipient(this.ownAddress),
					};
					this.events.set(String(created.id), created);
					return { status: 201, body: created };
				}
			}
			const event = this.events.get(eventId);
			if (!event) return notFound();
			if (!eventAction) {
				if (method === 'GET') return { body: event };
				if (method === 'PATCH') {
					Object.assign(event, body);
					return { body: event };
				}
				if (method === 'DELETE') {
					this.events.delete(eventId);
					return { status: 204 };
				}
			}
			if (eventAction === 'instances' && method === 'GET') return list([]);

			if (
				['cancel', 'forward', 'accept', 'decline', 'tentativelyAccept'].includes(eventAction) &&
				method === 'POST'
			) {
				if (eventAction === 'cancel' && event.isOrganizer !== true)
					return graphError(
						400,
						'ErrorInvalidRequest',
						"Your request can't be completed. You need to be an organizer to cancel a meeting.",
					);
				return { status: 202 };
			}
			return this.unknown(method, request.path);
		}

		if (first === 'calendar' && !id && method === 'GET')
			return { body: this.calendars.get('AAMkcal-1') };
		if (first === 'calendarGroups') {
			if (method === 'GET') return list([]);
			if (method === 'POST' && action === 'calendars')
				return { status: 201, body: { id: randomUUID(), ...body } };
		}
		if (first === 'calendars') {
			if (!id) {
				if (method === 'GET') return list(this.calendars.values());
				if (method === 'POST') return { status: 201, body: { id: randomUUID(), ...body } };
			}
			const calendar = this.calendars.get(id);
			if (!calendar) return notFound();
			if (!action) {
				if (method === 'GET') return { body: calendar };
				if (method === 'PATCH') return { body: { ...calendar, ...body } };
				if (method === 'DELETE') return { status: 204 };
			}
			if (action === 'getSchedule') return list([]);
			void sub;
		}
		return this.unknown(method, request.path);
	}

	private places(path: string): GraphReply {
		const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
		if (path === '/places/microsoft.graph.room') return { body: { value: this.rooms } };
		if (path === '/places/microsoft.graph.roomList') return { body: { value: this.roomLists } };
		const [, id, cast, sub] = segments;
		if (cast === 'microsoft.graph.room' && !sub) {
			const room = this.rooms.find((r) => r.id === id || r.emailAddress === id);
			return room ? { body: room } : notFound();
		}
		if (cast === 'microsoft.graph.roomList' && sub === 'rooms')
			return this.roomLists.some((r) => r.emailAddress === id)
				? { body: { value: this.rooms } }
				: notFound();
		return this.unknown('GET', path);
	}

	private unknown(method: string, path: string): GraphReply {
		this.unanswered.push(`${method} ${path}`);
		return graphError(400, 'BadRequest', `graph-world: no answer for ${method} ${path}`);
	}
}
