import { defineResource } from '../../../shared/resources';
import * as cancel from './cancel.operation';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as forward from './forward.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as getInstances from './getInstances.operation';
import * as respond from './respond.operation';
import * as update from './update.operation';

export const resource = defineResource(
	{ name: 'Event', value: 'event' },
	[
		{
			option: {
				name: 'Cancel',
				value: 'cancel',
				description: 'Cancel a meeting you organise and notify the attendees',
				action: 'Cancel an event',
			},
			module: cancel,
		},
		{
			option: {
				name: 'Create',
				value: 'create',
				description: 'Create an event',
				action: 'Create an event',
			},
			module: create,
		},
		{
			option: {
				name: 'Delete',
				value: 'delete',
				description: 'Delete an event',
				action: 'Delete an event',
			},
			module: del,
		},
		{
			option: {
				name: 'Forward',
				value: 'forward',
				description: 'Forward a meeting invitation',
				action: 'Forward an event',
			},
			module: forward,
		},
		{
			option: { name: 'Get', value: 'get', description: 'Get an event', action: 'Get an event' },
			module: get,
		},
		{
			option: {
				name: 'Get Many',
				value: 'getAll',
				description: 'Get the events between two dates (recurring series expanded)',
				action: 'Get many events',
			},
			module: getAll,
		},
		{
			option: {
				name: 'Get Instances',
				value: 'getInstances',
				description: 'Get the occurrences of a recurring series in a time range',
				action: 'Get instances of an event',
			},
			module: getInstances,
		},
		{
			option: {
				name: 'Respond',
				value: 'respond',
				description: 'Accept, tentatively accept or decline an invitation',
				action: 'Respond to an event',
			},
			module: respond,
		},
		{
			option: {
				name: 'Update',
				value: 'update',
				description: 'Update an event',
				action: 'Update an event',
			},
			module: update,
		},
	],
	'create',
);

export const { operations, description } = resource;
