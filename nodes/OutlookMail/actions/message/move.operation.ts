import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { getMailboxRoot, updateDisplayOptions } from '../../../shared/descriptions';
import { segment } from '../../../shared/graph/request';
import type { OperationResult } from '../../../shared/router';
import { folderLocator, getFolderId, getMessageId, messageLocator } from '../../descriptions/locators';
import { runBatched } from '../../helpers/bulk';
import { mailPermission } from '../../helpers/permissions';
import { simplifyMessage } from '../../helpers/simplify';

const properties: INodeProperties[] = [
	messageLocator(),
	folderLocator({
		displayName: 'Destination Folder',
		description: 'The folder to move the message to: pick one, or enter its ID or a well-known name such as inbox or archive',
	}),
];

export const description = updateDisplayOptions({ show: { resource: ['message'], operation: ['move'] } }, properties);

/** `POST .../messages/{id}/move { destinationId }` answers with the message in its new folder. https://learn.microsoft.com/graph/api/message-move */
export async function executeAll(this: IExecuteFunctions, itemIndexes: number[]): Promise<Array<OperationResult | Error>> {
	return await runBatched(this, itemIndexes, (i) => {
		const root = getMailboxRoot(this, i);
		const messageId = getMessageId(this, i);
		const destinationId = getFolderId(this, i, 'folderId', 'Destination Folder');
		return {
			request: {
				method: 'POST',
				path: `${root}/messages/${segment(messageId)}/move`,
				body: { destinationId },
				itemIndex: i,
				...mailPermission(this, i, 'write', 'move messages'),
			},
			output: (message) => simplifyMessage(message ?? { id: messageId }),
		};
	});
}
