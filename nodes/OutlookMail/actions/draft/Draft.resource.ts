import { defineResource } from '../../../shared/resources';
import * as create from './create.operation';
import * as createForward from './createForward.operation';
import * as createReply from './createReply.operation';
import * as createReplyAll from './createReplyAll.operation';
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
				name: 'Create Reply',
				value: 'createReply',
				description: 'Create a reply to the sender as a draft in its thread, without sending it',
				action: 'Create a reply draft',
			},
			module: createReply,
		},
		{
			option: {
				name: 'Create Reply All',
				value: 'createReplyAll',
				description:
					'Create a reply to all recipients as a draft in its thread, without sending it',
				action: 'Create a reply-all draft',
			},
			module: createReplyAll,
		},
		{
			option: {
				name: 'Create Forward',
				value: 'createForward',
				description: 'Create a forward of a message as a draft, without sending it',
				action: 'Create a forward draft',
			},
			module: createForward,
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
