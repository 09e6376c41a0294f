/**
 * What the attachment operations share: the attachment metadata Graph returns without the file
 * content, and the kind of attachment (file, attached Outlook item, or cloud link).
 * https://learn.microsoft.com/graph/api/resources/attachment
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { dataRecord } from '../../../shared/outsideData';

/** Properties every attachment type has; `$select` on them leaves `contentBytes` out. */
export const ATTACHMENT_METADATA_FIELDS = [
	'id',
	'name',
	'contentType',
	'size',
	'isInline',
	'lastModifiedDateTime',
] as const;

export type AttachmentKind = 'file' | 'item' | 'reference';

/** `#microsoft.graph.fileAttachment` → 'file', and so on. */
export function attachmentKind(attachment: IDataObject): AttachmentKind | undefined {
	const type = String(attachment['@odata.type'] ?? '');
	if (/fileAttachment$/i.test(type)) return 'file';
	if (/itemAttachment$/i.test(type)) return 'item';
	if (/referenceAttachment$/i.test(type)) return 'reference';
	return undefined;
}

/** Metadata for output: no content, no OData annotations, plus the kind. */
export function attachmentMetadata(attachment: IDataObject): IDataObject {
	// Graph's property names are outside data: a "__proto__" in the JSON stays a key.
	const out = dataRecord() as IDataObject;
	for (const [key, value] of Object.entries(attachment)) {
		if (key === 'contentBytes' || key.startsWith('@odata.')) continue;
		out[key] = value;
	}
	const kind = attachmentKind(attachment);
	if (kind) out.attachmentType = kind;
	return out;
}

/** The item's Attachment ID field, trimmed; empty is an error naming the field. */
export function getAttachmentId(ctx: IExecuteFunctions, itemIndex: number): string {
	const id = String(ctx.getNodeParameter('attachmentId', itemIndex, '') ?? '').trim();
	if (!id) {
		throw new NodeOperationError(ctx.getNode(), 'The field Attachment ID is empty', {
			itemIndex,
			description: 'Use the ID from Attachment → Get Many, e.g. {{ $json.id }}.',
		});
	}
	return id;
}
