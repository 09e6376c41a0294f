/**
 * The shared item loop (nodes/shared/router.ts) with many output items: a Get Many of a large
 * mailbox returns one item per message, more than V8 takes as arguments of one call.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { OperationModule, ResourceMap } from '../../nodes/shared/router';
import { routeItems } from '../../nodes/shared/router';

const MANY = 200_000;

function context(inputs: number): IExecuteFunctions {
	const parameters: IDataObject = { resource: 'message', operation: 'getAll' };
	return {
		getInputData: () => Array.from({ length: inputs }, () => ({ json: {} })),
		getNodeParameter: (name: string) => parameters[name],
		getNode: () => ({ name: 'Outlook Mail', type: 'outlookMail', typeVersion: 1 }),
		continueOnFail: () => false,
	} as unknown as IExecuteFunctions;
}

function module(run: Partial<OperationModule>): ResourceMap {
	return {
		message: {
			getAll: {
				description: [],
				declaration: { access: 'read' } as never,
				...run,
			},
		},
	} as unknown as ResourceMap;
}

const many = (from: number) =>
	Array.from({ length: MANY }, (_, k) => ({ id: `m${from + k}` }) as IDataObject);

describe('routeItems with many output items', () => {
	it(`returns ${MANY.toLocaleString('en')} items of one input item, in order, each paired with it`, async () => {
		const [output] = await routeItems.call(context(1), module({ execute: async () => many(0) }));
		expect(output).toHaveLength(MANY);
		expect(output[0]).toEqual({ json: { id: 'm0' }, pairedItem: { item: 0 } });
		expect(output[MANY - 1]).toEqual({ json: { id: `m${MANY - 1}` }, pairedItem: { item: 0 } });
	});

	it(`returns ${MANY.toLocaleString('en')} items per input item of a batched operation`, async () => {
		const [output] = await routeItems.call(
			context(2),
			module({ executeAll: async (indexes: number[]) => indexes.map((i) => many(i * MANY)) }),
		);
		expect(output).toHaveLength(2 * MANY);
		const last = output[2 * MANY - 1] as INodeExecutionData;
		expect(last).toEqual({ json: { id: `m${2 * MANY - 1}` }, pairedItem: { item: 1 } });
	});
});
