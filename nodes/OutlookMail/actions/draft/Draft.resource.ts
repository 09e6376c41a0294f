import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/router';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as send from './send.operation';
import * as update from './update.operation';

export const operations: Record<string, OperationModule> = { create, delete: del, send, update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['draft'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				description: 'Create a draft in Drafts',
				action: 'Create a draft',
			},
			{ name: 'Delete', value: 'delete', description: 'Discard a draft', action: 'Delete a draft' },
			{ name: 'Send', value: 'send', description: 'Send a draft', action: 'Send a draft' },
			{
				name: 'Update',
				value: 'update',
				description: 'Change a draft or add attachments to it',
				action: 'Update a draft',
			},
		],
		default: 'create',
	},
	...create.description,
	...update.description,
	...send.description,
	...del.description,
];
