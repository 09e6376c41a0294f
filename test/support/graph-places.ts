/**
 * The organisation's rooms and room lists on the Graph stand-in (https://learn.microsoft.com/graph/api/place-list,
 * /graph/api/place-get): `/places/microsoft.graph.room` (every room), `/places/microsoft.graph.roomList`
 * (every room list), `/places/{room list's email address}/microsoft.graph.roomList/rooms` ("you
 * must specify the room list by its emailAddress property, not by its id") and
 * `/places/{email or id}/microsoft.graph.room`. Pages of `$top` places (default 100, "By default,
 * this operation returns 100 places per page") with `$skip` in the next link.
 */
import type { GraphRequestRecord, GraphStandIn } from './graph-standin';
import { graphError } from './graph-standin';

type Json = Record<string, unknown>;

export interface StoredRoom extends Json {
	id: string;
	emailAddress: string;
	displayName: string;
	/** The room list (by email address) the room belongs to. */
	roomList?: string;
}

export interface StoredRoomList extends Json {
	id: string;
	emailAddress: string;
	displayName: string;
}

const notFound = (what: string) =>
	graphError(404, 'ErrorItemNotFound', `The ${what} was not found.`);

export class PlaceDirectory {
	readonly rooms: StoredRoom[] = [];

	readonly roomLists: StoredRoomList[] = [];

	private page(graph: GraphStandIn, request: GraphRequestRecord, all: Json[]) {
		const skip = Number(request.query.$skip ?? 0);
		const top = Math.min(Number(request.query.$top ?? 100), 1000);
		const body: Json = {
			'@odata.context': `${graph.url}/v1.0/$metadata#places`,
			value: all.slice(skip, skip + top).map((place) => {
				const { roomList: _list, ...rest } = place as StoredRoom;
				return rest;
			}),
		};
		if (skip + top < all.length) {
			const next = new URL(`${graph.url}/v1.0${request.path}`);
			next.searchParams.set('$top', String(top));
			next.searchParams.set('$skip', String(skip + top));
			body['@odata.nextLink'] = next.toString();
		}
		return { body };
	}

	install(graph: GraphStandIn): this {
		const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
		graph.on('GET', '/places/microsoft.graph.room', (request) =>
			this.page(graph, request, this.rooms),
		);
		graph.on('GET', '/places/microsoft.graph.roomList', (request) =>
			this.page(graph, request, this.roomLists),
		);
		graph.on('GET', '/places/:list/microsoft.graph.roomList/rooms', (request, { list }) => {
			if (!this.roomLists.some((l) => same(l.emailAddress, list))) return notFound('room list');
			return this.page(
				graph,
				request,
				this.rooms.filter((room) => room.roomList && same(room.roomList, list)),
			);
		});
		graph.on('GET', '/places/:room/microsoft.graph.room', (_request, { room }) => {
			const found = this.rooms.find((r) => same(r.emailAddress, room) || r.id === room);
			if (!found) return notFound('room');
			const { roomList: _list, ...rest } = found;
			return { body: rest };
		});
		return this;
	}
}
