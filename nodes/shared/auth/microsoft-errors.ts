/**
 * Microsoft errors with a known cause, rewritten into the cause and the fix. The original code
 * always stays in the message the user sees, so it can still be searched for.
 *
 * Sources:
 * - AADSTS codes: https://learn.microsoft.com/entra/identity-platform/reference-error-codes
 * - Graph error codes: https://learn.microsoft.com/graph/errors and the Outlook resource docs
 *   (ErrorItemNotFound, ErrorInvalidUser, MailboxNotEnabledForRESTAPI)
 * - Throttling: https://learn.microsoft.com/graph/throttling
 * - Admin consent URL: https://learn.microsoft.com/entra/identity/enterprise-apps/grant-admin-consent#construct-the-url-for-granting-tenant-wide-admin-consent
 * - IMAP XOAUTH2: https://learn.microsoft.com/exchange/client-developer/legacy-protocols/how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth
 *
 * docs/troubleshooting.md holds the same table for readers; keep both in step.
 */

import { redactOpaque } from '../redact';
import { CLOUD_ENVIRONMENTS } from './environments';
import { TENANT_GUID_PATTERN } from './tenant';

export interface MicrosoftErrorInput {
	/** `error.code` of a Graph body, the OAuth `error` (invalid_grant…), an AADSTS code, or an IMAP response code. */
	code?: string;
	/** The message or `error_description`; an AADSTS code inside it is found. */
	message?: string;
	status?: number;
}

export interface MicrosoftErrorExplanation {
	/** The table key that matched, e.g. `AADSTS50194` or `ErrorAccessDenied`. */
	code: string;
	cause: string;
	fix: string;
}

/** What is known about the credential, to make a fix concrete (the admin-consent URL). */
export interface ExplainContext {
	authority?: string;
	tenant?: string;
	clientId?: string;
}

/**
 * The URL an administrator opens to consent for the whole organisation to the permissions the app
 * registration lists. A tenant or client ID not known stays a placeholder, as typed.
 */
export function adminConsentUrl(authority: string, tenant?: string, clientId?: string): string {
	const tenantSegment = tenant ? encodeURIComponent(tenant) : '{tenant}';
	const client = clientId ? encodeURIComponent(clientId) : '{client ID}';
	return `${authority.replace(/\/+$/, '')}/${tenantSegment}/adminconsent?client_id=${client}`;
}

interface Entry {
	cause: string;
	fix: string | ((context: ExplainContext) => string);
}

const RECONNECT = 'Open the credential and click Reconnect.';

const MULTI_TENANT_SEGMENTS = ['common', 'organizations', 'consumers'];
const CLIENT_ID_GUID = new RegExp(TENANT_GUID_PATTERN);

/**
 * The admin-consent URL on the credential's own sign-in host: each national cloud is a separate
 * Entra ID instance (https://learn.microsoft.com/graph/deployments), so an administrator there
 * cannot consent at login.microsoftonline.com. The tenant is filled in for a single tenant, the
 * client ID when it is one (a GUID: anything else may be a secret typed into the wrong field).
 */
const consentFix = (context: ExplainContext): string => {
	const tenant =
		context.tenant && !MULTI_TENANT_SEGMENTS.includes(context.tenant.toLowerCase())
			? context.tenant
			: undefined;
	const clientId =
		context.clientId && CLIENT_ID_GUID.test(context.clientId.trim())
			? context.clientId.trim()
			: undefined;
	const url = adminConsentUrl(
		context.authority ?? CLOUD_ENVIRONMENTS.global.authority,
		tenant,
		clientId,
	);
	return (
		'Reconnect the credential and accept the consent screen (Login Prompt: Force Consent shows it again). If your organisation requires an administrator to consent, ' +
		`ask one to open ${url} ` +
		'or to click "Grant admin consent" under API permissions in the app registration.'
	);
};

