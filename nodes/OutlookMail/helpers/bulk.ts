/**
 * Update, Move, Copy and Delete over many input items: each item becomes one sub-request of a
 * `$batch` call (20 per call), and each result goes back to its item. An item whose input is bad
 * fails alone, before any request; a sub-request that fails fails only its item.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { GraphRequestOptions } from '../../shared/graph/client';
import { GraphTransport } from '../../shared/graph/client';
import { graphBatch } from '../../shared/graph/batch';
import type { OperationResult } from '../../shared/router';

export interface BatchedItem {
	request: GraphRequestOptions;
	/** The item's output from the sub-request's response body. */
	output(body: IDataObject | undefined): OperationResult;
}

/**
 * Sub-requests do not inherit the `$batch` call's headers, so each asks for immutable IDs itself:
 * a moved or copied message keeps an ID that later steps can use. https://learn.microsoft.com/graph/outlook-immutable-id
 */
const IMMUTABLE_IDS = { Prefer: 'IdType="ImmutableId"' };

export async function runBatched(
	ctx: IExecuteFunctions,
	itemIndexes: number[],
	build: (itemIndex: number) => BatchedItem,
): Promise<Array<OperationResult | Error>> {
	const outcomes: Array<OperationResult | Error> = new Array(itemIndexes.length);
	const planned: Array<{ position: number; item: BatchedItem }> = [];
	itemIndexes.forEach((itemIndex, position) => {
		try {
			const item = build(itemIndex);
			item.request.headers = { ...IMMUTABLE_IDS, ...(item.request.headers ?? {}) };
			planned.push({ position, item });
		} catch (error) {
			outcomes[position] = error as Error;
		}
	});
	if (planned.length) {
		const transport = await GraphTransport.create(ctx, itemIndexes[planned[0].position]);
		const results = await graphBatch(
			transport,
			planned.map(({ item }) => item.request),
		);
		results.forEach((result, n) => {
			const { position, item } = planned[n];
			outcomes[position] = result.error ?? item.output(result.body);
		});
	}
	return outcomes;
}
