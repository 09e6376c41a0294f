/** Option lists and list searches of the organisation's rooms and room lists (Graph `places`). */
import type {
	ILoadOptionsFunctions,
	INodeListSearchResult,
	INodePropertyOptions,
} from 'n8n-workflow';

import { GraphTransport } from '../../shared/graph/client';
import { graphCollect } from '../../shared/graph/paging';
import {
	collectRooms,
	PLACES_PAGE_SIZE,
	PLACES_PERMISSION,
	ROOM_LISTS_PATH,
	roomOptionValue,
} from '../helpers/places';

function label(room: { displayName?: unknown; capacity?: unknown; emailAddress?: unknown }) {
	const capacity = Number(room.capacity);
	return `${String(room.displayName ?? room.emailAddress ?? '')}${capacity > 0 ? ` (${capacity} seats)` : ''}`;
}

/** Every room, valued `Name <address>`: the Rooms fields take the name with the address. */
export async function getRooms(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const transport = await GraphTransport.create(this);
	const rooms = await collectRooms(transport, { action: 'list rooms' });
	return rooms
		.filter((room) => typeof room.emailAddress === 'string' && room.emailAddress)
		.map((room) => ({
			name: label(room),
			value: roomOptionValue(room),
			description: [room.building && `Building ${String(room.building)}`, room.emailAddress]
				.filter(Boolean)
				.join(' · '),
		}))
		.sort((a, b) => a.name.localeCompare(b.name));
}

/** Every room list, valued by its email address (how Graph finds a list's rooms). */
export async function getRoomLists(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const transport = await GraphTransport.create(this);
	const lists = await graphCollect(
		transport,
		{
			method: 'GET',
			path: ROOM_LISTS_PATH,
			permission: PLACES_PERMISSION,
			action: 'list room lists',
		},
		{ returnAll: true, maxPageSize: PLACES_PAGE_SIZE },
	);
	return lists
		.filter((list) => typeof list.emailAddress === 'string' && list.emailAddress)
		.map((list) => ({
			name: String(list.displayName ?? list.emailAddress),
			value: String(list.emailAddress),
		}))
		.sort((a, b) => a.name.localeCompare(b.name));
}

function search(options: INodePropertyOptions[], filter?: string): INodeListSearchResult {
	const wanted = filter?.trim().toLowerCase();
	return {
		results: options
			.filter((o) => !wanted || `${o.name} ${String(o.value)}`.toLowerCase().includes(wanted))
			.map((o) => ({ name: o.name, value: String(o.value) })),
	};
}

export async function searchRoomLists(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	return search(await getRoomLists.call(this), filter);
}

/** Rooms by name or address, valued by the room's address (Room → Get reads one by it). */
export async function searchRooms(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const transport = await GraphTransport.create(this);
	const rooms = await collectRooms(transport, { action: 'list rooms' });
	return search(
		rooms
			.filter((room) => typeof room.emailAddress === 'string' && room.emailAddress)
			.map((room) => ({ name: label(room), value: String(room.emailAddress) }))
			.sort((a, b) => a.name.localeCompare(b.name)),
		filter,
	);
}
