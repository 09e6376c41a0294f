/**
 * A node's parameters as a newcomer sets them in the editor: the operation chosen, every default
 * kept, and each required field that is still empty filled the way the editor offers it: a
 * resource locator from its list (the first entry, as its search lists it), any other field with
 * what a person types there (NEWCOMER_TYPES). Visibility is n8n's own (NodeHelpers), so a field
 * that appears only after another is filled is filled too.
 */
import { DateTime } from 'luxon';
import type {
	INode,
	INodeListSearchResult,
	INodeParameterResourceLocator,
	INodeParameters,
	INodeProperties,
	INodeType,
} from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import type { N8nHarness } from '../support/n8n-harness';

/** Local wall-clock text as n8n's date picker stores it. */
const local = (dt: DateTime) => dt.toFormat("yyyy-MM-dd'T'HH:mm:ss");
const tomorrow = () => DateTime.now().startOf('day').plus({ days: 1 });

/**
 * What a newcomer types into a required field the editor cannot fill from a list, by field name.
 * A required field missing here fails the every-operation test with its name: add what a person
 * would type, so the demo is tried as a newcomer tries it.
 */
export const NEWCOMER_TYPES: Record<string, () => unknown> = {
	toRecipients: () => 'bob@example.test',
	recipients: () => 'bob@example.test',
	attendees: () => 'bob@example.test',
	schedules: () => 'bob@example.test, alice@example.test',
	subject: () => 'Hello from the demo',
	givenName: () => 'Dan',
	message: () => 'Please approve the invoice.',
	displayName: () => 'Projects 2026',
	name: () => 'Holidays 2027',
	start: () => local(tomorrow().plus({ hours: 9 })),
	end: () => local(tomorrow().plus({ hours: 10 })),
	from: () => local(DateTime.now().startOf('day')),
	to: () => local(DateTime.now().startOf('day').plus({ days: 60 })),
	scheduledStart: () => local(tomorrow()),
	scheduledEnd: () => local(tomorrow().plus({ days: 7 })),
};

/**
 * Fields a newcomer fills though the editor does not mark them required, because the operation
 * needs one of several (a contact needs a name or an address; free/busy needs addresses or rooms):
 * filled when visible and empty, with NEWCOMER_TYPES' value.
 */
export const NEWCOMER_FILLS = ['givenName', 'schedules'];

/**
 * A collection the operation needs something in, by name → the option a newcomer adds there
 * (Update Fields: what to change; an inbox rule's Actions: what it does), first offered wins.
 */
export const NEWCOMER_ADDS: Record<string, string[]> = {
	updateFields: ['subject', 'name', 'displayName', 'isRead'],
	actions: ['markAsRead', 'moveToFolder'],
};

/**
 * Fields filled from another operation's output, as a newcomer copies an ID from a run of
 * Get Many: the field name → the operation to run first and the output field to take.
 */
export const NEWCOMER_COPIES: Record<
	string,
	{ resource: string; operation: string; field: string }
> = {
	attachmentId: { resource: 'attachment', operation: 'getAll', field: 'id' },
};

function isEmptyObject(value: unknown): boolean {
	return (
		value === undefined ||
		(typeof value === 'object' && value !== null && !Object.keys(value).length)
	);
}

/** The option of a collection a newcomer sets: the first of NEWCOMER_ADDS[collection] it offers. */
function firstTypedOption(collection: INodeProperties): [string, unknown] {
	const options = (collection.options ?? []) as INodeProperties[];
	for (const name of NEWCOMER_ADDS[collection.name] ?? []) {
		const option = options.find((o) => o.name === name);
		if (option?.type === 'boolean') return [name, !option.default];
		if (option && NEWCOMER_TYPES[name]) return [name, NEWCOMER_TYPES[name]()];
	}
	throw new Error(
		`the every-operation test does not know what a newcomer sets in ${collection.displayName}: add one of its fields to NEWCOMER_ADDS in test/demo/newcomer.ts`,
	);
}

function isEmpty(value: unknown): boolean {
	if (value === undefined || value === null || value === '') return true;
	if (Array.isArray(value)) return value.length === 0;
	if (typeof value === 'object' && '__rl' in (value as object))
		return (value as INodeParameterResourceLocator).value === '';
	return false;
}

export interface NewcomerContext {
	n8n: N8nHarness;
	/** The node type name the harness knows it by. */
	type: string;
	nodeType: INodeType;
	/** Input items of the run (for operations run first to copy an ID). */
	items?: Parameters<N8nHarness['execute']>[1]['items'];
}

