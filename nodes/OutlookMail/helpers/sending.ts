/**
 * Sending mail safely: the send requests carry a way to tell, after an ambiguous failure, whether
 * Graph sent the message, so the transport never sends it twice blindly. Also: sending with
 * attachments that do not fit in one request: create a draft, add the files to it (upload
 * sessions for large ones), then send the draft.
 * https://learn.microsoft.com/graph/outlook-large-attachments
 */
import { randomUUID } from 'node:crypto';

import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { GraphTransport, SendsMail } from '../../shared/graph/client';
import { odataString, segment } from '../../shared/graph/request';
import type { BinaryAttachment } from '../../shared/graph/upload';
import { attachBinaryProperties } from '../../shared/graph/upload';
import { mailPermission } from './permissions';

/**
 * A named MAPI property in the internet-headers namespace (PS_INTERNET_HEADERS): Exchange sends it
 * as the header `X-N8n-Send-Id`, keeps it on the copy in Sent Items, and Graph can filter on it.
 * https://learn.microsoft.com/graph/api/resources/extended-properties-overview
 * https://learn.microsoft.com/openspecs/exchange_server_protocols/ms-oxprops (PS_INTERNET_HEADERS)
 */
export const SEND_ID_PROPERTY = 'String {00020386-0000-0000-C000-000000000046} Name X-N8n-Send-Id';

/** Stamps `message` with a fresh send ID (kept with any extended properties it has); returns the ID. */
export function stampSendId(message: IDataObject): string {
	const sendId = randomUUID();
	const existing = (message.singleValueExtendedProperties as IDataObject[] | undefined) ?? [];
	message.singleValueExtendedProperties = [...existing, { id: SEND_ID_PROPERTY, value: sendId }];
	return sendId;
}

/** Looks for the message with this send ID in the mailbox's Sent Items. */
export function sentItemsCheck(
	ctx: IExecuteFunctions,
	transport: GraphTransport,
	itemIndex: number,
	root: string,
	sendId: string,
): SendsMail {
	return {
		wasSent: async () => {
			const found = await transport.request<{ value?: IDataObject[] }>({
				method: 'GET',
				path: `${root}/mailFolders/sentitems/messages`,
				query: {
					$filter: `singleValueExtendedProperties/any(ep: ep/id eq ${odataString(SEND_ID_PROPERTY)} and ep/value eq ${odataString(sendId)})`,
					$select: 'id',
					$top: 1,
				},
				itemIndex,
				...mailPermission(ctx, itemIndex, 'read', 'check Sent Items before sending again'),
			});
			return (found.value ?? []).length > 0;
		},
	};
}

/**
 * For `POST …/messages/{id}/send`: a draft that was sent is no longer a draft (it moved to Sent
 * Items, or is gone from the mailbox under this ID). When Graph does not answer the look (a 5xx
 * after its retries, 401, 403), whether it was sent is unknown: the item fails, and the draft is
 * not sent again, as the Sent Items check does.
 */
export function draftSentCheck(
	transport: GraphTransport,
	itemIndex: number,
	messagePath: string,
): SendsMail {
	return {
		wasSent: async () => {
			const response = await transport.send({
				method: 'GET',
				path: messagePath,
				query: { $select: 'isDraft' },
				itemIndex,
			});
			if (response.status === 404) return true;
			if (response.status >= 300)
				throw new NodeOperationError(
					transport.ctx.getNode(),
					`Microsoft Graph failed while sending the draft, and could not say whether it was sent (looking at the draft answered HTTP ${response.status}), so it was not sent again`,
					{
						itemIndex,
						description: 'Look in Sent Items (and Drafts) before running this item again.',
					},
				);
			const draft = JSON.parse(response.body.toString('utf8') || '{}') as IDataObject;
			return draft.isDraft === false;
		},
	};
}

/** The item's output gains `sendCheck` when a failure made the node look before sending again. */
export function withSendCheck(output: IDataObject, sends: SendsMail | undefined): IDataObject {
	return sends?.outcome ? { ...output, sendCheck: sends.outcome } : output;
}

/** Best effort: deletes a draft the node made; true when it is gone. */
export async function discardDraft(
	transport: GraphTransport,
	itemIndex: number,
	messagePath: string,
): Promise<boolean> {
	try {
		const response = await transport.send({ method: 'DELETE', path: messagePath, itemIndex });
		return response.status < 300 || response.status === 404;
	} catch {
		return false;
	}
}

/** Adds the files to the draft at `root/messages/{draftId}` and sends it; a failed upload deletes the draft. */
export async function attachAndSendDraft(
	ctx: IExecuteFunctions,
	transport: GraphTransport,
	itemIndex: number,
	root: string,
	draftId: string,
	files: BinaryAttachment[],
): Promise<{ attached: IDataObject[]; sends: SendsMail }> {
	const messagePath = `${root}/messages/${segment(draftId)}`;
	let attached: Awaited<ReturnType<typeof attachBinaryProperties>>;
	try {
		attached = await attachBinaryProperties(ctx, transport, {
			itemIndex,
			messagePath,
			attachments: files,
			permission: mailPermission(ctx, itemIndex, 'write', 'add an attachment').permission,
		});
	} catch (error) {
		// The draft only carried the files: nothing is sent, and no half-made draft is left behind.
		const removed = await discardDraft(transport, itemIndex, messagePath);
		if (error instanceof NodeApiError || error instanceof NodeOperationError) {
			const note = removed
				? 'Nothing was sent; the draft made to carry the attachments was deleted.'
				: `Nothing was sent; the draft made to carry the attachments (${draftId}) is still in Drafts.`;
			error.description = error.description ? `${error.description} ${note}` : note;
		}
		// The transport's NodeApiError or the upload's NodeOperationError, with what became of the draft.
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
		throw error;
	}
	const sends = draftSentCheck(transport, itemIndex, messagePath);
	await transport.request({
		method: 'POST',
		path: `${messagePath}/send`,
		itemIndex,
		sends,
		...mailPermission(ctx, itemIndex, 'send', 'send mail'),
	});
	return { attached: attached as unknown as IDataObject[], sends };
}
