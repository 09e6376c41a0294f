/**
 * The demo world of `npm run dev -- --demo` (and of the e2e tests): one mailbox and calendar that
 * every Graph route of the demo reads and changes, so that what one operation does, the next one
 * sees (a draft created is listed, sent, found in Sent Items), and a mail delivered to the demo is
 * seen by Microsoft Graph (messages, delta for the Outlook Trigger) and by IMAP (Dovecot, through a
 * delivery listener) alike.
 *
 * The routes come in areas (test/e2e/support/demo/*.ts), each a function `(graph, world) => void`
 * listed once in demo/areas.ts. A new area (contacts, rules…) is one new file plus one line there:
 * it registers its routes for every mailbox address with `world.route`, keeps its own state, and
 * names what makes each Outlook Trigger event of it happen (`world.happenings`), which the
 * every-operation test (test/demo/every-operation.test.ts) uses to prove the trigger fires.
 */
import { randomUUID } from 'node:crypto';

import type {
	GraphHandler,
	GraphReply,
	GraphRequestRecord,
	GraphStandIn,
} from '../../../support/graph-standin';
import { graphError } from '../../../support/graph-standin';
import { DeltaMailbox } from '../../../support/graph-delta';
import { TEST_USER } from '../../../support/identity-provider';
import type { DemoDirectory } from '../demo-directory';

type Json = Record<string, unknown>;

/** A message or event as Graph answers it (the e2e scenarios read `id`, `isRead`, `subject`). */
export interface DemoItem {
	id: string;
	[field: string]: unknown;
}

/** An event of one of the mailbox's calendars, as the calendar area keeps it. */
export interface StoredEvent {
	calendarId: string;
	data: DemoItem;
}

/** One area of the demo: registers its routes and data on the stand-in. */
export type DemoArea = (graph: GraphStandIn, world: DemoWorld) => void;

/**
 * The addresses a mailbox route answers at: the signed-in user's (`/me`, delegated credentials)
 * and any user's (`/users/{id | userPrincipalName}`, app-only credentials and shared mailboxes),
 * all the same demo mailbox.
 */
export const DEMO_ROOTS = ['/me', '/users/:user'] as const;

/** A mail delivered to the demo mailbox (scripts/demo-mail.js). */
export interface DemoMail {
	subject?: string;
	from?: string;
	text?: string;
}

/** What Exchange sent (or would send) on the demo user's behalf. */
export interface SentMail {
	/** What sent it: sendMail, send (a draft), reply, replyAll, forward, meetingRequest, cancellation… */
	via: string;
	subject: string;
	/** Every recipient address (To, CC, BCC; attendees; the organizer). */
	to: string[];
}

/** A delivery to the mailbox: the message's Graph ID and its RFC 5322 text (for IMAP). */
export type DeliveryListener = (delivery: { id: string; eml: string }) => void | Promise<void>;

/** The demo user (GET /me). */
export const DEMO_USER = {
	id: 'demo-user-id',
	displayName: 'Alice Demo',
	mail: TEST_USER,
	userPrincipalName: TEST_USER,
	givenName: 'Alice',
	surname: 'Demo',
};

/** The answer Graph gives for an ID that names nothing in the mailbox. */
export const itemNotFound = () =>
	graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');

/** RFC 5322 text of a mail (CRLF line ends, as IMAP serves them). */
export function demoEml(
	mail: DemoMail & { to?: string; messageId?: string },
	date = new Date(),
): string {
	const from = mail.from?.trim() || 'bob@example.test';
	const subject = (mail.subject?.trim() || 'Hello from the demo').replace(/[\r\n]+/g, ' ');
	const text =
		mail.text ??
		`Hello Alice, this mail was delivered to the demo mailbox at ${date.toISOString()}.`;
	return [
		`From: ${from}`,
		`To: ${mail.to ?? `"Alice" <${TEST_USER}>`}`,
		`Subject: ${subject}`,
		`Message-ID: ${mail.messageId ?? `<demo-${date.getTime()}-${Math.random().toString(36).slice(2)}@example.test>`}`,
		`Date: ${date.toUTCString().replace('GMT', '+0000')}`,
		'MIME-Version: 1.0',
		'Content-Type: text/plain; charset=utf-8',
		'',
		text.replace(/\r?\n/g, '\r\n'),
		'',
	].join('\r\n');
}

