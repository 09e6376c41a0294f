/**
 * A small mailbox and calendar for the Graph stand-in, so the nodes can be tried in a real n8n
 * without a Microsoft account (`npm run dev -- --demo`), and a baseline the e2e workflows run on.
 * Shapes follow Graph's message and event resources:
 * https://learn.microsoft.com/graph/api/resources/message, /graph/api/resources/event
 */
import { randomUUID } from 'node:crypto';

import type { GraphRequestRecord, GraphStandIn } from '../../support/graph-standin';
import { graphError } from '../../support/graph-standin';
import { TEST_USER } from '../../support/identity-provider';
import { addDemoDirectory, type DemoDirectory } from './demo-directory';

export interface DemoMessage {
	id: string;
	subject: string;
	bodyPreview: string;
	body: { contentType: string; content: string };
	from: { emailAddress: { name: string; address: string } };
	toRecipients: Array<{ emailAddress: { name?: string; address: string } }>;
	receivedDateTime: string;
	isRead: boolean;
	importance: string;
	categories: string[];
	flag: { flagStatus: string };
	hasAttachments: boolean;
	parentFolderId: string;
	[key: string]: unknown;
}

export interface DemoEvent {
	id: string;
	subject: string;
	start: { dateTime: string; timeZone: string };
	end: { dateTime: string; timeZone: string };
	[key: string]: unknown;
}

export interface DemoMailbox {
	messages: DemoMessage[];
	sent: unknown[];
	events: DemoEvent[];
	/** Contacts, categories, inbox rules and rooms (demo-directory.ts). */
	directory?: DemoDirectory;
}

const FOLDERS = [
	{ id: 'inbox-id', displayName: 'Inbox', wellKnown: 'inbox' },
	{ id: 'sent-id', displayName: 'Sent Items', wellKnown: 'sentitems' },
	{ id: 'drafts-id', displayName: 'Drafts', wellKnown: 'drafts' },
	{ id: 'archive-id', displayName: 'Archive', wellKnown: 'archive' },
	{ id: 'deleted-id', displayName: 'Deleted Items', wellKnown: 'deleteditems' },
];

