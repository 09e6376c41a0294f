import { defineResource } from '../../../shared/resources';
import { withToolDefaultOperation } from '../../../shared/toolPolicy/variant';
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
import * as sendAndWait from './sendAndWait.operation';
import * as update from './update.operation';

/**
 * As an AI Agent's tool the operation defaults to Get Many, not Send: a tool added and left as it
 * is must not send mail (issue 15). The plain node keeps Send, which saved workflows rely on.
 * Operations that run as a draft under Drafts Only are titled "Write …" as tools.
 */
export const resource = withToolDefaultOperation(
	defineResource(
		{ name: 'Message', value: 'message' },
		[
			{
				option: {
					name: 'Send',
					value: 'send',
					description: 'Send a new message',
					action: 'Send a message',
				},
				module: send,
				toolAction: 'Write a message',
			},
			{ option: sendAndWait.option, module: sendAndWait },
			{
				option: {
					name: 'Reply',
					value: 'reply',
					description: 'Reply to the sender',
					action: 'Reply to a message',
				},
				module: reply,
				toolAction: 'Write a reply',
			},
			{
				option: {
					name: 'Reply All',
					value: 'replyAll',
					description: 'Reply to the sender and all recipients',
					action: 'Reply to all recipients of a message',
				},
				module: replyAll,
				toolAction: 'Write a reply to all',
			},
			{
				option: {
					name: 'Forward',
					value: 'forward',
					description: 'Forward a message, with a comment and attachments',
					action: 'Forward a message',
				},
				module: forward,
				toolAction: 'Write a forward',
			},
			{
				option: {
					name: 'Get',
					value: 'get',
					description: 'Get a message',
					action: 'Get a message',
				},
				module: get,
			},
			{
				option: {
					name: 'Get Many',
					value: 'getAll',
					description: 'List messages, filtered and sorted',
					action: 'Get many messages',
				},
				module: getAll,
			},
			{
				option: {
					name: 'Update',
					value: 'update',
					description: 'Mark read or unread, set categories, importance or flag',
					action: 'Update a message',
				},
				module: update,
			},
			{
				option: {
					name: 'Move',
					value: 'move',
					description: 'Move messages to a folder (many items in one $batch)',
					action: 'Move a message',
				},
				module: move,
			},
			{
				option: {
					name: 'Copy',
					value: 'copy',
					description: 'Copy messages to a folder (many items in one $batch)',
					action: 'Copy a message',
				},
				module: copy,
			},
			{
				option: {
					name: 'Delete',
					value: 'delete',
					description: 'Move messages to Deleted Items, or delete them permanently',
					action: 'Delete a message',
				},
				module: del,
			},
			{
				option: {
					name: 'Get MIME',
					value: 'getMime',
					description: 'Get the MIME (RFC 822) source of a message as a file',
					action: 'Get the MIME source of a message',
				},
				module: getMime,
			},
		],
		'send',
	),
	'getAll',
);

export const { operations, description } = resource;
