import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { getMailboxRoot, updateDisplayOptions } from '../../../shared/descriptions';
import { GraphTransport } from '../../../shared/graph/client';
import { segment } from '../../../shared/graph/request';
import { draftLocator, getMessageId } from '../../descriptions/locators';
import { mailPermission } from '../../helpers/permissions';
import type { OperationDeclaration } from '../../../shared/declarations';

const properties: INodeProperties[] = [draftLocator({ description: 'The draft to delete' })];

export const declaration: OperationDeclaration = { does: 'change' };

export const description = updateDisplayOptions(
	{ show: { resource: ['draft'], operation: ['delete'] } },
	properties,
);

/** `DELETE .../messages/{id}`: a discarded draft is not kept in Deleted Items. https://learn.microsoft.com/graph/api/message-delete */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const root = getMailboxRoot(this, i);
	const draftId = getMessageId(this, i, 'messageId', 'Draft');
	const transport = await GraphTransport.create(this, i);
	await transport.request({
		method: 'DELETE',
		path: `${root}/messages/${segment(draftId)}`,
		itemIndex: i,
		...mailPermission(this, i, 'write', 'delete drafts'),
	});
	return { id: draftId, deleted: true };
}
