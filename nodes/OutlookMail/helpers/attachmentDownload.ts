/**
 * Downloading attachments into n8n binary data: Attachment → Download, and the Download
 * Attachments option of Message → Get and Get Many. The bytes come streamed from `/$value`
 * (shared/graph/download.ts); a file attachment falls back to the JSON `contentBytes` when that
 * fails. An attached Outlook item comes out as its MIME: a message as .eml, an event as iCalendar,
 * a contact as vCard. https://learn.microsoft.com/graph/api/attachment-get#get-the-raw-contents-of-a-file-or-item-attachment
 */
import type {
	IBinaryData,
	IBinaryKeyData,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { getMailboxRoot } from '../../shared/descriptions';
import { ownValue } from '../../shared/outsideData';
import type { GraphTransport } from '../../shared/graph/client';
import { mapConcurrent } from '../../shared/graph/concurrency';
import { graphByteStream } from '../../shared/graph/download';
import { graphCollect } from '../../shared/graph/paging';
import { segment } from '../../shared/graph/request';
import {
	ATTACHMENT_METADATA_FIELDS,
	attachmentKind,
	attachmentMetadata,
} from '../actions/attachment/shared';
import { mailPermission } from './permissions';

const KIND_EXPLANATION = {
	item: 'an attached Outlook item (an email, event or contact) whose content Microsoft Graph did not return',
	reference: 'a link to a file in the cloud (OneDrive or SharePoint), not a file',
} as const;

/** The MIME of an attached Outlook item, by the type Graph answers with. */
const ITEM_EXTENSIONS: Record<string, string> = {
	'text/calendar': 'ics',
	'text/vcard': 'vcf',
	'text/x-vcard': 'vcf',
};

export interface AttachmentSource {
	ctx: IExecuteFunctions;
	transport: GraphTransport;
	/** `/me` or `/users/{mailbox}`. */
	root: string;
	messageId: string;
	itemIndex: number;
}

function attachmentPath(source: AttachmentSource, attachmentId: string): string {
	return `${source.root}/messages/${segment(source.messageId)}/attachments/${segment(attachmentId)}`;
}

/** One attachment's metadata (no content). */
export async function getAttachmentMetadata(
	source: AttachmentSource,
	attachmentId: string,
): Promise<IDataObject> {
	return await source.transport.request<IDataObject>({
		method: 'GET',
		path: attachmentPath(source, attachmentId),
		query: { $select: ATTACHMENT_METADATA_FIELDS.join(',') },
		itemIndex: source.itemIndex,
		...mailPermission(source.ctx, source.itemIndex, 'read', 'download attachments'),
	});
}

/**
 * The attachment as n8n binary data, streamed from `/$value` (the JSON `contentBytes` as the
 * fallback for a file). Throws a NodeOperationError for a cloud link, which has no bytes.
 */
export async function downloadAttachment(
	source: AttachmentSource,
	attachment: IDataObject,
): Promise<IBinaryData> {
	const { ctx, itemIndex } = source;
	const id = String(attachment.id ?? '');
	const name = String(attachment.name ?? 'attachment');
	const kind = attachmentKind(attachment);
	const fail = (what: string, description?: string) =>
		new NodeOperationError(
			ctx.getNode(),
			`The attachment "${name}" is ${what}: there is no file to download`,
			{ itemIndex, description },
		);
	if (kind === 'reference') throw fail(KIND_EXPLANATION.reference);

	const streamed = await graphByteStream(source.transport, `${attachmentPath(source, id)}/$value`);
	if (streamed) {
		if (kind === 'item') {
			const mimeType = streamed.contentType || 'message/rfc822';
			const extension = ownValue(ITEM_EXTENSIONS, mimeType.toLowerCase()) ?? 'eml';
			return await ctx.helpers.prepareBinaryData(streamed.stream, `${name}.${extension}`, mimeType);
		}
		return await ctx.helpers.prepareBinaryData(streamed.stream, name, fileMimeType(attachment));
	}
	if (kind === 'item') throw fail(KIND_EXPLANATION.item);

	// The JSON route: the whole file base64-encoded in `contentBytes`.
	const full = await source.transport.request<IDataObject>({
		method: 'GET',
		path: attachmentPath(source, id),
		itemIndex,
		...mailPermission(ctx, itemIndex, 'read', 'download attachments'),
	});
	if (attachmentKind(full) !== 'file' || typeof full.contentBytes !== 'string') {
		throw fail('not a file (Microsoft Graph returned no content)');
	}
	return await ctx.helpers.prepareBinaryData(
		Buffer.from(full.contentBytes, 'base64'),
		name,
		fileMimeType(full),
	);
}

function fileMimeType(attachment: IDataObject): string {
	return typeof attachment.contentType === 'string' && attachment.contentType
		? attachment.contentType
		: 'application/octet-stream';
}

/** The Download Attachments options of Message → Get and Get Many (inside their Options). */
export const downloadAttachmentOptions: INodeProperties[] = [
	{
		displayName: 'Attachment Field Prefix',
		name: 'attachmentPrefix',
		type: 'string',
		default: 'attachment_',
		description:
			'With Download Attachments: the binary fields are named this prefix and a number (attachment_0, attachment_1…)',
	},
	{
		displayName: 'Attachment Max Size (MB)',
		name: 'attachmentMaxSizeMb',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 0,
		description:
			'With Download Attachments: attachments larger than this are left out (listed in skippedAttachments); 0 for no limit',
	},
	{
		displayName: 'Attachment Name Filter',
		name: 'attachmentNames',
		type: 'string',
		default: '',
		placeholder: 'e.g. *.pdf, invoice*',
		description:
			'With Download Attachments: only attachments whose name matches one of these patterns (comma-separated, * and ? wildcards, case-insensitive)',
	},
	{
		displayName: 'Attachment Type Filter',
		name: 'attachmentTypes',
		type: 'string',
		default: '',
		placeholder: 'e.g. image/*, application/pdf',
		description:
			'With Download Attachments: only attachments whose MIME type matches one of these patterns (comma-separated, * wildcard)',
	},
	{
		displayName: 'Download Attachments',
		name: 'downloadAttachments',
		type: 'boolean',
		default: false,
		description:
			'Whether to add every attachment of the message to the item as binary data (attached emails and events as their MIME)',
	},
];

/** A comma-separated list of `*`/`?` wildcard patterns as one case-insensitive test. */
export function wildcardTest(patterns: unknown): ((value: string) => boolean) | undefined {
	const list = String(patterns ?? '')
		.split(',')
		.map((p) => p.trim())
		.filter(Boolean);
	if (!list.length) return undefined;
	const regexes = list.map(
		(pattern) =>
			new RegExp(
				`^${pattern
					.replace(/[.+^${}()|[\]\\]/g, '\\$&')
					.replace(/\*/g, '.*')
					.replace(/\?/g, '.')}$`,
				'i',
			),
	);
	return (value) => regexes.some((regex) => regex.test(value));
}

interface DownloadChoice {
	prefix: string;
	maxBytes: number;
	names?: (value: string) => boolean;
	types?: (value: string) => boolean;
}

/** The item's Download Attachments choice, or undefined when it is off. */
export function readDownloadChoice(options: IDataObject): DownloadChoice | undefined {
	if (options.downloadAttachments !== true) return undefined;
	const maxMb = Number(options.attachmentMaxSizeMb ?? 0);
	return {
		prefix: String(options.attachmentPrefix ?? 'attachment_').trim() || 'attachment_',
		maxBytes: maxMb > 0 ? maxMb * 1024 * 1024 : Infinity,
		names: wildcardTest(options.attachmentNames),
		types: wildcardTest(options.attachmentTypes),
	};
}

/**
 * The message as an item with its attachments as binary data: every attachment that passes the
 * filters, streamed; the ones left out by size are listed in `skippedAttachments`.
 */
export async function withAttachments(
	source: AttachmentSource,
	json: IDataObject,
	choice: DownloadChoice,
): Promise<INodeExecutionData> {
	const attachments = await graphCollect(
		source.transport,
		{
			method: 'GET',
			path: `${source.root}/messages/${segment(source.messageId)}/attachments`,
			query: { $select: ATTACHMENT_METADATA_FIELDS.join(',') },
			itemIndex: source.itemIndex,
			...mailPermission(source.ctx, source.itemIndex, 'read', 'download attachments'),
		},
		{ returnAll: true },
	);
	const binary: IBinaryKeyData = {};
	const skipped: IDataObject[] = [];
	let n = 0;
	for (const attachment of attachments) {
		const kind = attachmentKind(attachment);
		if (kind === 'reference') {
			skipped.push({ ...attachmentMetadata(attachment), reason: KIND_EXPLANATION.reference });
			continue;
		}
		const name = String(attachment.name ?? '');
		const type = String(attachment.contentType ?? '');
		if (choice.names && !choice.names(name)) continue;
		if (choice.types && !choice.types(type)) continue;
		if (Number(attachment.size ?? 0) > choice.maxBytes) {
			skipped.push({ ...attachmentMetadata(attachment), reason: 'larger than the size limit' });
			continue;
		}
		binary[`${choice.prefix}${n++}`] = await downloadAttachment(source, attachment);
	}
	const out: INodeExecutionData = {
		json: skipped.length ? { ...json, skippedAttachments: skipped } : json,
	};
	if (n) out.binary = binary;
	return out;
}

/** Messages at once while their attachments download (each holds a mailbox slot per request). */
const MESSAGES_IN_PARALLEL = 4;

/**
 * Message → Get and Get Many output: the shaped messages, each with its attachments as binary
 * data when the item's Download Attachments option is on. In Get Many, a message whose
 * `hasAttachments` is false is not asked for its list (Graph leaves inline images out of that
 * flag, so Get Many skips messages that have only inline images).
 */
export async function messagesWithAttachments(
	ctx: IExecuteFunctions,
	transport: GraphTransport,
	itemIndex: number,
	messages: IDataObject[],
	shape: (message: IDataObject) => IDataObject,
	options: IDataObject,
	single = false,
): Promise<INodeExecutionData[] | IDataObject[]> {
	const choice = readDownloadChoice(options);
	if (!choice) return messages.map(shape);
	const root = getMailboxRoot(ctx, itemIndex);
	return await mapConcurrent(messages, MESSAGES_IN_PARALLEL, async (message) => {
		const json = shape(message);
		return !single && message.hasAttachments === false
			? { json }
			: await withAttachments(
					{ ctx, transport, root, messageId: String(message.id), itemIndex },
					json,
					choice,
				);
	});
}
