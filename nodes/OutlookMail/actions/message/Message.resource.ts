import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/router';
import * as copy from './copy.operation';
import * as del from './delete.operation';
import * as forward from './forward.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as getMime from './getMime.operation';
import * as move from './move.operation';
import * as reply from './reply.operation';
import * as replyAll from './replyAll.operation';
import * as send from './send.operation';
import * as update from './update.operation';

export const operations: Record<string, OperationModule> = {
	copy,
	delete: del,
	forward,
	get,
	getAll,
	getMime,
	move,
	reply,
	replyAll,
	send,
	update,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['message'] } },
		options: [
			{
				name: 'Copy',
				value: 'copy',
				description: 'Copy messages to a folder (many items in one $batch)',
				action: 'Copy a message',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: 'Move messages to Deleted Items, or delete them permanently',
				action: 'Delete a message',
			},
			{
				name: 'Forward',
				value: 'forward',
				description: 'Forward a message, with a comment and attachments',
				action: 'Forward a message',
			},
			{ name: 'Get', value: 'get', description: 'Get a message', action: 'Get a message' },
			{
				name: 'Get MIME',
				value: 'getMime',
				description: 'Get the MIME (RFC 822) source of a message as a file',
				action: 'Get the MIME source of a message',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'List messages, filtered and sorted',
				action: 'Get many messages',
			},
			{
				name: 'Move',
				value: 'move',
				description: 'Move messages to a folder (many items in one $batch)',
				action: 'Move a message',
			},
			{
				name: 'Reply',
				value: 'reply',
				description: 'Reply to the sender',
				action: 'Reply to a message',
			},
			{
				name: 'Reply All',
				value: 'replyAll',
				description: 'Reply to the sender and all recipients',
				action: 'Reply to all recipients of a message',
			},
			{ name: 'Send', value: 'send', description: 'Send a new message', action: 'Send a message' },
			{
				name: 'Update',
				value: 'update',
				description: 'Mark read or unread, set categories, importance or flag',
				action: 'Update a message',
			},
		],
		default: 'send',
	},
	...send.description,
	...reply.description,
	...replyAll.description,
	...forward.description,
	...get.description,
	...getAll.description,
	...update.description,
	...move.description,
	...copy.description,
	...del.description,
	...getMime.description,
];
