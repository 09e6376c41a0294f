/**
 * The delegated permission each kind of mail operation needs, so a 403 can say which one to add.
 * Another user's mailbox needs the `.Shared` variant.
 * https://learn.microsoft.com/graph/permissions-reference#mail-permissions
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { isOtherMailbox } from '../../shared/descriptions';

export type MailAccess = 'read' | 'write' | 'send';

export interface PermissionHint {
	permission: string;
	action: string;
}

export function mailPermission(
	ctx: IExecuteFunctions,
	itemIndex: number,
	access: MailAccess,
	action: string,
): PermissionHint {
	const shared = isOtherMailbox(ctx, itemIndex);
	const permission = {
		read: shared ? 'Mail.ReadWrite.Shared' : 'Mail.Read',
		write: shared ? 'Mail.ReadWrite.Shared' : 'Mail.ReadWrite',
		send: shared ? 'Mail.Send.Shared' : 'Mail.Send',
	}[access];
	return { permission, action };
}
