import { defineResource } from '../../../shared/resources';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as getAll from './getAll.operation';
import * as update from './update.operation';

export const resource = defineResource(
	{ name: 'Category', value: 'category' },
	[
		{
			option: {
				name: 'Create',
				value: 'create',
				description: "Add a category to the mailbox's list, with one of Outlook's colours",
				action: 'Create a category',
			},
			module: create,
		},
		{
			option: {
				name: 'Delete',
				value: 'delete',
				description: "Remove a category from the mailbox's list",
				action: 'Delete a category',
			},
			module: del,
		},
		{
			option: {
				name: 'Get Many',
				value: 'getAll',
				description: "List the mailbox's categories and their colours",
				action: 'Get many categories',
			},
			module: getAll,
		},
		{
			option: {
				name: 'Update',
				value: 'update',
				description: "Change a category's colour",
				action: 'Update a category',
			},
			module: update,
		},
	],
	'getAll',
);

export const { operations, description } = resource;