/** Keys are upper-cased for lookup. */
const TABLE: Record<string, Entry> = {
	AADSTS50194: {
		cause:
			'The app registration is single-tenant ("Accounts in this organizational directory only"), but the credential signs in through the multi-tenant endpoint (common or organizations).',
		fix: 'In the credential set Account Type to "Single Organisation" and enter the Directory (tenant) ID from the app registration\'s Overview page, then reconnect. Or change Supported account types in the app registration.',
	},
	AADSTS50011: {
		cause:
			'The redirect URI n8n sent is not registered on the app registration (it must match exactly: scheme, host, port and path).',
		fix: 'Copy the OAuth Redirect URL shown in the credential and add it under Authentication → Web → Redirect URIs in the app registration. Behind a reverse proxy, set WEBHOOK_URL so n8n shows its public address.',
	},
	AADSTS7000222: {
		cause: "The app registration's client secret has expired.",
		fix: "Create a new client secret under Certificates & secrets in the app registration, paste its Value into the credential's Client Secret, save, and reconnect.",
	},
	AADSTS7000215: {
		cause:
			"The client secret is not valid; usually the secret's ID was pasted instead of its Value.",
		fix: "Under Certificates & secrets, copy the Value column (shown only right after the secret is created; create a new secret if it is hidden) into the credential's Client Secret, save, and reconnect.",
	},
	AADSTS65001: {
		cause:
			'Nobody has consented to the permissions the credential asks for, or your organisation lets only administrators consent.',
		fix: consentFix,
	},
	AADSTS700016: {
		cause:
			'No app with this Client ID exists in the tenant the credential signs in to: the Client ID is wrong, or the app is registered in another tenant.',
		fix: "Copy the Application (client) ID from the app registration's Overview page into the credential, and make sure Account Type and Tenant point at the tenant where the app is registered.",
	},
	AADSTS90023: {
		cause:
			'Microsoft refused the sign-in request as malformed, for example an unsupported prompt value or a bad parameter.',
		fix: 'Choose one of the listed Login Prompt values, check Login Hint and Additional Scopes for typos, and reconnect.',
	},
	AADSTS70000: {
		cause:
			'The refresh token was revoked or has expired: the password changed, an administrator revoked sessions or consent, or the credential was unused for 90 days.',
		fix: RECONNECT,
	},
	AADSTS50076: {
		cause:
			'Your organisation requires multi-factor authentication for this sign-in, which n8n cannot complete on its own.',
		fix: 'Reconnect the credential and complete the MFA prompt in the browser. If refreshes keep failing, ask your administrator about the Conditional Access sign-in frequency for this app.',
	},
	AADSTS50079: {
		cause: 'The account must register for multi-factor authentication before it can sign in.',
		fix: 'Sign in to https://aka.ms/mfasetup once to register MFA, then reconnect the credential.',
	},
	AADSTS53003: {
		cause:
			'A Conditional Access policy blocked the sign-in (for example a location, device-compliance or app restriction).',
		fix: "Ask your administrator to check this app's entry in the Entra sign-in logs and to allow n8n's server in the policy, then reconnect.",
	},
	INVALIDAUTHENTICATIONTOKEN: {
		cause:
			'Microsoft Graph refused the access token even after n8n refreshed it (expired, revoked, or issued for another resource).',
		fix: RECONNECT,
	},
	ERRORACCESSDENIED: {
		cause:
			'The credential lacks a permission for this operation, or the mailbox owner has not given the connected account access.',
		fix: 'Add the matching permission to the credential and the app registration and reconnect; for another mailbox, ask its owner or an Exchange administrator for Full Access or folder permissions.',
	},
	AUTHORIZATION_REQUESTDENIED: {
		cause:
			'The directory refused the request: the credential lacks the permission, or it needs an administrator to consent.',
		fix: 'Add the permission to the credential and the app registration, have an administrator grant consent if the permission requires it, and reconnect.',
	},
	ERRORITEMNOTFOUND: {
		cause:
			'The message, event, folder or attachment does not exist in this mailbox, or is not visible to the connected account (it may have been deleted or moved).',
		fix: 'Check the ID and the Mailbox field; take IDs from a recent run, since an item moved to another mailbox gets a new ID.',
	},
	RESOURCENOTFOUND: {
		cause:
			'Microsoft Graph has no resource at this address: the ID, folder or mailbox does not exist for the connected account.',
		fix: 'Check the ID and the Mailbox field (the address of the other mailbox, or "My Mailbox").',
	},
	APPLICATIONTHROTTLED: {
		cause:
			'Microsoft Graph is throttling this app across the tenant: too many requests in a short time.',
		fix: "The node already waits for Retry-After and retries per the credential's retry settings; lower the workflow's rate or batch size, or raise Max Retries in the credential.",
	},
	TOOMANYREQUESTS: {
		cause:
			'Microsoft Graph is throttling requests to this mailbox (Exchange allows 4 concurrent and about 10,000 requests per 10 minutes per mailbox and app).',
		fix: "The node already waits for Retry-After and retries per the credential's retry settings; lower the workflow's rate, or raise Max Retries in the credential.",
	},
	MAILBOXNOTENABLEDFORRESTAPI: {
		cause:
			'The mailbox cannot be reached through Microsoft Graph: it is on-premises Exchange, inactive or unlicensed, or a shared mailbox addressed through the wrong account.',
		fix: 'Use a mailbox in Exchange Online with an Exchange licence (or a shared mailbox the connected account can access); check the licence in the Microsoft 365 admin center.',
	},
	// Sending with \`from\` set to an address the account may not send as.
	// https://learn.microsoft.com/graph/outlook-send-mail-from-other-user
	// https://learn.microsoft.com/exchange/recipients-in-exchange-online/manage-permissions-for-recipients
	ERRORSENDASDENIED: {
		cause:
			'The connected account may not send as the address in the From field: in Exchange it holds neither Send As nor Send on Behalf on that mailbox, shared mailbox or group.',
		fix: 'In the Exchange admin center open the mailbox or group (Recipients → Mailboxes or Groups) → Delegation, and add the account under Send as (recipients see the address alone) or Send on behalf (they see "account on behalf of address"); or run Add-RecipientPermission <address> -Trustee <account> -AccessRights SendAs, or Set-Mailbox <address> -GrantSendOnBehalfTo @{Add="<account>"}. The credential also needs the Shared Mailboxes permission (Mail.Send.Shared). Exchange can take up to an hour to apply the right.',
	},
	ERRORINVALIDUSER: {
		cause: 'The Mailbox field names no user or shared mailbox in this organisation.',
		fix: "Enter the mailbox's primary email address or its object ID in the Mailbox field.",
	},
	AUTHENTICATIONFAILED: {
		cause:
			'Exchange Online refused the IMAP sign-in (XOAUTH2): IMAP is turned off for the mailbox or organisation, the token lacks IMAP.AccessAsUser.All, or the user name is not the signed-in account or a mailbox it may open.',
		fix: 'Turn on IMAP for the mailbox (Microsoft 365 admin center → user → Mail → Manage email apps), add the "IMAP Trigger" permission to the credential and Office 365 Exchange Online → IMAP.AccessAsUser.All to the app registration, reconnect, and use the mailbox\'s primary address as the user name.',
	},
};

