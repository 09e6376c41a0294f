import { defineResource } from '../../../shared/resources';
import * as getAutomaticReplies from './getAutomaticReplies.operation';
import * as getMailTips from './getMailTips.operation';
import * as setAutomaticReplies from './setAutomaticReplies.operation';

export const resource = defineResource(
	{ name: 'Mailbox', value: 'mailbox' },
	[
		{
			option: {
				name: 'Get Automatic Replies',
				value: 'getAutomaticReplies',
				description: 'Get the out-of-office setting: status, schedule and texts',
				action: 'Get automatic replies',
			},
			module: getAutomaticReplies,
		},
		{
			option: {
				name: 'Set Automatic Replies',
				value: 'setAutomaticReplies',
				description: 'Turn out-of-office replies on, off, or on for a time',
				action: 'Set automatic replies',
			},
			module: setAutomaticReplies,
		},
		{
			option: {
				name: 'Get Mail Tips',
				value: 'getMailTips',
				description:
					'Before sending: out of office, mailbox full, external or moderated recipients',
				action: 'Get mail tips for recipients',
			},
			module: getMailTips,
		},
	],
	'getAutomaticReplies',
);

export const { operations, description } = resource;
