/**
 * A fetched message → one n8n item: parsed fields with attachments as binary properties, the raw
 * RFC 822 source as one binary, or the headers only.
 *
 * Attachment file names are metadata: they are never used to build a path or a property name
 * (properties are `${prefix}${index}`).
 */
import type { AddressObject, ParsedMail } from 'mailparser';
import { simpleParser } from 'mailparser';
import type { IBinaryKeyData, IDataObject, INodeExecutionData } from 'n8n-workflow';

export type OutputFormat = 'parsed' | 'raw' | 'headers';

export interface OutputOptions {
	format: OutputFormat;
	/** Binary property prefix for attachments: `${prefix}0`, `${prefix}1`… */
	attachmentPrefix: string;
	/** Attachments larger than this many bytes are listed but not attached; 0 = no limit. */
	maxAttachmentBytes: number;
	/** Skip the attachment contents altogether (list them only). */
	downloadAttachments: boolean;
}

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
}

/** n8n's binary helper (prepareBinaryData), passed in so this file stays free of n8n contexts. */
export type PrepareBinary = (data: Buffer, fileName?: string, mimeType?: string) => Promise<IBinaryKeyData[string]>;

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

/** Headers as a plain object: lower-case name → the header's text (repeated ones as a list). */
function headerObject(parsed: ParsedMail): IDataObject {
	const out: IDataObject = {};
	for (const line of parsed.headerLines ?? []) {
		const name = line.key.toLowerCase();
		const value = line.line.slice(line.line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
		const previous = out[name];
		if (previous === undefined) out[name] = value;
		else out[name] = Array.isArray(previous) ? [...(previous as string[]), value] : [previous as string, value];
	}
	return out;
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
};

export async function toExecutionData(message: FetchedMessage, options: OutputOptions, prepareBinary: PrepareBinary): Promise<INodeExecutionData> {
	if (options.format === 'raw') {
		const source = message.source ?? Buffer.alloc(0);
		const headerEnd = source.indexOf('\r\n\r\n');
		const parsed = await simpleParser(headerEnd >= 0 ? source.subarray(0, headerEnd + 4) : source, PARSE_OPTIONS);
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
		const parsed = await simpleParser(Buffer.concat([headers, Buffer.from('\r\n')]), PARSE_OPTIONS);
		return { json: commonFields(message, parsed) };
	}

	const parsed = await simpleParser(message.source ?? Buffer.alloc(0), PARSE_OPTIONS);
	const json = commonFields(message, parsed);
	json.text = parsed.text ?? '';
	json.html = typeof parsed.html === 'string' ? parsed.html : '';
	const binary: IBinaryKeyData = {};
	const attachments: IDataObject[] = [];
	let index = 0;
	for (const attachment of parsed.attachments) {
		const entry: IDataObject = {
			fileName: attachment.filename ?? '',
			mimeType: attachment.contentType,
			size: attachment.size,
			contentId: attachment.contentId ?? '',
			inline: attachment.contentDisposition === 'inline',
		};
		const tooBig = options.maxAttachmentBytes > 0 && attachment.size > options.maxAttachmentBytes;
		if (options.downloadAttachments && !tooBig) {
			const property = `${options.attachmentPrefix}${index++}`;
			binary[property] = await prepareBinary(attachment.content, attachment.filename || undefined, attachment.contentType);
			entry.binaryProperty = property;
		} else {
			entry.skipped = tooBig ? 'larger than the size limit' : 'attachments not downloaded';
		}
		attachments.push(entry);
	}
	json.attachments = attachments;
	return Object.keys(binary).length ? { json, binary } : { json };
}
