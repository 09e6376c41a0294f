import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/router';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as move from './move.operation';
import * as update from './update.operation';

export const operations: Record<string, OperationModule> = {
	create,
	delete: del,
	get,
	getAll,
	move,
	update,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['folder'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				description: 'Create a folder, at the top level or inside another folder',
				action: 'Create a folder',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete a folder (it goes to Deleted Items)',
				action: 'Delete a folder',
			},
			{ name: 'Get', value: 'get', description: 'Get a folder', action: 'Get a folder' },
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'List folders, with their child folders if asked',
				action: 'Get many folders',
			},
			{
				name: 'Move',
				value: 'move',
				description: 'Move a folder into another folder',
				action: 'Move a folder',
			},
			{
				name: 'Rename',
				value: 'update',
				description: 'Rename a folder',
				action: 'Rename a folder',
			},
		],
		default: 'getAll',
	},
	...create.description,
	...del.description,
	...get.description,
	...getAll.description,
	...move.description,
	...update.description,
];
