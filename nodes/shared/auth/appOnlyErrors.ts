/**
 * What to do when an app-only request is refused. Two causes answer 403 ErrorAccessDenied alike:
 * the app lacks the Graph application permission (no role in its token), or Exchange Online keeps
 * the app out of that mailbox (RBAC for Applications management scope, or the older application
 * access policy). The token's `roles` claim tells them apart.
 *
 * Sources:
 * - https://learn.microsoft.com/graph/permissions-reference (application permissions)
 * - https://learn.microsoft.com/exchange/permissions-exo/application-rbac (RBAC for Applications)
 * - https://learn.microsoft.com/graph/auth-limit-mailbox-access (application access policy)
 * - https://learn.microsoft.com/entra/identity-platform/reference-error-codes (AADSTS codes)
 */
import type { MicrosoftErrorExplanation } from './microsoft-errors';
import { explainMicrosoftError } from './microsoft-errors';

/** The application permission behind a delegated one: app permissions have no `.Shared` variant. */
export function applicationPermission(permission: string | undefined): string | undefined {
	return permission?.replace(/\.Shared$/i, '');
}

/** Whether the granted roles cover a permission (ReadWrite covers Read). */
export function rolesInclude(roles: string[], permission: string): boolean {
	const wanted = permission.toLowerCase();
	const readWrite = wanted.replace(/\.read$/, '.readwrite');
	return roles.some((role) => [wanted, readWrite].includes(role.toLowerCase()));
}

export interface AppOnlyAccessContext {
	/** The (delegated) permission the operation names, e.g. Mail.ReadWrite.Shared. */
	permission?: string;
	action?: string;
	/** The token's roles; undefined when unknown. */
	roles?: string[];
	clientId?: string;
	/** Graph's error code and message. */
	code?: string;
	message?: string;
}

/** The Exchange Online commands that let the app into one more mailbox. */
export function mailboxScopeFix(permission: string | undefined, clientId?: string): string {
	const app = clientId ?? '<Application (client) ID>';
	const role = `Application ${permission ?? 'Mail.ReadWrite'}`;
	return (
		'An Exchange administrator must allow the app into this mailbox (Exchange Online PowerShell): with RBAC for Applications, ' +
		`add the mailbox to the app's management scope or run New-ManagementRoleAssignment -App ${app} -Role "${role}" -CustomResourceScope <scope>, ` +
		`and check with Test-ServicePrincipalAuthorization -Identity ${app} -Resource <mailbox>; with the older application access policy, ` +
		`add the mailbox to the policy's group and check with Test-ApplicationAccessPolicy -Identity <mailbox> -AppId ${app}. ` +
		'Exchange can take up to an hour to apply a change.'
	);
}

/** The description of a 403 answered to the app-only credential. */
export function appOnlyAccessHint(context: AppOnlyAccessContext): string {
	const permission = applicationPermission(context.permission);
	const what = context.action ? ` to ${context.action}` : '';
	if (context.code === 'Authorization_RequestDenied' && !permission) {
		return (
			'The app may not read the directory. For the credential test without a Test Mailbox, add Microsoft Graph → Application ' +
			'permissions → User.Read.All and grant admin consent, or enter a Test Mailbox.'
		);
	}
	const policyBlocked = /\[RAOP\]|AccessPolicy|management scope/i.test(context.message ?? '');
	const lacksRole =
		!policyBlocked &&
		permission !== undefined &&
		context.roles !== undefined &&
		!rolesInclude(context.roles, permission);
	if (lacksRole) {
		const held = context.roles!.length ? context.roles!.join(', ') : 'none';
		return (
			`The app has no ${permission} application permission${what} (its token grants: ${held}). In the app registration add ` +
			`Microsoft Graph → Application permissions → ${permission} and click "Grant admin consent". n8n keeps a token until ` +
			'shortly before it expires (about an hour), so the new permission applies after that or after n8n restarts.'
		);
	}
	const holds = permission
		? `The app holds ${permission}${what}, so Exchange Online refused this mailbox: it is outside the mailboxes the app may open. `
		: 'Exchange Online refused this mailbox to the app: it is outside the mailboxes the app may open, or the app lacks the permission. ';
	return holds + mailboxScopeFix(permission, context.clientId);
}