/** `$select=a,b` applied to one item, as Graph does (`id` and `@odata.type` always kept). */
export function selectFields(item: Json, request: Pick<GraphRequestRecord, 'query'>): Json {
	const fields = request.query.$select
		?.split(',')
		.map((f) => f.trim())
		.filter(Boolean);
	if (!fields?.length) return item;
	return Object.fromEntries(
		Object.entries(item).filter(
			([key]) => key === 'id' || key === '@odata.type' || fields.includes(key),
		),
	);
}

/** Addresses of Graph recipient lists (`[{ emailAddress: { address } }]`). */
export function addressesOf(...lists: unknown[]): string[] {
	return lists.flatMap((list) =>
		Array.isArray(list)
			? list
					.map((r) => (r as { emailAddress?: { address?: string } }).emailAddress?.address)
					.filter((a): a is string => typeof a === 'string' && a !== '')
			: [],
	);
}

export class DemoWorld {
	readonly user = DEMO_USER;

	/** Folders, messages and the default calendar's event instances, with Graph's delta queries. */
	readonly mailbox = new DeltaMailbox('/me');

	/** The body of every `POST sendMail` (the e2e scenarios read what the nodes sent). */
	readonly sent: unknown[] = [];

	/** Everything Exchange sent on the user's behalf, however it was asked to. */
	readonly outbox: SentMail[] = [];

	/**
	 * Outlook Trigger event (the trigger's `event` value) → something that makes it happen in the
	 * demo (a mail arrives, an event is created…). Areas add their own.
	 */
	readonly happenings = new Map<string, () => void | Promise<void>>();

	/** Mailbox settings (GET/PATCH mailboxSettings). */
	readonly settings: Json = {
		timeZone: 'W. Europe Standard Time',
		language: { locale: 'en-US', displayName: 'English (United States)' },
		dateFormat: 'yyyy-MM-dd',
		timeFormat: 'HH:mm',
		automaticRepliesSetting: {
			status: 'disabled',
			externalAudience: 'all',
			internalReplyMessage: '',
			externalReplyMessage: '',
			scheduledStartDateTime: { dateTime: '2026-01-01T00:00:00.0000000', timeZone: 'UTC' },
			scheduledEndDateTime: { dateTime: '2026-01-02T00:00:00.0000000', timeZone: 'UTC' },
		},
		workingHours: {
			daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
			startTime: '08:00:00.0000000',
			endTime: '17:00:00.0000000',
			timeZone: { name: 'W. Europe Standard Time' },
		},
	};

	/** Contacts, categories, inbox rules and rooms (demo/directory.ts, demo-directory.ts). */
	directory?: DemoDirectory;

	/** Every event of every calendar: single events, series masters and their occurrences. */
	readonly eventStore = new Map<string, StoredEvent>();

	private readonly deliveryListeners: DeliveryListener[] = [];

	constructor(readonly graph: GraphStandIn) {}

	/** Registers `handler` for `method` at `path` under every mailbox address (DEMO_ROOTS). */
	route(method: string, path: string, handler: GraphHandler): this {
		for (const root of DEMO_ROOTS) this.graph.on(method, `${root}${path}`, handler);
		return this;
	}

	/** Every message of every folder, newest first (what `GET /me/messages` lists). */
	get messages(): DemoItem[] {
		return sortNewestFirst([...this.mailbox.messages.values()].map((m) => m.data as DemoItem));
	}

	/** Every single event and series master of every calendar (what `GET …/events` lists). */
	get events(): DemoItem[] {
		return [...this.eventStore.values()]
			.map((e) => e.data)
			.filter((e) => e.type !== 'occurrence' && e.type !== 'exception');
	}

	/** A message by ID, or undefined. */
	message(id: string): Json | undefined {
		return this.mailbox.messages.get(id)?.data;
	}

	/** Calls `listener` for every mail delivered from now on (the demo's Dovecot appends it). */
	onDelivery(listener: DeliveryListener): void {
		this.deliveryListeners.push(listener);
	}

