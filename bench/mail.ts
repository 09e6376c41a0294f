/**
 * Outlook Mail throughput: requests and wall time of
 *   1. Get Many (Return All) of 10,000 messages: the node (both ends, then date ranges 4 at
 *      once) against the common page-of-100 pattern ($top=100);
 *   2. updating 1,000 messages (mark read): the node (`$batch`, 20 per call) against one PATCH per
 *      message;
 *   3. bulk Update, Move and Delete of 1,000 messages against the stand-in's model of Exchange
 *      Online's limits (4 in flight per mailbox, each `$batch` sub-request counted, Graph running
 *      them 4 at a time; 10,000 requests per 10 minutes; 429 ApplicationThrottled + Retry-After
 *      beyond), beside the same run without the model: HTTP calls, 429s received, wall time.
 * Everything runs through n8n-core's real execution context against the Graph stand-in (which
 * checks every request against Microsoft's OpenAPI description). Each HTTP call to the stand-in
 * is delayed by BENCH_LATENCY_MS (default 20 ms) to model the round trip to Graph; the table
 * shows wall times with no added latency and with it.
 *
 * Run: `npm run bench mail` (or `node bench/run.js mail`).
 */
import '../test/support/setup-env';

import type http from 'node:http';

import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { OutlookMail } from '../nodes/OutlookMail/OutlookMail.node';
import { GraphTransport } from '../nodes/shared/graph/client';
import { graphCollect } from '../nodes/shared/graph/paging';
import { segment } from '../nodes/shared/graph/request';
import { connectedCredential, startStandIns, type StandIns } from '../test/support/fixtures';
import { serveMessages } from '../test/support/graph-mailbox';
import { printTable } from './support/table';
import type { GraphStandIn } from '../test/support/graph-standin';
import { N8nHarness } from '../test/support/n8n-harness';

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);
const MESSAGES = 10_000;
const UPDATES = 1_000;

/** What a workflow without this node's care would do: pages of 100, one PATCH per item. */
class BaselineNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Baseline',
		name: 'baseline',
		group: ['transform'],
		version: 1,
		description: 'Bench baseline',
		defaults: { name: 'Baseline' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'outlookOAuth2Api', required: true }],
		properties: [{ displayName: 'Mode', name: 'mode', type: 'string', default: 'list' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const transport = await GraphTransport.create(this);
		if (this.getNodeParameter('mode', 0) === 'list') {
			const all = await graphCollect(
				transport,
				{ method: 'GET', path: '/me/messages', query: { $orderby: 'receivedDateTime desc' } },
				{ returnAll: true, maxPageSize: 100 },
			);
			return [all.map((json) => ({ json }))];
		}
		const out: INodeExecutionData[] = [];
		for (const [i, item] of this.getInputData().entries()) {
			const json = await transport.request<IDataObject>({
				method: 'PATCH',
				path: `/me/messages/${segment(String(item.json.id))}`,
				body: { isRead: true },
				itemIndex: i,
			});
			out.push({ json, pairedItem: { item: i } });
		}
		return [out];
	}
}

/** Delays every HTTP request the stand-in receives (not each `$batch` sub-request) by `ms`. */
function setLatency(graph: GraphStandIn, ms: number): void {
	const server = (graph as unknown as { server: http.Server }).server;
	const state = server as http.Server & {
		benchHandler?: (req: http.IncomingMessage, res: http.ServerResponse) => void;
	};
	state.benchHandler ??= server.listeners('request')[0] as (
		req: http.IncomingMessage,
		res: http.ServerResponse,
	) => void;
	const handler = state.benchHandler;
	server.removeAllListeners('request');
	server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) =>
		ms > 0 ? setTimeout(() => handler(req, res), ms) : handler(req, res),
	);
}

function message(k: number): IDataObject {
	return {
		id: `AAMkBench${String(k).padStart(6, '0')}=`,
		conversationId: `conv${k}`,
		subject: `Message ${k}`,
		from: { emailAddress: { name: 'Alice', address: 'alice@contoso.com' } },
		toRecipients: [{ emailAddress: { address: 'bob@contoso.com' } }],
		// One message a minute: Get Many sorted by date reads it in date ranges.
		receivedDateTime: new Date(Date.parse('2024-05-01T00:00:00Z') + k * 60_000)
			.toISOString()
			.replace('.000Z', 'Z'),
		bodyPreview: 'Hello',
		isRead: false,
		hasAttachments: false,
		webLink: 'https://outlook.office365.com/owa/?ItemID=x',
	};
}

interface Measure {
	calls: number;
	ms: number;
	items: number;
}

async function measure(s: StandIns, run: () => Promise<INodeExecutionData[][]>): Promise<Measure> {
	s.graph.requests.length = 0;
	const start = process.hrtime.bigint();
	const [out] = await run();
	const ms = Number(process.hrtime.bigint() - start) / 1e6;
	if (s.graph.violations.length)
		throw new Error(`Graph contract violated: ${s.graph.violations.slice(0, 3).join('; ')}`);
	// HTTP calls on the wire: `$batch` envelopes and plain requests, not the sub-requests inside envelopes.
	const calls = s.graph.requests.filter((r) => !r.inBatch).length;
	return { calls, ms, items: out.length };
}

