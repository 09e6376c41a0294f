import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { getMailboxRoot, updateDisplayOptions } from '../../../shared/descriptions';
import { segment } from '../../../shared/graph/request';
import type { OperationResult } from '../../../shared/router';
import { getMessageId, messageLocator } from '../../descriptions/locators';
import { runBatched } from '../../helpers/bulk';
import { mailPermission } from '../../helpers/permissions';
import type { OperationDeclaration } from '../../../shared/declarations';

const properties: INodeProperties[] = [
	messageLocator(),
	{
		displayName: 'Delete Permanently',
		name: 'permanent',
		type: 'boolean',
		default: false,
		description: 'Whether to delete the message for good (on) or move it to Deleted Items (off)',
	},
];

export const declaration: OperationDeclaration = { does: 'change' };

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['delete'] } },
	properties,
);

/**
 * To Deleted Items is a move to the well-known folder `deleteditems`. Permanently is `DELETE`:
 * Graph v1.0's `permanentDelete` action is missing from the OpenAPI description the package is
 * checked against, and DELETE on a message removes it from the mailbox the same way.
 * https://learn.microsoft.com/graph/api/message-delete
 */
export async function executeAll(
	this: IExecuteFunctions,
	itemIndexes: number[],
): Promise<Array<OperationResult | Error>> {
	return await runBatched(this, itemIndexes, (i) => {
		const root = getMailboxRoot(this, i);
		const messageId = getMessageId(this, i);
		const permanent = this.getNodeParameter('permanent', i, false) as boolean;
		const path = `${root}/messages/${segment(messageId)}`;
		const permission = mailPermission(this, i, 'write', 'delete messages');
		return {
			request: permanent
				? { method: 'DELETE', path, itemIndex: i, ...permission }
				: {
						method: 'POST',
						path: `${path}/move`,
						body: { destinationId: 'deleteditems' },
						itemIndex: i,
						...permission,
					},
			output: () => ({ id: messageId, deleted: true, permanent }),
		};
	});
}
