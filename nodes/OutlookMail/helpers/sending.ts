/**
 * Sending with attachments that do not fit in one request: create a draft, add the files to it
 * (upload sessions for large ones), then send the draft.
 * https://learn.microsoft.com/graph/outlook-large-attachments
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { GraphTransport } from '../../shared/graph/client';
import { segment } from '../../shared/graph/request';
import type { BinaryAttachment } from '../../shared/graph/upload';
import { attachBinaryProperties } from '../../shared/graph/upload';
import { mailPermission } from './permissions';

/** Adds the files to the draft at `root/messages/{draftId}` and sends it. */
export async function attachAndSendDraft(
	ctx: IExecuteFunctions,
	transport: GraphTransport,
	itemIndex: number,
	root: string,
	draftId: string,
	files: BinaryAttachment[],
): Promise<IDataObject[]> {
	const messagePath = `${root}/messages/${segment(draftId)}`;
	const attached = await attachBinaryProperties(ctx, transport, {
		itemIndex,
		messagePath,
		attachments: files,
		permission: mailPermission(ctx, itemIndex, 'write', 'add an attachment').permission,
	});
	await transport.request({
		method: 'POST',
		path: `${messagePath}/send`,
		itemIndex,
		...mailPermission(ctx, itemIndex, 'send', 'send mail'),
	});
	return attached as unknown as IDataObject[];
}
