import { defineResource } from '../../../shared/resources';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as getAll from './getAll.operation';
import * as update from './update.operation';

export const resource = defineResource(
	{ name: 'Inbox Rule', value: 'inboxRule' },
	[
		{
			option: {
				name: 'Create',
				value: 'create',
				description: 'Create an inbox rule: conditions, actions and exceptions',
				action: 'Create an inbox rule',
			},
			module: create,
		},
		{
			option: {
				name: 'Delete',
				value: 'delete',
				description: 'Delete an inbox rule',
				action: 'Delete an inbox rule',
			},
			module: del,
		},
		{
			option: {
				name: 'Get Many',
				value: 'getAll',
				description: "List the Inbox's rules in the order they run",
				action: 'Get many inbox rules',
			},
			module: getAll,
		},
		{
			option: {
				name: 'Update',
				value: 'update',
				description: "Change an inbox rule's name, order, state, conditions, actions or exceptions",
				action: 'Update an inbox rule',
			},
			module: update,
		},
	],
	'getAll',
);

export const { operations, description } = resource;
