import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { getMailboxRoot, updateDisplayOptions } from '../../shared/descriptions';
import { segment } from '../../shared/graph/request';
import type { OperationResult } from '../../shared/router';
import { folderLocator, getFolderId, getMessageId, messageLocator } from '../descriptions/locators';
import { runBatched } from './bulk';
import { mailPermission } from './permissions';
import { simplifyMessage } from './simplify';

/**
 * Copy and Move differ only in the action's name: `POST .../messages/{id}/copy|move { destinationId }`
 * answers with the message in the destination folder (a new copy, or the moved message with its new ID).
 * https://learn.microsoft.com/graph/api/message-copy, https://learn.microsoft.com/graph/api/message-move
 */
export function relocateOperation(action: 'copy' | 'move') {
	const properties: INodeProperties[] = [
		messageLocator(),
		folderLocator({
			displayName: 'Destination Folder',
			description: `The folder to ${action} the message to: pick one, or enter its ID or a well-known name such as inbox or archive`,
		}),
	];

	const description = updateDisplayOptions(
		{ show: { resource: ['message'], operation: [action] } },
		properties,
	);

	async function executeAll(
		this: IExecuteFunctions,
		itemIndexes: number[],
	): Promise<Array<OperationResult | Error>> {
		return await runBatched(this, itemIndexes, (i) => {
			const root = getMailboxRoot(this, i);
			const messageId = getMessageId(this, i);
			const destinationId = getFolderId(this, i, 'folderId', 'Destination Folder');
			return {
				request: {
					method: 'POST',
					path: `${root}/messages/${segment(messageId)}/${action}`,
					body: { destinationId },
					itemIndex: i,
					...mailPermission(this, i, 'write', `${action} messages`),
				},
				output: (message) => simplifyMessage(message ?? { id: messageId }),
			};
		});
	}

	return { description, executeAll };
}
