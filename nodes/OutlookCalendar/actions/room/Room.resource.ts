import { defineResource } from '../../../shared/resources';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as getRoomLists from './getRoomLists.operation';

export const resource = defineResource(
	{ name: 'Room', value: 'room' },
	[
		{
			option: {
				name: 'Get',
				value: 'get',
				description: 'Get a meeting room: capacity, building, floor, equipment',
				action: 'Get a room',
			},
			module: get,
		},
		{
			option: {
				name: 'Get Many',
				value: 'getAll',
				description: "List the organisation's meeting rooms, or a room list's",
				action: 'Get many rooms',
			},
			module: getAll,
		},
		{
			option: {
				name: 'Get Many Room Lists',
				value: 'getRoomLists',
				description: "List the organisation's room lists (buildings, floors)",
				action: 'Get many room lists',
			},
			module: getRoomLists,
		},
	],
	'getAll',
);

export const { operations, description } = resource;
