/**
 * Inline images: binary properties sent as attachments with `isInline` and a `contentId`, shown
 * where the HTML body references them as `<img src="cid:{contentId}">`. The content ID is the
 * binary property's name, so `data` is `cid:data`.
 * https://learn.microsoft.com/graph/api/resources/fileattachment (contentId, isInline)
 *
 * Mistakes are errors, not warnings: an inline image in a text body, or one the HTML never
 * references, is hidden or shown as a nameless attachment depending on the recipient's client,
 * never where it was meant to be; and a warning in an unattended workflow is read by nobody.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { BinaryAttachment } from '../../shared/graph/upload';
import { INLINE_ATTACHMENT_LIMIT, readBinaryAttachments } from '../../shared/graph/upload';
import type { PreparedAttachments } from './attachments';
import { INLINE_TOTAL_LIMIT, prepareAttachments } from './attachments';
import { splitList } from './compose';

const FIELD = 'Inline Images';

export const inlineImagesField: INodeProperties = {
	displayName: 'Inline Images',
	name: 'inlineImages',
	type: 'string',
	default: '',
	placeholder: 'e.g. logo, chart',
	description:
		'Names of input binary properties to show inside the HTML body, comma-separated. Reference each as <img src="cid:NAME"> (e.g. cid:logo). Needs Body Format HTML; each image under 3 MB.',
};

/** RFC 2392 content IDs are message-id-like: no spaces, quotes, angle brackets. */
const CONTENT_ID = /^[A-Za-z0-9!#$%&'*+\-./=?^_`{|}~]+$/;

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The inline images named in the field as attachments, checked against the body before any
 * request. `html` is the body's HTML, or undefined when the body is text (or absent).
 */
export async function readInlineImages(
	ctx: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
	html: string | undefined,
): Promise<BinaryAttachment[]> {
	const names = splitList(value);
	if (!names.length) return [];
	if (html === undefined) {
		throw new NodeOperationError(ctx.getNode(), 'Inline images need an HTML body', {
			itemIndex,
			description: `The field ${FIELD} names ${names.join(', ')}, but the body is not HTML. Set Body Format to HTML and reference each image as <img src="cid:${names[0]}">, or attach the files with Attachments instead.`,
		});
	}
	for (const name of names) {
		if (!CONTENT_ID.test(name)) {
			throw new NodeOperationError(
				ctx.getNode(),
				`"${name.slice(0, 80)}" in the field ${FIELD} cannot be a content ID`,
				{
					itemIndex,
					description:
						'Use binary property names without spaces, quotes or angle brackets (e.g. logo).',
				},
			);
		}
		if (
			!new RegExp(`cid:${escapeRegExp(name)}(?![A-Za-z0-9!#$%&'*+\\-./=?^_\`{|}~])`, 'i').test(html)
		) {
			throw new NodeOperationError(
				ctx.getNode(),
				`The HTML body does not reference the inline image "${name}"`,
				{
					itemIndex,
					description: `Add <img src="cid:${name}"> where the image should appear, or remove "${name}" from the field ${FIELD} (an inline image the body does not show is hidden or shown as a nameless attachment).`,
				},
			);
		}
	}
	const files = await readBinaryAttachments(ctx, itemIndex, names, { fieldName: FIELD });
	return files.map((file) => {
		if (!file.small) {
			throw new NodeOperationError(
				ctx.getNode(),
				`The inline image "${file.fileName}" (binary property "${file.propertyName}") is too large`,
				{
					itemIndex,
					description: `Inline images must be under ${INLINE_ATTACHMENT_LIMIT / 1_000_000} MB each; make it smaller, or send it with Attachments instead.`,
				},
			);
		}
		return {
			...file,
			small: { ...file.small, isInline: true, contentId: file.propertyName },
		};
	});
}

export interface MessageFiles {
	/** The Attachments field (comma-separated binary property names). */
	attachments?: unknown;
	/** The Inline Images field. */
	inlineImages?: unknown;
	/** The HTML body the inline images must be referenced from; undefined for a text body. */
	html?: string;
	/**
	 * What goes in the same request as the files when they fit in it (the message, its body, a
	 * comment): a request body is capped at 4 MB, and a large body leaves less room for the files.
	 */
	alongside: unknown;
}

/**
 * A Graph request body is capped at 4 MB (https://learn.microsoft.com/graph/outlook-large-attachments);
 * the files (base64) and what goes with them must fit in it, with room for names and JSON keys.
 */
const REQUEST_BYTES_LIMIT = 4 * 1024 * 1024 - 64 * 1024;

/** The bytes the files (base64) and what goes with them take in one JSON request. */
function requestBytes(files: Array<{ size: number }>, alongside: unknown): number {
	const encoded = files.reduce((sum, file) => sum + Math.ceil(file.size / 3) * 4, 0);
	return encoded + Buffer.byteLength(JSON.stringify(alongside ?? null));
}

/**
 * Attachments and inline images together: in the one request when all fit (inline bodies),
 * otherwise every file is added to a draft afterwards (inline images always in one POST each).
 */
export async function prepareMessageFiles(
	ctx: IExecuteFunctions,
	itemIndex: number,
	fields: MessageFiles,
): Promise<PreparedAttachments> {
	const prepared = await prepareAttachments(ctx, itemIndex, fields.attachments);
	const images = await readInlineImages(ctx, itemIndex, fields.inlineImages, fields.html);
	const files = [...prepared.files, ...images];
	const total = files.reduce((sum, file) => sum + file.size, 0);
	const fits =
		files.length === 0 ||
		(prepared.inline !== undefined &&
			total < INLINE_TOTAL_LIMIT &&
			requestBytes(files, fields.alongside) < REQUEST_BYTES_LIMIT);
	return {
		files,
		inline: fits ? files.map((file) => file.small as IDataObject) : undefined,
	};
}
