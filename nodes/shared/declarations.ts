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
 * - `draftRecipients`: a draft keeps its own To, CC and BCC (sent by message-send, changed by an
 *   update that leaves them);
 * - `eventAttendees`: Exchange mails a meeting's attendees when its organizer updates, cancels or
 *   deletes it (https://learn.microsoft.com/graph/api/event-update, event-cancel, event-delete:
 *   "deleting the event on the organizer's calendar sends a cancellation message");
 * - `eventOrganizer`: an accept, tentative accept or decline with `sendResponse` goes to the
 *   organizer (https://learn.microsoft.com/graph/api/event-accept);
 * - `automaticRepliesAudience`: automatic replies go to whoever writes in: the organisation's
 *   senders, and outside senders (all, or only the mailbox's contacts) as `externalAudience` says
 *   (https://learn.microsoft.com/graph/api/resources/automaticrepliessetting).
 */
export type ImplicitRecipients =
	| 'replyTargets'
	| 'replyAllTargets'
	| 'draftRecipients'
	| 'eventAttendees'
	| 'eventOrganizer'
	| 'automaticRepliesAudience';

/** Where the people an operation reaches come from. */
export type Reach =
	/**
	 * A field of the item, by its parameter path (`toRecipients`, `additionalFields.ccRecipients`):
	 * addresses the user (or a model) fills in.
	 */
	| { field: string; label: string }
	/** Recipients Graph or Exchange adds on its own. */
	| { implicit: ImplicitRecipients };

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
	if ((declaration.does === 'send' || declaration.does === 'draft') && !reaches.length)
		return `it ${declaration.does === 'send' ? 'sends' : 'saves drafts'} but names no recipients`;
	if ((declaration.does === 'read' || declaration.does === 'change') && reaches.length)
		return `it reaches recipients but declares "${declaration.does}"`;
	if (declaration.does !== 'send' && (declaration.sendsOnlyWhenReaching || declaration.asDraft))
		return 'sendsOnlyWhenReaching and asDraft apply to operations that send';
	const missing = declaredFields(declaration).filter((path) => !hasField(properties, path));
	if (missing.length) return `it names fields it does not have: ${missing.join(', ')}`;
	return undefined;
}
