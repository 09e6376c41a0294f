import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/router';

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['message'] } },
		options: [{ name: 'Send', value: 'send', action: 'Send a message' }],
		default: 'send',
	},
];

export const operations: Record<string, OperationModule> = {};
