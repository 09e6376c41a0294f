/**
 * The Graph and identity stand-ins in a process of their own, for benches that measure the node's
 * wall and CPU time: Graph runs on Microsoft's servers, not on the thread that parses its answers,
 * so the stand-in's own work (filtering, serialising, compressing 10,000 messages) must not be
 * counted as the node's. Started by remote-graph.ts (child_process.fork); driven over IPC.
 */
import '../../test/support/setup-env';

import type { IDataObject } from 'n8n-workflow';

import { startStandIns, type StandIns } from '../../test/support/fixtures';
import type { GraphCosts } from '../../test/support/graph-costs';
import type { GraphCostModel } from '../../test/support/graph-costs';
import { serveMessages, type MailboxOptions } from '../../test/support/graph-mailbox';
import { buildMailbox } from './mailbox';

export interface ServerSpec {
	messages: number;
	/** The cost model's figures; false: no model (answers at once, uncompressed unless `compress`). */
	costs: Partial<GraphCosts> | false;
	compress?: boolean;
	mailbox?: MailboxOptions;
}

export interface ServerStats {
	/** HTTP requests received (envelopes count once) and sub-requests inside envelopes. */
	requests: number;
	subRequests: number;
	/** The cost model's view, when on. */
	model?: GraphCostModel['stats'] & { bound: ReturnType<GraphCostModel['bound']> };
	/** Messages marked read / moved / deleted since the last reset. */
	changed: number;
	violations: string[];
}

export type Command =
	| { id: number; type: 'start'; spec: ServerSpec }
	| { id: number; type: 'token'; scope: string }
	| { id: number; type: 'reset' }
	| { id: number; type: 'stats' }
	| { id: number; type: 'close' };

let standIns: StandIns | undefined;
let model: GraphCostModel | undefined;
const changed = new Set<string>();

function setUp(s: StandIns, spec: ServerSpec) {
	const all = buildMailbox({ messages: spec.messages });
	serveMessages(s.graph, '/me/messages', () => all, {
		dates: 'milliseconds',
		// Changes are counted, never made: the same query gets the same answer, made once.
		unchanging: true,
		...(spec.mailbox ?? {}),
	});
	s.graph.on('PATCH', '/me/messages/:id', (request, p) => {
		if ((request.body as IDataObject | undefined)?.isRead === true) changed.add(p.id);
		return { body: { id: p.id, isRead: true } };
	});
	s.graph.on('POST', '/me/messages/:id/move', (_request, p) => {
		changed.add(p.id);
		return { status: 201, body: { id: `${p.id.slice(0, -4)}MOVE=` } };
	});
	s.graph.on('DELETE', '/me/messages/:id', (_request, p) => {
		changed.add(p.id);
		return { status: 204 };
	});
	if (spec.costs) model = s.graph.costModel(spec.costs);
	else if (spec.compress) s.graph.compressResponses(true);
}

async function handle(command: Command): Promise<unknown> {
	switch (command.type) {
		case 'start': {
			standIns = await startStandIns();
			setUp(standIns, command.spec);
			return {
				graphUrl: standIns.graph.url,
				authority: standIns.idp.authority,
				clientId: standIns.idp.clientId,
				clientSecret: standIns.idp.clientSecret,
			};
		}
		case 'token':
			return standIns!.idp.oauthTokenData(command.scope);
		case 'reset':
			standIns!.graph.requests.length = 0;
			standIns!.graph.violations.length = 0;
			changed.clear();
			model?.resetStats();
			return {};
		case 'stats': {
			const graph = standIns!.graph;
			const stats: ServerStats = {
				requests: graph.requests.filter((r) => !r.inBatch).length,
				subRequests: graph.requests.filter((r) => r.inBatch).length,
				model: model ? { ...model.stats, bound: model.bound() } : undefined,
				changed: changed.size,
				violations: [...graph.violations, ...graph.unhandled],
			};
			return stats;
		}
		case 'close':
			await standIns?.close();
			setImmediate(() => process.exit(0));
			return {};
	}
}

process.on('message', (command: Command) => {
	handle(command)
		.then((result) => process.send?.({ id: command.id, result }))
		.catch((error: unknown) =>
			process.send?.({ id: command.id, error: String((error as Error)?.stack ?? error) }),
		);
});
