/**
 * Permission groups the credential offers, and the delegated scopes each one asks for.
 * https://learn.microsoft.com/graph/permissions-reference
 */
export const IMAP_SCOPE_NAME = 'IMAP.AccessAsUser.All';

export interface PermissionGroup {
	value: string;
	name: string;
	description: string;
	/** Graph delegated permissions (short names, as the portal lists them). */
	graphScopes: string[];
	/** True for the IMAP trigger's Exchange Online permission. */
	imap?: boolean;
	/** Whether a tenant administrator must consent (per the permissions reference). */
	adminConsent: boolean;
}

export const PERMISSION_GROUPS: PermissionGroup[] = [
	{
		value: 'mailRead',
		name: 'Read Mail',
		description: 'Read messages and folders (Mail.Read)',
		graphScopes: ['Mail.Read'],
		adminConsent: false,
	},
	{
		value: 'mailReadWrite',
		name: 'Read and Write Mail',
		description: 'Create, update, move and delete messages, drafts and folders (Mail.ReadWrite)',
		graphScopes: ['Mail.ReadWrite'],
		adminConsent: false,
	},
	{
		value: 'mailSend',
		name: 'Send Mail',
		description: 'Send messages, replies and forwards (Mail.Send)',
		graphScopes: ['Mail.Send'],
		adminConsent: false,
	},
	{
		value: 'mailShared',
		name: 'Shared Mailboxes',
		description:
			'Read, write and send from mailboxes shared with you (Mail.ReadWrite.Shared, Mail.Send.Shared)',
		graphScopes: ['Mail.ReadWrite.Shared', 'Mail.Send.Shared'],
		adminConsent: false,
	},
	{
		value: 'calendarsRead',
		name: 'Read Calendars',
		description: 'Read events and calendars (Calendars.Read)',
		graphScopes: ['Calendars.Read'],
		adminConsent: false,
	},
	{
		value: 'calendarsReadWrite',
		name: 'Read and Write Calendars',
		description: 'Create, update, respond to and delete events and calendars (Calendars.ReadWrite)',
		graphScopes: ['Calendars.ReadWrite'],
		adminConsent: false,
	},
	{
		value: 'calendarsShared',
		name: 'Shared Calendars',
		description: 'Work with calendars other people shared with you (Calendars.ReadWrite.Shared)',
		graphScopes: ['Calendars.ReadWrite.Shared'],
		adminConsent: false,
	},
	{
		value: 'mailboxSettings',
		name: 'Mailbox Settings',
		description:
			'Read time zone, automatic replies and other mailbox settings (MailboxSettings.Read)',
		graphScopes: ['MailboxSettings.Read'],
		adminConsent: false,
	},
	{
		value: 'mailboxSettingsReadWrite',
		name: 'Read and Write Mailbox Settings',
		description:
			'Read and change automatic replies (out of office) and other mailbox settings (MailboxSettings.ReadWrite)',
		graphScopes: ['MailboxSettings.ReadWrite'],
		adminConsent: false,
	},
	{
		value: 'contactsRead',
		name: 'Read Contacts',
		description: 'Read contacts and contact folders (Contacts.Read)',
		graphScopes: ['Contacts.Read'],
		adminConsent: false,
	},
	{
		value: 'contactsReadWrite',
		name: 'Read and Write Contacts',
		description: 'Create, update and delete contacts and contact folders (Contacts.ReadWrite)',
		graphScopes: ['Contacts.ReadWrite'],
		adminConsent: false,
	},
	{
		value: 'contactsShared',
		name: 'Shared Contacts',
		description: 'Work with contacts other people shared with you (Contacts.ReadWrite.Shared)',
		graphScopes: ['Contacts.ReadWrite.Shared'],
		adminConsent: false,
	},
	{
		value: 'places',
		name: 'Rooms and Room Lists',
		description:
			"Read the organisation's meeting rooms and room lists (Place.Read.All; an administrator must consent)",
		graphScopes: ['Place.Read.All'],
		// https://learn.microsoft.com/graph/permissions-reference#placereadall
		adminConsent: true,
	},
	{
		value: 'imap',
		name: 'IMAP Trigger',
		description:
			'Let the Outlook IMAP Trigger read mail over IMAP (IMAP.AccessAsUser.All on Office 365 Exchange Online)',
		graphScopes: [],
		imap: true,
		adminConsent: false,
	},
];

export const DEFAULT_PERMISSIONS = [
	'mailReadWrite',
	'mailSend',
	'calendarsReadWrite',
	'mailboxSettings',
];

/** Always requested: refresh tokens, sign-in identity, and the signed-in user's profile. */
export const ALWAYS_GRAPH_SCOPES = ['User.Read'];
export const OIDC_SCOPES = ['offline_access', 'openid', 'profile', 'email'];

export interface ScopeSettings {
	permissions?: string[];
	additionalScopes?: string;
}

function unique(values: string[]): string[] {
	const seen = new Set<string>();
	return values.filter((value) => {
		const key = value.toLowerCase();
		if (seen.has(key)) return false;
		seen.add(key);
		return true;
	});
}

/**
 * The ordered scope list. Microsoft issues an access token for a single resource: the resource of
 * the first scope in the request. Graph scopes therefore come first and the IMAP scope last, so the
 * token n8n stores is a Graph token; the IMAP trigger redeems the refresh token for its own token.
 * https://learn.microsoft.com/entra/identity-platform/scopes-oidc#the-default-scope
 *
 * @param graphResource prefix for Graph scopes outside the global cloud ('' for short names)
 * @param imapResource the IMAP token audience, e.g. https://outlook.office.com
 */
export function buildScopes(
	settings: ScopeSettings,
	graphResource: string,
	imapResource: string,
): string[] {
	const chosen = PERMISSION_GROUPS.filter((group) =>
		(settings.permissions ?? []).includes(group.value),
	);
	const prefix = graphResource ? `${graphResource}/` : '';
	const graph = [...ALWAYS_GRAPH_SCOPES, ...chosen.flatMap((group) => group.graphScopes)].map(
		(s) => prefix + s,
	);
	const extra = (settings.additionalScopes ?? '').split(/[\s,]+/).filter(Boolean);
	const imap = chosen.some((group) => group.imap) ? [`${imapResource}/${IMAP_SCOPE_NAME}`] : [];
	return unique([...graph, ...extra, ...OIDC_SCOPES, ...imap]);
}

/** True when the granted scope string (as Microsoft returns it) holds the given permission. */
export function scopeIncludes(granted: string | undefined, permission: string): boolean {
	if (!granted) return false;
	const wanted = permission.toLowerCase();
	return granted
		.split(/\s+/)
		.map((scope) => scope.toLowerCase())
		.some((scope) => scope === wanted || scope.endsWith(`/${wanted}`));
}
