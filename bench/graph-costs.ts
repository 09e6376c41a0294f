/**
 * Outlook Mail against Graph's real costs (issue 29): the Graph stand-in's cost model
 * (test/support/graph-costs.ts: round trip, Exchange's work per request and per item, `$batch`
 * envelopes and sub-requests, 4 lanes per mailbox, one 100 Mbit/s link) decides when each answer
 * reaches the node, and gives the run's lower bound: one round trip + max(server work ÷ 4 lanes,
 * bytes ÷ link). The table shows, per scenario, the node's wall time, the bound, the efficiency
 * (bound ÷ wall), HTTP requests (and `$batch` sub-requests), the most requests in flight per
 * mailbox (sent → answered, sub-requests counted) and on Exchange's lanes, lane waits (real Graph
 * would answer 429), bytes and bytes per message, beside n8n's built-in Outlook node (v2) where it
 * has the operation.
 *
 * The stand-ins run in a process of their own (support/graph-server.ts, with a mailbox that
 * compresses and dates like a real one: support/mailbox.ts), so their CPU is not the node's; each
 * contender runs in a child process: a warm-up run, then BENCH_REPEAT (default 5; the built-in
 * node, whose runs are long and steady, BENCH_BUILTIN_REPEAT, default 1) measured runs. The table
 * shows the fastest and the median wall time, each with its efficiency: other programs on a
 * shared machine only ever lengthen a run, so the fastest is the closest to the node's own. CPU is
 * the node process's CPU time (process.cpuUsage: user + system), median of the runs.
 *
 * The second table is CPU at no modelled cost (every cost 0, answers still compressed): µs of CPU
 * per message for Get Many 10,000, median of BENCH_CPU_REPEAT (default 5) runs, and where it goes
 * (V8's sampling profiler, self time by package, in the last run).
 *
 * Run: `npm run bench graph-costs`. BENCH_ONLY=getAll1000,getAll10000,raw10000,fields10000,
 * limit1000,limit10000,update,move,delete,cpu picks scenarios; BENCH_PRIORITY=-15 (as root) runs the
 * bench and its children at that niceness; BENCH_TRACE=1 prints each run's schedule as the model
 * planned it (stderr); BENCH_PROFILE_TOP=1 prints the CPU profile by function, BENCH_PROFILE_FILE
 * saves it (a .cpuprofile for Chrome's DevTools).
 */
import '../test/support/setup-env';

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { Session } from 'node:inspector';
import { cpus, getPriority, loadavg, setPriority } from 'node:os';
import { performance } from 'node:perf_hooks';

import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import type { Bound, GraphCosts } from '../test/support/graph-costs';
import { GRAPH_COSTS } from '../test/support/graph-costs';
import { harnessWithBuiltin, n8nHome } from './support/builtin-outlook';
import type { ServerSpec } from './support/graph-server';
import { RemoteGraph } from './support/remote-graph';
import { printTable } from './support/table';

type Contender = 'ours' | 'builtin';

interface Scenario {
	key: string;
	name: string;
	messages: number;
	/** Node parameters per contender (undefined: the built-in node has no such operation). */
	parameters: Partial<Record<Contender, INodeParameters>>;
	/** Input items: the first N messages' IDs (bulk operations). */
	inputs?: number;
	/** Message count the result is about (for bytes per message). */
	perMessage: number;
}

const REPEAT = Number(process.env.BENCH_REPEAT ?? 5);
const BUILTIN_REPEAT = Number(process.env.BENCH_BUILTIN_REPEAT ?? 1);
const CPU_REPEAT = Number(process.env.BENCH_CPU_REPEAT ?? 5);
const messageId = { __rl: true, mode: 'id', value: '={{ $json.id }}' };

