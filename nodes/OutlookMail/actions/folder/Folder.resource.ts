import { defineResource } from '../../../shared/resources';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as move from './move.operation';
import * as update from './update.operation';

export const resource = defineResource(
	{ name: 'Folder', value: 'folder' },
	[
		{
			option: {
				name: 'Create',
				value: 'create',
				description: 'Create a folder, at the top level or inside another folder',
				action: 'Create a folder',
			},
			module: create,
		},
		{
			option: {
				name: 'Delete',
				value: 'delete',
				description: 'Delete a folder (it goes to Deleted Items)',
				action: 'Delete a folder',
			},
			module: del,
		},
		{
			option: { name: 'Get', value: 'get', description: 'Get a folder', action: 'Get a folder' },
			module: get,
		},
		{
			option: {
				name: 'Get Many',
				value: 'getAll',
				description: 'List folders, with their child folders if asked',
				action: 'Get many folders',
			},
			module: getAll,
		},
		{
			option: {
				name: 'Move',
				value: 'move',
				description: 'Move a folder into another folder',
				action: 'Move a folder',
			},
			module: move,
		},
		{
			option: {
				name: 'Rename',
				value: 'update',
				description: 'Rename a folder',
				action: 'Rename a folder',
			},
			module: update,
		},
	],
	'getAll',
);

export const { operations, description } = resource;
