/**
 * The Inbox's message rules on the Graph stand-in (https://learn.microsoft.com/graph/api/resources/messagerule):
 * list, get, create, update and delete at `/mailFolders/inbox/messageRules`. Creating needs
 * `displayName`, `sequence` and `actions` ("Required" in mailfolder-post-messagerules) and answers
 * 201 with `id`, `isEnabled` (true unless given), `hasError` and `isReadOnly`; an update replaces
 * each of `conditions`, `actions` and `exceptions` it carries as a whole (a PATCH of a complex
 * property). Rules exist on the Inbox only.
 */
import { randomUUID } from 'node:crypto';

import type { GraphStandIn } from './graph-standin';
import { graphError } from './graph-standin';

type Json = Record<string, unknown>;

const notFound = () =>
	graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');

export class RuleList {
	readonly rules: Json[] = [];

	add(rule: Json): Json {
		const stored: Json = {
			id: Buffer.from(randomUUID()).toString('base64').slice(0, 12),
			isEnabled: true,
			hasError: false,
			isReadOnly: false,
			...rule,
		};
		this.rules.push(stored);
		return stored;
	}

	install(graph: GraphStandIn, root = '/me'): this {
		const path = `${root}/mailFolders/inbox/messageRules`;
		const find = (id: string) => this.rules.find((r) => r.id === id);
		graph.on('GET', path, () => ({ body: { value: this.rules } }));
		graph.on('POST', path, (request) => {
			const body = request.body as Json;
			const missing = ['displayName', 'sequence', 'actions'].filter(
				(key) => body[key] === undefined,
			);
			if (missing.length)
				return graphError(
					400,
					'ErrorInvalidRequest',
					`Missing required properties: ${missing.join(', ')}.`,
				);
			return { status: 201, body: this.add(body) };
		});
		graph.on('GET', `${path}/:id`, (_request, { id }) => {
			const found = find(id);
			return found ? { body: found } : notFound();
		});
		graph.on('PATCH', `${path}/:id`, (request, { id }) => {
			const found = find(id);
			if (!found) return notFound();
			Object.assign(found, request.body as Json);
			return { body: found };
		});
		graph.on('DELETE', `${path}/:id`, (_request, { id }) => {
			const index = this.rules.findIndex((r) => r.id === id);
			if (index < 0) return notFound();
			this.rules.splice(index, 1);
			return { status: 204 };
		});
		return this;
	}
}
