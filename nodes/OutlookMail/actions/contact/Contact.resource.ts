import { defineResource } from '../../../shared/resources';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as update from './update.operation';

export const resource = defineResource(
	{ name: 'Contact', value: 'contact' },
	[
		{
			option: {
				name: 'Create',
				value: 'create',
				description: 'Create a contact in Contacts or in a contact folder',
				action: 'Create a contact',
			},
			module: create,
		},
		{
			option: {
				name: 'Delete',
				value: 'delete',
				description: 'Delete a contact',
				action: 'Delete a contact',
			},
			module: del,
		},
		{
			option: { name: 'Get', value: 'get', description: 'Get a contact', action: 'Get a contact' },
			module: get,
		},
		{
			option: {
				name: 'Get Many',
				value: 'getAll',
				description: 'List or find contacts (by email address or name)',
				action: 'Get many contacts',
			},
			module: getAll,
		},
		{
			option: {
				name: 'Update',
				value: 'update',
				description: "Change a contact's fields",
				action: 'Update a contact',
			},
			module: update,
		},
	],
	'getAll',
);

export const { operations, description } = resource;
