/** The Rooms field: the organisation's meeting rooms (Graph `places`), offered from a list. */
import type { INodeProperties } from 'n8n-workflow';

export function roomsField(description: string): INodeProperties {
	return {
		displayName: 'Rooms',
		name: 'rooms',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getRooms' },
		default: [],
		description,
	};
}
