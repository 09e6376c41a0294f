/**
 * The values of `options` fields as operations read them. n8n hands an expression's result (or an
 * AI model's `$fromAI` answer) to the node as it is, and the editor's list of options is not
 * checked: 'Decline' reached Event → Respond, which knew 'decline' and took anything else for an
 * acceptance (the organizer was told "accepted"); 'Weekday' made a monthly series fall on a day of
 * the month. The router hands every operation a context whose getNodeParameter goes through
 * `checkedParameter`: a value that names one of the field's options in another case, or by its
 * display name, or with spaces around, becomes that option's value; a value that names none fails
 * the item naming the field. Empty values are left to the operation (its default), and so are fields
 * whose options are loaded from Microsoft (loadOptionsMethod). Nested fields of collections and
 * fixed collections are checked the same way, whether the operation reads the whole collection or
 * one field of it by path (`additionalFields.importance`).
 */
import type {
	IExecuteFunctions,
	IGetNodeParameterOptions,
	INodeProperties,
	INodePropertyCollection,
	INodePropertyOptions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

type Node = Pick<IExecuteFunctions, 'getNode'>;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

function staticOptions(property: INodeProperties): INodePropertyOptions[] | undefined {
	if (property.typeOptions?.loadOptionsMethod || property.typeOptions?.loadOptions)
		return undefined;
	const options = (property.options ?? []) as INodePropertyOptions[];
	return options.length && options.every((o) => 'value' in o) ? options : undefined;
}

/** One `options` field's value: the option it names, or an error naming the field. */
export function optionValue(
	ctx: Node,
	itemIndex: number,
	property: INodeProperties,
	value: unknown,
	label = property.displayName,
): unknown {
	const options = staticOptions(property);
	if (!options || value === undefined || value === null || value === '') return value;
	if (options.some((o) => o.value === value)) return value;
	const wanted = String(value).trim().toLowerCase();
	const byValue = options.filter((o) => String(o.value).toLowerCase() === wanted);
	if (byValue.length === 1) return byValue[0].value;
	const byName = options.filter((o) => o.name.toLowerCase() === wanted);
	if (byName.length === 1 && byValue.length === 0) return byName[0].value;
	throw new NodeOperationError(
		ctx.getNode(),
		`"${String(value).slice(0, 80)}" in the field ${label} is not one of its options`,
		{
			itemIndex,
			description: `Use one of: ${options.map((o) => `${String(o.value)} (${o.name})`).join(', ')}.`,
		},
	);
}

/** A fixed collection's fields are named with it ("Recurrence Week of Month"), a collection's alone. */
const labelIn = (prefix: string, field: INodeProperties) =>
	prefix && !field.displayName.startsWith(prefix)
		? `${prefix} ${field.displayName}`
		: field.displayName;

function checkedEntry(
	ctx: Node,
	itemIndex: number,
	fields: INodeProperties[],
	entry: unknown,
	prefix = '',
): unknown {
	if (!isPlainObject(entry)) return entry;
	return Object.fromEntries(
		Object.entries(entry).map(([key, value]) => {
			const field = fields.find((f) => f.name === key);
			return [
				key,
				field ? checkedValue(ctx, itemIndex, field, value, labelIn(prefix, field)) : value,
			];
		}),
	);
}

function checkedGroup(
	ctx: Node,
	itemIndex: number,
	group: INodePropertyCollection,
	value: unknown,
	prefix: string,
): unknown {
	return Array.isArray(value)
		? value.map((entry) => checkedEntry(ctx, itemIndex, group.values, entry, prefix))
		: checkedEntry(ctx, itemIndex, group.values, value, prefix);
}

/** A field's value with every `options` value in it checked (collections and fixed collections too). */
export function checkedValue(
	ctx: Node,
	itemIndex: number,
	property: INodeProperties,
	value: unknown,
	label = property.displayName,
): unknown {
	switch (property.type) {
		case 'options':
			return optionValue(ctx, itemIndex, property, value, label);
		case 'collection':
			return checkedEntry(ctx, itemIndex, (property.options ?? []) as INodeProperties[], value);
		case 'fixedCollection': {
			if (!isPlainObject(value)) return value;
			const groups = (property.options ?? []) as INodePropertyCollection[];
			return Object.fromEntries(
				Object.entries(value).map(([key, entries]) => {
					const group = groups.find((g) => g.name === key);
					return [
						key,
						group ? checkedGroup(ctx, itemIndex, group, entries, property.displayName) : entries,
					];
				}),
			);
		}
		default:
			return value;
	}
}

/**
 * A parameter read by name or path (`additionalFields.recurrence.rule`), checked against the field
 * it names among `properties` (the first of that name; paths through collections and groups).
 */
export function checkedParameter(
	ctx: Node,
	properties: INodeProperties[] | ReadonlyMap<string, INodeProperties>,
	name: string,
	itemIndex: number,
	value: unknown,
): unknown {
	const [first, ...rest] = name.split('.');
	let property =
		properties instanceof Map
			? properties.get(first)
			: (properties as INodeProperties[]).find((p) => p.name === first);
	let group: INodePropertyCollection | undefined;
	let prefix = '';
	for (const segment of rest) {
		if (!property && !group) return value;
		if (group) {
			property = group.values.find((p) => p.name === segment);
			group = undefined;
		} else if (property!.type === 'collection') {
			property = ((property!.options ?? []) as INodeProperties[]).find((p) => p.name === segment);
		} else if (property!.type === 'fixedCollection') {
			prefix = property!.displayName;
			group = ((property!.options ?? []) as INodePropertyCollection[]).find(
				(g) => g.name === segment,
			);
			property = undefined;
		} else {
			return value;
		}
	}
	if (group) return checkedGroup(ctx, itemIndex, group, value, prefix);
	return property
		? checkedValue(ctx, itemIndex, property, value, labelIn(prefix, property))
		: value;
}

/** The context an operation runs with: getNodeParameter checks `options` values (above). */
export function withCheckedOptions(
	ctx: IExecuteFunctions,
	properties: INodeProperties[],
): IExecuteFunctions {
	const byName = new Map<string, INodeProperties>();
	for (const property of properties)
		if (!byName.has(property.name)) byName.set(property.name, property);
	const getNodeParameter = (
		name: string,
		itemIndex: number,
		fallback?: unknown,
		options?: IGetNodeParameterOptions,
	): unknown => {
		const value = (
			ctx.getNodeParameter as (
				name: string,
				itemIndex: number,
				fallback?: unknown,
				options?: IGetNodeParameterOptions,
			) => unknown
		)(name, itemIndex, fallback, options);
		if (options?.rawExpressions) return value;
		return checkedParameter(ctx, byName, name, itemIndex, value);
	};
	return new Proxy(ctx, {
		get(target, key) {
			if (key === 'getNodeParameter') return getNodeParameter;
			const member: unknown = Reflect.get(target, key, target);
			return typeof member === 'function'
				? (member as (...args: unknown[]) => unknown).bind(target)
				: member;
		},
	});
}
