import { defineResource } from '../../../shared/resources';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as send from './send.operation';
import * as update from './update.operation';

export const resource = defineResource(
	{ name: 'Draft', value: 'draft' },
	[
		{
			option: {
				name: 'Create',
				value: 'create',
				description: 'Create a draft in Drafts',
				action: 'Create a draft',
			},
			module: create,
		},
		{
			option: {
				name: 'Update',
				value: 'update',
				description: 'Change a draft or add attachments to it',
				action: 'Update a draft',
			},
			module: update,
		},
		{
			option: { name: 'Send', value: 'send', description: 'Send a draft', action: 'Send a draft' },
			module: send,
		},
		{
			option: {
				name: 'Delete',
				value: 'delete',
				description: 'Discard a draft',
				action: 'Delete a draft',
			},
			module: del,
		},
	],
	'create',
);

export const { operations, description } = resource;
