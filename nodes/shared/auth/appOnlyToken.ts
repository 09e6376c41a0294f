/**
 * App-only tokens for callers outside the Graph transport, above all the Outlook IMAP Trigger:
 * XOAUTH2 as the chosen mailbox with the app's token for Exchange Online
 * (`https://outlook.office365.com/.default` per cloud; Exchange checks IMAP.AccessAsApp and the
 * service principal's Add-MailboxPermission grant on that mailbox).
 * https://learn.microsoft.com/exchange/client-developer/legacy-protocols/how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth
 *
 * The token comes from the same cached msal-node client as the Graph nodes', so a trigger that
 * reconnects every few minutes asks the sign-in endpoint once an hour, not once per connection.
 */
import type { AppOnlyCredentialFields, AppOnlyTokenOptions } from './appOnly';
import {
	acquireTokenForScope,
	graphDefaultScope,
	imapDefaultScope,
	resolveAppOnlyCredential,
} from './appOnly';

export type AppOnlyAudience = 'graph' | 'imap';

export interface AppOnlyAccessToken {
	accessToken: string;
	/** When the token expires; reconnect with a new one before then. */
	expiresOn: Date | null;
	/** The IMAP host of the credential's cloud (or its Custom IMAP Host). */
	imapHost: string;
}

/**
 * A token for Graph or for Exchange Online IMAP. Throws AppOnlyCredentialError (a field to fix)
 * or AppOnlyTokenError (Microsoft refused; `explainAppOnlyTokenError` gives cause and fix). Never
 * log or return the token.
 */
export async function acquireAppOnlyToken(
	credentials: AppOnlyCredentialFields,
	audience: AppOnlyAudience,
	options: AppOnlyTokenOptions,
): Promise<AppOnlyAccessToken> {
	const credential = resolveAppOnlyCredential(credentials);
	const scope = audience === 'imap' ? imapDefaultScope(credential) : graphDefaultScope(credential);
	const token = await acquireTokenForScope(credential, scope, options);
	return {
		accessToken: token.accessToken,
		expiresOn: token.expiresOn,
		imapHost: credential.environment.imapHost,
	};
}
