import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/router';
import * as cancel from './cancel.operation';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as forward from './forward.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as getInstances from './getInstances.operation';
import * as respond from './respond.operation';
import * as update from './update.operation';

export const operations: Record<string, OperationModule> = {
	cancel,
	create,
	delete: del,
	forward,
	get,
	getAll,
	getInstances,
	respond,
	update,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['event'] } },
		options: [
			{
				name: 'Cancel',
				value: 'cancel',
				description: 'Cancel a meeting you organise and notify the attendees',
				action: 'Cancel an event',
			},
			{
				name: 'Create',
				value: 'create',
				description: 'Create an event',
				action: 'Create an event',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete an event',
				action: 'Delete an event',
			},
			{
				name: 'Forward',
				value: 'forward',
				description: 'Forward a meeting invitation',
				action: 'Forward an event',
			},
			{ name: 'Get', value: 'get', description: 'Get an event', action: 'Get an event' },
			{
				name: 'Get Instances',
				value: 'getInstances',
				description: 'Get the occurrences of a recurring series in a time range',
				action: 'Get instances of an event',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'Get the events between two dates (recurring series expanded)',
				action: 'Get many events',
			},
			{
				name: 'Respond',
				value: 'respond',
				description: 'Accept, tentatively accept or decline an invitation',
				action: 'Respond to an event',
			},
			{
				name: 'Update',
				value: 'update',
				description: 'Update an event',
				action: 'Update an event',
			},
		],
		default: 'create',
	},
	...cancel.description,
	...create.description,
	...del.description,
	...forward.description,
	...get.description,
	...getAll.description,
	...getInstances.description,
	...respond.description,
	...update.description,
];