function message(n: number, subject: string, from: string, hoursAgo: number): DemoMessage {
	const received = new Date(Date.now() - hoursAgo * 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
	const text = `Hello Alice, this is demo message ${n}: ${subject.toLowerCase()}.`;
	return {
		id: `AAMkAD-demo-message-${n}`,
		subject,
		bodyPreview: text,
		body: { contentType: 'text', content: text },
		from: { emailAddress: { name: from.split('@')[0], address: from } },
		toRecipients: [{ emailAddress: { name: 'Alice', address: TEST_USER } }],
		receivedDateTime: received,
		isRead: n % 3 === 0,
		importance: 'normal',
		categories: [],
		flag: { flagStatus: 'notFlagged' },
		hasAttachments: false,
		parentFolderId: 'inbox-id',
	};
}

function event(n: number, subject: string, dayOffset: number, hour: number): DemoEvent {
	const day = new Date(
		Date.UTC(
			new Date().getUTCFullYear(),
			new Date().getUTCMonth(),
			new Date().getUTCDate() + dayOffset,
			hour,
		),
	);
	const end = new Date(day.getTime() + 3600_000);
	const fmt = (d: Date) => d.toISOString().replace(/Z$/, '0000');
	return {
		id: `AAMkAD-demo-event-${n}`,
		subject,
		start: { dateTime: fmt(day), timeZone: 'UTC' },
		end: { dateTime: fmt(end), timeZone: 'UTC' },
		isAllDay: false,
		showAs: 'busy',
		location: { displayName: 'Room 1' },
		organizer: { emailAddress: { name: 'Alice', address: TEST_USER } },
		attendees: [],
	};
}

export function demoMailbox(): DemoMailbox {
	return {
		messages: [
			message(1, 'Welcome to the demo mailbox', 'bob@example.test', 1),
			message(2, 'Invoice 2041', 'billing@example.test', 5),
			message(3, 'Lunch on Friday?', 'carol@example.test', 26),
			message(4, 'Quarterly report draft', 'dave@example.test', 50),
			message(5, 'Your package has shipped', 'shop@example.test', 75),
		],
		sent: [],
		events: [
			event(1, 'Team stand-up', 0, 9),
			event(2, 'Design review', 1, 14),
			event(3, 'Customer call', 2, 10),
			event(4, '1:1 with Bob', 7, 15),
		],
	};
}

/** The demo mailbox's only calendar, its default one (GET /me/calendars lists it as "Calendar"). */
export const DEMO_CALENDAR = {
	id: 'calendar-id',
	name: 'Calendar',
	isDefaultCalendar: true,
	canEdit: true,
	owner: { name: 'Alice', address: TEST_USER },
};

const eventNotFound = () =>
	graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
const calendarNotFound = () =>
	graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');

/** `$select=a,b` applied to one item, as Graph does (id always kept). */
function select(
	item: Record<string, unknown>,
	request: GraphRequestRecord,
): Record<string, unknown> {
	const fields = request.query.$select
		?.split(',')
		.map((f) => f.trim())
		.filter(Boolean);
	if (!fields?.length) return item;
	return Object.fromEntries(Object.entries(item).filter(([k]) => k === 'id' || fields.includes(k)));
}

/** Registers the demo mailbox on the stand-in, for `/me` and for `/users/{TEST_USER}`. */
export function addDemoData(
	graph: GraphStandIn,
	mailbox: DemoMailbox = demoMailbox(),
): DemoMailbox {
	const me = {
		id: 'demo-user-id',
		displayName: 'Alice Demo',
		mail: TEST_USER,
		userPrincipalName: TEST_USER,
		givenName: 'Alice',
		surname: 'Demo',
	};
	graph.on('GET', '/me', { body: me });
	for (const root of ['/me', '/users/:user']) {
		graph.on('GET', `${root}/mailboxSettings`, {
			body: { timeZone: 'UTC', language: { locale: 'en-US' } },
		});
		graph.collection('GET', `${root}/mailFolders`, () =>
			FOLDERS.map(({ id, displayName }) => ({
				id,
				displayName,
				totalItemCount: 0,
				unreadItemCount: 0,
			})),
		);
		graph.collection('GET', `${root}/messages`, () => mailbox.messages.map((m) => m));
		graph.collection('GET', `${root}/mailFolders/:folder/messages`, () => mailbox.messages);
		const findMessage = (id: string) => mailbox.messages.find((m) => m.id === id);
		graph.on('GET', `${root}/messages/:id`, (request, { id }) => {
			const found = findMessage(id);
			return found
				? { body: select(found, request) }
				: graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
		});
		graph.on('PATCH', `${root}/messages/:id`, (request, { id }) => {
			const found = findMessage(id);
			if (!found)
				return graphError(
					404,
					'ErrorItemNotFound',
					'The specified object was not found in the store.',
				);
			Object.assign(found, request.body as object);
			return { body: found };
		});
		graph.on('DELETE', `${root}/messages/:id`, (_request, { id }) => {
			const index = mailbox.messages.findIndex((m) => m.id === id);
			if (index < 0)
				return graphError(
					404,
					'ErrorItemNotFound',
					'The specified object was not found in the store.',
				);
			mailbox.messages.splice(index, 1);
			return { status: 204 };
		});
		graph.on('POST', `${root}/sendMail`, (request) => {
			mailbox.sent.push(request.body);
			return { status: 202 };
		});
		graph.collection('GET', `${root}/events`, () => mailbox.events);
		graph.collection('GET', `${root}/calendar/events`, () => mailbox.events);
		graph.collection('GET', `${root}/calendarView`, () => mailbox.events);
		graph.collection('GET', `${root}/calendar/calendarView`, () => mailbox.events);
		graph.collection('GET', `${root}/calendars`, () => [DEMO_CALENDAR]);
		graph.on('GET', `${root}/calendars/:calendar`, (_request, { calendar }) =>
			calendar === DEMO_CALENDAR.id ? { body: DEMO_CALENDAR } : calendarNotFound(),
		);
		// The calendar picked from the list ("Calendar") is the default one: /calendars/{id}/events
		// and /calendars/{id}/calendarView serve the same events as /events, as Graph does.
		// Other calendar IDs match no route, so the stand-in answers 404 as Graph does.
		graph.collection('GET', `${root}/calendars/${DEMO_CALENDAR.id}/events`, () => mailbox.events);
		graph.collection(
			'GET',
			`${root}/calendars/${DEMO_CALENDAR.id}/calendarView`,
			() => mailbox.events,
		);
		const createEvent = (request: GraphRequestRecord) => {
			// Graph fills in what the request leaves out (isAllDay false, showAs busy…) and answers with the whole event.
			const created = {
				isAllDay: false,
				showAs: 'busy',
				isCancelled: false,
				attendees: [],
				organizer: { emailAddress: { name: 'Alice', address: TEST_USER } },
				...(request.body as DemoEvent),
				id: `AAMkAD-demo-event-${randomUUID()}`,
			};
			mailbox.events.push(created);
			return { status: 201, body: created };
		};
		graph.on('POST', `${root}/events`, createEvent);
		graph.on('POST', `${root}/calendar/events`, createEvent);
		graph.on('POST', `${root}/calendars/${DEMO_CALENDAR.id}/events`, createEvent);
		const findEvent = (id: string) => mailbox.events.find((e) => e.id === id);
		graph.on('GET', `${root}/events/:id`, (request, { id }) => {
			const found = findEvent(id);
			return found ? { body: select(found, request) } : eventNotFound();
		});
		graph.on('PATCH', `${root}/events/:id`, (request, { id }) => {
			const found = findEvent(id);
			if (!found) return eventNotFound();
			Object.assign(found, request.body as object);
			return { body: found };
		});
		graph.on('DELETE', `${root}/events/:id`, (_request, { id }) => {
			const index = mailbox.events.findIndex((e) => e.id === id);
			if (index < 0) return eventNotFound();
			mailbox.events.splice(index, 1);
			return { status: 204 };
		});
	}
	mailbox.directory = addDemoDirectory(graph, mailbox.directory);
	return mailbox;
}
