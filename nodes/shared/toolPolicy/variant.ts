/**
 * How a node's AI-tool variant differs from the node in the editor: the Operation field's default
 * and the titles n8n gives tool nodes.
 *
 * n8n names a tool node "{action} in {node}" from the `action` of the first Operation field of the
 * resource (n8n-workflow `makeNodeName`), whatever the field's displayOptions, so the plain node
 * and its tool variant share one title per operation. The variant's own title comes through
 * `usableAsTool.replacements`, which n8n spreads over the description it builds the tool variant
 * from for the editor (n8n `tool-generation/ai-tools.ts`, `NodeTypes.getNodeTypeDescriptions`).
 * When it runs a workflow n8n builds the variant from the node's own description, without the
 * replacements: so the replaced properties differ from the node's only in those titles
 * (test/shared/toolPolicy.test.ts checks it), and what runs is what the editor shows.
 */
import type { INodeProperties, INodeTypeBaseDescription } from 'n8n-workflow';
import { deepCopy } from 'n8n-workflow';

import type { Resource } from '../resources';

/**
 * The resource with its Operation field split in two: the plain node keeps its default, the tool
 * variant (`@tool`) defaults to `toolDefault`. Both list the same operations.
 */
export function withToolDefaultOperation(resource: Resource, toolDefault: string): Resource {
	const [field, ...rest] = resource.description;
	if (!resource.operations[toolDefault])
		throw new Error(`Resource ${resource.option.value}: tool default ${toolDefault} not listed`);
	const show = field.displayOptions?.show ?? {};
	return {
		...resource,
		description: [
			{ ...field, displayOptions: { show: { ...show, '@tool': [false] } } },
			{ ...field, default: toolDefault, displayOptions: { show: { ...show, '@tool': [true] } } },
			...rest,
		],
	};
}

/** The node's properties with each Operation option's action replaced by its tool title. */
export function withToolTitles(
	properties: INodeProperties[],
	resources: Resource[],
): INodeProperties[] {
	return properties.map((property) => {
		if (property.name !== 'operation' || !Array.isArray(property.options)) return property;
		const resource = resources.find((r) =>
			property.displayOptions?.show?.resource?.includes(r.option.value),
		);
		if (!resource || !Object.keys(resource.toolActions).length) return property;
		const copy = deepCopy(property);
		for (const option of copy.options as Array<{ value: string; action?: string }>)
			if (resource.toolActions[option.value]) option.action = resource.toolActions[option.value];
		return copy;
	});
}

/**
 * `usableAsTool` with the tool titles: `replacements` is typed with the base description's keys,
 * and n8n spreads it over the whole description, properties included.
 */
export function usableAsToolWithTitles(
	properties: INodeProperties[],
	resources: Resource[],
): { replacements: Partial<Omit<INodeTypeBaseDescription, 'usableAsTool'>> } {
	const replacements: Partial<Omit<INodeTypeBaseDescription, 'usableAsTool'>> & {
		properties: INodeProperties[];
	} = {
		// A copy of its own: n8n spreads it into the variant without copying it again.
		properties: deepCopy(withToolTitles(properties, resources)),
	};
	return { replacements };
}
