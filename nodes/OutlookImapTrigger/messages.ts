/**
 * A fetched message → one n8n item: parsed fields with attachments as binary properties, the raw
 * RFC 822 source as one binary, or the headers only.
 *
 * Attachment file names are metadata: they are never used to build a path or a property name
 * (properties are `${prefix}${index}`).
 */
import type { AddressObject, AttachmentStream, MessageText, ParsedMail } from 'mailparser';
import { MailParser, simpleParser } from 'mailparser';
import type { IBinaryKeyData, IDataObject, INodeExecutionData } from 'n8n-workflow';

import { appendValue, dataRecord } from '../shared/outsideData';

export type OutputFormat = 'parsed' | 'raw' | 'headers';

export interface OutputOptions {
	format: OutputFormat;
	/** Binary property prefix for attachments: `${prefix}0`, `${prefix}1`… */
	attachmentPrefix: string;
	/** Attachments larger than this many bytes are listed but not attached; 0 = no limit. */
	maxAttachmentBytes: number;
	/** Skip the attachment contents altogether (list them only). */
	downloadAttachments: boolean;
	/**
	 * A message that cannot be read (broken beyond parsing, or over a limit below): emitted with
	 * what could be read plus `error`, or skipped with a logged reason. Default: emitted.
	 */
	onUnreadable?: OnUnreadable;
}

export type OnUnreadable = 'emitWithError' | 'skip';

const KIB = 1024;
const MIB = 1024 * KIB;

/**
 * Limits on what one message may cost to read. A message over one of them is not parsed further:
 * it is emitted with what could be read and an `error` (or skipped, per "On Unreadable Message").
 */
export const MESSAGE_LIMITS = {
	/**
	 * Bytes of header block parsed. Exchange Online refuses messages whose header is over 256 KB
	 * (https://learn.microsoft.com/office365/servicedescriptions/exchange-online-service-description/exchange-online-limits#message-limits);
	 * 1 MiB leaves room for other servers. A larger header is a hostile message: parsing it would
	 * build several strings of its size.
	 */
	maxHeaderBytes: 1 * MIB,
	/**
	 * MIME nesting depth. Dovecot's parser stops at 100 nested parts (MESSAGE_PARSER_DEFAULT_MAX_NESTED_MIME_PARTS
	 * in src/lib-mail/message-parser.h); no real mail comes close.
	 */
	maxMimeDepth: 100,
	/**
	 * Decoded bytes of one attachment held in memory: Exchange Online's largest message (150 MB).
	 * Base64 and quoted-printable only shrink, so a part never decodes to more than the message
	 * size the server reports; bytes past this limit (or the "Max Attachment Size" option) are
	 * counted while streaming and dropped, not collected.
	 */
	maxDecodedAttachmentBytes: 150 * MIB,
	/**
	 * Message size (as the server reports it, RFC 9051 RFC822.SIZE) above which the source is not
	 * downloaded at all: Exchange Online's largest message, 150 MB. Holding a message costs about
	 * twice its size while imapflow assembles it.
	 */
	maxMessageBytes: 150 * MIB,
	/** HTML longer than this is kept as HTML but not converted to text (mailparser's html-to-text is superlinear). */
	maxHtmlLengthToParse: 10 * MIB,
	/** Raw header text kept on an unreadable message's item. */
	rawHeaderPreviewBytes: 16 * KIB,
	/** Characters of a parser error message kept as the item's `error`. */
	maxReasonLength: 300,
};

/** What the connection hands over for one message. */
export interface FetchedMessage {
	uid: number;
	size?: number;
	flags?: Set<string>;
	internalDate?: Date | string;
	/** Whole message (parsed and raw output). */
	source?: Buffer;
	/** Header block only (headers output). */
	headers?: Buffer;
	/** Why the message was not downloaded (over `MESSAGE_LIMITS.maxMessageBytes`): it becomes an unreadable item. */
	notFetched?: string;
}

/** n8n's binary helper (prepareBinaryData), passed in so this file stays free of n8n contexts. */
export type PrepareBinary = (
	data: Buffer,
	fileName?: string,
	mimeType?: string,
) => Promise<IBinaryKeyData[string]>;

