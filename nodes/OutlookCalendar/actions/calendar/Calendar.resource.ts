import { defineResource } from '../../../shared/resources';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as update from './update.operation';

export const resource = defineResource(
	{ name: 'Calendar', value: 'calendar' },
	[
		{
			option: {
				name: 'Create',
				value: 'create',
				description: 'Create a calendar',
				action: 'Create a calendar',
			},
			module: create,
		},
		{
			option: {
				name: 'Delete',
				value: 'delete',
				description: 'Delete a calendar',
				action: 'Delete a calendar',
			},
			module: del,
		},
		{
			option: {
				name: 'Get',
				value: 'get',
				description: 'Get a calendar',
				action: 'Get a calendar',
			},
			module: get,
		},
		{
			option: {
				name: 'Get Many',
				value: 'getAll',
				description: 'Get many calendars',
				action: 'Get many calendars',
			},
			module: getAll,
		},
		{
			option: {
				name: 'Update',
				value: 'update',
				description: 'Rename or recolor a calendar',
				action: 'Update a calendar',
			},
			module: update,
		},
	],
	'getAll',
);

export const { operations, description } = resource;
