import { defineResource } from '../../../shared/resources';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as update from './update.operation';

export const resource = defineResource(
	{ name: 'Contact Folder', value: 'contactFolder' },
	[
		{
			option: {
				name: 'Create',
				value: 'create',
				description: 'Create a contact folder, in Contacts or inside another contact folder',
				action: 'Create a contact folder',
			},
			module: create,
		},
		{
			option: {
				name: 'Delete',
				value: 'delete',
				description: 'Delete a contact folder with its contacts',
				action: 'Delete a contact folder',
			},
			module: del,
		},
		{
			option: {
				name: 'Get',
				value: 'get',
				description: 'Get a contact folder',
				action: 'Get a contact folder',
			},
			module: get,
		},
		{
			option: {
				name: 'Get Many',
				value: 'getAll',
				description: 'List contact folders',
				action: 'Get many contact folders',
			},
			module: getAll,
		},
		{
			option: {
				name: 'Rename',
				value: 'update',
				description: 'Rename a contact folder',
				action: 'Rename a contact folder',
			},
			module: update,
		},
	],
	'getAll',
);

export const { operations, description } = resource;
