/**
 * Outlook Trigger polls: HTTP requests and wall time per poll
 *   1. a quiet mailbox (nothing changed), 1 and 3 watched folders: target one request per folder;
 *   2. 10,000 new messages in one folder (Message Received), pages of the largest size
 *      (`Prefer: odata.maxpagesize=1000`): in one poll (Max Items per Poll 10,000), and with the
 *      default cap (1,000 per poll; the rest waits for the next polls);
 *   3. 10,000 messages changed (Message Updated) in one poll.
 * Each poll runs through n8n-core's PollContext against the Graph stand-in with delta
 * (test/support/graph-delta.ts; every request checked against Microsoft's OpenAPI description).
 * Each HTTP call is delayed by BENCH_LATENCY_MS (default 20 ms) in the second time column.
 *
 * Run: `npm run bench outlookTrigger`.
 */
import '../test/support/setup-env';

import type http from 'node:http';
import type { INodeParameters } from 'n8n-workflow';

import { OutlookTrigger } from '../nodes/OutlookTrigger/OutlookTrigger.node';
import { connectedCredential, startStandIns, type StandIns } from '../test/support/fixtures';
import { DeltaMailbox } from '../test/support/graph-delta';
import type { GraphStandIn } from '../test/support/graph-standin';
import { N8nHarness } from '../test/support/n8n-harness';
import { PollRunner, TRIGGER } from '../test/OutlookTrigger/support';

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);
const CHANGES = 10_000;
const QUIET_POLLS = 20;

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

interface Row {
	scenario: string;
	polls: number;
	items: number;
	requests: number;
	fastMs: number;
	slowMs: number;
	target: string;
}

const folders = (names: string[]) => ({
	folder: names.map((value) => ({ folder: { __rl: true, mode: 'id', value } })),
});

interface Setup {
	runner: PollRunner;
	mailbox: DeltaMailbox;
}

/** A fresh mailbox and an active trigger that has made its initial rounds. */
async function prepare(
	s: StandIns,
	parameters: INodeParameters,
	extraFolders = 0,
	baseline = 1000,
): Promise<Setup> {
	s.graph.reset();
	const mailbox = new DeltaMailbox('/me').install(s.graph);
	const ids = ['inbox'];
	for (let i = 0; i < extraFolders; i++)
		ids.push(mailbox.addFolder({ displayName: `Folder ${i}`, parentFolderId: 'inbox' }));
	for (let i = 0; i < baseline; i++)
		mailbox.deliver('inbox', { receivedDateTime: '2024-01-01T00:00:00Z' });
	const n8n = new N8nHarness({ [TRIGGER]: new OutlookTrigger() }, connectedCredential(s));
	const runner = new PollRunner(n8n, { ...parameters, folders: folders(ids) });
	await runner.poll();
	return { runner, mailbox };
}

async function timed(
	s: StandIns,
	polls: (runner: PollRunner) => Promise<{ polls: number; items: number }>,
	runner: PollRunner,
) {
	s.graph.requests.length = 0;
	const start = process.hrtime.bigint();
	const result = await polls(runner);
	const ms = Number(process.hrtime.bigint() - start) / 1e6;
	if (s.graph.violations.length)
		throw new Error(`Graph contract violated: ${s.graph.violations.slice(0, 3).join('; ')}`);
	return { ...result, ms, requests: s.graph.requests.length };
}

async function untilQuiet(runner: PollRunner) {
	let polls = 0;
	let items = 0;
	for (;;) {
		const out = await runner.poll();
		polls++;
		items += out.length;
		if (!out.length) return { polls: polls - 1, items };
	}
}

async function main() {
	const s = await startStandIns();
	const rows: Row[] = [];

	const quiet = async (extra: number) => {
		const measure = async (latency: number) => {
			const { runner } = await prepare(s, { event: 'messageReceived' }, extra);
			setLatency(s.graph, latency);
			const r = await timed(
				s,
				async (p) => {
					for (let i = 0; i < QUIET_POLLS; i++) await p.poll();
					return { polls: QUIET_POLLS, items: 0 };
				},
				runner,
			);
			setLatency(s.graph, 0);
			return r;
		};
		const fast = await measure(0);
		const slow = await measure(LATENCY_MS);
		rows.push({
			scenario: `quiet mailbox, ${extra + 1} folder${extra ? 's' : ''} (per poll)`,
			polls: 1,
			items: 0,
			requests: fast.requests / QUIET_POLLS,
			fastMs: fast.ms / QUIET_POLLS,
			slowMs: slow.ms / QUIET_POLLS,
			target: `${extra + 1} request${extra ? 's' : ''} per poll`,
		});
	};
	await quiet(0);
	await quiet(2);

	const burst = async (
		name: string,
		parameters: INodeParameters,
		change: (mailbox: DeltaMailbox, ids: string[]) => void,
		target: string,
		baseline = 1000,
	) => {
		const measure = async (latency: number) => {
			const { runner, mailbox } = await prepare(s, parameters, 0, baseline);
			const existing = [...mailbox.messages.keys()];
			change(mailbox, existing);
			setLatency(s.graph, latency);
			const r = await timed(s, untilQuiet, runner);
			setLatency(s.graph, 0);
			return r;
		};
		const fast = await measure(0);
		const slow = await measure(LATENCY_MS);
		rows.push({
			scenario: name,
			polls: fast.polls,
			items: fast.items,
			requests: fast.requests - 1, // the last, quiet poll is not part of the burst
			fastMs: fast.ms,
			slowMs: slow.ms,
			target,
		});
	};
	const deliverAll = (mailbox: DeltaMailbox) => {
		for (let i = 0; i < CHANGES; i++) mailbox.deliver('inbox', { subject: `Burst ${i}` });
	};
	await burst(
		`${CHANGES.toLocaleString('en')} new messages, one poll`,
		{ event: 'messageReceived', options: { maxItemsPerPoll: CHANGES } },
		deliverAll,
		`${CHANGES / 1000} pages of 1,000`,
	);
	await burst(
		`${CHANGES.toLocaleString('en')} new messages, default cap (1,000/poll)`,
		{ event: 'messageReceived' },
		deliverAll,
		`${CHANGES / 1000} polls, 1 page each`,
	);
	await burst(
		`${CHANGES.toLocaleString('en')} changed messages (Message Updated), one poll`,
		{ event: 'messageUpdated', options: { maxItemsPerPoll: CHANGES } },
		(mailbox, ids) => {
			for (const id of ids) mailbox.updateMessage(id, { isRead: true });
		},
		`${CHANGES / 1000} pages of 1,000`,
		CHANGES,
	);
	await s.close();

	const header = [
		'scenario',
		'polls',
		'items',
		'HTTP requests',
		'wall (0 ms latency)',
		`wall (${LATENCY_MS} ms latency)`,
		'target',
	];
	const table = [
		header,
		...rows.map((r) => [
			r.scenario,
			String(r.polls),
			String(r.items),
			String(r.requests),
			`${r.fastMs.toFixed(0)} ms`,
			`${r.slowMs.toFixed(0)} ms`,
			r.target,
		]),
	];
	const widths = header.map((_, c) => Math.max(...table.map((row) => row[c].length)));
	for (const [i, row] of table.entries()) {
		console.log(row.map((cell, c) => cell.padEnd(widths[c])).join(' | '));
		if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
