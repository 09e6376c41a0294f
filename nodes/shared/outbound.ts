/**
 * The only place the package calls n8n's HTTP helpers. Every request it sends (Graph with either
 * credential, downloads, upload sessions, the IMAP token request, msal-node's sign-in requests, the
 * app-only credential test) goes out here, and none follows a redirect: a 3xx comes back as the
 * answer. A redirect would carry the request on to a host the answer names: axios re-sends a
 * 307/308 with its body (a refresh token and client secret) and its headers (a bearer token).
 * test/security/token-destination.test.ts fails on any other call of n8n's HTTP helpers.
 */
import type {
	IAllExecuteFunctions,
	ICredentialTestFunctions,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
	RequestHelperFunctions,
} from 'n8n-workflow';

/** `options`, never following a redirect. */
function noRedirect(options: IHttpRequestOptions): IHttpRequestOptions {
	return { ...options, disableFollowRedirect: true };
}

/** n8n's plain HTTP helper (no credential: the caller sets any header). */
export async function send(
	helpers: Pick<RequestHelperFunctions, 'httpRequest'>,
	options: IHttpRequestOptions,
): Promise<unknown> {
	return await helpers.httpRequest(noRedirect(options));
}

/** n8n's HTTP helper with a credential's authentication (the OAuth2 credential: refresh on 401). */
export async function sendWithCredential(
	ctx: { helpers: Pick<RequestHelperFunctions, 'httpRequestWithAuthentication'> },
	credentialType: string,
	options: IHttpRequestOptions,
): Promise<unknown> {
	return await ctx.helpers.httpRequestWithAuthentication.call(
		ctx as unknown as IAllExecuteFunctions,
		credentialType,
		noRedirect(options),
	);
}

/** How the token and Graph requests of the app-only credential are sent. */
export type HttpSend = (options: IHttpRequestOptions) => Promise<unknown>;

/** `send` bound to a context's helpers. */
export function sender(helpers: Pick<RequestHelperFunctions, 'httpRequest'>): HttpSend {
	return async (options) => await send(helpers, options);
}

/**
 * The credential test's context has only n8n's legacy `request` helper; it goes through the same
 * outbound pipeline (proxy settings included) as `httpRequest`. This adapts it to the
 * `httpRequest` options the token and Graph requests are written in.
 */
export function senderFromLegacyRequest(
	request: ICredentialTestFunctions['helpers']['request'],
): HttpSend {
	return async (options: IHttpRequestOptions) => {
		const response = (await request({
			method: options.method ?? 'GET',
			uri: options.url,
			headers: options.headers,
			body: options.body,
			timeout: options.timeout,
			followRedirect: false,
			followAllRedirects: false,
			resolveWithFullResponse: true,
			simple: false,
			json: false,
		})) as { statusCode: number; headers: IN8nHttpFullResponse['headers']; body: unknown };
		return { statusCode: response.statusCode, headers: response.headers, body: response.body };
	};
}
