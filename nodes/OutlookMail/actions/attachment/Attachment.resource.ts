import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/router';
import * as add from './add.operation';
import * as download from './download.operation';
import * as getAll from './getAll.operation';

export const operations: Record<string, OperationModule> = { add, download, getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['attachment'] } },
		options: [
			{
				name: 'Add',
				value: 'add',
				description: 'Add files to a message or draft',
				action: 'Add an attachment to a message',
			},
			{
				name: 'Download',
				value: 'download',
				description: 'Download a file attachment',
				action: 'Download an attachment',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'List the attachments of a message',
				action: 'Get many attachments',
			},
		],
		default: 'getAll',
	},
	...add.description,
	...download.description,
	...getAll.description,
];
