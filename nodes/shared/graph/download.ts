/**
 * Raw bytes from Graph as a stream: `GET …/attachments/{id}/$value` gives a file attachment's
 * content (and an item attachment's MIME) without the JSON route's base64 `contentBytes`, which
 * holds the whole file in memory, a third larger. The stream goes straight into n8n's binary data
 * (`prepareBinaryData` with a stream: the filesystem mode writes it to disk as it arrives).
 * https://learn.microsoft.com/graph/api/attachment-get#get-the-raw-contents-of-a-file-or-item-attachment
 *
 * Sent through n8n's request helper like every Graph request (n8n signs it and refreshes the
 * token), holding one of the mailbox's 4 slots until the body has been read, retried like any GET
 * (Retry-After, the credential's policy). A failure that is not an HTTP answer is returned as
 * `undefined`: the caller falls back to the JSON route, whose transport reports it with its cause.
 */
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';

import type { IHttpRequestOptions } from 'n8n-workflow';

import { graphCredentialType } from '../auth/appOnlyGraph';
import type { GraphTransport } from './client';
import { CREDENTIAL_TYPE } from './client';
import { mailboxOfUrl, withMailboxSlot } from './concurrency';
import { isRetryable, withRetry } from './retry';
import { sendWithCredential } from '../outbound';
import { logFor } from '../redact';

export interface GraphByteStream {
	stream: Readable;
	/** The Content-Type Graph sent, without parameters. */
	contentType?: string;
	contentLength?: number;
}

interface StreamResponse {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: Readable;
}

function header(headers: StreamResponse['headers'], name: string): string | undefined {
	const value = headers[name] ?? headers[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}

/** Sends one GET for a stream, holding the mailbox slot until the body is read or dropped. */
async function sendForStream(transport: GraphTransport, path: string): Promise<StreamResponse> {
	const { ctx } = transport;
	const node = ctx.getNode();
	const key = `${node.credentials?.[graphCredentialType(node)]?.id ?? 'default'}:${mailboxOfUrl(path)}`;
	const request: IHttpRequestOptions = {
		url: `${transport.graphBase}${path}`,
		method: 'GET',
		headers: { Prefer: transport.preferHeader({}) },
		json: false,
		encoding: 'stream',
		returnFullResponse: true,
		// n8n refreshes the token only when the request throws with 401, so only 401 throws.
		ignoreHttpStatusErrors: { ignore: true, except: [401] },
		disableFollowRedirect: true,
		abortSignal: transport.cancelSignal(),
	};
	return await new Promise<StreamResponse>((resolve, reject) => {
		withMailboxSlot(key, async () => {
			const response = (await (transport.appOnly
				? transport.appOnly.send(ctx.helpers, request)
				: sendWithCredential(ctx, CREDENTIAL_TYPE, request))) as StreamResponse;
			resolve(response);
			// The slot is the mailbox's until the bytes have arrived (or the reader gave up).
			await finished(response.body).catch(() => undefined);
		}).catch(reject);
	});
}

async function drain(stream: Readable): Promise<void> {
	stream.resume();
	await finished(stream).catch(() => undefined);
}

/**
 * The bytes at `path` (a `/$value` path under /v1.0) as a stream, or undefined when Graph did not
 * answer 2xx after the retry policy or the request failed without an answer.
 */
export async function graphByteStream(
	transport: GraphTransport,
	path: string,
): Promise<GraphByteStream | undefined> {
	try {
		return await withRetry<GraphByteStream | undefined>(
			transport.policy,
			async () => {
				const response = await sendForStream(transport, path);
				if (response.statusCode < 300) {
					const length = Number(header(response.headers, 'content-length'));
					return {
						done: {
							stream: response.body,
							contentType: header(response.headers, 'content-type')?.split(';')[0].trim(),
							contentLength: Number.isFinite(length) ? length : undefined,
						},
					};
				}
				await drain(response.body);
				const retryAfter = header(response.headers, 'retry-after');
				if (!isRetryable(transport.policy, response.statusCode)) return { done: undefined };
				return {
					retry: { retryAfter, reason: `Microsoft Graph answered ${response.statusCode}` },
					giveUp: () => undefined,
				};
			},
			{ log: (message) => logFor(transport.ctx).warn(message), signal: transport.cancelSignal() },
		);
	} catch {
		// Auth and network failures carry request details: the JSON route reports them cleanly.
		transport.throwIfCancelled();
		return undefined;
	}
}
