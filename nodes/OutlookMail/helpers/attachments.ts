/**
 * Attachments from the item's binary properties for send, draft, reply and forward: inline in
 * the one request when they fit, otherwise added to a draft (upload sessions for large files).
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { GraphTransport } from '../../shared/graph/client';
import { segment } from '../../shared/graph/request';
import type { BinaryAttachment } from '../../shared/graph/upload';
import {
	attachBinaryProperties,
	INLINE_ATTACHMENT_LIMIT,
	readBinaryAttachments,
} from '../../shared/graph/upload';
import { splitList } from './compose';

/**
 * A Graph request body is capped at 4 MB (https://learn.microsoft.com/graph/outlook-large-attachments),
 * so all inline files together get the same budget as one inline file.
 */
export const INLINE_TOTAL_LIMIT = INLINE_ATTACHMENT_LIMIT;

export interface PreparedAttachments {
	files: BinaryAttachment[];
	/** The fileAttachment bodies to put in the message itself, or undefined when they must be uploaded to a draft. */
	inline?: IDataObject[];
}

/** Reads and checks the files named in the field (comma-separated binary property names), before any request. */
export async function prepareAttachments(
	ctx: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
	// As the editor labels the field (descriptions/compose.ts, attachmentsField).
	fieldName = 'Binary Attachments',
): Promise<PreparedAttachments> {
	const names = splitList(value);
	if (!names.length) return { files: [], inline: [] };
	const files = await readBinaryAttachments(ctx, itemIndex, names, { fieldName });
	const total = files.reduce((sum, file) => sum + file.size, 0);
	const allSmall = files.every((file) => file.small);
	return {
		files,
		inline:
			allSmall && total < INLINE_TOTAL_LIMIT
				? files.map((file) => file.small as IDataObject)
				: undefined,
	};
}

/**
 * After a draft is created: uploads its files when they could not go inline in the create
 * request, and names the attachments in the output (Draft → Create and the reply drafts).
 */
export async function finishDraftAttachments(
	ctx: IExecuteFunctions,
	transport: GraphTransport,
	options: {
		itemIndex: number;
		root: string;
		draftId: string;
		prepared: PreparedAttachments;
		permission: string | undefined;
	},
	output: IDataObject,
): Promise<void> {
	const { files, inline } = options.prepared;
	if (!inline) {
		const attached = await attachBinaryProperties(ctx, transport, {
			itemIndex: options.itemIndex,
			messagePath: `${options.root}/messages/${segment(options.draftId)}`,
			attachments: files,
			permission: options.permission,
		});
		output.hasAttachments = true;
		output.attachments = attached.map((a) => a.name);
	} else if (inline.length) {
		output.attachments = inline.map((a) => a.name);
	}
}
