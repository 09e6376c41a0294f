/**
 * Send as / send on behalf of: the message's `from` is another mailbox, a shared mailbox or a
 * group. Whether recipients see "X" (Send As) or "you on behalf of X" (Send on Behalf) depends on
 * the Exchange right the connected account holds on X; Graph needs Mail.Send.Shared (delegated)
 * for either. Without a right Graph answers ErrorSendAsDenied, which the transport's error mapping
 * (nodes/shared/auth/microsoft-errors.ts) turns into the right to grant and how.
 * https://learn.microsoft.com/graph/outlook-send-mail-from-other-user
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { parseRecipients } from './recipients';

export const fromField: INodeProperties = {
	displayName: 'From',
	name: 'from',
	type: 'string',
	default: '',
	placeholder: 'e.g. support@contoso.com',
	description:
		'Send as, or on behalf of, another mailbox, shared mailbox or group. The connected account needs Send As or Send on Behalf on it in Exchange, and the credential the Shared Mailboxes permission.',
};

/** The Graph `from` for the field's value, or undefined when it is empty; one address only. */
export function readFrom(
	ctx: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
): IDataObject | undefined {
	const list = parseRecipients(ctx, itemIndex, 'From', value);
	if (list.length === 0) return undefined;
	if (list.length > 1) {
		throw new NodeOperationError(ctx.getNode(), 'The field From must hold exactly one address', {
			itemIndex,
			description: `It holds ${list.length}: a message has one sender. Put the others in To, CC or Reply To.`,
		});
	}
	return list[0];
}

/** Sets `message.from` from the field's value (left alone when empty). */
export function applyFrom(
	ctx: IExecuteFunctions,
	itemIndex: number,
	message: IDataObject,
	value: unknown,
): void {
	const from = readFrom(ctx, itemIndex, value);
	if (from) message.from = from;
}