// `invalid_grant` without a listed AADSTS code (70008, 700082…): the same cause and fix as AADSTS70000.
TABLE.INVALID_GRANT = TABLE.AADSTS70000;

/** Codes in the table, for documentation and tests. */
export const EXPLAINED_CODES = Object.keys(TABLE);

const AADSTS = /\bAADSTS(\d{3,})\b/i;

/** Graph's answer to a path it does not know: "Resource not found for the segment 'createReply'." */
const UNSERVED_SEGMENT = /Resource not found for the segment '([^']*)'/i;

/**
 * The cause and fix of a Microsoft error, or undefined when it has no known cause. An AADSTS
 * code (in `code` or inside `message`) wins over an OAuth error such as `invalid_grant`, which
 * covers many AADSTS codes.
 */
export function explainMicrosoftError(
	error: MicrosoftErrorInput,
	context: ExplainContext = {},
): MicrosoftErrorExplanation | undefined {
	// Not a missing item: the server knows no such request. Graph words it "Resource not found for
	// the segment 'x'" (400 BadRequest, or 404 ResourceNotFound from a server in front of it); the
	// ID and the Mailbox field cannot fix it, so the table's not-found fix would mislead.
	const segment = UNSERVED_SEGMENT.exec(error.message ?? '');
	if (segment) {
		return {
			code: error.code?.trim() || 'BadRequest',
			cause: `The server at the credential's Graph address does not serve this request: it knows no '${segment[1]}' there. The ID and the Mailbox field are not the cause.`,
			fix: "With the Custom environment, check the credential's Graph URL (the Graph root, e.g. https://graph.microsoft.com); a stand-in, proxy or demo there does not serve this operation. With a national cloud, check the Environment.",
		};
	}
	const keys: string[] = [];
	const aadsts = AADSTS.exec(`${error.code ?? ''} ${error.message ?? ''}`);
	if (aadsts) keys.push(`AADSTS${aadsts[1]}`);
	if (error.code) keys.push(error.code.trim().toUpperCase());
	// RFC 5530 response code (Dovecot, imapflow's serverResponseCode); Exchange Online answers "NO AUTHENTICATE failed."
	if (/\bAUTHENTICATIONFAILED\b|\bAUTHENTICATE failed\b/i.test(error.message ?? ''))
		keys.push('AUTHENTICATIONFAILED');
	for (const key of keys) {
		const entry = TABLE[key];
		if (!entry) continue;
		// Graph codes keep Microsoft's spelling (ErrorAccessDenied), AADSTS codes their upper case.
		const code =
			!key.startsWith('AADSTS') && error.code?.trim().toUpperCase() === key
				? error.code.trim()
				: key;
		return {
			code,
			cause: entry.cause,
			fix: typeof entry.fix === 'function' ? entry.fix(context) : entry.fix,
		};
	}
	return undefined;
}

