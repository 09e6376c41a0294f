/**
 * Who the recipients Graph or Exchange adds on its own are, for one item: one resolver per
 * implicit source a declaration can name (nodes/shared/declarations.ts). The table is keyed by
 * `ImplicitRecipients`, so a source added there does not compile until it has a resolver here.
 *
 * Resolvers read what Exchange will read: the original message of a reply, the draft being sent,
 * the meeting being changed. They over-approximate where Exchange's choice is not documented
 * (every attendee of an organised meeting counts as reached by any update).
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { ImplicitRecipients } from '../declarations';
import type { GraphTransport } from '../graph/client';
import { segment } from '../graph/request';
import type { PermissionArea } from '../permissions';
import { permissionHint } from '../permissions';
import { readAddresses } from './addresses';

/**
 * Who is reached without being a list of addresses: automatic replies go to whoever writes in,
 * which no allow-list or count can vouch for.
 */
export type Audience =
	| 'senders inside the organization'
	| 'senders outside the organization'
	| "senders outside the organization in the mailbox's contacts";

export interface Reached {
	/** Addresses the mail goes to (counted for Max Recipients). */
	recipients: string[];
	/** Addresses replies are asked to go to (Reply-To): allow-listed, not counted. */
	replyTo: string[];
	audiences: Audience[];
	/** Addresses the mail is sent as (From), other than the mailbox's own. */
	from: string[];
	/** Entries of fields that are not one address. */
	unreadable: Array<{ label: string; entry: string }>;
}

/** The actions of an inbox rule that send its messages on. */
const RULE_FORWARDING = ['forwardTo', 'forwardAsAttachmentTo', 'redirectTo'] as const;

export function emptyReached(): Reached {
	return { recipients: [], replyTo: [], audiences: [], from: [], unreadable: [] };
}

export interface ResolveContext {
	ctx: IExecuteFunctions;
	itemIndex: number;
	/** The Graph root of the item's mailbox (`/me` or `/users/{encoded id}`). */
	root: string;
	transport(): Promise<GraphTransport>;
	/** The ID in the item's locator field (`messageId`, `eventId`, `ruleId`: the source's first field). */
	itemId(field: string): string;
	/** A field of the item by parameter path (undefined when it is not set). */
	field(path: string): unknown;
	/** Whether the author wrote the field (no expression, so no `$fromAI()`). */
	fixed(path: string): boolean;
	/** The mailbox's own addresses (for telling a draft's From apart from sending as another). */
	ownAddresses(): Promise<string[]>;
	/** The field paths the operation declares it reaches people through (`reaches` fields). */
	reachFields: string[];
}

export interface Resolver {
	/** It can find whom the mail is sent as (From), which the send-as limit checks even when no recipient limit is set. */
	findsFrom?: true;
	resolve(context: ResolveContext): Promise<Partial<Reached>>;
}

async function read(
	context: ResolveContext,
	area: PermissionArea,
	path: string,
	select: string,
): Promise<IDataObject> {
	const { ctx, itemIndex } = context;
	const transport = await context.transport();
	return await transport.request<IDataObject>({
		method: 'GET',
		path,
		query: { $select: select },
		itemIndex,
		...permissionHint(ctx, itemIndex, area, 'read', 'check the recipients against the tool limits'),
	});
}

/** Addresses of one Graph recipient or a list of them. */
function addressesOf(value: unknown): string[] {
	return readAddresses(([] as unknown[]).concat(value ?? []).filter((entry) => entry !== null))
		.addresses;
}

async function originalMessage(context: ResolveContext): Promise<IDataObject> {
	return await read(
		context,
		'mail',
		`${context.root}/messages/${segment(context.itemId('messageId'))}`,
		'from,replyTo,toRecipients,ccRecipients',
	);
}

/**
 * "If the original message specifies a recipient in the replyTo property, per Internet Message
 * Format (RFC 2822), send the reply to the recipients in replyTo and not the recipient in the from
 * property." https://learn.microsoft.com/graph/api/message-reply
 */
function replyTargets(message: IDataObject): string[] {
	const replyTo = addressesOf(message.replyTo);
	return replyTo.length ? replyTo : addressesOf(message.from);
}

async function organisedEvent(context: ResolveContext): Promise<IDataObject> {
	return await read(
		context,
		'calendar',
		`${context.root}/events/${segment(context.itemId('eventId'))}`,
		'isOrganizer,organizer,attendees',
	);
}

