import { defineResource } from '../../../shared/resources';
import * as get from './get.operation';

export const resource = defineResource(
	{ name: 'Thread', value: 'thread' },
	[
		{
			option: {
				name: 'Get',
				value: 'get',
				description:
					'Get every message of a conversation in order, without quoted text, as plain text',
				action: 'Get a thread',
			},
			module: get,
		},
	],
	'get',
);

export const { operations, description } = resource;
