/**
 * One list per resource, one list per node: the Operation dropdown, the router's module map and
 * the node's fields are all built from it, so an operation cannot be listed in one place and
 * forgotten in another (test/shared/resources.test.ts checks every node against its files).
 */
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { declarationProblem } from './declarations';
import { dataRecord } from './outsideData';
import type { OperationModule, ResourceMap } from './router';

export interface OperationEntry {
	/** The operation's entry in the Operation dropdown (`value` is the operation's parameter value). */
	option: INodePropertyOptions & { value: string; action: string; description: string };
	module: OperationModule;
	/**
	 * The action as an AI tool's title says it (n8n names a tool node "{action} in {node}"), for an
	 * operation whose tool may run as its draft (`asDraft`): "Write a message", not "Send a
	 * message", since under Drafts Only nothing is sent. Required for those (resourceMap checks).
	 */
	toolAction?: string;
}

export interface Resource {
	/** The resource's entry in the Resource dropdown. */
	option: INodePropertyOptions & { value: string };
	/** operation value → module, for the router. */
	operations: Record<string, OperationModule>;
	/** The Operation field, then every operation's fields. */
	description: INodeProperties[];
	/** operation value → its action in an AI tool's title, where it differs (OperationEntry.toolAction). */
	toolActions: Record<string, string>;
}

// Code-point order, as n8n's lint rule for option lists sorts them ("Get MIME" before "Get Many").
const byName = <T extends { name: string }>(a: T, b: T) =>
	a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

/**
 * A resource from its operations. The dropdown lists them by name (n8n's style); the fields keep
 * the order of `entries`. `defaultOperation` must be one of them.
 */
export function defineResource(
	option: Resource['option'],
	entries: OperationEntry[],
	defaultOperation: string,
): Resource {
	const values = entries.map((e) => e.option.value);
	const duplicate = values.find((v, i) => values.indexOf(v) !== i);
	if (duplicate) throw new Error(`Resource ${option.value}: operation ${duplicate} listed twice`);
	if (!values.includes(defaultOperation)) {
		throw new Error(`Resource ${option.value}: default operation ${defaultOperation} not listed`);
	}
	// Every operation says what it does (nodes/shared/declarations.ts): one without a valid
	// declaration does not load, so the limits computed from them cannot miss it.
	for (const { option: op, module } of entries) {
		const problem = declarationProblem(module.declaration, module.description);
		if (problem) throw new Error(`Resource ${option.value}, operation ${op.value}: ${problem}`);
	}
	return {
		option,
		// Looked up by the node's parameters: "constructor" or "__proto__" must find nothing.
		operations: dataRecord(entries.map((e) => [e.option.value, e.module] as const)),
		toolActions: Object.fromEntries(
			entries.flatMap((e) => (e.toolAction ? [[e.option.value, e.toolAction]] : [])),
		),
		description: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: [option.value] } },
				options: entries.map((e) => e.option).sort(byName),
				default: defaultOperation,
			},
			...entries.flatMap((e) => e.module.description),
		],
	};
}

/** The Resource field of a node, listed by name. */
export function resourceProperty(resources: Resource[], defaultResource: string): INodeProperties {
	if (!resources.some((r) => r.option.value === defaultResource)) {
		throw new Error(`Default resource ${defaultResource} not listed`);
	}
	return {
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: resources.map((r) => r.option).sort(byName),
		default: defaultResource,
	};
}

/** The Resource field, then every resource's fields, in the order of `resources`. */
export function resourceProperties(
	resources: Resource[],
	defaultResource: string,
): INodeProperties[] {
	return [resourceProperty(resources, defaultResource), ...resources.flatMap((r) => r.description)];
}

/**
 * resource value → operation value → module, for the shared router. Checks what declarations
 * say about other resources: an operation's `asDraft` names a draft-saving operation of the node.
 */
export function resourceMap(resources: Resource[]): ResourceMap {
	// Looked up by the node's parameters: "constructor" or "__proto__" must find nothing.
	const map: ResourceMap = dataRecord(
		resources.map((r) => [r.option.value, r.operations] as const),
	);
	for (const { option, operations, toolActions } of resources) {
		const resource = option.value;
		for (const [operation, module] of Object.entries(operations)) {
			const target = module.declaration.asDraft;
			if (target && map[target.resource]?.[target.operation]?.declaration.does !== 'draft')
				throw new Error(
					`Resource ${resource}, operation ${operation}: asDraft names ${target.resource} → ${target.operation}, which is not an operation that saves a draft`,
				);
			if (target && !toolActions[operation])
				throw new Error(
					`Resource ${resource}, operation ${operation}: it may run as a draft under Drafts Only, so its AI tool's title needs a toolAction that does not say it sends`,
				);
		}
	}
	return map;
}

/**
 * The canvas subtitle of a resource/operation node: the words the two dropdowns show ("Get Many:
 * Message"), not their values ("getAll: message"). One lookup built from the resource tables, so
 * an operation added tomorrow is named tomorrow; a value not in it (an expression) shows as is.
 */
export function operationSubtitle(resources: Resource[]): string {
	const names: Record<string, string> = {};
	for (const resource of resources) {
		const dropdown = resource.description.find((p) => p.name === 'operation');
		for (const option of (dropdown?.options ?? []) as INodePropertyOptions[])
			names[`${resource.option.value}:${String(option.value)}`] =
				`${option.name}: ${resource.option.name}`;
	}
	return `={{ ${JSON.stringify(names)}[$parameter["resource"] + ":" + $parameter["operation"]] || $parameter["operation"] + ": " + $parameter["resource"] }}`;
}

/** The canvas subtitle of one options parameter: the name its dropdown shows for the value. */
export function optionSubtitle(property: INodeProperties): string {
	const names = Object.fromEntries(
		((property.options ?? []) as INodePropertyOptions[]).map((o) => [String(o.value), o.name]),
	);
	return `={{ ${JSON.stringify(names)}[$parameter["${property.name}"]] || $parameter["${property.name}"] }}`;
}
