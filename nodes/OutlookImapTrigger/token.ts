/**
 * The IMAP access token. Microsoft issues an access token for one resource only (the resource of
 * the first scope asked for), and the token n8n stores for this credential is a Graph token, which
 * Exchange Online's IMAP refuses. So before each IMAP connection the trigger
 *
 * 1. asks n8n to refresh the stored token (`refreshOAuth2Token`): n8n does it under its own lock
 *    and persists the rotated refresh token, which keeps the credential alive for months even when
 *    no Graph node runs, then
 * 2. redeems that refresh token at the credential's token endpoint for an IMAP-audience token.
 *
 * https://learn.microsoft.com/exchange/client-developer/legacy-protocols/how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow#refresh-the-access-token
 *
 * With the app-only credential (Authentication = App-Only) there is no stored token: the app's
 * own token for Exchange Online comes from msal-node's per-process cache (`acquireAppOnlyToken`),
 * asked on every (re)connect, and the trigger logs in as the mailbox typed on the node.
 *
 * The IMAP token lives in memory only; it is never logged, thrown or emitted.
 */
import type {
	IAllExecuteFunctions,
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestOptions,
	INode,
	RequestHelperFunctions,
} from 'n8n-workflow';

import {
	APP_ONLY_CREDENTIAL_TYPE,
	AppOnlyCredentialError,
	AppOnlyTokenError,
	type AppOnlyCredentialFields,
	type AppOnlyTokenOptions,
} from '../shared/auth/appOnly';
import { appOnlyImapLoginFix, explainAppOnlyTokenError } from '../shared/auth/appOnlyErrors';
import { acquireAppOnlyToken } from '../shared/auth/appOnlyToken';
import {
	isConnected,
	NO_ACCESS_TOKEN_MESSAGE,
	NOT_CONNECTED_MESSAGE,
	notConnectedFailure,
} from '../shared/auth/credential-state';
import { resolveEnvironment, type ResolvedEnvironment } from '../shared/auth/environments';
import {
	explainMicrosoftError,
	tokenEndpointError,
	type ExplainContext,
} from '../shared/auth/microsoft-errors';
import { IMAP_SCOPE_NAME, scopeIncludes } from '../shared/auth/scopes';
import { resolveTenant } from '../shared/auth/tenant';
import { send, sender } from '../shared/outbound';
import { credentialSecrets, rememberSecrets } from '../shared/redact';

export const CREDENTIAL_TYPE = 'outlookOAuth2Api';

/** What token redemption needs of an n8n context (trigger, load options). */
export interface TokenContext {
	getNode(): INode;
	getCredentials(type: string): Promise<ICredentialDataDecryptedObject>;
	helpers: Pick<RequestHelperFunctions, 'httpRequest' | 'refreshOAuth2Token'>;
}

export interface ImapToken {
	accessToken: string;
	/** Epoch milliseconds. */
	expiresAt: number;
}

/** Why a token could not be had, and so what the trigger does next. */
export type TokenFailureKind = 'revoked' | 'transient' | 'rejected';

export class ImapTokenError extends Error {
	constructor(
		message: string,
		readonly kind: TokenFailureKind,
		readonly description?: string,
	) {
		super(message);
		this.name = 'ImapTokenError';
	}
}

export const RECONNECT_MESSAGE =
	'The Outlook credential needs to be reconnected: Microsoft refused its refresh token (consent revoked, password changed or the token expired). Open the credential and click "Reconnect".';

export const MISSING_PERMISSION_MESSAGE =
	'The Outlook credential does not include the "IMAP Trigger" permission. Open the credential, add "IMAP Trigger" under Permissions (keep the ones your other Outlook nodes use), save and reconnect it.';

/** The scope of the IMAP token: Exchange Online's IMAP permission, plus a refresh token. */
export function imapScope(imapResource: string): string {
	return `${imapResource}/${IMAP_SCOPE_NAME} offline_access`;
}