const SCENARIOS: Scenario[] = [
	{
		key: 'getAll1000',
		name: 'Get Many 1,000 (Return All)',
		messages: 1000,
		perMessage: 1000,
		parameters: {
			ours: { resource: 'message', operation: 'getAll', returnAll: true },
			builtin: { resource: 'message', operation: 'getAll', returnAll: true, output: 'simple' },
		},
	},
	{
		key: 'getAll10000',
		name: 'Get Many 10,000 (Return All)',
		messages: 10_000,
		perMessage: 10_000,
		parameters: {
			ours: { resource: 'message', operation: 'getAll', returnAll: true },
			builtin: { resource: 'message', operation: 'getAll', returnAll: true, output: 'simple' },
		},
	},
	{
		key: 'raw10000',
		name: 'Get Many 10,000 (Return All, Raw)',
		messages: 10_000,
		perMessage: 10_000,
		parameters: {
			ours: { resource: 'message', operation: 'getAll', returnAll: true, output: 'raw' },
			builtin: { resource: 'message', operation: 'getAll', returnAll: true, output: 'raw' },
		},
	},
	{
		key: 'fields10000',
		name: 'Get Many 10,000 (Return All, Selected Fields: subject, from)',
		messages: 10_000,
		perMessage: 10_000,
		parameters: {
			ours: {
				resource: 'message',
				operation: 'getAll',
				returnAll: true,
				output: 'fields',
				fields: ['subject', 'from'],
			},
			builtin: {
				resource: 'message',
				operation: 'getAll',
				returnAll: true,
				output: 'fields',
				fields: ['subject', 'from'],
			},
		},
	},
	{
		key: 'limit1000',
		name: 'Get Many, Limit 1,000 (of 10,000)',
		messages: 10_000,
		perMessage: 1000,
		parameters: {
			ours: { resource: 'message', operation: 'getAll', returnAll: false, limit: 1000 },
			builtin: {
				resource: 'message',
				operation: 'getAll',
				returnAll: false,
				limit: 1000,
				output: 'simple',
			},
		},
	},
	{
		key: 'limit10000',
		name: 'Get Many, Limit 10,000 (of 20,000)',
		messages: 20_000,
		perMessage: 10_000,
		parameters: {
			ours: { resource: 'message', operation: 'getAll', returnAll: false, limit: 10_000 },
		},
	},
	{
		key: 'update',
		name: 'Update 1,000 (mark read)',
		messages: 1000,
		inputs: 1000,
		perMessage: 1000,
		parameters: {
			ours: { resource: 'message', operation: 'update', messageId, updateFields: { isRead: true } },
		},
	},
	{
		key: 'move',
		name: 'Move 1,000',
		messages: 1000,
		inputs: 1000,
		perMessage: 1000,
		parameters: {
			ours: {
				resource: 'message',
				operation: 'move',
				messageId,
				folderId: { __rl: true, mode: 'id', value: 'archive' },
			},
		},
	},
	{
		key: 'delete',
		name: 'Delete 1,000',
		messages: 1000,
		inputs: 1000,
		perMessage: 1000,
		parameters: { ours: { resource: 'message', operation: 'delete', messageId } },
	},
];

interface RunResult {
	wallMs: number;
	cpuMs: number;
	items: number;
	fingerprint: string;
	requests: number;
	subRequests: number;
	bound?: Bound;
	bytes: number;
	rawBytes: number;
	laneWaits: number;
	peakInFlight: number;
	peakOnServer: number;
	changed: number;
	violations: string[];
}

interface ChildResult {
	runs: RunResult[];
	profile?: Record<string, number>;
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12);

/**
 * Self time (ms) by where the code lives, from a V8 CPU profile: a native frame (JSON.parse, zlib,
 * socket writes) counts for the nearest JavaScript frame above it that has a file
 * (BENCH_PROFILE_TOP=1: by function).
 */
