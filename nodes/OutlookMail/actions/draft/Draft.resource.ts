import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/router';

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['draft'] } },
		options: [{ name: 'Create', value: 'create', action: 'Create a draft' }],
		default: 'create',
	},
];

export const operations: Record<string, OperationModule> = {};
