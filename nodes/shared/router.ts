/**
 * The item loop every Graph node shares: picks the operation module for the resource and
 * operation, runs it per item (or once for all items when the operation batches), pairs each
 * output with its input item, and applies n8n's "continue on fail" per item.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { OperationDeclaration } from './declarations';
import { withCheckedOptions } from './optionValues';
import { knownSecrets, redactError } from './redact';

export type OperationResult = INodeExecutionData[] | IDataObject | IDataObject[];

export interface OperationModule {
	description: INodeProperties[];
	/** What the operation does (nodes/shared/declarations.ts); the resource tables refuse a module without it. */
	declaration: OperationDeclaration;
	/** Handles one item; returns its output (JSON objects or full items with binary data). */
	execute?(this: IExecuteFunctions, itemIndex: number): Promise<OperationResult>;
	/**
	 * Handles all items in one go (through `$batch`); returns one outcome per entry of
	 * `itemIndexes`, in the same order: the item's output, or the error for that item alone.
	 */
	executeAll?(
		this: IExecuteFunctions,
		itemIndexes: number[],
	): Promise<Array<OperationResult | Error>>;
}

/** resource → operation → module */
export type ResourceMap = Record<string, Record<string, OperationModule>>;

function isExecutionData(value: unknown): value is INodeExecutionData {
	return (
		typeof value === 'object' &&
		value !== null &&
		'json' in value &&
		typeof (value as INodeExecutionData).json === 'object'
	);
}

/**
 * Appends `items` to `output` one by one: `output.push(...items)` passes each item as an argument,
 * and V8 runs out of stack between 120,000 and 150,000 of them (a Get Many of a large mailbox).
 */
function append(output: INodeExecutionData[], items: INodeExecutionData[]) {
	for (const item of items) output.push(item);
}

/** Output items of one input item, each paired with it. */
function toItems(result: OperationResult, itemIndex: number): INodeExecutionData[] {
	const list = Array.isArray(result) ? result : [result];
	return list.map((entry) =>
		isExecutionData(entry)
			? { ...entry, pairedItem: { item: itemIndex } }
			: { json: entry as IDataObject, pairedItem: { item: itemIndex } },
	);
}

/**
 * An error for one item, with the item index set so n8n shows which item failed, after the one
 * redaction step (shared/redact.ts): whether it is thrown or becomes an item (continueOnFail).
 */
function itemError(
	ctx: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
): NodeApiError | NodeOperationError {
	const node =
		error instanceof NodeApiError || error instanceof NodeOperationError
			? error
			: new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
	node.context.itemIndex ??= itemIndex;
	return redactError(node, ctx.getNode(), knownSecrets(ctx));
}

function errorItem(
	error: NodeApiError | NodeOperationError,
	itemIndex: number,
): INodeExecutionData {
	const json: IDataObject = { error: error.message };
	if (error.description) json.description = error.description;
	if (error instanceof NodeApiError && error.httpCode) json.httpCode = error.httpCode;
	return { json, pairedItem: { item: itemIndex } };
}

export async function routeItems(
	this: IExecuteFunctions,
	resources: ResourceMap,
): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const module = resources[resource]?.[operation];
	if (!module) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of "${resource}" is not supported`,
		);
	}
	const output: INodeExecutionData[] = [];
	const indexes = items.map((_, i) => i);
	// The operation reads its parameters with `options` values checked (shared/optionValues.ts): its
	// own fields first, then those of the node's other operations (one it runs instead, as a draft).
	const ctx = withCheckedOptions(this, [
		...module.description,
		...Object.values(resources).flatMap((operations) =>
			Object.values(operations).flatMap((other) => other.description),
		),
	]);

	if (module.executeAll) {
		let outcomes: Array<OperationResult | Error>;
		try {
			outcomes = await module.executeAll.call(ctx, indexes);
		} catch (error) {
			// A failure that is not per item (a $batch call refused as a whole) fails every item.
			if (!this.continueOnFail()) throw itemError(this, error, 0);
			return [indexes.map((i) => errorItem(itemError(this, error, i), i))];
		}
		outcomes.forEach((outcome, position) => {
			const i = indexes[position];
			if (outcome instanceof Error) {
				const error = itemError(this, outcome, i);
				if (!this.continueOnFail()) throw error;
				output.push(errorItem(error, i));
			} else {
				append(output, toItems(outcome, i));
			}
		});
		return [output];
	}

	if (!module.execute)
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" has no implementation`,
		);
	for (const i of indexes) {
		try {
			append(output, toItems(await module.execute.call(ctx, i), i));
		} catch (error) {
			const failure = itemError(this, error, i);
			if (!this.continueOnFail()) throw failure;
			output.push(errorItem(failure, i));
		}
	}
	return [output];
}