/**
 * Token-endpoint codes that only app-only access meets, or whose general fix names fields of the
 * OAuth2 credential (Account Type), in the same cause + fix shape.
 */
const APP_ONLY_TOKEN_ERRORS: Record<string, { cause: string; fix: string }> = {
	AADSTS700016: {
		cause:
			'No app with this Client ID exists in the tenant the credential signs in to: the Client ID is wrong, or the app is registered in another tenant.',
		fix: "Copy the Application (client) ID from the app registration's Overview page into the credential's Client ID, and make sure Tenant is the directory where the app is registered (and Environment its cloud).",
	},
	AADSTS700027: {
		cause:
			'Microsoft could not verify the client assertion: the certificate is not uploaded to this app registration, or the key does not match it.',
		fix: 'Upload the certificate (the .cer/.pem, public part only) under Certificates & secrets in the app registration; its thumbprint must match the one the credential test reports.',
	},
	AADSTS700024: {
		cause: "The client assertion is outside its validity window: the n8n server's clock is wrong.",
		fix: "Synchronise the n8n server's clock (NTP) and try again.",
	},
	AADSTS1002012: {
		cause: 'The scope is not valid for client credentials (it must end in /.default).',
		fix: 'Check the Graph URL of a Custom environment; it must be the Graph root without /v1.0.',
	},
	AADSTS90002: {
		cause: 'No tenant with this ID or domain exists in this cloud.',
		fix: "Copy the Directory (tenant) ID from the app registration's Overview page, and check the Environment.",
	},
	AADSTS7000112: {
		cause: 'The application is disabled in the tenant.',
		fix: 'Ask an administrator to enable the enterprise application (Enterprise applications → Properties → Enabled for users to sign in).',
	},
};

/** Cause and fix of a token-endpoint error for the app-only credential. */
export function explainAppOnlyTokenError(
	code: string | undefined,
	message: string,
): MicrosoftErrorExplanation | undefined {
	const aadsts = /\bAADSTS\d{3,}\b/.exec(message)?.[0];
	if (aadsts && APP_ONLY_TOKEN_ERRORS[aadsts])
		return { code: aadsts, ...APP_ONLY_TOKEN_ERRORS[aadsts] };
	const general = explainMicrosoftError({ code, message });
	if (!general) return undefined;
	// The general table's fixes end in "reconnect"; app-only has nothing to reconnect.
	return {
		...general,
		fix: general.fix.replace(/,? (save, )?and reconnect\.?$/i, ', and save the credential.'),
	};
}

/**
 * What to tell the user when Exchange Online refuses the app's IMAP login (NO AUTHENTICATE
 * failed) although a token was issued: the service principal is not registered in Exchange or
 * not granted on the mailbox, IMAP.AccessAsApp lacks consent, or IMAP is off for the mailbox.
 * https://learn.microsoft.com/exchange/client-developer/legacy-protocols/how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth#register-service-principals-in-exchange
 */
export function appOnlyImapLoginFix(mailbox: string, clientId?: string): string {
	const app = clientId ?? '<Application (client) ID>';
	return (
		`Exchange Online refused the app's IMAP login to ${mailbox}. In Exchange Online PowerShell register the app once ` +
		`(New-ServicePrincipal -AppId ${app} -ObjectId <enterprise application object ID>), grant it the mailbox ` +
		`(Add-MailboxPermission -Identity ${mailbox} -User <enterprise application object ID> -AccessRights FullAccess) ` +
		`and turn IMAP on (Set-CASMailbox -Identity ${mailbox} -ImapEnabled $true); in the app registration add Office 365 ` +
		'Exchange Online → Application permissions → IMAP.AccessAsApp and grant admin consent.'
	);
}
