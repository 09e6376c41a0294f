import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { getMailboxRoot, updateDisplayOptions } from '../../../shared/descriptions';
import type { OperationDeclaration } from '../../../shared/declarations';
import { GraphTransport } from '../../../shared/graph/client';
import { graphCollect } from '../../../shared/graph/paging';
import { rulePermission, rulesPath } from './shared';

const properties: INodeProperties[] = [];

export const declaration: OperationDeclaration = { does: 'read' };

export const description = updateDisplayOptions(
	{ show: { resource: ['inboxRule'], operation: ['getAll'] } },
	properties,
);

/**
 * The Inbox's rules in the order they run (by sequence), with their conditions, actions and
 * exceptions as Graph returns them. https://learn.microsoft.com/graph/api/mailfolder-list-messagerules
 */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const root = getMailboxRoot(this, i);
	const transport = await GraphTransport.create(this, i);
	const rules = await graphCollect(
		transport,
		{
			method: 'GET',
			path: rulesPath(root),
			itemIndex: i,
			...rulePermission(this, i, 'read', 'read inbox rules'),
		},
		// A mailbox holds a few dozen rules at most; Graph documents no paging options for them.
		{ returnAll: true, sendTop: false },
	);
	return rules.sort((a, b) => Number(a.sequence ?? 0) - Number(b.sequence ?? 0));
}