function bucketsOf(profile: {
	nodes: Array<{
		id: number;
		callFrame: { url: string; functionName: string; lineNumber: number };
		children?: number[];
	}>;
	samples: number[];
	timeDeltas: number[];
}): Record<string, number> {
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const parentOf = new Map<number, number>();
	for (const node of profile.nodes)
		for (const child of node.children ?? []) parentOf.set(child, node.id);
	const out: Record<string, number> = {};
	const byFunction = process.env.BENCH_PROFILE_TOP === '1';
	const where = (url: string): string => {
		if (/\/nodes\/(OutlookMail|shared)\//.test(url) && !url.includes('node_modules'))
			return 'Outlook Mail (this package)';
		if (url.includes('n8n-nodes-base')) return 'built-in Outlook node';
		if (url.startsWith('node:')) return `Node.js ${url.slice(5).split('/')[0]}`;
		const match = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
		return match ? match[1] : 'other';
	};
	profile.samples.forEach((id, k) => {
		const frame = byId.get(id)!.callFrame;
		// A sample's time is the gap to the next one (capped: the profiler's own start and stop).
		const ms = Math.min(profile.timeDeltas[k + 1] ?? 0, 2000) / 1000;
		if (frame.functionName === '(idle)' || frame.functionName === '(program)') return;
		let bucket: string;
		if (frame.functionName === '(garbage collector)') bucket = 'garbage collection';
		else {
			let at: number | undefined = id;
			while (at !== undefined && !byId.get(at)!.callFrame.url) at = parentOf.get(at);
			bucket = at === undefined ? 'native' : where(byId.get(at)!.callFrame.url);
		}
		if (byFunction)
			bucket = `${bucket} ${frame.functionName}:${frame.lineNumber} ${frame.url.split('/').slice(-2).join('/')}`;
		out[bucket] = (out[bucket] ?? 0) + ms;
	});
	return out;
}

async function child(key: string, contender: Contender, cpuOnly: boolean): Promise<ChildResult> {
	const scenario = SCENARIOS.find((s) => s.key === key)!;
	// No modelled cost: answers at once (JSON over IPC has no Infinity, hence 1e15 bytes a second).
	const zero: Partial<GraphCosts> = {
		roundTripMs: 0,
		requestBaseMs: 0,
		perItemMs: 0,
		batchBaseMs: 0,
		subRequestMs: 0,
		linkBytesPerSecond: 1e15,
	};
	const spec: ServerSpec = { messages: scenario.messages, costs: cpuOnly ? zero : {} };
	const graph = await RemoteGraph.start(spec);
	const home = n8nHome();
	const n8n = harnessWithBuiltin(graph.info, await graph.credential(), home);
	const type = contender === 'builtin' ? 'builtin' : 'outlookMail';
	const parameters = scenario.parameters[contender]!;
	// Bulk inputs: IDs of the mailbox's messages, as Graph lists them (newest first).
	let inputs: INodeExecutionData[] | undefined;
	if (scenario.inputs) {
		const [listed] = await n8n.execute('outlookMail', {
			parameters: {
				resource: 'message',
				operation: 'getAll',
				returnAll: false,
				limit: scenario.inputs,
				output: 'fields',
				fields: ['id'],
			},
		});
		inputs = listed.map((item) => ({ json: { id: item.json.id } }));
	}
	const run = async () =>
		(await n8n.execute(type, { parameters, items: inputs, continueOnFail: true }))[0];

	await run(); // warm-up: module loading, JIT
	const runs: RunResult[] = [];
	let profile: Record<string, number> | undefined;
	const repeat = cpuOnly ? CPU_REPEAT : contender === 'builtin' ? BUILTIN_REPEAT : REPEAT;
	for (let k = 0; k < repeat; k++) {
		await graph.reset();
		global.gc?.();
		const profiling = cpuOnly && k === repeat - 1;
		const session = profiling ? new Session() : undefined;
		if (session) {
			session.connect();
			await new Promise((r) => session.post('Profiler.enable', r));
			await new Promise((r) => session.post('Profiler.setSamplingInterval', { interval: 200 }, r));
			await new Promise((r) => session.post('Profiler.start', r));
		}
		const cpu = process.cpuUsage();
		const startEpoch = performance.timeOrigin + performance.now();
		const start = process.hrtime.bigint();
		const out = await run();
		const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
		const used = process.cpuUsage(cpu);
		if (session) {
			const stopped = await new Promise<{ profile: Parameters<typeof bucketsOf>[0] }>(
				(resolve, reject) =>
					session.post('Profiler.stop', (error, result) =>
						error ? reject(error) : resolve(result as never),
					),
			);
			profile = bucketsOf(stopped.profile);
			if (process.env.BENCH_PROFILE_FILE)
				(await import('node:fs')).writeFileSync(
					process.env.BENCH_PROFILE_FILE,
					JSON.stringify(stopped.profile),
				);
			session.disconnect();
			if (process.env.BENCH_PROFILE_TOP === '1')
				for (const [where, time] of Object.entries(profile)
					.sort((a, b) => b[1] - a[1])
					.slice(0, 40))
					console.error(`${time.toFixed(1).padStart(7)} ms  ${where}`);
		}
		const stats = await graph.stats();
		const model = stats.model;
		if (process.env.BENCH_TRACE && model) {
			const first = (model.zeroEpoch ?? startEpoch) - startEpoch;
			const lastDelivery = Math.max(...model.trace.map((r) => r.delivery));
			console.error(
				`${key}/${contender} run ${k + 1}: wall ${wallMs.toFixed(0)} ms, CPU ${((used.user + used.system) / 1000).toFixed(0)} ms; first request ${first.toFixed(0)} ms after the start, last answer ${(wallMs - first - lastDelivery).toFixed(0)} ms before the end`,
			);
			for (const r of model.trace)
				console.error(
					`  sent ${r.sent}  lane ${r.start}–${r.end}  delivered ${r.delivery}  items ${r.items}`,
				);
		}
		runs.push({
			wallMs,
			cpuMs: (used.user + used.system) / 1000,
			items: out.length,
			fingerprint: scenario.inputs
				? `${stats.changed} changed, ${out.filter((i) => i.json.error).length} errors`
				: sha(out.map((item) => String(item.json.id)).join('\n')),
			requests: stats.requests,
			subRequests: stats.subRequests,
			bound: model?.bound,
			bytes: model?.bytes ?? 0,
			rawBytes: model?.rawBytes ?? 0,
			laneWaits: model?.laneWaits ?? 0,
			peakInFlight: Math.max(0, ...Object.values(model?.peakInFlight ?? {})),
			peakOnServer: Math.max(0, ...Object.values(model?.peakOnServer ?? {})),
			changed: stats.changed,
			violations: stats.violations,
		});
	}
	await graph.close();
	return { runs, profile };
}

function runChild(key: string, contender: Contender, cpuOnly: boolean): ChildResult {
	const run = spawnSync(
		process.execPath,
		['--expose-gc', __filename, '--child', key, contender, cpuOnly ? 'cpu' : 'costs'],
		{
			encoding: 'utf8',
			env: process.env,
			maxBuffer: 64 * 1024 * 1024,
			stdio: ['ignore', 'pipe', 'inherit'],
		},
	);
	const line = run.stdout.trim().split('\n').pop() ?? '';
	if (run.status !== 0 || !line.startsWith('{'))
		throw new Error(`bench child ${key}/${contender} failed: ${run.stdout.slice(-500)}`);
	return JSON.parse(line) as ChildResult;
}

const median = (values: number[]) => {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor((sorted.length - 1) / 2)];
};
const ms = (value: number) => `${Math.round(value).toLocaleString('en')} ms`;
const kb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;