/** What the newcomer picked, for the test's message when a run fails. */
export interface NewcomerPicks {
	parameters: INodeParameters;
	picked: string[];
}

export async function newcomerParameters(
	ctx: NewcomerContext,
	start: INodeParameters,
): Promise<NewcomerPicks> {
	const { description } = ctx.nodeType;
	const chosen: INodeParameters = { ...start };
	const picked: string[] = [];
	const node = (parameters: INodeParameters): INode => ({
		id: 'newcomer',
		name: 'Newcomer',
		type: ctx.type,
		typeVersion: 1,
		position: [0, 0],
		parameters,
	});
	for (let round = 0; round < 10; round++) {
		const full =
			NodeHelpers.getNodeParameters(
				description.properties,
				chosen,
				true,
				false,
				node(chosen),
				description,
			) ?? chosen;
		const missing = description.properties.filter(
			(p: INodeProperties) =>
				p.required &&
				p.type !== 'notice' &&
				NodeHelpers.displayParameter(full, p, node(full), description) &&
				isEmpty(full[p.name]),
		);
		// Fields the operation needs though not marked required, and collections it needs something
		// in (an empty Update Fields changes nothing): the newcomer fills one, then looks again.
		if (!missing.length) {
			const fill = description.properties.find(
				(p: INodeProperties) =>
					NEWCOMER_FILLS.includes(p.name) &&
					NodeHelpers.displayParameter(full, p, node(full), description) &&
					isEmpty(full[p.name]) &&
					chosen[p.name] === undefined,
			);
			if (fill) {
				chosen[fill.name] = NEWCOMER_TYPES[fill.name]() as INodeParameters[string];
				picked.push(`${fill.name}=${JSON.stringify(chosen[fill.name])}`);
				continue;
			}
			const collection = description.properties.find(
				(p: INodeProperties) =>
					NEWCOMER_ADDS[p.name] !== undefined &&
					p.type === 'collection' &&
					NodeHelpers.displayParameter(full, p, node(full), description) &&
					isEmptyObject(full[p.name]),
			);
			if (collection) {
				const [name, value] = firstTypedOption(collection);
				chosen[collection.name] = { [name]: value } as INodeParameters[string];
				picked.push(`${collection.name}.${name}=${JSON.stringify(value)}`);
				continue;
			}
		}
		if (!missing.length) return { parameters: full, picked };
		// One field at a time: what is filled next may depend on it (an attachment of the message).
		const [property] = missing;
		chosen[property.name] = (await pick(ctx, property, full)) as INodeParameters[string];
		picked.push(`${property.name}=${JSON.stringify(chosen[property.name])}`);
	}
	throw new Error(`required fields kept appearing for ${JSON.stringify(start)}`);
}

async function pick(
	ctx: NewcomerContext,
	property: INodeProperties,
	parameters: INodeParameters,
): Promise<unknown> {
	if (property.type === 'resourceLocator') {
		const list = property.modes?.find((m) => m.type === 'list');
		const method = list?.typeOptions?.searchListMethod;
		const search = method ? ctx.nodeType.methods?.listSearch?.[method] : undefined;
		if (!search)
			throw new Error(`${property.displayName} (${property.name}) has no list to pick from`);
		const context = ctx.n8n.loadOptionsContext(ctx.type, { parameters });
		const found = (await search.call(context)) as INodeListSearchResult;
		const first = found.results[0];
		if (!first)
			throw new Error(
				`the list of ${property.displayName} (${method}) is empty in the demo: a newcomer has nothing to pick`,
			);
		return { __rl: true, mode: 'list', value: first.value, cachedResultName: first.name };
	}
	const copy = NEWCOMER_COPIES[property.name];
	if (copy) {
		const [out] = await ctx.n8n.execute(ctx.type, {
			parameters: { ...parameters, resource: copy.resource, operation: copy.operation },
			items: ctx.items,
		});
		const value = out[0]?.json[copy.field];
		if (value === undefined)
			throw new Error(
				`${copy.resource} → ${copy.operation} gave no ${copy.field} to copy into ${property.displayName}`,
			);
		return value;
	}
	const typed = NEWCOMER_TYPES[property.name];
	if (!typed)
		throw new Error(
			`the every-operation test does not know what a newcomer types into the required field ${property.displayName} (${property.name}, ${property.type}): add it to NEWCOMER_TYPES in test/demo/newcomer.ts`,
		);
	return typed();
}