async function main() {
	const s = await startStandIns();
	const all = Array.from({ length: MESSAGES }, (_, k) => message(k));
	// Graph's query semantics ($filter, $orderby, $count), which the date ranges rely on.
	serveMessages(s.graph, '/me/messages', () => all);
	s.graph.on('PATCH', '/me/messages/:id', (_, p) => ({ body: { id: p.id, isRead: true } }));
	const n8n = new N8nHarness(
		{ outlookMail: new OutlookMail(), baseline: new BaselineNode() },
		connectedCredential(s),
	);
	const updateItems = all.slice(0, UPDATES).map((m) => ({ json: { id: m.id } }));

	const scenarios: Array<{
		name: string;
		target: string;
		run: () => Promise<INodeExecutionData[][]>;
	}> = [
		{
			name: `Get Many ${MESSAGES.toLocaleString('en')} (node, date ranges)`,
			// Both ends, then ranges 4 at once: a few more calls than pages (bench/graph-costs.ts
			// measures them against Graph's costs).
			target: '',
			run: async () =>
				await n8n.execute('outlookMail', {
					parameters: { resource: 'message', operation: 'getAll', returnAll: true },
				}),
		},
		{
			name: `Get Many ${MESSAGES.toLocaleString('en')} (page-of-100 pattern)`,
			target: '',
			run: async () => await n8n.execute('baseline', { parameters: { mode: 'list' } }),
		},
		{
			name: `Update ${UPDATES.toLocaleString('en')} (node, $batch)`,
			// 4 × ⌈1,000 / 80⌉ envelopes of one dependsOn chain each, 4 at once (graphBatch).
			target: '≤ 52 calls',
			run: async () =>
				await n8n.execute('outlookMail', {
					parameters: {
						resource: 'message',
						operation: 'update',
						messageId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
						updateFields: { isRead: true },
					},
					items: updateItems,
				}),
		},
		{
			name: `Update ${UPDATES.toLocaleString('en')} (one PATCH per item)`,
			target: '',
			run: async () =>
				await n8n.execute('baseline', { parameters: { mode: 'update' }, items: updateItems }),
		},
	];

	const rows: string[][] = [];
	for (const scenario of scenarios) {
		setLatency(s.graph, 0);
		await scenario.run(); // warm-up (module loading, JIT)
		const fast = await measure(s, scenario.run);
		setLatency(s.graph, LATENCY_MS);
		const slow = await measure(s, scenario.run);
		rows.push([
			scenario.name,
			String(fast.items),
			String(fast.calls),
			`${fast.ms.toFixed(0)} ms`,
			`${slow.ms.toFixed(0)} ms`,
			scenario.target,
		]);
	}
	const limitRows = await bulkUnderExchangeLimits(s, n8n, updateItems);
	await s.close();

	const header = [
		'scenario',
		'items',
		'HTTP calls',
		'wall (0 ms RTT)',
		`wall (${LATENCY_MS} ms RTT)`,
		'target',
	];
	printTable(header, rows);
	console.log('');
	printTable(
		['bulk operation (node, $batch)', 'Exchange limits', 'HTTP calls', '429s received', 'wall'],
		limitRows,
	);
}

/** Service time per request (and per sub-request) inside Exchange under the limits model. */
const SERVICE_MS = Number(process.env.BENCH_SERVICE_MS ?? 20);

async function bulkUnderExchangeLimits(
	s: StandIns,
	n8n: N8nHarness,
	items: INodeExecutionData[],
): Promise<string[][]> {
	const messageId = { __rl: true, mode: 'id', value: '={{ $json.id }}' };
	const operations: Array<{ name: string; parameters: IDataObject }> = [
		{
			name: `Update ${items.length.toLocaleString('en')}`,
			parameters: { operation: 'update', messageId, updateFields: { isRead: true } },
		},
		{
			name: `Move ${items.length.toLocaleString('en')}`,
			parameters: {
				operation: 'move',
				messageId,
				folderId: { __rl: true, mode: 'id', value: 'archive' },
			},
		},
		{
			name: `Delete ${items.length.toLocaleString('en')}`,
			parameters: { operation: 'delete', messageId },
		},
	];
	const rows: string[][] = [];
	setLatency(s.graph, 0);
	for (const operation of operations) {
		for (const limited of [false, true]) {
			s.graph.reset();
			s.graph.on('PATCH', '/me/messages/:id', (_, p) => ({ body: { id: p.id, isRead: true } }));
			s.graph.on('POST', '/me/messages/:id/move', (_, p) => ({
				status: 201,
				body: { id: `${p.id}moved` },
			}));
			s.graph.on('DELETE', '/me/messages/:id', { status: 204 });
			if (limited) s.graph.exchangeLimits({ serviceMs: SERVICE_MS });
			const run = async () =>
				await n8n.execute('outlookMail', {
					parameters: { resource: 'message', ...operation.parameters },
					items,
					continueOnFail: true,
				});
			const result = await measure(s, run);
			rows.push([
				operation.name,
				limited ? `4 in flight, 10k/10 min, ${SERVICE_MS} ms each` : 'none (old figure)',
				String(result.calls),
				String(s.graph.limitStats.throttled),
				`${result.ms.toFixed(0)} ms`,
			]);
		}
	}
	return rows;
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