/** True when the credential's permissions (or its granted scope) include the IMAP trigger. */
export function credentialAllowsImap(credential: ICredentialDataDecryptedObject): boolean {
	const permissions: unknown = credential.permissions;
	if (Array.isArray(permissions) && permissions.some((permission) => permission === 'imap'))
		return true;
	const additional =
		typeof credential.additionalScopes === 'string' ? credential.additionalScopes : '';
	return scopeIncludes(additional.replace(/,/g, ' '), IMAP_SCOPE_NAME);
}

/** The oauthTokenData fields we read; n8n's refresh returns the whole token response. */
interface TokenData extends IDataObject {
	access_token?: string;
	refresh_token?: string;
	id_token?: string;
}

function isRevokedGrant(error: unknown): boolean {
	const text =
		error instanceof Error
			? `${error.message} ${(error as { description?: string }).description ?? ''}`
			: String(error);
	const body = (error as { body?: { error?: string } } | undefined)?.body;
	return body?.error === 'invalid_grant' || /invalid_grant|needs to be reconnected/i.test(text);
}

/** Network errors and 5xx/429 from the identity platform are worth retrying. */
function isTransientHttp(status: number | undefined): boolean {
	return status === undefined || status === 429 || status >= 500;
}

/**
 * OAuth errors and AADSTS codes that mean the credential itself is refused: retrying cannot help,
 * the user must act (new client secret, consent, right client ID). RFC 6749 §5.2, and
 * https://learn.microsoft.com/entra/identity-platform/reference-error-codes
 */
const REFUSED_ERRORS = new Set(['invalid_client', 'unauthorized_client', 'invalid_grant']);
const REFUSED_AADSTS = new Set(['7000222', '7000215', '50173', '65001', '700016', '70000']);
/** OAuth errors of a token request the endpoint refused as it was sent (RFC 6749 §5.2). */
const REFUSED_REQUEST_ERRORS = new Set([
	'invalid_request',
	'invalid_scope',
	'unsupported_grant_type',
	'invalid_resource',
]);

/** The token endpoint's verdict, when it refused the credential; undefined for anything else. */
export function credentialRefusal(
	error: string | undefined,
	description: string | undefined,
	step: string,
	context: ExplainContext = {},
): ImapTokenError | undefined {
	const aadsts = /AADSTS(\d+)/.exec(description ?? '')?.[1];
	if (!(error && REFUSED_ERRORS.has(error)) && !(aadsts && REFUSED_AADSTS.has(aadsts)))
		return undefined;
	const code = [error, aadsts ? `AADSTS${aadsts}` : undefined].filter(Boolean).join(', ');
	if (error === 'invalid_grant' && (!aadsts || aadsts === '70000' || aadsts === '50173'))
		return new ImapTokenError(RECONNECT_MESSAGE, 'revoked', description);
	const explained = explainMicrosoftError({ code: error, message: description }, context);
	return new ImapTokenError(
		`Microsoft refused the Outlook credential while ${step} (${code})${explained ? `: ${explained.cause}` : ''}`,
		'rejected',
		explained?.fix ??
			'Check the Client ID and Client Secret of the credential against the app registration, then reconnect it.',
	);
}

