/**
 * The delegated permission an operation needs, keyed by what it does (read / write / send) and
 * whose mailbox it works in, so a 403 names the one to add. Both Graph nodes use this table.
 * Another user's mailbox needs the `.Shared` variant the credential offers.
 * https://learn.microsoft.com/graph/permissions-reference#mail-permissions
 * https://learn.microsoft.com/graph/permissions-reference#calendars-permissions
 * https://learn.microsoft.com/graph/permissions-reference#mailboxsettings-permissions
 * https://learn.microsoft.com/graph/permissions-reference#contacts-permissions
 * https://learn.microsoft.com/graph/permissions-reference#place-permissions
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { isOtherMailbox } from './descriptions';

export type Access = 'read' | 'write' | 'send';

export type PermissionArea = 'mail' | 'calendar' | 'mailboxSettings' | 'contacts' | 'places';

export interface PermissionHint {
	permission: string;
	action: string;
}

const PERMISSIONS: Record<PermissionArea, Record<'own' | 'shared', Record<Access, string>>> = {
	mail: {
		own: { read: 'Mail.Read', write: 'Mail.ReadWrite', send: 'Mail.Send' },
		shared: {
			read: 'Mail.ReadWrite.Shared',
			write: 'Mail.ReadWrite.Shared',
			send: 'Mail.Send.Shared',
		},
	},
	calendar: {
		// Cancelling and answering invitations send mail as the calendar's owner, which Graph grants
		// with Calendars.ReadWrite (no Mail.Send needed). Forwarding needs only Calendars.Read
		// (event-forward), so Event → Forward asks for 'read'.
		own: { read: 'Calendars.Read', write: 'Calendars.ReadWrite', send: 'Calendars.ReadWrite' },
		shared: {
			read: 'Calendars.ReadWrite.Shared',
			write: 'Calendars.ReadWrite.Shared',
			send: 'Calendars.ReadWrite.Shared',
		},
	},
	// Automatic replies, inbox rules (mailfolder-list-messagerules, mailfolder-post-messagerules: a
	// rule that forwards needs MailboxSettings.ReadWrite alone), the master category list
	// (outlookuser-list-mastercategories) and other mailbox settings. There is no `.Shared` variant:
	// another user's settings need that user's consent or the app-only credential's
	// MailboxSettings.ReadWrite.
	mailboxSettings: {
		own: { read: 'MailboxSettings.Read', write: 'MailboxSettings.ReadWrite', send: 'Mail.Send' },
		shared: {
			read: 'MailboxSettings.Read',
			write: 'MailboxSettings.ReadWrite',
			send: 'Mail.Send.Shared',
		},
	},
	// Personal contacts and contact folders (contact-get, user-post-contacts, contact-delta).
	contacts: {
		own: { read: 'Contacts.Read', write: 'Contacts.ReadWrite', send: 'Contacts.ReadWrite' },
		// As for mail, the credential offers one shared permission, which covers reading too.
		shared: {
			read: 'Contacts.ReadWrite.Shared',
			write: 'Contacts.ReadWrite.Shared',
			send: 'Contacts.ReadWrite.Shared',
		},
	},
	// Rooms and room lists are the tenant's, not a mailbox's: the same permission either way.
	// https://learn.microsoft.com/graph/api/place-list
	places: {
		own: { read: 'Place.Read.All', write: 'Place.Read.All', send: 'Place.Read.All' },
		shared: { read: 'Place.Read.All', write: 'Place.Read.All', send: 'Place.Read.All' },
	},
};

/**
 * The permission for `access` in the item's mailbox, with what the operation does, for the 403 hint.
 * The app-only credential always works in another mailbox, but application permissions have no
 * `.Shared` variant and carry the names of the signed-in user's own ones (Mail.Read reads any
 * mailbox the app may open): it gets the `own` row, not the shared row's ReadWrite for a read.
 */
export function permissionHint(
	ctx: IExecuteFunctions,
	itemIndex: number,
	area: PermissionArea,
	access: Access,
	action: string,
): PermissionHint {
	const appOnly = ctx.getNodeParameter('authentication', itemIndex, 'oAuth2') === 'appOnly';
	const whose = !appOnly && isOtherMailbox(ctx, itemIndex) ? 'shared' : 'own';
	return { permission: PERMISSIONS[area][whose][access], action };
}
