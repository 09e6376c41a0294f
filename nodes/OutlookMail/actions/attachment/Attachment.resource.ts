import { defineResource } from '../../../shared/resources';
import * as add from './add.operation';
import * as download from './download.operation';
import * as getAll from './getAll.operation';

export const resource = defineResource(
	{ name: 'Attachment', value: 'attachment' },
	[
		{
			option: {
				name: 'Add',
				value: 'add',
				description: 'Add files to a message or draft',
				action: 'Add an attachment to a message',
			},
			module: add,
		},
		{
			option: {
				name: 'Download',
				value: 'download',
				description: 'Download a file attachment',
				action: 'Download an attachment',
			},
			module: download,
		},
		{
			option: {
				name: 'Get Many',
				value: 'getAll',
				description: 'List the attachments of a message',
				action: 'Get many attachments',
			},
			module: getAll,
		},
	],
	'getAll',
);

export const { operations, description } = resource;
