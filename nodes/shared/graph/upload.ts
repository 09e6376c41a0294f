/**
 * File attachments from n8n binary data onto an Outlook message, draft or event.
 *
 * Graph takes a file under 3 MB inline (`POST {item}/attachments` with base64 `contentBytes`) and
 * a file of 3 MB to 150 MB through an upload session: `POST {item}/attachments/createUploadSession`,
 * then sequential `PUT`s of byte ranges of at most 4 MB to the session's pre-authenticated URL.
 * https://learn.microsoft.com/graph/outlook-large-attachments
 * https://learn.microsoft.com/graph/api/attachment-createuploadsession
 *
 * Binary data is read chunk by chunk from n8n's filesystem storage (`getBinaryStream`), so a large
 * file is never held in memory whole; in memory mode it already is, and it is decoded once.
 */
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { isAbsolute } from 'node:path';

import type { IBinaryData, IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { CLOUD_ENVIRONMENTS } from '../auth/environments';
import type { GraphTransport } from './client';
import { graphApiError } from './errors';
import { isRetryable, withRetry } from './retry';
import { send } from '../outbound';
import { logFor } from '../redact';

/**
 * Largest file sent inline. Graph says "under 3 MB"; a request is capped at 4 MB and base64 grows
 * the file by a third, so 3,000,000 bytes (4,000,000 in base64) keeps the JSON body under 4 MiB.
 */
export const INLINE_ATTACHMENT_LIMIT = 3_000_000;

/** Largest file an upload session accepts: 150 MB (https://learn.microsoft.com/graph/outlook-large-attachments). */
export const UPLOAD_SESSION_LIMIT = 150 * 1024 * 1024;

/**
 * Bytes per PUT: "up to 4 MB each time" (attachment-createuploadsession); Microsoft's upload
 * sessions also want ranges in multiples of 320 KiB, so 12 × 320 KiB = 3,932,160 bytes.
 */
export const UPLOAD_CHUNK_MULTIPLE = 320 * 1024;
export const UPLOAD_CHUNK_SIZE = 12 * UPLOAD_CHUNK_MULTIPLE;

/**
 * Hosts Graph hands upload URLs out on, per cloud: Outlook's REST endpoint
 * (`https://outlook.office.com/api/v2.0/.../AttachmentSessions(...)?authtoken=...`) and its
 * national-cloud equivalents (https://learn.microsoft.com/graph/deployments).
 */
export const OUTLOOK_UPLOAD_HOSTS = [
	'outlook.office.com',
	'outlook.office365.com',
	...Object.values(CLOUD_ENVIRONMENTS).flatMap((cloud) => [
		cloud.imapHost,
		new URL(cloud.imapResource).hostname,
	]),
].filter((host, index, all) => all.indexOf(host) === index);

export interface BinaryAttachment {
	/** The binary property of the item the file came from. */
	propertyName: string;
	fileName: string;
	mimeType: string;
	/** Bytes. */
	size: number;
	/** The inline body (`#microsoft.graph.fileAttachment`) when the file is under the inline limit. */
	small?: IDataObject;
	/** n8n's binary data ID when the file is in external (filesystem) storage: read as a stream. */
	binaryDataId?: string;
}

/** A type (not an interface) so it is assignable to IDataObject for node output. */
export type AttachedFile = {
	name: string;
	contentType: string;
	size: number;
	/** 'inline' (one POST) or 'uploadSession' (createUploadSession + PUTs). */
	method: 'inline' | 'uploadSession';
	/** The attachment's ID when Graph returned one (body of the POST, Location of the last PUT). */
	id?: string;
	/** Number of PUT requests for an upload session. */
	chunks?: number;
};

export interface AttachOptions {
	itemIndex: number;
	/** The Graph item, e.g. `/me/messages/{id}` or `/users/{id}/events/{id}`, already encoded. */
	messagePath: string;
	attachments: BinaryAttachment[];
	/** For the 403 hint; Mail.ReadWrite by default (Calendars.ReadWrite for events). */
	permission?: string;
}

export interface ReadOptions {
	/** The node field the property names came from, for error messages. */
	fieldName?: string;
}

function formatMegabytes(bytes: number): string {
	return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

async function binarySize(ctx: IExecuteFunctions, binary: IBinaryData): Promise<number> {
	if (typeof binary.bytes === 'number') return binary.bytes;
	if (binary.id) {
		const metadata = await ctx.helpers.getBinaryMetadata(binary.id);
		if (typeof metadata.fileSize === 'number') return metadata.fileSize;
	}
	return Buffer.byteLength(binary.data ?? '', 'base64');
}

/**
 * The files of an item's binary properties, checked before any request: each property must exist
 * and hold at most 150 MB. Files under the inline limit come with their fileAttachment JSON.
 */
export async function readBinaryAttachments(
	ctx: IExecuteFunctions,
	itemIndex: number,
	propertyNames: string[],
	options: ReadOptions = {},
): Promise<BinaryAttachment[]> {
	const field = options.fieldName ?? 'Attachments';
	const item = ctx.getInputData()[itemIndex];
	const names = propertyNames.map((name) => name.trim()).filter((name) => name !== '');
	const result: BinaryAttachment[] = [];
	for (const propertyName of names) {
		const binary = item?.binary?.[propertyName];
		if (!binary) {
			const available = Object.keys(item?.binary ?? {});
			throw new NodeOperationError(
				ctx.getNode(),
				`The binary property "${propertyName}" named in the field ${field} does not exist on item ${itemIndex}`,
				{
					itemIndex,
					description: available.length
						? `The item has these binary properties: ${available.join(', ')}`
						: 'The item has no binary data: make sure a previous node outputs the file',
				},
			);
		}
		const size = await binarySize(ctx, binary);
		const fileName = binary.fileName || propertyName;
		if (size > UPLOAD_SESSION_LIMIT) {
			throw new NodeOperationError(
				ctx.getNode(),
				`The file "${fileName}" in binary property "${propertyName}" (field ${field}, item ${itemIndex}) is ${formatMegabytes(size)}: Outlook attachments can be at most 150 MB`,
				{
					itemIndex,
					description:
						'Share a link to the file instead (for example from OneDrive or SharePoint).',
				},
			);
		}
		const attachment: BinaryAttachment = {
			propertyName,
			fileName,
			mimeType: binary.mimeType || 'application/octet-stream',
			size,
			...(binary.id ? { binaryDataId: binary.id } : {}),
		};
		if (size < INLINE_ATTACHMENT_LIMIT) {
			const buffer = await ctx.helpers.getBinaryDataBuffer(itemIndex, propertyName);
			attachment.small = {
				'@odata.type': '#microsoft.graph.fileAttachment',
				name: fileName,
				contentType: attachment.mimeType,
				contentBytes: buffer.toString('base64'),
			};
		}
		result.push(attachment);
	}
	return result;
}

/** True when at least one file needs an upload session (so sending has to go draft → upload → send). */
export function hasLargeAttachment(attachments: BinaryAttachment[]): boolean {
	return attachments.some((attachment) => !attachment.small);
}

/** Bytes per read when the stored file can only be streamed (storage without a local path). */
const STREAM_READ_SIZE = UPLOAD_CHUNK_MULTIPLE;

/**
 * The stored file, opened for reading, when n8n keeps it on the local disk (filesystem mode) and
 * it has the announced size; undefined otherwise (other storage: stream it instead).
 */
async function openStoredFile(
	ctx: IExecuteFunctions,
	binaryDataId: string,
	size: number,
): Promise<FileHandle | undefined> {
	let path: string;
	try {
		path = ctx.helpers.getBinaryPath(binaryDataId);
	} catch {
		return undefined;
	}
	if (!path || !isAbsolute(path)) return undefined;
	let handle: FileHandle | undefined;
	try {
		handle = await open(path, 'r');
		const stat = await handle.stat();
		if (stat.isFile() && stat.size === size) return handle;
	} catch {
		// not readable here: fall back to the stream
	}
	await handle?.close();
	return undefined;
}

/**
 * The file in pieces of exactly `chunkSize` bytes (the last one shorter), never the whole file:
 * - memory mode: slices (no copies) of the one buffer n8n decodes from the item;
 * - filesystem mode: read from the stored file into ONE reused buffer, so the upload allocates one
 *   chunk and leaves no garbage behind (a stream would allocate a new buffer per read);
 * - other storage: n8n's binary stream, copied into the same reused buffer.
 * The consumer must be done with a piece before it asks for the next (the upload awaits each PUT).
 */
async function* fileChunks(
	ctx: IExecuteFunctions,
	itemIndex: number,
	attachment: BinaryAttachment,
	chunkSize: number,
): AsyncGenerator<Buffer> {
	if (!attachment.binaryDataId) {
		const buffer = await ctx.helpers.getBinaryDataBuffer(itemIndex, attachment.propertyName);
		for (let start = 0; start < buffer.length; start += chunkSize)
			yield buffer.subarray(start, start + chunkSize);
		return;
	}
	const chunk = Buffer.allocUnsafe(Math.max(1, Math.min(chunkSize, attachment.size)));
	const file = await openStoredFile(ctx, attachment.binaryDataId, attachment.size);
	if (file) {
		try {
			for (let position = 0; ; ) {
				let held = 0;
				while (held < chunk.length) {
					const { bytesRead } = await file.read(chunk, held, chunk.length - held, position);
					if (bytesRead === 0) break;
					held += bytesRead;
					position += bytesRead;
				}
				if (held) yield held === chunk.length ? chunk : chunk.subarray(0, held);
				if (held < chunk.length) return;
			}
		} finally {
			await file.close();
		}
	}
	const stream = await ctx.helpers.getBinaryStream(attachment.binaryDataId, STREAM_READ_SIZE);
	let held = 0;
	try {
		for await (const piece of stream as AsyncIterable<Buffer | string>) {
			let data = typeof piece === 'string' ? Buffer.from(piece) : piece;
			while (data.length) {
				const take = Math.min(chunk.length - held, data.length);
				data.copy(chunk, held, 0, take);
				held += take;
				data = data.subarray(take);
				if (held === chunk.length) {
					yield chunk;
					held = 0;
				}
			}
		}
		if (held) yield chunk.subarray(0, held);
	} finally {
		(stream as { destroy?: () => void }).destroy?.();
	}
}

/**
 * The upload URL must point at the credential's Graph host or at an Outlook host of a Microsoft
 * cloud, over https (the credential's own host may be http for a local test server): the URL
 * carries its own authorization, and the file must not go anywhere else.
 */
export function isTrustedUploadUrl(uploadUrl: string, graphRoot: string): boolean {
	if (!URL.canParse(uploadUrl)) return false;
	const url = new URL(uploadUrl);
	if (url.username || url.password) return false;
	if (url.origin === new URL(graphRoot).origin) return true;
	return (
		url.protocol === 'https:' &&
		OUTLOOK_UPLOAD_HOSTS.includes(url.hostname.toLowerCase()) &&
		(url.port === '' || url.port === '443')
	);
}

/** The attachment ID in the Location of the last PUT: `.../Attachments('AAMk...')`. */
function attachmentIdFromLocation(location: string | undefined): string | undefined {
	const match = /Attachments\('([^']+)'\)/i.exec(location ?? '');
	return match ? decodeURIComponent(match[1]) : undefined;
}

interface UploadSession {
	uploadUrl?: string;
	expirationDateTime?: string;
	nextExpectedRanges?: string[];
}

interface PutResponse {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
}

/**
 * Where the session wants the next byte, from its `nextExpectedRanges`: for Outlook attachments a
 * single "{start}" (OneDrive's sessions say "{start}-{end}"; the start is read from either). The
 * Outlook endpoint spells its properties in Pascal case (NextExpectedRanges).
 * https://learn.microsoft.com/graph/api/resources/uploadsession
 */
function nextExpectedByte(body: unknown): number | undefined {
	let parsed = body;
	if (Buffer.isBuffer(parsed)) parsed = parsed.toString('utf8');
	if (typeof parsed === 'string') {
		try {
			parsed = JSON.parse(parsed);
		} catch {
			return undefined;
		}
	}
	if (!parsed || typeof parsed !== 'object') return undefined;
	const record = parsed as Record<string, unknown>;
	const ranges = record.nextExpectedRanges ?? record.NextExpectedRanges;
	if (!Array.isArray(ranges) || typeof ranges[0] !== 'string') return undefined;
	const match = /^\s*(\d+)/.exec(ranges[0]);
	return match ? Number(match[1]) : undefined;
}

function bodyText(body: unknown): string {
	return Buffer.isBuffer(body)
		? body.toString('utf8')
		: typeof body === 'string'
			? body
			: JSON.stringify(body ?? '');
}

/** What the session said when asked where it stands. */
type SessionStatus = { next: number } | { gone: true } | { unknown: string };

/**
 * Asks the upload session where it stands: a GET of the upload URL (pre-authenticated like the
 * PUTs, so no token), whose answer carries `nextExpectedRanges`. 404: the session is gone (it
 * expired, was deleted, or ended with the last byte). A failure to ask is `unknown` (ask again).
 * https://learn.microsoft.com/graph/outlook-large-attachments,
 * https://learn.microsoft.com/graph/api/driveitem-createuploadsession#resuming-an-in-progress-upload
 */
async function askSession(
	ctx: IExecuteFunctions,
	transport: GraphTransport,
	uploadUrl: string,
): Promise<SessionStatus> {
	let response: PutResponse;
	try {
		response = (await send(ctx.helpers, {
			url: uploadUrl,
			method: 'GET',
			json: false,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
			abortSignal: transport.cancelSignal(),
		})) as PutResponse;
	} catch (error) {
		transport.throwIfCancelled();
		return { unknown: (error as { code?: string }).code ?? 'network error' };
	}
	if (response.statusCode === 404) return { gone: true };
	const next = response.statusCode < 300 ? nextExpectedByte(response.body) : undefined;
	if (next === undefined) return { unknown: `status answered ${response.statusCode}` };
	return { next };
}

/** A chunk failure after which the session is asked where it stands rather than sent the same bytes. */
function asksSession(status: number | undefined, retryAfter: unknown): boolean {
	// 429 and a 503 with Retry-After were not processed: the same range goes again after the wait.
	if (status === 429 || (status === 503 && typeof retryAfter === 'string' && retryAfter))
		return false;
	// A dropped connection or a 5xx may come after the bytes were stored; 416: the session already
	// has (some of) this range. https://learn.microsoft.com/graph/api/driveitem-createuploadsession#handle-upload-errors
	return status === undefined || status === 416 || status >= 500;
}

/**
 * Sends one chunk (`chunk` holds bytes `start`… of a file of `total`) to the upload URL, through
 * n8n's plain (unauthenticated) request helper: the URL is pre-authenticated and must not get the
 * bearer token. Throttling is retried per the credential's policy. After a dropped connection, a
 * 5xx or a 416 the bytes may or may not have been stored, so they are never sent again blindly:
 * the session is asked where it stands and the upload goes on from its next expected byte (within
 * the policy's retries and backoff). Returns the last PUT's answer, or undefined when the session
 * had the whole chunk already. The URL itself never appears in an error (it is a secret).
 */
async function putChunk(
	ctx: IExecuteFunctions,
	transport: GraphTransport,
	uploadUrl: string,
	chunk: Buffer,
	start: number,
	total: number,
	itemIndex: number,
	fileName: string,
): Promise<PutResponse | undefined> {
	const end = start + chunk.length - 1;
	/** The first byte of this chunk the session still needs. */
	let from = start;
	let resume = false;
	let lastFailure: () => Error = () =>
		new NodeOperationError(ctx.getNode(), `Uploading "${fileName}" failed`, { itemIndex });
	const fail = (message: string, description?: string) =>
		new NodeOperationError(ctx.getNode(), message, { itemIndex, description });
	return await withRetry<PutResponse | undefined>(
		transport.policy,
		async (attempt) => {
			if (resume) {
				const status = await askSession(ctx, transport, uploadUrl);
				if ('unknown' in status) {
					return {
						retry: {
							reason: `The upload session could not say where it stands (${status.unknown})`,
						},
						giveUp: () => {
							throw lastFailure();
						},
					};
				}
				resume = false;
				if ('gone' in status) {
					throw end + 1 === total
						? fail(
								`The upload session of "${fileName}" ended while its last bytes were being sent`,
								'The attachment may or may not have been added: look at the attachments of the message or event before running this item again.',
							)
						: fail(
								`The upload session of "${fileName}" expired or was deleted after ${from} of ${total} bytes were sent`,
								'Nothing was attached: run this item again to upload the file anew.',
							);
				}
				if (status.next === end + 1) return { done: undefined };
				if (status.next < start || status.next > end + 1) {
					throw fail(
						`The upload session of "${fileName}" expects byte ${status.next} next, outside the bytes ${start}-${end} being sent`,
						'Run this item again to upload the file anew.',
					);
				}
				from = status.next;
			}
			const piece = chunk.subarray(from - start);
			const range = `bytes ${from}-${end}/${total}`;
			let response: PutResponse;
			try {
				response = (await send(ctx.helpers, {
					url: uploadUrl,
					method: 'PUT',
					headers: {
						'Content-Type': 'application/octet-stream',
						'Content-Length': String(piece.length),
						'Content-Range': range,
					},
					body: piece,
					json: false,
					returnFullResponse: true,
					ignoreHttpStatusErrors: true,
					disableFollowRedirect: true,
					abortSignal: transport.cancelSignal(),
				})) as PutResponse;
			} catch (error) {
				transport.throwIfCancelled();
				// Library errors carry the request config (with the pre-authenticated URL): never pass them on.
				const code = (error as { code?: string }).code ?? 'network error';
				lastFailure = () =>
					fail(`Uploading bytes ${from}-${end} of the attachment failed: ${code}`);
				if (transport.policy.mode === 'none') throw lastFailure();
				resume = true;
				return {
					retry: {
						reason: `Uploading ${range} failed (${code}); asking the session where it stands`,
					},
					giveUp: () => {
						throw lastFailure();
					},
				};
			}
			if (response.statusCode < 400) return { done: response };
			const status = response.statusCode;
			lastFailure = () =>
				graphApiError(
					{
						status,
						body: bodyText(response.body),
						method: 'PUT',
						path: `upload session (${range})`,
						attempts: attempt,
					},
					transport.errorContext({ itemIndex }),
				);
			const retryAfter = response.headers['retry-after'];
			if (transport.policy.mode !== 'none' && asksSession(status, retryAfter)) {
				resume = true;
				return {
					retry: {
						reason: `The upload session answered ${status} for ${range}; asking it where it stands`,
					},
					giveUp: () => {
						throw lastFailure();
					},
				};
			}
			if (!isRetryable(transport.policy, status)) throw lastFailure();
			return {
				retry: {
					retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined,
					reason: `The upload session answered ${status} for ${range}`,
				},
				giveUp: () => {
					throw lastFailure();
				},
			};
		},
		{ log: (message) => logFor(transport.ctx).warn(message), signal: transport.cancelSignal() },
	);
}

/**
 * Best effort: a failed upload deletes its session, so no partial attachment is left waiting
 * (attachment-createuploadsession, "Optional: Delete the upload session"). Its own failure is ignored:
 * the session expires anyway, and the upload's error is the one to report.
 */
async function cancelUploadSession(ctx: IExecuteFunctions, uploadUrl: string): Promise<void> {
	try {
		await send(ctx.helpers, {
			url: uploadUrl,
			method: 'DELETE',
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
			returnFullResponse: true,
		});
	} catch {
		// ignored, see above
	}
}

/**
 * "An app with delegated permissions returns HTTP 403 Forbidden when attempting to attach large
 * files to an Outlook message or event that is in a shared or delegated mailbox. With delegated
 * permissions, createUploadSession succeeds only if the message or event is in the signed-in
 * user's mailbox." Later reports say it works, so the session is tried; a 403 says what to do.
 * https://learn.microsoft.com/graph/known-issues#attaching-large-files-to-messages-with-delegated-permissions-can-fail
 */
function explainDelegatedUploadRefusal(
	error: unknown,
	transport: GraphTransport,
	options: AttachOptions,
	attachment: BinaryAttachment,
): void {
	if (!(error instanceof NodeApiError) || error.httpCode !== '403') return;
	if (transport.appOnly || !/^\/users\//i.test(options.messagePath)) return;
	const known =
		`Microsoft Graph does not let delegated permissions add files of 3 MB or more (upload sessions) to a message or event in another user's mailbox (a known issue: https://learn.microsoft.com/graph/known-issues#attaching-large-files-to-messages-with-delegated-permissions-can-fail); "${attachment.fileName}" is ${formatMegabytes(attachment.size)}. ` +
		'Use the Outlook App-Only credential (application permission Mail.ReadWrite, or Calendars.ReadWrite for events) for this mailbox, or attach files under 3 MB.';
	error.description = error.description
		? `${known} If neither applies: ${error.description}`
		: known;
}

async function uploadLargeFile(
	ctx: IExecuteFunctions,
	transport: GraphTransport,
	options: AttachOptions,
	attachment: BinaryAttachment,
): Promise<AttachedFile> {
	const { itemIndex } = options;
	let session: UploadSession;
	try {
		session = await transport.request<UploadSession>({
			method: 'POST',
			path: `${options.messagePath}/attachments/createUploadSession`,
			body: {
				AttachmentItem: {
					attachmentType: 'file',
					name: attachment.fileName,
					size: attachment.size,
					contentType: attachment.mimeType,
				},
			},
			itemIndex,
			permission: options.permission ?? 'Mail.ReadWrite',
			action: 'add an attachment',
		});
	} catch (error) {
		explainDelegatedUploadRefusal(error, transport, options, attachment);
		// The transport's NodeApiError, with the known issue's cause and fix when it applies.
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
		throw error;
	}
	const graphRoot = transport.graphBase;
	if (!session.uploadUrl || !isTrustedUploadUrl(session.uploadUrl, graphRoot)) {
		const host =
			session.uploadUrl && URL.canParse(session.uploadUrl)
				? new URL(session.uploadUrl).host
				: 'no URL';
		throw new NodeOperationError(
			ctx.getNode(),
			`Refused to upload "${attachment.fileName}": the upload session points at ${host}, which is neither the credential's Graph host nor an Outlook host`,
			{ itemIndex },
		);
	}
	let offset = 0;
	let chunks = 0;
	let last: PutResponse | undefined;
	let overflow = false;
	try {
		for await (const chunk of fileChunks(ctx, itemIndex, attachment, UPLOAD_CHUNK_SIZE)) {
			if (offset + chunk.length > attachment.size) {
				overflow = true;
				break;
			}
			last =
				(await putChunk(
					ctx,
					transport,
					session.uploadUrl,
					chunk,
					offset,
					attachment.size,
					itemIndex,
					attachment.fileName,
				)) ?? last;
			offset += chunk.length;
			chunks++;
		}
		if (overflow || offset !== attachment.size) {
			throw new NodeOperationError(
				ctx.getNode(),
				`The file "${attachment.fileName}" in binary property "${attachment.propertyName}" does not have the ${attachment.size} bytes its metadata says`,
				{ itemIndex },
			);
		}
	} catch (error) {
		await cancelUploadSession(ctx, session.uploadUrl);
		// Already a NodeApiError (from putChunk) or NodeOperationError: passed on unchanged.
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
		throw error;
	}
	const location = last?.headers.location ?? last?.headers.Location;
	return {
		name: attachment.fileName,
		contentType: attachment.mimeType,
		size: attachment.size,
		method: 'uploadSession',
		chunks,
		...(typeof location === 'string' && attachmentIdFromLocation(location)
			? { id: attachmentIdFromLocation(location) }
			: {}),
	};
}

/**
 * Adds each file to an existing message, draft or event, in order: small files with one POST,
 * large ones through an upload session. Returns what was attached.
 */
export async function attachBinaryProperties(
	ctx: IExecuteFunctions,
	transport: GraphTransport,
	options: AttachOptions,
): Promise<AttachedFile[]> {
	const attached: AttachedFile[] = [];
	for (const attachment of options.attachments) {
		if (attachment.small) {
			const created = await transport.request<IDataObject>({
				method: 'POST',
				path: `${options.messagePath}/attachments`,
				body: attachment.small,
				itemIndex: options.itemIndex,
				permission: options.permission ?? 'Mail.ReadWrite',
				action: 'add an attachment',
			});
			attached.push({
				name: attachment.fileName,
				contentType: attachment.mimeType,
				size: attachment.size,
				method: 'inline',
				...(typeof created.id === 'string' ? { id: created.id } : {}),
			});
		} else {
			attached.push(await uploadLargeFile(ctx, transport, options, attachment));
		}
	}
	return attached;
}