async function main() {
	process.env.BUILTIN_N8N_HOME = n8nHome();
	// On a shared machine other programs stretch wall times; BENCH_PRIORITY=-15 (root) lowers the
	// bench's niceness (its children inherit it) so that the figures are less theirs.
	if (process.env.BENCH_PRIORITY) setPriority(Number(process.env.BENCH_PRIORITY));
	console.log(
		`Machine: ${cpus().length} CPUs, load average ${loadavg()
			.map((l) => l.toFixed(1))
			.join(' ')}, bench niceness ${getPriority()}`,
	);
	const c = GRAPH_COSTS;
	console.log(
		`Cost model: ${c.roundTripMs} ms round trip; Exchange ${c.requestBaseMs} ms a request + ${c.perItemMs} ms an item; ` +
			`$batch ${c.batchBaseMs} ms + ${c.subRequestMs} ms a sub-request, ${c.batchParallelism} at a time; ` +
			`${c.lanesPerMailbox} lanes per mailbox; one ${(c.linkBytesPerSecond * 8) / 1e6} Mbit/s link. ` +
			`Wall: fastest and median of ${REPEAT} runs after a warm-up (the built-in node: ${BUILTIN_REPEAT}), efficiency = bound ÷ wall; ` +
			`CPU: the node process's CPU time (median). Peak in flight: requests of the mailbox sent and not yet answered ` +
			`(an envelope counts its sub-requests running at once); peak on lanes: on Exchange at once.\n`,
	);
	const only = process.env.BENCH_ONLY?.split(',');
	const rows: string[][] = [];
	for (const scenario of SCENARIOS.filter((s) => !only || only.includes(s.key))) {
		for (const contender of ['ours', 'builtin'] as const) {
			if (!scenario.parameters[contender]) continue;
			const { runs } = runChild(scenario.key, contender, false);
			const walls = runs.map((r) => r.wallMs);
			const mid = runs.find((r) => r.wallMs === median(walls))!;
			const fastest = Math.min(...walls);
			const bound = mid.bound!;
			const percent = (wall: number) => `${Math.round((bound.ms / wall) * 100)} %`;
			rows.push([
				contender === 'ours' ? scenario.name : '',
				contender === 'ours' ? 'Outlook Mail' : 'built-in Outlook v2',
				String(mid.items),
				runs.length > 1 ? `${ms(fastest)} / ${ms(mid.wallMs)}` : ms(fastest),
				`${ms(bound.ms)} (${bound.workMs >= bound.linkMs ? 'lanes' : 'link'})`,
				runs.length > 1 ? `${percent(fastest)} / ${percent(mid.wallMs)}` : percent(fastest),
				mid.subRequests ? `${mid.requests} (${mid.subRequests} inside)` : String(mid.requests),
				String(mid.peakInFlight),
				String(mid.peakOnServer),
				String(mid.laneWaits),
				`${kb(mid.bytes)} (${kb(mid.rawBytes)} raw)`,
				String(Math.round(mid.bytes / scenario.perMessage)),
				ms(median(runs.map((r) => r.cpuMs))),
				mid.fingerprint,
				String(mid.violations.length),
			]);
		}
	}
	if (rows.length) {
		printTable(
			[
				'scenario',
				'node',
				'items',
				'wall (fastest / median)',
				'bound',
				'efficiency (fastest / median)',
				'HTTP requests',
				'peak in flight',
				'peak on lanes',
				'lane waits',
				'bytes sent',
				'bytes / message',
				'CPU',
				'result',
				'contract violations',
			],
			rows,
		);
	}

	if (!only || only.includes('cpu')) {
		console.log(
			`\nCPU with every modelled cost at 0 (answers gzip-compressed as requested): Get Many 10,000 (Return All), median of ${CPU_REPEAT} runs; ` +
				'where it goes: self time in the last run by V8’s sampling profiler.\n',
		);
		const cpuRows: string[][] = [];
		for (const contender of ['ours', 'builtin'] as const) {
			const { runs, profile } = runChild('getAll10000', contender, true);
			const cpu = median(runs.map((r) => r.cpuMs));
			const top = Object.entries(profile ?? {})
				.sort((a, b) => b[1] - a[1])
				.slice(0, 6)
				.map(([bucket, time]) => `${bucket} ${Math.round((time * 1000) / 10_000)}`)
				.join(', ');
			cpuRows.push([
				contender === 'ours' ? 'Outlook Mail' : 'built-in Outlook v2',
				ms(cpu),
				String(Math.round((cpu * 1000) / 10_000)),
				ms(median(runs.map((r) => r.wallMs))),
				String(runs[0].requests),
				top,
			]);
		}
		printTable(
			['node', 'CPU', 'CPU µs / message', 'wall', 'HTTP requests', 'µs / message by where'],
			cpuRows,
		);
	}
}

if (process.argv[2] === '--child') {
	child(process.argv[3], process.argv[4] as Contender, process.argv[5] === 'cpu')
		.then((result) => {
			console.log(JSON.stringify(result));
			process.exit(0);
		})
		.catch((error: unknown) => {
			console.error(error);
			process.exit(1);
		});
} else {
	main().catch((error: unknown) => {
		console.error(error);
		process.exit(1);
	});
}
