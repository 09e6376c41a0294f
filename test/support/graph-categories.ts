/**
 * A mailbox's master list of Outlook categories on the Graph stand-in
 * (https://learn.microsoft.com/graph/api/resources/outlookcategory): list, get, create, update
 * and delete at `/outlook/masterCategories`. Graph gives each category a GUID `id`; `displayName`
 * is unique in the list and "after a category is created, the name cannot be changed" (only
 * `color` is writable: outlookcategory-update); `color` is one of `none`, `preset0`…`preset24`
 * (the contract checks the enum).
 */
import { randomUUID } from 'node:crypto';

import type { GraphStandIn } from './graph-standin';
import { graphError } from './graph-standin';

export interface StoredCategory {
	id: string;
	displayName: string;
	color: string;
}

const notFound = () =>
	graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');

export class CategoryList {
	readonly categories: StoredCategory[] = [];

	add(displayName: string, color = 'preset0'): StoredCategory {
		const category = { id: randomUUID(), displayName, color };
		this.categories.push(category);
		return category;
	}

	install(graph: GraphStandIn, root = '/me'): this {
		const path = `${root}/outlook/masterCategories`;
		const find = (id: string) => this.categories.find((c) => c.id === id);
		graph.on('GET', path, () => ({ body: { value: this.categories } }));
		graph.on('POST', path, (request) => {
			const { displayName, color } = request.body as Partial<StoredCategory>;
			if (!displayName) return graphError(400, 'ErrorInvalidRequest', 'displayName is required.');
			// "The displayName value must be unique in a user's master list" (outlookcategory); the
			// code Graph answers a second one with is not documented.
			if (this.categories.some((c) => c.displayName.toLowerCase() === displayName.toLowerCase()))
				return graphError(
					409,
					'ErrorItemAlreadyExists',
					'A category with this name already exists.',
				);
			return { status: 201, body: this.add(displayName, color ?? 'none') };
		});
		graph.on('GET', `${path}/:id`, (_request, { id }) => {
			const found = find(id);
			return found ? { body: found } : notFound();
		});
		graph.on('PATCH', `${path}/:id`, (request, { id }) => {
			const found = find(id);
			if (!found) return notFound();
			const patch = request.body as Partial<StoredCategory>;
			if (patch.displayName !== undefined && patch.displayName !== found.displayName)
				return graphError(
					400,
					'ErrorInvalidRequest',
					'The displayName of a category cannot be changed.',
				);
			if (patch.color) found.color = patch.color;
			return { body: found };
		});
		graph.on('DELETE', `${path}/:id`, (_request, { id }) => {
			const index = this.categories.findIndex((c) => c.id === id);
			if (index < 0) return notFound();
			this.categories.splice(index, 1);
			return { status: 204 };
		});
		return this;
	}
}