export interface Address extends IDataObject {
	name: string;
	address: string;
}

function addresses(value: AddressObject | AddressObject[] | undefined): Address[] {
	if (!value) return [];
	const list = Array.isArray(value) ? value : [value];
	const flat: Address[] = [];
	const walk = (entries: AddressObject['value']) => {
		for (const entry of entries) {
			// Group syntax (RFC 5322 §3.4): members are listed under `group`.
			if (entry.group) walk(entry.group);
			else flat.push({ name: entry.name ?? '', address: entry.address ?? '' });
		}
	};
	for (const object of list) walk(object.value);
	return flat;
}

function toIso(value: Date | string | undefined): string | undefined {
	if (!value) return undefined;
	const date = value instanceof Date ? value : new Date(value);
	return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/**
 * Headers as data: lower-case name → the header's text (repeated ones as a list), in a
 * null-prototype object, so headers named __proto__, constructor or map are ordinary keys.
 */
export function headerObject(parsed: Pick<ParsedMail, 'headerLines'>): IDataObject {
	const out = dataRecord();
	for (const line of parsed.headerLines ?? []) {
		const value = line.line
			.slice(line.line.indexOf(':') + 1)
			.replace(/\r?\n[ \t]+/g, ' ')
			.trim();
		appendValue(out, line.key.toLowerCase(), value);
	}
	return out as IDataObject;
}

function references(value: string | string[] | undefined): string[] {
	if (!value) return [];
	return Array.isArray(value) ? value : value.split(/\s+/).filter(Boolean);
}

function commonFields(message: FetchedMessage, parsed: ParsedMail): IDataObject {
	return {
		uid: message.uid,
		messageId: parsed.messageId ?? '',
		subject: parsed.subject ?? '',
		date: toIso(parsed.date) ?? null,
		from: addresses(parsed.from)[0] ?? null,
		to: addresses(parsed.to),
		cc: addresses(parsed.cc),
		replyTo: addresses(parsed.replyTo),
		inReplyTo: parsed.inReplyTo ?? '',
		references: references(parsed.references),
		headers: headerObject(parsed),
		flags: [...(message.flags ?? [])].filter((flag) => flag !== '\\Recent'),
		size: message.size ?? message.source?.length ?? 0,
		receivedAt: toIso(message.internalDate) ?? null,
	};
}

const PARSE_OPTIONS = {
	// Text and HTML exactly as sent: no generated HTML from text, no inlined image data URIs.
	skipTextToHtml: true,
	skipImageLinks: true,
	skipTextLinks: true,
	keepCidLinks: true,
	maxHtmlLengthToParse: MESSAGE_LIMITS.maxHtmlLengthToParse,
};

/** A message that is not read further; `reason` becomes the item's `error`. */
export class UnreadableMessageError extends Error {
	constructor(readonly reason: string) {
		super(reason);
		this.name = 'UnreadableMessageError';
	}
}

/**
 * n8n could not store binary data (prepareBinaryData, its binary data service: disk full, too many
 * open files, S3 or the database unreachable). Not the message's fault: it is not an unreadable
 * message, and the message is read again once storing works.
 */
export class BinaryStoreError extends Error {
	/** The system error code, when there is one (ENOSPC, EMFILE, ECONNREFUSED). */
	readonly code?: string;

	constructor(
		readonly uid: number,
		error: unknown,
	) {
		super(
			`n8n could not store the binary data of the message with UID ${uid}: ${error instanceof Error ? error.message : String(error)}`,
			{ cause: error },
		);
		this.name = 'BinaryStoreError';
		const code = (error as { code?: unknown } | undefined)?.code;
		if (typeof code === 'string') this.code = code;
	}
}

/** prepareBinary whose failures are n8n's storage's (BinaryStoreError), never the message's. */
function storeFor(prepareBinary: PrepareBinary, uid: number): PrepareBinary {
	return async (data, fileName, mimeType) => {
		try {
			return await prepareBinary(data, fileName, mimeType);
		} catch (error) {
			// No node context here: the session classifies it (session.ts toFailure), the watcher reports it.
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
			throw new BinaryStoreError(uid, error);
		}
	};
}

const CRLFCRLF = Buffer.from('\r\n\r\n');
const LFLF = Buffer.from('\n\n');

/** Length of the header block (up to and including the blank line), or the whole buffer when there is no body. */
export function headerLength(source: Buffer): number {
	const crlf = source.indexOf(CRLFCRLF);
	const lf = source.indexOf(LFLF);
	if (crlf < 0 && lf < 0) return source.length;
	if (crlf < 0 || (lf >= 0 && lf < crlf)) return lf + 2;
	return crlf + 4;
}

function checkHeaderSize(bytes: number) {
	if (bytes > MESSAGE_LIMITS.maxHeaderBytes) {
		throw new UnreadableMessageError(
			`The header block is ${bytes} bytes, more than the ${MESSAGE_LIMITS.maxHeaderBytes} bytes the trigger parses`,
		);
	}
}

const BOUNDARY = /boundary\s*=\s*(?:"([^"]{1,200})"|([^\s;"]{1,200}))/i;

