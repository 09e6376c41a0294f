/**
 * Failures that are about the state of the credential, not about Microsoft Graph: a credential
 * that was never connected, and a sign-in Microsoft refuses because nobody consented to the
 * permissions. Both used to read as network problems ("Could not reach Microsoft Graph"); these
 * say what happened and what to click.
 *
 * What n8n-core 2.41 throws (packages/core/.../request-helpers/oauth.js, requestOAuth2):
 * - a credential saved but never connected: n8n's CredentialsHelper gives every OAuth2 credential
 *   an `oauthTokenData` property whose default is `{}`, so requestOAuth2's check for
 *   `oauthTokenData === undefined` ("OAuth credentials not connected") does not fire; the token
 *   it builds has no access token and `ClientOAuth2Token.sign` throws
 *   `Error('Unable to sign without access token')`, which httpRequestWithAuthentication wraps in a
 *   NodeApiError (as its `cause`). Seen in n8n 2.41.1 (test/e2e/scenarios/workflows.ts). The
 *   credential is therefore checked before any request (`assertConnected`); both of n8n's
 *   messages are still recognised for a caller that did not check;
 * - a token-endpoint answer other than `invalid_grant`: the OAuth client's AuthError (`code`
 *   'EAUTH', `body` = Microsoft's JSON error). Consent missing is AADSTS65001, with the error
 *   `consent_required` or `interaction_required`, or `suberror: consent_required`.
 *   https://learn.microsoft.com/entra/identity-platform/reference-error-codes
 *   (`invalid_grant` itself n8n turns into its own "needs to be reconnected" error first.)
 */
import type { INode } from 'n8n-workflow';

import { tokenEndpointError } from './microsoft-errors';

/** n8n-core's message for an authorization-code credential without token data. */
export const NOT_CONNECTED_MESSAGE = 'OAuth credentials not connected';

/** @n8n/client-oauth2's message when the stored token data holds no access token (`{}`). */
export const NO_ACCESS_TOKEN_MESSAGE = 'Unable to sign without access token';

/** The same shape as the transport's TokenRefreshFailure (nodes/shared/graph/client.ts). */
export interface CredentialStateFailure {
	message: string;
	description: string;
	/** Set for identity-platform answers, so the caller can add the concrete fix (admin-consent URL). */
	oauthError?: string;
	oauthDescription?: string;
}

const CONSENT_CODE = /\bAADSTS65001\b/;

function links(error: unknown): object[] {
	const chain: object[] = [];
	let link: unknown = error;
	for (let depth = 0; depth < 4 && link && typeof link === 'object'; depth++) {
		chain.push(link);
		link = (link as { cause?: unknown }).cause;
	}
	return chain;
}

function credentialLabel(node: INode, credentialType: string): string {
	const name = node.credentials?.[credentialType]?.name;
	return name ? `"${name}"` : 'selected for this node';
}

/** What a never-connected credential is told: the same wherever it is found. */
export function notConnectedFailure(node: INode, credentialType: string): CredentialStateFailure {
	return {
		message: `The credential ${credentialLabel(node, credentialType)} was never connected to a Microsoft account: open the credential and click Connect`,
		description:
			'Open the credential and click Connect (Sign in with Microsoft), sign in and accept the consent screen; ' +
			'the credential then says "Account connected". If the sign-in window showed an error (for example ' +
			'that an administrator must approve the app), that has to be solved first: see the admin-consent notice in the credential.',
	};
}

/**
 * Whether the delegated credential holds tokens from a completed Connect: an access or refresh
 * token in `oauthTokenData` (n8n hands a never-connected credential `{}` or nothing there).
 */
export function isConnected(credential: { oauthTokenData?: unknown }): boolean {
	const data = credential.oauthTokenData;
	if (!data || typeof data !== 'object') return false;
	const { access_token: access, refresh_token: refresh } = data as Record<string, unknown>;
	return (
		(typeof access === 'string' && access !== '') || (typeof refresh === 'string' && refresh !== '')
	);
}

/**
 * The credential-state failure behind an error from n8n's `httpRequestWithAuthentication`, or
 * undefined when the error is something else (a network failure, an HTTP answer).
 */
export function credentialStateFailure(
	error: unknown,
	node: INode,
	credentialType: string,
): CredentialStateFailure | undefined {
	for (const link of links(error)) {
		const message = (link as { message?: unknown }).message;
		if (message === NOT_CONNECTED_MESSAGE || message === NO_ACCESS_TOKEN_MESSAGE)
			return notConnectedFailure(node, credentialType);
		if ((link as { code?: unknown }).code !== 'EAUTH') continue;
		// The shared decoder: the body's fields redacted (the endpoint may echo what it was sent).
		const body = tokenEndpointError((link as { body?: unknown }).body);
		if (!body) continue;
		const detail = body.description ?? '';
		if (
			CONSENT_CODE.test(detail) ||
			body.error === 'consent_required' ||
			body.suberror === 'consent_required'
		) {
			return {
				message: `Microsoft has no consent for the permissions the credential ${credentialLabel(node, credentialType)} asks for (AADSTS65001)`,
				description:
					'Reconnect the credential and accept the consent screen, or have an administrator grant consent.',
				// AADSTS65001 in the description picks the consent cause and fix (with the real admin-consent URL).
				oauthError: body.error,
				oauthDescription: CONSENT_CODE.test(detail) ? detail : `AADSTS65001 ${detail}`.trim(),
			};
		}
	}
	return undefined;
}