	/**
	 * A new mail from outside in the Inbox: Graph lists it (and its delta reports it), and every
	 * delivery listener gets its MIME text (the demo's IMAP server).
	 */
	async deliver(mail: DemoMail = {}, date = new Date()): Promise<string> {
		const from = mail.from?.trim() || 'bob@example.test';
		const subject = mail.subject?.trim() || 'Hello from the demo';
		const text =
			mail.text ??
			`Hello Alice, this mail was delivered to the demo mailbox at ${date.toISOString()}.`;
		const id = this.addMessage('inbox', {
			subject,
			from,
			text,
			received: date,
		});
		const eml = demoEml({ subject, from, text }, date);
		for (const listener of this.deliveryListeners) await listener({ id, eml });
		return id;
	}

	private counter = 0;

	/** A message in a folder, as Graph shows a received one; returns its ID. */
	addMessage(
		folder: string,
		fields: {
			subject: string;
			from: string;
			text: string;
			received: Date;
			id?: string;
			isRead?: boolean;
			extra?: Json;
		},
	): string {
		const received = fields.received.toISOString().replace(/\.\d+Z$/, 'Z');
		const id = fields.id ?? `AAMkAD-demo-message-${Date.now().toString(36)}-${++this.counter}`;
		const name = fields.from.split('@')[0];
		return this.mailbox.deliver(folder, {
			id,
			subject: fields.subject,
			bodyPreview: fields.text.slice(0, 255),
			body: { contentType: 'text', content: fields.text },
			uniqueBody: { contentType: 'text', content: fields.text },
			from: {
				emailAddress: { name: name.charAt(0).toUpperCase() + name.slice(1), address: fields.from },
			},
			sender: { emailAddress: { name, address: fields.from } },
			toRecipients: [{ emailAddress: { name: 'Alice Demo', address: TEST_USER } }],
			ccRecipients: [],
			bccRecipients: [],
			replyTo: [],
			receivedDateTime: received,
			sentDateTime: received,
			createdDateTime: received,
			lastModifiedDateTime: received,
			isRead: fields.isRead ?? false,
			isDraft: false,
			importance: 'normal',
			inferenceClassification: 'focused',
			internetMessageId: `<${id}@example.test>`,
			conversationId: `AAQkAD-demo-conversation-${id}`,
			webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(id)}&exvsurl=1&viewmodel=ReadMessageItem`,
			...fields.extra,
		});
	}

	private pages = new Map<string, { all: Json[]; skip: number; top: number; select?: string }>();

	/**
	 * A collection answer with Graph's paging: `$top` (default `defaultTop`), `$skip`, `$select`,
	 * `$count=true` (`@odata.count`), and an opaque `@odata.nextLink` (`$skiptoken`) that keeps the
	 * list as it was when the first page was asked for.
	 */
	list(request: GraphRequestRecord, all: Json[], defaultTop = 10): GraphReply {
		let page = request.query.$skiptoken ? this.pages.get(request.query.$skiptoken) : undefined;
		if (request.query.$skiptoken && !page)
			return graphError(400, 'BadRequest', 'The $skiptoken is not valid.');
		if (!page) {
			const top = Math.min(Number(request.query.$top ?? defaultTop) || defaultTop, 1000);
			page = { all, skip: Number(request.query.$skip ?? 0), top, select: request.query.$select };
		}
		const slice = page.all.slice(page.skip, page.skip + page.top);
		const body: Json = {
			'@odata.context': `${this.graph.url}/v1.0/$metadata#collection`,
			value: slice.map((item) => selectFields(item, { query: { $select: page.select ?? '' } })),
		};
		if (request.query.$count === 'true') body['@odata.count'] = page.all.length;
		if (page.skip + page.top < page.all.length) {
			const token = randomUUID();
			this.pages.set(token, { ...page, skip: page.skip + page.top });
			const next = new URL(`${this.graph.url}/v1.0${request.path}`);
			next.searchParams.set('$skiptoken', token);
			body['@odata.nextLink'] = next.toString();
		}
		return { body };
	}

	/** Records what Exchange sent. */
	send(mail: SentMail): void {
		this.outbox.push(mail);
	}
}

/** Newest first by receivedDateTime (Graph's default order for messages); ties keep their order. */
export function sortNewestFirst<T extends Json>(messages: T[]): T[] {
	return messages
		.map((m, i) => ({ m, i, t: Date.parse(String(m.receivedDateTime)) }))
		.sort((a, b) => b.t - a.t || a.i - b.i)
		.map(({ m }) => m);
}