/** The error to raise when n8n's refresh of the stored token failed. */
function refreshFailure(error: unknown, node: INode, context: ExplainContext): ImapTokenError {
	// n8n's OAuth2 client throws AuthError with the token endpoint's body and no HTTP status;
	// the shared decoder reads it as the Graph transport does (object or JSON text).
	const decoded = tokenEndpointError((error as { body?: unknown } | undefined)?.body);
	const refused = credentialRefusal(
		decoded?.error,
		decoded?.description,
		'refreshing its token',
		context,
	);
	if (refused) return refused;
	if (isRevokedGrant(error)) return new ImapTokenError(RECONNECT_MESSAGE, 'revoked');
	// n8n's OAuth2 client throws the endpoint's OAuth error only for a 4xx answer (a 5xx is an HTTP
	// error), and without the status: these codes say the request itself was refused (RFC 6749
	// §5.2; invalid_resource is Microsoft's), which asking again every minute does not change.
	if (decoded && REFUSED_REQUEST_ERRORS.has(decoded.error)) {
		const explained = explainMicrosoftError(
			{ code: decoded.error, message: decoded.description },
			context,
		);
		return new ImapTokenError(
			`Microsoft refused to refresh the Outlook credential's token (${decoded.error})${explained ? `: ${explained.cause}` : ''}`,
			'rejected',
			explained?.fix ??
				`${decoded.description ? `${decoded.description} ` : ''}Check the credential's Environment, Account Type and Tenant, then reconnect it.`,
		);
	}
	const message = error instanceof Error ? error.message : String(error);
	if (message === NOT_CONNECTED_MESSAGE || message === NO_ACCESS_TOKEN_MESSAGE) {
		const failure = notConnectedFailure(node, CREDENTIAL_TYPE);
		return new ImapTokenError(failure.message, 'rejected', failure.description);
	}
	const status = Number(
		(error as { status?: number; httpCode?: string | number }).status ??
			(error as { httpCode?: string }).httpCode,
	);
	// The message of n8n's own errors holds no secret; keep it for the log and the error workflow.
	return new ImapTokenError(
		`Refreshing the Outlook credential failed: ${message}`,
		isTransientHttp(Number.isFinite(status) ? status : undefined) ? 'transient' : 'rejected',
	);
}

/** Step 1: n8n refreshes the stored token (and stores the rotated refresh token). */
async function refreshStoredToken(ctx: TokenContext, context: ExplainContext): Promise<TokenData> {
	let failure: ImapTokenError | undefined;
	try {
		return (await ctx.helpers.refreshOAuth2Token.call(
			ctx as unknown as IAllExecuteFunctions,
			CREDENTIAL_TYPE,
		)) as TokenData;
	} catch (error) {
		failure = refreshFailure(error, ctx.getNode(), context);
	}
	throw failure;
}

/**
 * The credential's cloud and tenant, checked as the Graph transport checks them
 * (shared/graph/client.ts): a Tenant edited into a non-tenant after Connect leaves the hidden
 * Access Token URL empty, so the error names the field the user can see and fix.
 */
function credentialEndpoints(credential: ICredentialDataDecryptedObject): {
	environment: ResolvedEnvironment;
	tenant: string;
} {
	let failure: ImapTokenError;
	try {
		return {
			tenant: resolveTenant(
				optionalString(credential.accountType),
				optionalString(credential.tenantId),
			),
			environment: resolveEnvironment(credential),
		};
	} catch (error) {
		failure = new ImapTokenError(
			(error as Error).message,
			'rejected',
			'Fix the Outlook OAuth2 credential and reconnect it.',
		);
	}
	throw failure;
}

