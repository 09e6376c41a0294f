import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { getMailboxRoot, updateDisplayOptions } from '../../../shared/descriptions';
import type { OperationDeclaration } from '../../../shared/declarations';
import { GraphTransport } from '../../../shared/graph/client';
import { getRuleId, RULE_NOT_FOUND, ruleLocator, rulePath, rulePermission } from './shared';

const properties: INodeProperties[] = [ruleLocator];

export const declaration: OperationDeclaration = { does: 'change' };

export const description = updateDisplayOptions(
	{ show: { resource: ['inboxRule'], operation: ['delete'] } },
	properties,
);

/** https://learn.microsoft.com/graph/api/messagerule-delete (204 No Content) */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const ruleId = getRuleId(this, i);
	const root = getMailboxRoot(this, i);
	const transport = await GraphTransport.create(this, i);
	await transport.request({
		method: 'DELETE',
		path: rulePath(root, ruleId),
		itemIndex: i,
		notFound: RULE_NOT_FOUND,
		...rulePermission(this, i, 'write', 'delete inbox rules'),
	});
	return { id: ruleId, deleted: true };
}
