/**
 * The Graph transport's authentication for the app-only credential: a token from msal-node's
 * cached client, sent as `Authorization: Bearer` through n8n's plain HTTP helper, and only to the
 * credential's Graph host. (The OAuth2 credential goes through n8n's httpRequestWithAuthentication.)
 */
import type { IHttpRequestOptions, INode, RequestHelperFunctions } from 'n8n-workflow';

import type { AppOnlyCredentialFields, ResolvedAppOnlyCredential } from './appOnly';
import {
	APP_ONLY_CREDENTIAL_TYPE,
	AppOnlyCredentialError,
	AppOnlyTokenError,
	acquireTokenForScope,
	graphDefaultScope,
	resolveAppOnlyCredential,
} from './appOnly';
import { explainAppOnlyTokenError } from './appOnlyErrors';
import { send, sender } from '../outbound';

/** The delegated credential's type (graph/client.ts's CREDENTIAL_TYPE; not imported, to keep auth/ free of graph/). */
const DELEGATED_TYPE_NAME = 'outlookOAuth2Api';

/** Which credential a Graph node uses: its Authentication parameter (absent in older workflows: OAuth2). */
export function graphCredentialType(node: INode): string {
	return node.parameters?.authentication === 'appOnly'
		? APP_ONLY_CREDENTIAL_TYPE
		: DELEGATED_TYPE_NAME;
}

/** `/me` under the Graph version root: there is no signed-in user with app-only access. */
const ME_PATH = /^\/[^/]+\/me(?:[/?]|$)/i;

export class AppOnlyGraphAuth {
	/** The roles of the last token, for 403 hints. */
	roles: string[] | undefined;

	private readonly graphOrigin: string;

	constructor(readonly credential: ResolvedAppOnlyCredential) {
		this.graphOrigin = new URL(credential.environment.graph).origin;
	}

	static fromFields(fields: AppOnlyCredentialFields): AppOnlyGraphAuth {
		return new AppOnlyGraphAuth(resolveAppOnlyCredential(fields));
	}

	/** Sends an n8n HTTP request with the app's Graph token; HTTP errors behave as n8n's helper makes them. */
	async send(
		helpers: Pick<RequestHelperFunctions, 'httpRequest'>,
		request: IHttpRequestOptions,
	): Promise<unknown> {
		const target = new URL(request.url);
		if (target.origin !== this.graphOrigin) {
			throw new AppOnlyCredentialError(
				`Refused to send the app's Graph token to ${target.origin}: it is not the credential's Graph host ${this.graphOrigin}`,
			);
		}
		if (ME_PATH.test(target.pathname)) {
			throw new AppOnlyCredentialError(
				'The app-only credential has no signed-in user, so "My Mailbox" (/me) does not exist: set the Mailbox field to the address of the mailbox to work in.',
			);
		}
		const scope = graphDefaultScope(this.credential);
		const sendWith = async (accessToken: string) =>
			await send(helpers, {
				...request,
				headers: { ...(request.headers ?? {}), Authorization: `Bearer ${accessToken}` },
			});
		const http = sender(helpers);
		const token = await acquireTokenForScope(this.credential, scope, { http });
		this.roles = token.roles;
		try {
			return await sendWith(token.accessToken);
		} catch (error) {
			// Graph refused a token msal-node still holds as valid (revoked, or issued before a
			// change): ask for a new one once. Only 401 throws here (ignoreHttpStatusErrors).
			const status = (error as { response?: { status?: number } }).response?.status;
			// Passed on unchanged: the Graph middleware reads the response from it and redacts the rest.
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
			if (status !== 401 || !token.fromCache) throw error;
			const fresh = await acquireTokenForScope(this.credential, scope, {
				http,
				forceRefresh: true,
			});
			this.roles = fresh.roles;
			return await sendWith(fresh.accessToken);
		}
	}
}

/** A failure of app-only authentication, as the transport reports it: message and what to do. */
export function appOnlyAuthFailure(
	error: unknown,
): { message: string; description: string } | undefined {
	if (error instanceof AppOnlyTokenError && error.code === 'network_error') {
		return {
			message: error.message,
			description:
				"n8n could not reach the sign-in endpoint: check the server's network, proxy and firewall, and the credential's Environment.",
		};
	}
	if (error instanceof AppOnlyTokenError && error.transient) {
		return {
			message: error.message,
			description:
				'The Microsoft sign-in endpoint is busy or unavailable (it answered 429 or 5xx, or did a moment ago): the credential is not the cause. Run the workflow again in a minute; if it persists, check Microsoft 365 Service health.',
		};
	}
	if (error instanceof AppOnlyTokenError) {
		const explained = explainAppOnlyTokenError(error.code, error.message);
		return {
			message: error.message,
			description: explained
				? `${explained.cause} ${explained.fix}`
				: 'Check the Tenant, Client ID and the secret or certificate in the Outlook App-Only credential, and that an administrator granted consent.',
		};
	}
	if (error instanceof AppOnlyCredentialError) {
		return {
			message: error.message,
			description: 'Fix the Outlook App-Only credential or the Mailbox field.',
		};
	}
	return undefined;
}
