/**
 * n8n fields → a Graph `message` body for sendMail, drafts, replies and forwards. Everything that
 * can be checked locally (addresses, header names and values) is checked here, before any request.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { listValue } from '../../shared/parameters';
import { applyFrom } from './from';
import { parseRecipients } from './recipients';

/** The recipient fields of a message and how the UI labels them (for error messages). */
export const RECIPIENT_FIELDS: Record<string, string> = {
	toRecipients: 'To',
	ccRecipients: 'CC',
	bccRecipients: 'BCC',
	replyTo: 'Reply To',
};

/**
 * Graph only accepts custom headers: names must begin with `x-` (case-insensitive).
 * https://learn.microsoft.com/graph/api/resources/internetmessageheader
 * A field name is printable US-ASCII except `:` (RFC 5322 §2.2); a value must not contain CR or LF,
 * which would let it start a header (or a body) of its own (header injection).
 */
const HEADER_NAME = /^[xX]-[\x21-\x39\x3b-\x7e]+$/;

/** A list from a field or an expression (nodes/shared/parameters.ts listValue). */
export const splitList = listValue;

function internetHeaders(ctx: IExecuteFunctions, itemIndex: number, value: unknown): IDataObject[] {
	const entries = ((value as IDataObject | undefined)?.headers ?? []) as Array<{
		name?: string;
		value?: string;
	}>;
	return entries.map(({ name = '', value: headerValue = '' }) => {
		const headerName = String(name).trim();
		if (!HEADER_NAME.test(headerName)) {
			throw new NodeOperationError(
				ctx.getNode(),
				`"${headerName.slice(0, 80)}" in the field Internet Headers is not a custom header name`,
				{
					itemIndex,
					description:
						'Microsoft Graph only accepts custom headers, whose names start with "x-" (e.g. x-campaign-id), without spaces or colons.',
				},
			);
		}
		const text = String(headerValue);
		if (/[\r\n]/.test(text)) {
			throw new NodeOperationError(
				ctx.getNode(),
				`The value of the header ${headerName} in the field Internet Headers contains a line break`,
				{
					itemIndex,
					description: 'Header values must be on one line.',
				},
			);
		}
		return { name: headerName, value: text };
	});
}

/**
 * The Graph message for the fields given (flat: `toRecipients`, `subject`, `bodyContent`…).
 * Fields not present are left out, so the same builder serves create (all fields) and update
 * (only the ones the user chose).
 */
export function buildMessage(
	ctx: IExecuteFunctions,
	itemIndex: number,
	fields: IDataObject,
): IDataObject {
	const message: IDataObject = {};
	for (const [key, label] of Object.entries(RECIPIENT_FIELDS)) {
		if (fields[key] === undefined) continue;
		message[key] = parseRecipients(ctx, itemIndex, label, fields[key]);
	}
	if (fields.from !== undefined) applyFrom(ctx, itemIndex, message, fields.from);
	if (fields.subject !== undefined) message.subject = String(fields.subject);
	if (fields.bodyContent !== undefined) {
		message.body = {
			contentType: fields.bodyContentType === 'html' ? 'html' : 'text',
			content: String(fields.bodyContent),
		};
	}
	if (fields.importance !== undefined) message.importance = fields.importance;
	if (fields.isReadReceiptRequested !== undefined)
		message.isReadReceiptRequested = fields.isReadReceiptRequested;
	if (fields.isDeliveryReceiptRequested !== undefined)
		message.isDeliveryReceiptRequested = fields.isDeliveryReceiptRequested;
	if (fields.categories !== undefined) message.categories = splitList(fields.categories);
	if (fields.internetMessageHeaders !== undefined) {
		const headers = internetHeaders(ctx, itemIndex, fields.internetMessageHeaders);
		if (headers.length) message.internetMessageHeaders = headers;
	}
	return message;
}

/** Throws unless the message has at least one recipient (Graph would answer 400 ErrorInvalidRecipients). */
export function requireRecipient(
	ctx: IExecuteFunctions,
	itemIndex: number,
	message: IDataObject,
): void {
	const count = ['toRecipients', 'ccRecipients', 'bccRecipients'].reduce(
		(sum, key) => sum + ((message[key] as unknown[] | undefined)?.length ?? 0),
		0,
	);
	if (count === 0) {
		throw new NodeOperationError(ctx.getNode(), 'The field To is empty', {
			itemIndex,
			description: 'A message needs at least one recipient in To, CC or BCC.',
		});
	}
}

/**
 * The files of a message's fields: attachments, inline images and the HTML body they appear in;
 * `message` is what goes in the same request as them (see MessageFiles.alongside).
 */
export function messageFiles(
	fields: IDataObject,
	message: IDataObject,
): {
	attachments: unknown;
	inlineImages: unknown;
	html: string | undefined;
	alongside: unknown;
} {
	return {
		alongside: message,
		attachments: fields.attachments,
		inlineImages: fields.inlineImages,
		html:
			fields.bodyContentType === 'html' && fields.bodyContent !== undefined
				? String(fields.bodyContent)
				: undefined,
	};
}
