/**
 * The delegated permission each kind of mail operation needs, so a 403 can say which one to add
 * (the shared table of both Graph nodes: nodes/shared/permissions.ts).
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import type { Access, PermissionHint } from '../../shared/permissions';
import { permissionHint } from '../../shared/permissions';

export type MailAccess = Access;
export type { PermissionHint };

export function mailPermission(
	ctx: IExecuteFunctions,
	itemIndex: number,
	access: MailAccess,
	action: string,
): PermissionHint {
	return permissionHint(ctx, itemIndex, 'mail', access, action);
}