/**
 * Deepest multipart nesting in a message, counted from boundary lines (RFC 2046 §5.1.1), without
 * decoding anything: one pass over the lines, stops as soon as `limit` is passed.
 */
export function mimeDepth(source: Buffer, limit = MESSAGE_LIMITS.maxMimeDepth): number {
	const boundaries: string[] = [];
	let deepest = 0;
	let inHeaders = true;
	let header = '';
	const endHeaders = () => {
		const type = /^content-type:([\s\S]*)$/im.exec(header.replace(/\r?\n[ \t]+/g, ' '));
		header = '';
		inHeaders = false;
		if (!type || !/^\s*multipart\//i.test(type[1])) return;
		const match = BOUNDARY.exec(type[1]);
		if (!match) return;
		boundaries.push(match[1] ?? match[2]);
		deepest = Math.max(deepest, boundaries.length);
	};
	let start = 0;
	while (start < source.length && deepest <= limit) {
		// Past the headers with no multipart open: nothing deeper can follow.
		if (!inHeaders && !boundaries.length) break;
		let end = source.indexOf(0x0a, start);
		if (end < 0) end = source.length;
		if (inHeaders) {
			const line = source.toString('latin1', start, end).replace(/\r$/, '');
			if (line === '') endHeaders();
			else if (header.length < MESSAGE_LIMITS.maxHeaderBytes) header += `${line}\n`;
		} else if (
			boundaries.length &&
			source[start] === 0x2d &&
			source[start + 1] === 0x2d &&
			end - start <= 210
		) {
			const line = source.toString('latin1', start + 2, end).replace(/[ \t\r]+$/, '');
			for (let level = boundaries.length - 1; level >= 0; level--) {
				const boundary = boundaries[level];
				if (line === boundary) {
					// A new part of this multipart: its headers follow.
					boundaries.length = level + 1;
					inHeaders = true;
					break;
				}
				if (line === `${boundary}--`) {
					boundaries.length = level;
					break;
				}
			}
		}
		start = end + 1;
	}
	return deepest;
}

function checkMimeDepth(source: Buffer) {
	const depth = mimeDepth(source);
	if (depth > MESSAGE_LIMITS.maxMimeDepth) {
		throw new UnreadableMessageError(
			`MIME parts are nested more than ${MESSAGE_LIMITS.maxMimeDepth} levels deep`,
		);
	}
}

/** An attachment as read by the bounded parser: content only when it stayed within the limit. */
interface ReadAttachment {
	filename?: string;
	contentType: string;
	contentDisposition?: string;
	contentId?: string;
	size: number;
	content?: Buffer;
}

interface BoundedMail {
	parsed: ParsedMail;
	attachments: ReadAttachment[];
}

/**
 * mailparser's streaming parser, collecting like simpleParser but holding at most `maxBytes` of
 * each attachment: the rest is counted and dropped as it streams past.
 */
async function parseBounded(
	source: Buffer,
	maxBytes: number,
	keepContent: boolean,
): Promise<BoundedMail> {
	return await new Promise((resolve, reject) => {
		const parser = new MailParser(PARSE_OPTIONS);
		const mail: Partial<ParsedMail> & { attachments: [] } = { attachments: [] };
		const attachments: ReadAttachment[] = [];
		let settled = false;
		const fail = (error: unknown) => {
			if (settled) return;
			settled = true;
			parser.destroy();
			reject(error instanceof Error ? error : new Error(String(error)));
		};
		parser.on('error', fail);
		parser.on('headers', (headers) => {
			mail.headers = headers;
			mail.headerLines = (
				parser as unknown as { headerLines: ParsedMail['headerLines'] }
			).headerLines;
		});
		let reading = false;
		const read = () => {
			reading = true;
			const data = parser.read() as (MessageText & { type: 'text' }) | AttachmentStream | null;
			if (data === null) {
				reading = false;
				return;
			}
			if (data.type === 'text') {
				if (data.text !== undefined) mail.text = data.text;
				if (data.html !== undefined) mail.html = data.html;
				read();
				return;
			}
			const entry: ReadAttachment = {
				filename: data.filename,
				contentType: data.contentType,
				contentDisposition: data.contentDisposition,
				contentId: data.contentId,
				size: 0,
			};
			attachments.push(entry);
			const chunks: Buffer[] = [];
			let kept = 0;
			data.content.on('data', (chunk: Buffer) => {
				entry.size += chunk.length;
				if (keepContent && entry.size <= maxBytes) {
					chunks.push(chunk);
					kept += chunk.length;
				} else if (chunks.length) {
					// Over the limit: let go of what was collected.
					chunks.length = 0;
					kept = 0;
				}
			});
			data.content.on('end', () => {
				if (keepContent && entry.size <= maxBytes) entry.content = Buffer.concat(chunks, kept);
				data.release?.();
				read();
			});
		};
		parser.on('readable', () => {
			if (!reading) read();
		});
		parser.on('end', () => {
			if (settled) return;
			settled = true;
			const headers = mail.headers;
			const parsed = mail as ParsedMail;
			if (headers) {
				const get = <T>(key: string) => headers.get(key) as T | undefined;
				parsed.subject = get<string>('subject');
				parsed.references = get<string | string[]>('references');
				parsed.date = get<Date>('date');
				parsed.to = get<AddressObject>('to');
				parsed.from = get<AddressObject>('from');
				parsed.cc = get<AddressObject>('cc');
				parsed.replyTo = get<AddressObject>('reply-to');
				parsed.messageId = get<string>('message-id');
				parsed.inReplyTo = get<string>('in-reply-to');
			}
			resolve({ parsed, attachments });
		});
		parser.end(source);
	});
}

/**
 * The name handed to n8n's prepareBinaryData: only the last path segment (split on "/" and "\\",
 * since n8n's path.parse on Linux splits on "/" only and would keep the rest as the binary's
 * directory), without control characters (NUL included), at most 255 characters. Segments of dots
 * only ("..") are not names; with nothing left, no name (as for a part sent without one).
 */
export function displayFileName(name: string | undefined): string | undefined {
	if (!name) return undefined;
	// eslint-disable-next-line no-control-regex -- control characters (NUL included) are what is removed
	const clean = name.replace(/[\u0000-\u001f\u007f]/g, '');
	const segments = clean.split(/[\\/]/).filter((segment) => !/^\.*$/.test(segment));
	const last = segments.pop() ?? '';
	return last.slice(0, 255) || undefined;
}

/** The message as an item. A failure to store its binary data is a BinaryStoreError. */
export async function toExecutionData(
	message: FetchedMessage,
	options: OutputOptions,
	storeBinary: PrepareBinary,
): Promise<INodeExecutionData> {
	const prepareBinary = storeFor(storeBinary, message.uid);
	if (options.format === 'raw') {
		const source = message.source ?? Buffer.alloc(0);
		const headerBytes = headerLength(source);
		checkHeaderSize(headerBytes);
		const parsed = await simpleParser(source.subarray(0, headerBytes), PARSE_OPTIONS);
		return {
			json: {
				uid: message.uid,
				messageId: parsed.messageId ?? '',
				subject: parsed.subject ?? '',
				flags: [...(message.flags ?? [])].filter((flag) => flag !== '\\Recent'),
				size: message.size ?? source.length,
			},
			binary: { data: await prepareBinary(source, `message-${message.uid}.eml`, 'message/rfc822') },
		};
	}
	if (options.format === 'headers') {
		const headers = message.headers ?? Buffer.alloc(0);
		checkHeaderSize(headers.length);
		const parsed = await simpleParser(Buffer.concat([headers, Buffer.from('\r\n')]), PARSE_OPTIONS);
		return { json: commonFields(message, parsed) };
	}

	const source = message.source ?? Buffer.alloc(0);
	checkHeaderSize(headerLength(source));
	checkMimeDepth(source);
	const cap =
		options.maxAttachmentBytes > 0
			? Math.min(options.maxAttachmentBytes, MESSAGE_LIMITS.maxDecodedAttachmentBytes)
			: MESSAGE_LIMITS.maxDecodedAttachmentBytes;
	const { parsed, attachments: read } = await parseBounded(
		source,
		cap,
		options.downloadAttachments,
	);
	const json = commonFields(message, parsed);
	json.text = parsed.text ?? '';
	json.html = typeof parsed.html === 'string' ? parsed.html : '';
	const binary: IBinaryKeyData = {};
	const attachments: IDataObject[] = [];
	let index = 0;
	for (const attachment of read) {
		const entry: IDataObject = {
			// The name as sent, as metadata only: never part of a path or a property name.
			fileName: attachment.filename ?? '',
			mimeType: attachment.contentType,
			size: attachment.size,
			contentId: attachment.contentId ?? '',
			inline: attachment.contentDisposition === 'inline',
		};
		if (options.downloadAttachments && attachment.content) {
			const property = `${options.attachmentPrefix}${index++}`;
			binary[property] = await prepareBinary(
				attachment.content,
				displayFileName(attachment.filename),
				attachment.contentType,
			);
			entry.binaryProperty = property;
		} else {
			entry.skipped = options.downloadAttachments
				? 'larger than the size limit'
				: 'attachments not downloaded';
		}
		attachments.push(entry);
	}
	json.attachments = attachments;
	return Object.keys(binary).length ? { json, binary } : { json };
}

/** The item for a message that could not be read: what the server reported, the raw headers if any, and why. */
export function unreadableItem(message: FetchedMessage, reason: string): INodeExecutionData {
	const block = message.headers ?? message.source;
	const json: IDataObject = {
		uid: message.uid,
		size: message.size ?? message.source?.length ?? 0,
		flags: [...(message.flags ?? [])].filter((flag) => flag !== '\\Recent'),
		receivedAt: toIso(message.internalDate) ?? null,
	};
	if (block?.length) {
		const end = Math.min(headerLength(block), MESSAGE_LIMITS.rawHeaderPreviewBytes);
		json.rawHeaders = block.toString('utf8', 0, end);
		if (headerLength(block) > end) json.rawHeadersTruncated = true;
	}
	json.error = reason;
	return { json };
}

export interface ReadResult {
	item: INodeExecutionData;
	/** Set when the message could not be read: the item is `unreadableItem()`'s. */
	unreadable?: string;
}

/**
 * toExecutionData where a message that cannot be read becomes an item with `error`. It throws
 * only when n8n cannot store the binary data (BinaryStoreError): the message itself is fine, and
 * an item without its content would pass for it.
 */
export async function readMessage(
	message: FetchedMessage,
	options: OutputOptions,
	prepareBinary: PrepareBinary,
): Promise<ReadResult> {
	if (message.notFetched)
		return { item: unreadableItem(message, message.notFetched), unreadable: message.notFetched };
	try {
		return { item: await toExecutionData(message, options, prepareBinary) };
	} catch (error) {
		// n8n's storage, not the message: the sync ends and the message is read again.
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
		if (error instanceof BinaryStoreError) throw error;
		const text =
			error instanceof UnreadableMessageError
				? error.reason
				: `The message could not be parsed: ${error instanceof Error ? error.message : String(error)}`;
		const reason =
			text.length > MESSAGE_LIMITS.maxReasonLength
				? `${text.slice(0, MESSAGE_LIMITS.maxReasonLength)}…`
				: text;
		return { item: unreadableItem(message, reason), unreadable: reason };
	}
}
