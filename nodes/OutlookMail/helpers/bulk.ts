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

export async function runBatched(
	ctx: IExecuteFunctions,
	itemIndexes: number[],
	build: (itemIndex: number) => BatchedItem,
): Promise<Array<OperationResult | Error>> {
	const outcomes: Array<OperationResult | Error> = new Array(itemIndexes.length);
	const planned: Array<{ position: number; item: BatchedItem }> = [];
	itemIndexes.forEach((itemIndex, position) => {
		try {
			// The transport gives each sub-request its Prefer header (immutable IDs), as for any request.
			planned.push({ position, item: build(itemIndex) });
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
