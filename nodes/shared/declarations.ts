/**
 * What an operation does, declared in its module beside `description` and `execute`
 * (`export const declaration`). The resource tables refuse an operation without one
 * (`defineResource`), so an operation cannot ship undeclared; the AI-tool limits, the permission
 * hints and the demo's coverage are computed from these declarations, and the tests that prove
 * them are generated from the resource tables.
 *
 * A declaration says the most an operation can do, not what one call happened to do: Event →
 * Update declares that it sends, because Exchange mails the attendees of a meeting whose organizer
 * changes it, though an event without attendees mails nobody.
 */
import type { INodeProperties } from 'n8n-workflow';

/**
 * - `read`: reads only; changes nothing (a GET, or a POST Graph documents as a query such as
 *   getSchedule or findMeetingTimes);
 * - `change`: changes the mailbox (items, folders, calendars, settings) and mails nobody;
 * - `draft`: saves a draft, which reaches its recipients only when someone sends it;
 * - `send`: sends mail, or makes Exchange send it (meeting requests, updates and cancellations,
 *   responses to the organizer, automatic replies, rules that forward).
 */
export type OperationKind = 'read' | 'change' | 'draft' | 'send';

/**
 * Recipients Graph or Exchange adds on its own, which no field of the item names:
 * - `replyTargets`: a reply goes to the original's Reply-To, or else its sender
 *   (https://learn.microsoft.com/graph/api/message-reply);
 * - `replyAllTargets`: a reply-all also to the original's To and CC
 *   (https://learn.microsoft.com/graph/api/message-replyall);
 * - `draftRecipients`: a draft keeps its own To, CC, BCC, Reply-To and From (sent by message-send,
 *   kept by an update that leaves them);
 * - `eventAttendees`: Exchange mails a meeting's attendees when its organizer updates, cancels or
 *   deletes it (https://learn.microsoft.com/graph/api/event-update, event-cancel, event-delete:
 *   "deleting the event on the organizer's calendar sends a cancellation message");
 * - `eventOrganizer`: the organizer of a meeting the mailbox attends: an accept, tentative accept or
 *   decline with `sendResponse` goes to them (https://learn.microsoft.com/graph/api/event-accept),
 *   and forwarding the invitation notifies them ("this action also sends a message to notify the
 *   organizer of the forwarding", https://learn.microsoft.com/graph/api/event-forward);
 * - `automaticRepliesAudience`: automatic replies go to whoever writes in: the organisation's
 *   senders, and outside senders (all, or only the mailbox's contacts) as `externalAudience` says
 *   (https://learn.microsoft.com/graph/api/resources/automaticrepliessetting);
 * - `ruleForwardTargets`: an inbox rule's own Forward To, Forward as Attachment To and Redirect To,
 *   which Exchange keeps sending every matching message to while the rule is on, unless an
 *   update gives that action addresses of its own
 *   (https://learn.microsoft.com/graph/api/resources/messageruleactions);
 * - `calendarOwner`: not a recipient but the sender: a meeting created in a calendar shared with or
 *   delegated to the mailbox (Calendar) is sent as or on behalf of that calendar's owner
 *   (https://learn.microsoft.com/graph/outlook-create-event-in-shared-delegated-calendar), so the
 *   owner is checked like a From.
 */
export type ImplicitRecipients =
	| 'replyTargets'
	| 'replyAllTargets'
	| 'draftRecipients'
	| 'eventAttendees'
	| 'eventOrganizer'
	| 'automaticRepliesAudience'
	| 'ruleForwardTargets'
	| 'calendarOwner';

/** Where the people an operation reaches come from. */
export type Reach =
	/**
	 * A field of the item, by its parameter path (`toRecipients`, `additionalFields.ccRecipients`,
	 * or into a fixed collection: `actions.action.forwardTo`): addresses the user (or a model)
	 * fills in. `role: 'replyTo'` marks where replies go (Reply-To): checked against a recipient
	 * allow-list like a recipient, but not counted as one.
	 */
	| { field: string; label: string; role?: 'replyTo' }
	/**
	 * Recipients Graph or Exchange adds on its own. `when` names a boolean field that must be on
	 * for them to be reached (Respond's Send Response).
	 */
	| { implicit: ImplicitRecipients; when?: string };

export interface OperationDeclaration {
	/** The most the operation can do. */
	does: OperationKind;
	/**
	 * Who the mail reaches (`send`), or would reach once the draft is sent (`draft`): every field
	 * that names a recipient (To, CC, BCC, Reply-To, attendees, forward targets) and every
	 * recipient Graph adds on its own. Required for `send` and `draft`; empty otherwise.
	 */
	reaches?: Reach[];
	/** Fields that choose whom the mail is from (send as, send on behalf of). */
	from?: string[];
	/**
	 * `send` only: mail goes out only when `reaches` finds someone (a meeting with attendees, a
	 * response asked to be sent, automatic replies switched on); otherwise the operation only
	 * changes the mailbox.
	 */
	sendsOnlyWhenReaching?: boolean;
	/**
	 * `send` only: the operation of the same resource table that saves a draft with the same fields
	 * instead (Message → Reply → Draft → Create Reply), for limits that allow drafts only.
	 */
	asDraft?: { resource: string; operation: string };
}