export const IMPLICIT_RESOLVERS: { [Source in ImplicitRecipients]: Resolver } = {
	replyTargets: {
		resolve: async (context) => ({ recipients: replyTargets(await originalMessage(context)) }),
	},

	/** Reply-all: the reply targets, and the original's To and CC. https://learn.microsoft.com/graph/api/message-replyall */
	replyAllTargets: {
		resolve: async (context) => {
			const message = await originalMessage(context);
			return {
				recipients: [
					...replyTargets(message),
					...addressesOf(message.toRecipients),
					...addressesOf(message.ccRecipients),
				],
			};
		},
	},

	/** A draft is sent to its own To, CC and BCC, asks replies to its Reply-To, and is from its From. https://learn.microsoft.com/graph/api/message-send */
	draftRecipients: {
		findsFrom: true,
		resolve: async (context) => {
			const draft = await read(
				context,
				'mail',
				`${context.root}/messages/${segment(context.itemId('messageId'))}`,
				'toRecipients,ccRecipients,bccRecipients,replyTo,from',
			);
			const from = addressesOf(draft.from);
			const own = from.length ? await context.ownAddresses() : [];
			return {
				recipients: [
					...addressesOf(draft.toRecipients),
					...addressesOf(draft.ccRecipients),
					...addressesOf(draft.bccRecipients),
				],
				replyTo: addressesOf(draft.replyTo),
				from: from.filter((address) => !own.includes(address)),
			};
		},
	},

	/**
	 * Exchange mails a meeting's attendees when its organizer updates, cancels or deletes it; an
	 * attendee's copy changes alone. https://learn.microsoft.com/graph/api/event-update,
	 * /event-cancel, /event-delete ("deleting the event on the organizer's calendar sends a
	 * cancellation message to the meeting attendees")
	 */
	eventAttendees: {
		resolve: async (context) => {
			const event = await organisedEvent(context);
			if (event.isOrganizer === true) return { recipients: addressesOf(event.attendees) };
			// An update that sets attendees sends the meeting's others along (a PATCH replaces the
			// whole list); what Exchange does with an invitation's copy given attendees is not
			// documented, so they count as reached.
			// The fields are the operation's declared ones (Event → Update's attendee fields and Rooms).
			const setsAttendees = context.reachFields.some((path) => {
				const read = readAddresses(context.field(path));
				return read.addresses.length > 0 || read.unreadable.length > 0;
			});
			if (!setsAttendees) return {};
			// The copy lists the mailbox itself among the attendees: not someone Outlook would mail.
			const own = await context.ownAddresses();
			return {
				recipients: addressesOf(event.attendees).filter((address) => !own.includes(address)),
			};
		},
	},

	/**
	 * The organizer of a meeting the mailbox attends: a response with sendResponse goes to them
	 * (https://learn.microsoft.com/graph/api/event-accept), and so does the notice of a forward
	 * (https://learn.microsoft.com/graph/api/event-forward). The organizer's own copy reaches nobody.
	 */
	eventOrganizer: {
		resolve: async (context) => {
			const event = await organisedEvent(context);
			if (event.isOrganizer === true) return {};
			return { recipients: addressesOf(event.organizer) };
		},
	},

	/**
	 * An inbox rule forwards or redirects every matching message to its own targets while it is on.
	 * Microsoft does not say whether an update's actions replace the rule's as a group or merge
	 * into them (https://learn.microsoft.com/graph/api/messagerule-update), and an Actions entry
	 * can build nothing (an empty Forward To): so each of Forward To, Forward as Attachment To and
	 * Redirect To keeps the rule's own targets unless the update gives it addresses of its own
	 * (checked as fields of the item), if the rule stays or becomes on.
	 * https://learn.microsoft.com/graph/api/resources/messageruleactions
	 */
	ruleForwardTargets: {
		resolve: async (context) => {
			const kept = RULE_FORWARDING.filter(
				(key) => readAddresses(context.field(`actions.${key}`)).addresses.length === 0,
			);
			if (!kept.length) return {};
			const rule = await read(
				context,
				'mailboxSettings',
				`${context.root}/mailFolders/inbox/messageRules/${segment(context.itemId('ruleId'))}`,
				'isEnabled,actions',
			);
			const enabled = context.field('updateFields.isEnabled') ?? rule.isEnabled;
			if (enabled === false) return {};
			const actions = (rule.actions ?? {}) as IDataObject;
			return { recipients: kept.flatMap((key) => addressesOf(actions[key])) };
		},
	},

	/**
	 * A calendar shared with or delegated to the mailbox is listed among its own, with the person who
	 * shared it as `owner`; a meeting created in it invites as (or on behalf of) that person
	 * (https://learn.microsoft.com/graph/outlook-create-event-in-shared-delegated-calendar,
	 * https://learn.microsoft.com/graph/api/resources/calendar: owner). Compared with the owner of
	 * the mailbox's default calendar, which is the mailbox itself whatever form its ID takes. A
	 * calendar the author wrote into the field is theirs to choose, as a Mailbox they wrote is.
	 */
	calendarOwner: {
		findsFrom: true,
		resolve: async (context) => {
			if (context.fixed('calendar')) return {};
			const id = context.itemId('calendar');
			if (!id) return {};
			const [calendar, own] = [
				await read(context, 'calendar', `${context.root}/calendars/${segment(id)}`, 'owner'),
				await read(context, 'calendar', `${context.root}/calendar`, 'owner'),
			];
			const owner = addressesOf(calendar.owner);
			const mine = addressesOf(own.owner);
			if (!mine.length) mine.push(...(await context.ownAddresses()));
			return { from: owner.filter((address) => !mine.includes(address)) };
		},
	},

	/**
	 * Automatic replies, once on, go to whoever writes in: senders in the organization, and outside
	 * it everyone or only the mailbox's contacts as `externalAudience` says.
	 * https://learn.microsoft.com/graph/api/resources/automaticrepliessetting
	 */
	automaticRepliesAudience: {
		resolve: async (context) => {
			if (String(context.field('status') ?? 'disabled') === 'disabled') return {};
			const external = String(context.field('externalAudience') ?? 'all');
			const audiences: Audience[] = ['senders inside the organization'];
			if (external === 'contactsOnly')
				audiences.push("senders outside the organization in the mailbox's contacts");
			else if (external !== 'none') audiences.push('senders outside the organization');
			return { audiences };
		},
	},
};
