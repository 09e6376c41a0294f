/**
 * Parameter blocks two or more nodes share: the Mailbox field (the signed-in user or another
 * mailbox) and helpers to read it.
 */
import type { IExecuteFunctions, ILoadOptionsFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { mailboxRoot } from './graph/request';

export { updateDisplayOptions } from 'n8n-workflow';

/** A mailbox given by address (UPN or SMTP) or by user object ID (GUID). */
const MAILBOX_ADDRESS = /^[^\s@/\\?#]+@[^\s@/\\?#]+\.[^\s@/\\?#]+$/;
const OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The shared Mailbox field. "My mailbox" is `/me`; another mailbox (shared or delegated) is
 * `/users/{address or ID}`, which needs the *Shared Mailboxes* / *Shared Calendars* permissions.
 */
export function mailboxProperties(what: 'mailbox' | 'calendar' = 'mailbox'): INodeProperties[] {
	const label = what === 'mailbox' ? 'Mailbox' : 'Calendar Owner';
	return [
		{
			displayName: label,
			name: 'mailbox',
			type: 'options',
			options: [
				{
					name: what === 'mailbox' ? 'My Mailbox' : 'Me',
					value: 'me',
					description: 'The account the credential signed in with',
				},
				{
					name:
						what === 'mailbox'
							? 'Another Mailbox (Shared or Delegated)'
							: 'Another User (Shared or Delegated)',
					value: 'other',
					description:
						'A mailbox someone shared with you; needs the Shared permissions in the credential',
				},
			],
			default: 'me',
			description: `Whose ${what} to work in`,
		},
		{
			displayName: `${label} Address or ID`,
			name: 'mailboxId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. shared@contoso.com',
			description: 'Email address (or user principal name, or user object ID) of the mailbox',
			displayOptions: { show: { mailbox: ['other'] } },
		},
	];
}

/**
 * Whose mailbox the node works in: 'me' or 'other' as the Mailbox field says, and always 'other'
 * with the app-only credential (no signed-in user). Read through this, not from `mailbox` alone:
 * the field keeps its value while Authentication changes, and app-only does not set it.
 */
export function mailboxChoice(read: (name: string, fallback: string) => unknown): 'me' | 'other' {
	if (read('authentication', 'oAuth2') === 'appOnly') return 'other';
	return read('mailbox', 'me') === 'other' ? 'other' : 'me';
}

/** The Graph root for the item's Mailbox field: `/me` or `/users/{encoded address}`. */
export function getMailboxRoot(
	ctx: IExecuteFunctions | ILoadOptionsFunctions,
	itemIndex = 0,
): string {
	const choice = mailboxChoice((name, fallback) => ctx.getNodeParameter(name, itemIndex, fallback));
	if (choice === 'me') return '/me';
	const id = String(ctx.getNodeParameter('mailboxId', itemIndex, '') ?? '').trim();
	if (!MAILBOX_ADDRESS.test(id) && !OBJECT_ID.test(id)) {
		throw new NodeOperationError(
			ctx.getNode(),
			`"${id}" in the field Mailbox Address or ID is not an email address or user ID`,
			{
				itemIndex,
				description: 'Enter the shared mailbox address, e.g. shared@contoso.com',
			},
		);
	}
	return mailboxRoot(id);
}

/** Whether the item works in a mailbox other than the signed-in user's (for the permission hint on 403). */
export function isOtherMailbox(
	ctx: IExecuteFunctions | ILoadOptionsFunctions,
	itemIndex = 0,
): boolean {
	return (
		mailboxChoice((name, fallback) => ctx.getNodeParameter(name, itemIndex, fallback)) === 'other'
	);
}

export const returnAllField: INodeProperties = {
	displayName: 'Return All',
	name: 'returnAll',
	type: 'boolean',
	default: false,
	description: 'Whether to return all results or only up to a given limit',
};

export const limitField: INodeProperties = {
	displayName: 'Limit',
	name: 'limit',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 50,
	description: 'Max number of results to return',
	displayOptions: { show: { returnAll: [false] } },
};

/** The Return All / Limit pair of every Get Many operation (read with `graphPages`/`graphCollect`). */
export const returnAllOrLimit: INodeProperties[] = [returnAllField, limitField];

/** Graph's `importance` of messages and events (low, normal, high). */
export const importanceField: INodeProperties = {
	displayName: 'Importance',
	name: 'importance',
	type: 'options',
	options: [
		{ name: 'Low', value: 'low' },
		{ name: 'Normal', value: 'normal' },
		{ name: 'High', value: 'high' },
	],
	default: 'normal',
};