/** Field paths a declaration names (`reaches` fields and `from`). */
export function declaredFields(declaration: OperationDeclaration): string[] {
	return [
		...(declaration.reaches ?? []).flatMap((reach) => ('field' in reach ? [reach.field] : [])),
		...(declaration.from ?? []),
	];
}

/**
 * The fields an operation needs for each implicit source to be resolved: the item the recipients
 * are read from (a message or draft, a meeting), or the fields that say who is reached.
 */
export const IMPLICIT_SOURCE_FIELDS: { [Source in ImplicitRecipients]: string[] } = {
	replyTargets: ['messageId'],
	replyAllTargets: ['messageId'],
	draftRecipients: ['messageId'],
	eventAttendees: ['eventId'],
	eventOrganizer: ['eventId'],
	automaticRepliesAudience: ['status', 'externalAudience'],
	// The rule, and what an update changes: its state, and actions that replace the old ones.
	ruleForwardTargets: ['ruleId', 'updateFields.isEnabled', 'actions'],
	calendarOwner: ['calendar'],
};

/**
 * Fields that choose whom mail is sent as without naming an address, and the source that reads
 * who that is: an operation that sends or saves a draft and has the field must name the source,
 * so a new operation cannot put mail in another person's calendar unchecked.
 */
const SENDER_FIELDS: Array<{ field: string; source: ImplicitRecipients }> = [
	{ field: 'calendar', source: 'calendarOwner' },
];

/** Boolean fields that condition implicit recipients (`when`). */
export function declaredConditions(declaration: OperationDeclaration): string[] {
	return (declaration.reaches ?? []).flatMap((reach) =>
		'implicit' in reach && reach.when ? [reach.when] : [],
	);
}

/** Implicit recipient sources a declaration names. */
export function declaredImplicit(declaration: OperationDeclaration): ImplicitRecipients[] {
	return (declaration.reaches ?? []).flatMap((reach) =>
		'implicit' in reach ? [reach.implicit] : [],
	);
}

/** Whether `path` (`additionalFields.ccRecipients`) names a field of `properties`. */
function hasField(properties: INodeProperties[], path: string): boolean {
	const [head, ...rest] = path.split('.');
	const field = properties.find((p) => p.name === head);
	if (!field) return false;
	if (!rest.length) return true;
	const children = (field.options ?? []).flatMap((option) =>
		'values' in option && Array.isArray(option.values)
			? option.values
			: 'type' in option
				? [option as INodeProperties]
				: [],
	);
	return hasField(children, rest.join('.'));
}

/**
 * Why a declaration is not valid for an operation with these fields, or undefined. Checked when
 * the resource table is built, so a node with a wrong declaration does not load.
 */
export function declarationProblem(
	declaration: OperationDeclaration | undefined,
	properties: INodeProperties[],
): string | undefined {
	if (!declaration || typeof declaration !== 'object') return 'it declares nothing';
	const kinds: OperationKind[] = ['read', 'change', 'draft', 'send'];
	if (!kinds.includes(declaration.does)) return `"does" is ${String(declaration.does)}`;
	const reaches = declaration.reaches ?? [];
	if (!Array.isArray(reaches)) return '"reaches" is not a list';
	if ((declaration.does === 'send' || declaration.does === 'draft') && !reaches.length)
		return `it ${declaration.does === 'send' ? 'sends' : 'saves drafts'} but names no recipients`;
	if ((declaration.does === 'read' || declaration.does === 'change') && reaches.length)
		return `it reaches recipients but declares "${declaration.does}"`;
	if (declaration.does !== 'send' && (declaration.sendsOnlyWhenReaching || declaration.asDraft))
		return 'sendsOnlyWhenReaching and asDraft apply to operations that send';
	for (const reach of reaches) {
		if ('implicit' in reach && !Object.hasOwn(IMPLICIT_SOURCE_FIELDS, reach.implicit))
			return `it names an unknown source of recipients: ${String(reach.implicit)}`;
		if ('field' in reach && reach.role !== undefined && reach.role !== 'replyTo')
			return `the field ${reach.field} has an unknown role ${String(reach.role)}`;
	}
	const missing = [
		...declaredFields(declaration),
		...declaredConditions(declaration),
		...declaredImplicit(declaration).flatMap((source) => IMPLICIT_SOURCE_FIELDS[source]),
	].filter((path) => !hasField(properties, path));
	if (missing.length) return `it names fields it does not have: ${missing.join(', ')}`;
	if (declaration.does === 'send' || declaration.does === 'draft')
		for (const { field, source } of SENDER_FIELDS)
			if (hasField(properties, field) && !declaredImplicit(declaration).includes(source))
				return `its field ${field} chooses whom it sends as, and it does not name ${source}`;
	return undefined;
}
