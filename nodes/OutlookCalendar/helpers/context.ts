/**
 * What every calendar operation needs for an item: the transport, the mailbox root (`/me` or
 * `/users/{id}`) and the permission a 403 should name.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { getMailboxRoot } from '../../shared/descriptions';
import type { Access } from '../../shared/permissions';
import { permissionHint } from '../../shared/permissions';
import { GraphTransport } from '../../shared/graph/client';
import { segment, UnsafePathSegmentError } from '../../shared/graph/request';

/** Calendars.ReadWrite covers the signed-in user's calendars; other people's need the .Shared variant. */
export const OWN_CALENDAR_PERMISSION = 'Calendars.ReadWrite';
export const SHARED_CALENDAR_PERMISSION = 'Calendars.ReadWrite.Shared';

export interface CalendarCall {
	transport: GraphTransport;
	/** `/me` or `/users/{encoded id}`. */
	root: string;
	permission: string;
	itemIndex: number;
}

/**
 * Reads the Mailbox field (validated, field-named error) and builds the transport; `access` (what
 * the operation does) picks the permission a 403 names.
 */
export async function calendarCall(
	ctx: IExecuteFunctions,
	itemIndex: number,
	access: Access = 'write',
): Promise<CalendarCall> {
	const root = getMailboxRoot(ctx, itemIndex);
	const { permission } = permissionHint(ctx, itemIndex, 'calendar', access, '');
	const transport = await GraphTransport.create(ctx, itemIndex);
	return { transport, root, permission, itemIndex };
}

/** An ID as one encoded path segment; an unusable ID is an error naming the field. */
export function idSegment(
	ctx: IExecuteFunctions,
	itemIndex: number,
	id: string,
	field: string,
): string {
	try {
		return segment(id);
	} catch (error) {
		const reason =
			error instanceof UnsafePathSegmentError ? 'is not a valid ID' : 'cannot be used in a request';
		throw new NodeOperationError(ctx.getNode(), `"${id}" in the field ${field} ${reason}`, {
			itemIndex,
		});
	}
}