/** Step 2: the refresh token redeemed for an IMAP-audience access token. */
export async function fetchImapToken(ctx: TokenContext): Promise<ImapToken> {
	const credential = await ctx.getCredentials(CREDENTIAL_TYPE);
	if (!credentialAllowsImap(credential))
		throw new ImapTokenError(MISSING_PERMISSION_MESSAGE, 'rejected');
	if (!isConnected(credential)) {
		// n8n would refresh an empty token and fail with a message that does not say why.
		const failure = notConnectedFailure(ctx.getNode(), CREDENTIAL_TYPE);
		throw new ImapTokenError(failure.message, 'rejected', failure.description);
	}
	const { environment, tenant } = credentialEndpoints(credential);
	// For a fix that names this credential's own admin-consent URL (its cloud, tenant and app).
	const explainContext: ExplainContext = {
		authority: environment.authority,
		tenant,
		clientId: optionalString(credential.clientId),
	};
	const tokenUrl = String(credential.accessTokenUrl ?? '');
	if (!tokenUrl)
		throw new ImapTokenError(
			'The Outlook credential has no token endpoint (Access Token URL).',
			'rejected',
		);

	const refreshed = await refreshStoredToken(ctx, explainContext);
	// The rotated tokens are secrets too, for this context's errors and log lines (shared/redact.ts).
	rememberSecrets(ctx, 'refreshed', [refreshed.refresh_token, refreshed.access_token]);
	const refreshToken = refreshed.refresh_token;
	if (!refreshToken) {
		throw new ImapTokenError(
			'The Outlook credential holds no refresh token: reconnect it (the "offline_access" scope is needed).',
			'rejected',
		);
	}

	const form = new URLSearchParams({
		client_id: String(credential.clientId ?? ''),
		client_secret: String(credential.clientSecret ?? ''),
		grant_type: 'refresh_token',
		refresh_token: refreshToken,
		scope: imapScope(environment.imapResource),
	});
	const request: IHttpRequestOptions = {
		method: 'POST',
		url: tokenUrl,
		body: form.toString(),
		headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: 30_000,
	};
	let response: { statusCode: number; body: IDataObject | string } | undefined;
	let networkError = '';
	try {
		response = (await send(ctx.helpers, request)) as typeof response;
	} catch (error) {
		// Network failure: only the errno is kept (the request's options hold the form).
		networkError = (error as { code?: string }).code ?? 'network error';
	}
	if (!response)
		throw new ImapTokenError(
			`The token endpoint could not be reached (${networkError})`,
			'transient',
		);
	const body = (typeof response.body === 'string' ? safeJson(response.body) : response.body) ?? {};
	if (
		response.statusCode >= 200 &&
		response.statusCode < 300 &&
		typeof body.access_token === 'string'
	) {
		const expiresIn = Number(body.expires_in);
		return {
			accessToken: body.access_token,
			expiresAt:
				Date.now() + (Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 3600) * 1000,
		};
	}
	// error_description holds Microsoft's AADSTS code and text, never a token.
	const decoded = tokenEndpointError(body);
	const error = decoded?.error ?? '';
	const description = decoded?.description;
	const refused = credentialRefusal(
		error || undefined,
		description,
		'asking for the IMAP token',
		explainContext,
	);
	if (refused) throw refused;
	if (
		error === 'invalid_scope' ||
		error === 'consent_required' ||
		error === 'interaction_required'
	) {
		throw new ImapTokenError(
			`Microsoft refused the IMAP permission (${error}): add "IMAP Trigger" to the credential's permissions, grant consent and reconnect it.`,
			'rejected',
			description,
		);
	}
	throw new ImapTokenError(
		`The token endpoint refused the IMAP token request (HTTP ${response.statusCode}${error ? `, ${error}` : ''})`,
		isTransientHttp(response.statusCode) ? 'transient' : 'rejected',
		description,
	);
}

function optionalString(value: unknown): string | undefined {
	return typeof value === 'string' ? value : undefined;
}

function safeJson(text: string): IDataObject | undefined {
	try {
		return JSON.parse(text) as IDataObject;
	} catch {
		return undefined;
	}
}

/** Claims of the credential's ID token (unverified: only used to pick the login name). */
export function idTokenUser(credential: ICredentialDataDecryptedObject): string | undefined {
	const tokenData = credential.oauthTokenData as TokenData | undefined;
	const idToken = tokenData?.id_token;
	if (typeof idToken !== 'string') return undefined;
	const payload = idToken.split('.')[1];
	if (!payload) return undefined;
	try {
		const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<
			string,
			unknown
		>;
		for (const claim of ['preferred_username', 'upn', 'email']) {
			const value = claims[claim];
			if (typeof value === 'string' && value.includes('@')) return value;
		}
	} catch {
		return undefined;
	}
	return undefined;
}

/** The node's Authentication choice; absent (saved workflows) means the OAuth2 credential. */
export type TriggerAuthentication = 'oAuth2' | 'appOnly';

export function triggerAuthentication(value: unknown): TriggerAuthentication {
	return value === 'appOnly' ? 'appOnly' : 'oAuth2';
}

export const APP_ONLY_MAILBOX_REQUIRED =
	'The field "Mailbox" is empty: with the App-Only credential the app has no mailbox of its own, so enter the address of the mailbox to watch (one an Exchange administrator granted the app)';

