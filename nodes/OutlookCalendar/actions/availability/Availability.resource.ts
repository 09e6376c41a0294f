import { defineResource } from '../../../shared/resources';
import * as findMeetingTimes from './findMeetingTimes.operation';
import * as getSchedule from './getSchedule.operation';

export const resource = defineResource(
	{ name: 'Availability', value: 'availability' },
	[
		{
			option: {
				name: 'Find Meeting Times',
				value: 'findMeetingTimes',
				description: 'Suggest times when the attendees are free',
				action: 'Find meeting times',
			},
			module: findMeetingTimes,
		},
		{
			option: {
				name: 'Get Schedule',
				value: 'getSchedule',
				description: 'Get free/busy information for people and rooms',
				action: 'Get free busy schedule',
			},
			module: getSchedule,
		},
	],
	'getSchedule',
);

export const { operations, description } = resource;
