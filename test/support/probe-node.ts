/**
 * A test-only node that sends whatever request its parameters describe through the Graph
 * transport, so the transport can be exercised through n8n-core's execution functions before
 * (and independently of) the real nodes.
 */
import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IDataObject,
	IHttpRequestMethods,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { GraphTransport } from '../../nodes/shared/graph/client';
import { graphBatch } from '../../nodes/shared/graph/batch';
import { graphCollect } from '../../nodes/shared/graph/paging';

export const PROBE_NODE_TYPE = 'graphProbe';

/** The Body parameter: JSON text or an object; empty means no body. */
function parseBody(value: IDataObject | string): IDataObject | undefined {
	if (!value) return undefined;
	return typeof value === 'string' ? (JSON.parse(value) as IDataObject) : value;
}

export class GraphProbe implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Graph Probe',
		name: PROBE_NODE_TYPE,
		group: ['transform'],
		version: 1,
		description: 'Test probe',
		defaults: { name: 'Graph Probe' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'outlookOAuth2Api', required: true }],
		properties: [
			{
				displayName: 'Mode',
				name: 'mode',
				type: 'options',
				options: [
					{ name: 'Request', value: 'request' },
					{ name: 'Collect', value: 'collect' },
					{ name: 'Batch', value: 'batch' },
					{ name: 'Parallel', value: 'parallel' },
				],
				default: 'request',
			},
			{ displayName: 'Method', name: 'method', type: 'string', default: 'GET' },
			{ displayName: 'Path', name: 'path', type: 'string', default: '/me' },
			{ displayName: 'Return All', name: 'returnAll', type: 'boolean', default: false },
			{ displayName: 'Limit', name: 'limit', type: 'number', default: 50 },
			{ displayName: 'Permission', name: 'permission', type: 'string', default: '' },
			{ displayName: 'Body', name: 'body', type: 'json', default: '' },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const transport = await GraphTransport.create(this);
		const mode = this.getNodeParameter('mode', 0) as string;
		if (mode === 'batch') {
			const requests = items.map((_, i) => ({
				method: this.getNodeParameter('method', i) as IHttpRequestMethods,
				path: this.getNodeParameter('path', i) as string,
				body: (this.getNodeParameter('body', i) as IDataObject | string) || undefined,
				itemIndex: i,
			}));
			const results = await graphBatch(transport, requests);
			return [
				results.map((r) => ({
					json: { status: r.status, body: r.body ?? null, error: r.error?.message ?? null },
					pairedItem: { item: r.index },
				})),
			];
		}
		if (mode === 'parallel') {
			// Every item's request at once, so the transport's per-mailbox limit is what holds them back.
			const answers = await Promise.all(
				items.map(
					async (_, i) =>
						await transport.request({
							method: this.getNodeParameter('method', i) as IHttpRequestMethods,
							path: this.getNodeParameter('path', i) as string,
							itemIndex: i,
						}),
				),
			);
			return [answers.map((json, i) => ({ json, pairedItem: { item: i } }))];
		}
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			const request = {
				method: this.getNodeParameter('method', i) as IHttpRequestMethods,
				path: this.getNodeParameter('path', i) as string,
				body: parseBody(this.getNodeParameter('body', i) as IDataObject | string),
				permission: (this.getNodeParameter('permission', i) as string) || undefined,
				action: 'do this',
				itemIndex: i,
			};
			if (mode === 'collect') {
				const all = await graphCollect(transport, request, {
					returnAll: this.getNodeParameter('returnAll', i) as boolean,
					limit: this.getNodeParameter('limit', i) as number,
				});
				out.push(...all.map((json) => ({ json, pairedItem: { item: i } })));
			} else {
				out.push({ json: await transport.request(request), pairedItem: { item: i } });
			}
		}
		return [out];
	}
}