/** "cause fix", for an error's description. */
export function describeMicrosoftError(
	error: MicrosoftErrorInput,
	context: ExplainContext = {},
): string | undefined {
	const explained = explainMicrosoftError(error, context);
	return explained ? `${explained.cause} ${explained.fix}` : undefined;
}

/** A token endpoint's OAuth error: the `error` code and the first line of `error_description`. */
export interface TokenEndpointError {
	error: string;
	/** Microsoft's AADSTS code and text, redacted, at most 300 characters. */
	description?: string;
	/** Microsoft's `suberror` (consent_required…), redacted. */
	suberror?: string;
}

/**
 * The one decoder of a Microsoft token endpoint's error body (`{ error, error_description }`,
 * RFC 6749 §5.2), for the Graph transport's refresh failures, the credential-state checks and the
 * IMAP token request alike. The endpoint (a Custom environment's authority, a proxy) may echo what
 * it was sent in any field, so every field is redacted here (shared/redact.ts redactOpaque), before
 * it is cut or read.
 * https://learn.microsoft.com/entra/identity-platform/reference-error-codes
 */
export function tokenEndpointError(body: unknown): TokenEndpointError | undefined {
	let parsed = body;
	if (typeof body === 'string') {
		try {
			parsed = JSON.parse(body);
		} catch {
			return undefined;
		}
	}
	if (!parsed || typeof parsed !== 'object') return undefined;
	const {
		error,
		error_description: text,
		suberror,
	} = parsed as {
		error?: unknown;
		error_description?: unknown;
		suberror?: unknown;
	};
	if (typeof error !== 'string' || !error) return undefined;
	const description =
		typeof text === 'string'
			? redactOpaque(text.split(/\r?\n/)[0]).slice(0, 300) || undefined
			: undefined;
	return {
		error: redactOpaque(error).slice(0, 100),
		description,
		...(typeof suberror === 'string' ? { suberror: redactOpaque(suberror).slice(0, 100) } : {}),
	};
}
