import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/router';
import * as findMeetingTimes from './findMeetingTimes.operation';
import * as getSchedule from './getSchedule.operation';

export const operations: Record<string, OperationModule> = { findMeetingTimes, getSchedule };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['availability'] } },
		options: [
			{
				name: 'Find Meeting Times',
				value: 'findMeetingTimes',
				description: 'Suggest times when the attendees are free',
				action: 'Find meeting times',
			},
			{
				name: 'Get Schedule',
				value: 'getSchedule',
				description: 'Get free/busy information for people and rooms',
				action: 'Get free busy schedule',
			},
		],
		default: 'getSchedule',
	},
	...findMeetingTimes.description,
	...getSchedule.description,
];
