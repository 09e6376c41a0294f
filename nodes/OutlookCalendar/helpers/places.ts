/**
 * The organisation's rooms and room lists (Graph `places`). They are the tenant's, not a
 * mailbox's: the paths have no /me or /users prefix, and every read needs Place.Read.All
 * (delegated or application), which an administrator must consent to.
 * https://learn.microsoft.com/graph/api/place-list, /graph/api/place-get
 *
 * Paths use the type-cast segments as Microsoft Learn writes them (`microsoft.graph.room`,
 * `microsoft.graph.roomList`). The rooms of a room list are addressed by the list's email
 * address, not its ID ("you must specify the room list by its emailAddress property").
 */
import type { IDataObject } from 'n8n-workflow';

import type { GraphRequestOptions, GraphTransport } from '../../shared/graph/client';
import { graphCollect } from '../../shared/graph/paging';
import { segment } from '../../shared/graph/request';

export const ROOMS_PATH = '/places/microsoft.graph.room';
export const ROOM_LISTS_PATH = '/places/microsoft.graph.roomList';

/** A room list's rooms, by the list's email address. */
export function roomListRoomsPath(roomListAddress: string): string {
	return `/places/${segment(roomListAddress)}/microsoft.graph.roomList/rooms`;
}

/** One room, by its email address or ID (v1.0 has no GET /places/{id} without the type cast). */
export function roomPath(room: string): string {
	return `/places/${segment(room)}/microsoft.graph.room`;
}

/** "By default, this operation returns 100 places per page" (place-list). */
export const PLACES_PAGE_SIZE = 100;

export const PLACES_PERMISSION = 'Place.Read.All';

export const ROOM_LIST_NOT_FOUND =
	"No room list with this address in the organisation. Pick the room list from the list (Room → Get Many Room Lists shows them); rooms of a list are found by the list's email address, not its ID.";

export const ROOM_NOT_FOUND =
	'No room with this address or ID in the organisation. Pick it from Room → Get Many; personal Microsoft accounts have no rooms.';

/** All rooms (or a list's rooms), for pickers and free/busy. */
export async function collectRooms(
	transport: GraphTransport,
	options: Pick<GraphRequestOptions, 'itemIndex' | 'action'> & { roomList?: string },
): Promise<IDataObject[]> {
	return await graphCollect(
		transport,
		{
			method: 'GET',
			path: options.roomList ? roomListRoomsPath(options.roomList) : ROOMS_PATH,
			itemIndex: options.itemIndex,
			permission: PLACES_PERMISSION,
			action: options.action,
			notFound: options.roomList ? ROOM_LIST_NOT_FOUND : undefined,
		},
		{ returnAll: true, maxPageSize: PLACES_PAGE_SIZE },
	);
}

/** A room as the pickers offer it: `Name <address>`, which the address fields read with the name. */
export function roomOptionValue(room: IDataObject): string {
	const address = String(room.emailAddress ?? '');
	const name = String(room.displayName ?? '')
		.replace(/[<>"]/g, '')
		.trim();
	return name ? `${name} <${address}>` : address;
}