/**
 * Where one activation (or one folder-picker call) gets its IMAP tokens. The watcher calls
 * `getToken` before every connection; nothing here keeps a token between calls except msal's
 * cache for the app-only credential.
 */
export interface ImapTokenSource {
	authentication: TriggerAuthentication;
	/** The credential's fields (for its IMAP host and environment). */
	credential: ICredentialDataDecryptedObject;
	getToken(options?: { forceRefresh?: boolean }): Promise<ImapToken>;
	/**
	 * App-only: the token may come from the cache, so a refused login is tried once more at once
	 * with a freshly issued token before it counts as a failure.
	 */
	retryLoginWithFreshToken: boolean;
	/** The fix to show when the IMAP server refuses the login, if this credential has its own. */
	loginFix(mailbox: string): string | undefined;
}

export async function imapTokenSource(
	ctx: TokenContext,
	authentication: TriggerAuthentication,
): Promise<ImapTokenSource> {
	if (authentication === 'oAuth2') {
		const credential = await ctx.getCredentials(CREDENTIAL_TYPE);
		rememberSecrets(ctx, 'credential', credentialSecrets(credential));
		return {
			authentication,
			credential,
			getToken: async () => await fetchImapToken(ctx),
			retryLoginWithFreshToken: false,
			loginFix: () => undefined,
		};
	}
	const credential = await ctx.getCredentials(APP_ONLY_CREDENTIAL_TYPE);
	rememberSecrets(ctx, 'credential', credentialSecrets(credential));
	const fields = credential as AppOnlyCredentialFields;
	return {
		authentication,
		credential,
		getToken: async (options = {}) =>
			await fetchAppOnlyImapToken(fields, {
				...options,
				// n8n's helper, so its proxy settings apply to the sign-in request.
				http: sender(ctx.helpers),
			}),
		retryLoginWithFreshToken: true,
		loginFix: (mailbox) => appOnlyImapLoginFix(mailbox, String(fields.clientId ?? '').trim()),
	};
}

/** msal-node's codes (and OAuth's) for a sign-in endpoint that may answer later. */
const TRANSIENT_APP_ONLY_CODES = new Set([
	'network_error',
	'temporarily_unavailable',
	'server_error',
	'endpoints_resolution_error',
]);

/** The app's token for Exchange Online IMAP: from msal's cache while valid, else a new one. */
export async function fetchAppOnlyImapToken(
	fields: AppOnlyCredentialFields,
	options: AppOnlyTokenOptions,
): Promise<ImapToken> {
	let failure: ImapTokenError;
	try {
		const token = await acquireAppOnlyToken(fields, 'imap', options);
		const expiresAt = token.expiresOn?.getTime();
		return {
			accessToken: token.accessToken,
			expiresAt:
				expiresAt !== undefined && Number.isFinite(expiresAt) ? expiresAt : Date.now() + 3_600_000,
		};
	} catch (error) {
		failure = appOnlyFailure(error);
	}
	throw failure;
}

/** An app-only token failure as the reconnect policy reads it: transient, or the user must act. */
function appOnlyFailure(error: unknown): ImapTokenError {
	if (error instanceof AppOnlyCredentialError)
		return new ImapTokenError(
			`The App-Only credential cannot be used: ${error.message}`,
			'rejected',
			'Open the credential, correct the field named and save it.',
		);
	if (error instanceof AppOnlyTokenError) {
		if (error.transient || (!error.aadsts && TRANSIENT_APP_ONLY_CODES.has(error.code ?? '')))
			return new ImapTokenError(error.message, 'transient');
		const explained = explainAppOnlyTokenError(error.code, error.message);
		return new ImapTokenError(
			error.message,
			'rejected',
			explained ? `${explained.cause} ${explained.fix}` : undefined,
		);
	}
	// Neither of ours: keep only the message's first line (msal's errors hold no secret).
	return new ImapTokenError(
		`The app-only IMAP token could not be had: ${String((error as Error)?.message ?? error).split(/\r?\n/)[0]}`,
		'transient',
	);
}
