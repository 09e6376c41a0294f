/**
 * Outlook Mail beside n8n's own Microsoft Outlook node (v2, loaded from the n8n 2.41.1 install the
 * tests cache: `bash scripts/n8n-install.sh` prints it), on the same Graph stand-in and data:
 *   - Get Many (Return All) of 10,000 messages, each node's Simplified output;
 *   - mark 1,000 messages read, without and with the stand-in's model of Exchange Online's limits
 *     (4 in flight per mailbox, $batch sub-requests counted, 429 + Retry-After beyond);
 *   - download one 50 MB attachment (n8n's filesystem binary mode).
 * Each run is a child process of its own, so peak RSS is that run's. The table shows HTTP calls
 * the stand-in received (so the built-in node demonstrably reached it), TCP connections it
 * accepted per 1,000 calls, wall time, peak RSS growth and the built-in/ours ratio; each row
 * checks that both nodes returned the same items (IDs in order, messages marked read, file hash).
 * Every HTTP call is delayed by BENCH_LATENCY_MS (default 20 ms) to model the round trip to Graph.
 *
 * Run: `npm run bench mail-vs-builtin` (or `node bench/run.js mail-vs-builtin`); BENCH_ONLY=getMany,
 * markRead,markReadLimited,download picks scenarios.
 */
import '../test/support/setup-env';

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import type http from 'node:http';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { connectedCredential, startStandIns, type StandIns } from '../test/support/fixtures';
import { serveAttachments, serveMessages } from '../test/support/graph-mailbox';
import type { GraphStandIn } from '../test/support/graph-standin';
import { initBinaryData, type N8nHarness } from '../test/support/n8n-harness';
import { harnessWithBuiltin, n8nHome } from './support/builtin-outlook';
import { printTable } from './support/table';

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);
const SERVICE_MS = Number(process.env.BENCH_SERVICE_MS ?? 20);
const MESSAGES = 10_000;
const UPDATES = 1_000;
const ATTACHMENT_MB = Number(process.env.BENCH_ATTACHMENT_MB ?? 50);

type Scenario = 'getMany' | 'markRead' | 'markReadLimited' | 'download';
/** `oneCursor`: Outlook Mail in Graph's default order, i.e. paged with one nextLink cursor (the old way). */
type Contender = 'ours' | 'oneCursor' | 'builtin';

interface ChildResult {
	calls: number;
	/** Round trips in sequence (the longest chain of requests), where the stand-in counted them. */
	rounds?: number;
	/** Replayed runs: requests the warm-up had not recorded (answered by the stand-in itself). */
	replayMissed?: number;
	connections: number;
	ms: number;
	/** CPU time of this process during the run (the node, n8n-core and, unless replayed, the stand-in). */
	cpuMs: number;
	rssGrowthMb: number;
	/** What both must agree on: output IDs, messages marked read, or the file's hash. */
	fingerprint: string;
	items: number;
	throttled: number;
	violations: number;
}

function harness(s: StandIns, home: string): N8nHarness {
	return harnessWithBuiltin(
		{
			authority: s.idp.authority,
			clientId: s.idp.clientId,
			clientSecret: s.idp.clientSecret,
			graphUrl: s.graph.url,
		},
		connectedCredential(s),
		home,
	);
}

interface Recorded {
	status: number;
	headers: http.OutgoingHttpHeaders;
	body: Buffer;
}

/**
 * The stand-in's HTTP server with every request delayed by `ms` (the modelled round trip). With
 * `replay` on, answers are recorded by method and URL while `recording` is true, and later the same
 * request gets the recorded answer without running the stand-in: its own CPU (sorting, filtering,
 * serialising and validating 10,000 messages) would otherwise share this process's thread with the
 * node under test, which Graph's servers do not. `rounds` counts round trips in sequence: a request
 * sent after others were answered is one round after the latest of them.
 */
function frontServer(graph: GraphStandIn, ms: number) {
	const server = (graph as unknown as { server: http.Server }).server;
	const handler = server.listeners('request')[0] as (
		req: http.IncomingMessage,
		res: http.ServerResponse,
	) => void;
	const recorded = new Map<string, Recorded>();
	let finishedRound = 0;
	const front = {
		server,
		recording: false,
		replay: false,
		replayed: 0,
		missed: 0,
		rounds: 0,
		restartRounds: () => {
			front.rounds = 0;
			finishedRound = 0;
		},
	};
	const answer = (req: http.IncomingMessage, res: http.ServerResponse) => {
		const key = `${req.method} ${req.url}`;
		const hit = front.replay && !front.recording ? recorded.get(key) : undefined;
		if (hit) {
			front.replayed++;
			req.resume();
			res.writeHead(hit.status, hit.headers);
			res.end(hit.body);
			return;
		}
		if (front.replay && !front.recording) front.missed++;
		if (front.recording) {
			const chunks: Buffer[] = [];
			const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
			const end = res.end.bind(res) as (chunk?: unknown, ...rest: unknown[]) => http.ServerResponse;
			const keep = (chunk: unknown) => {
				if (typeof chunk === 'string') chunks.push(Buffer.from(chunk));
				else if (Buffer.isBuffer(chunk)) chunks.push(chunk);
			};
			res.write = ((chunk: unknown, ...rest: unknown[]) => {
				keep(chunk);
				return write(chunk, ...rest);
			}) as typeof res.write;
			res.end = ((chunk?: unknown, ...rest: unknown[]) => {
				if (typeof chunk !== 'function') keep(chunk);
				recorded.set(key, {
					status: res.statusCode,
					headers: res.getHeaders(),
					body: Buffer.concat(chunks),
				});
				return end(chunk, ...rest);
			}) as typeof res.end;
		}
		handler(req, res);
	};
	server.removeAllListeners('request');
	server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
		// Counted when the request is sent, before the modelled round trip: it can depend only on
		// answers the node had received by then.
		const round = finishedRound + 1;
		front.rounds = Math.max(front.rounds, round);
		res.on('finish', () => (finishedRound = Math.max(finishedRound, round)));
		if (ms > 0) setTimeout(() => answer(req, res), ms);
		else answer(req, res);
	});
	return front;
}

function message(k: number): IDataObject {
	return {
		id: `AAMkBench${String(k).padStart(6, '0')}=`,
		conversationId: `conv${k}`,
		subject: `Message ${k}`,
		from: { emailAddress: { name: 'Alice', address: 'alice@contoso.com' } },
		toRecipients: [{ emailAddress: { address: 'bob@contoso.com' } }],
		// One message a minute: a mailbox of a week.
		receivedDateTime: new Date(Date.parse('2024-05-01T00:00:00Z') + k * 60_000)
			.toISOString()
			.replace('.000Z', 'Z'),
		bodyPreview: 'Hello',
		isRead: false,
		hasAttachments: k === 0,
		webLink: 'https://outlook.office365.com/owa/?ItemID=x',
	};
}

function attachmentBytes(size: number): Buffer {
	const buffer = Buffer.alloc(size);
	for (let i = 0; i < size; i += 4096) buffer.writeUInt32LE((i * 2654435761) >>> 0, i);
	return buffer;
}

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

async function child(
	scenario: Scenario,
	contender: Contender,
	scavenge = false,
): Promise<ChildResult> {
	const home = n8nHome();
	const s = await startStandIns();
	const all = Array.from({ length: MESSAGES }, (_, k) => message(k));
	const read = new Set<string>();
	serveMessages(s.graph, '/me/messages', () => all);
	s.graph.on('PATCH', '/me/messages/:id', (request, p) => {
		if ((request.body as IDataObject | undefined)?.isRead === true) read.add(p.id);
		return { body: { id: p.id, isRead: true } };
	});
	const content =
		scenario === 'download' ? attachmentBytes(ATTACHMENT_MB * 1024 * 1024) : undefined;
	if (content) {
		const warmUp = attachmentBytes(1024 * 1024);
		serveAttachments(s.graph, '/me', () =>
			[
				['ATT50', content],
				['ATTWARM', warmUp],
			].map(([id, bytes]) => ({
				'@odata.type': '#microsoft.graph.fileAttachment',
				id: id as string,
				name: `${String(id).toLowerCase()}.bin`,
				contentType: 'application/octet-stream',
				isInline: false,
				content: bytes as Buffer,
			})),
		);
	}
	if (scenario === 'markReadLimited') s.graph.exchangeLimits({ serviceMs: SERVICE_MS });
	// Exchange's limits hold for Get Many too: 4 in flight per mailbox, no service time added.
	if (scenario === 'getMany') s.graph.exchangeLimits({ serviceMs: 0 });
	// Get Many's measured run is answered from what the warm-up run recorded (see frontServer).
	const replay = scenario === 'getMany' && process.env.BENCH_REPLAY !== '0';
	const service = await initBinaryData('filesystem');
	const n8n = harness(s, home);
	const front = frontServer(s.graph, LATENCY_MS);
	front.replay = replay;
	front.recording = replay;
	let connections = 0;
	front.server.on('connection', () => connections++);

	const messageId = { __rl: true, mode: 'id', value: '={{ $json.id }}' };
	const items = all.slice(0, UPDATES).map((m) => ({ json: { id: m.id } }));
	const type = contender === 'builtin' ? 'builtin' : 'outlookMail';
	const run = async (warmUp = false): Promise<INodeExecutionData[]> => {
		if (scenario === 'getMany') {
			const [out] = await n8n.execute(type, {
				parameters: {
					resource: 'message',
					operation: 'getAll',
					returnAll: true,
					// Each node's Simplified output (ours: 17 fields, the built-in's: 8). Raw brings bodies,
					// read in pages of 100 by both (bench/graph-costs.ts compares the outputs' bytes).
					output: 'simple',
					...(contender === 'oneCursor' ? { options: { orderBy: '' } } : {}),
				},
			});
			return out;
		}
		if (scenario === 'download') {
			const id = warmUp ? 'ATTWARM' : 'ATT50';
			const attachmentId = contender === 'ours' ? id : { __rl: true, mode: 'id', value: id };
			const [out] = await n8n.execute(type, {
				parameters: {
					resource: contender === 'ours' ? 'attachment' : 'messageAttachment',
					operation: 'download',
					messageId: { __rl: true, mode: 'id', value: String(all[0].id) },
					attachmentId,
					binaryPropertyName: 'data',
				},
			});
			return out;
		}
		const [out] = await n8n.execute(type, {
			parameters: {
				resource: 'message',
				operation: 'update',
				messageId,
				updateFields: { isRead: true },
			},
			items: warmUp ? items.slice(0, 40) : items,
			continueOnFail: true,
		});
		return out;
	};

	// Warm-up (module loading, JIT) for both nodes alike, on a small workload (40 updates, a 1 MB
	// download) so that it does not raise the RSS baseline to the measured run's own peak.
	await run(true);
	front.recording = false;
	read.clear();
	global.gc?.();
	const baseline = process.memoryUsage().rss;
	let peak = baseline;
	// With `scavenge`, a young-generation GC before each sample frees the chunks a stream has
	// already written out, so the growth shows what the run holds rather than when V8 collects.
	const gc = global.gc as ((options: { type: 'minor' }) => void) | undefined;
	const sampler = setInterval(
		() => {
			if (scavenge) gc?.({ type: 'minor' });
			peak = Math.max(peak, process.memoryUsage().rss);
		},
		scavenge ? 10 : 5,
	);
	s.graph.requests.length = 0;
	front.restartRounds();
	connections = 0;
	const start = process.hrtime.bigint();
	const cpuStart = process.cpuUsage();
	const out = await run();
	const ms = Number(process.hrtime.bigint() - start) / 1e6;
	const cpu = process.cpuUsage(cpuStart);
	clearInterval(sampler);
	peak = Math.max(peak, process.memoryUsage().rss);
	const calls = s.graph.requests.filter((r) => !r.inBatch).length + front.replayed;

	let fingerprint: string;
	if (scenario === 'getMany')
		fingerprint = sha(Buffer.from(out.map((i) => String(i.json.id)).join('\n')));
	else if (scenario === 'download') {
		const binary = out[0]?.binary?.data;
		const bytes = binary ? await service.getAsBuffer(binary) : Buffer.alloc(0);
		fingerprint = bytes.equals(content!) ? `sha256 ${sha(bytes).slice(0, 12)}` : 'DIFFERENT BYTES';
	} else fingerprint = `${read.size} marked read`;
	const result: ChildResult = {
		calls,
		rounds: front.rounds,
		cpuMs: (cpu.user + cpu.system) / 1000,
		replayMissed: replay ? front.missed : undefined,
		connections,
		ms,
		rssGrowthMb: (peak - baseline) / 1024 / 1024,
		fingerprint,
		items: out.length,
		throttled: s.graph.limitStats.throttled,
		violations: s.graph.violations.length,
	};
	await s.close();
	return result;
}

const SCENARIOS: Array<{ scenario: Scenario; name: string }> = [
	{ scenario: 'getMany', name: `Get Many ${MESSAGES.toLocaleString('en')} (Return All)` },
	{ scenario: 'markRead', name: `Mark read ${UPDATES.toLocaleString('en')}` },
	{
		scenario: 'markReadLimited',
		name: `Mark read ${UPDATES.toLocaleString('en')}, Exchange limits`,
	},
	{ scenario: 'download', name: `Download ${ATTACHMENT_MB} MB attachment (filesystem mode)` },
];

function runChild(scenario: Scenario, contender: Contender, scavenge = false): ChildResult {
	const run = spawnSync(
		process.execPath,
		['--expose-gc', __filename, '--child', scenario, contender, ...(scavenge ? ['scavenge'] : [])],
		{
			encoding: 'utf8',
			env: process.env,
			maxBuffer: 16 * 1024 * 1024,
			stdio: ['ignore', 'pipe', 'inherit'],
		},
	);
	const line = run.stdout.trim().split('\n').pop() ?? '';
	if (run.status !== 0 || !line.startsWith('{'))
		throw new Error(`bench child ${scenario}/${contender} failed: ${run.stdout.slice(-500)}`);
	return JSON.parse(line) as ChildResult;
}

async function main() {
	process.env.BUILTIN_N8N_HOME = n8nHome();
	console.log(`n8n install: ${process.env.BUILTIN_N8N_HOME}`);
	console.log(
		`modelled round trip ${LATENCY_MS} ms; Exchange limits: 4 in flight, ${SERVICE_MS} ms each`,
	);
	if (process.env.BENCH_REPLAY !== '0')
		console.log(
			"Get Many: the measured run is answered from the warm-up run's recorded answers, so the stand-in's own CPU is not in the wall time (BENCH_REPLAY=0 turns this off)",
		);
	console.log('');
	const rows: string[][] = [];
	const only = process.env.BENCH_ONLY?.split(',');
	for (const { scenario, name } of SCENARIOS.filter((x) => !only || only.includes(x.scenario))) {
		const ours = runChild(scenario, 'ours');
		const builtin = runChild(scenario, 'builtin');
		const contenders: Array<[string, ChildResult]> = [['Outlook Mail', ours]];
		if (scenario === 'getMany')
			contenders.push(['Outlook Mail, one cursor (old)', runChild(scenario, 'oneCursor')]);
		// The same download with a young-generation GC every 10 ms: what the stream holds at a time.
		if (scenario === 'download')
			contenders.push(['Outlook Mail, minor GC every 10 ms', runChild(scenario, 'ours', true)]);
		contenders.push(['built-in Outlook v2', builtin]);
		if (scenario === 'download')
			contenders.push([
				'built-in Outlook v2, minor GC every 10 ms',
				runChild(scenario, 'builtin', true),
			]);
		for (const [who, r] of contenders) {
			rows.push([
				who === 'Outlook Mail' ? name : '',
				who,
				String(r.items),
				String(r.calls),
				r.rounds === undefined
					? '-'
					: `${r.rounds}${r.replayMissed ? ` (${r.replayMissed} not replayed)` : ''}`,
				r.calls ? (r.connections / (r.calls / 1000)).toFixed(0) : '-',
				String(r.throttled),
				`${r.ms.toFixed(0)} ms`,
				`${r.cpuMs.toFixed(0)} ms`,
				`${r.rssGrowthMb.toFixed(0)} MB`,
				who === 'Outlook Mail' ? '' : `${(r.ms / ours.ms).toFixed(1)}×`,
				who === 'Outlook Mail'
					? ours.fingerprint.slice(0, 24)
					: r.fingerprint === ours.fingerprint && r.items === ours.items
						? 'same'
						: `DIFFERS: ${r.fingerprint.slice(0, 24)}`,
				String(r.violations),
			]);
		}
	}
	printTable(
		[
			'scenario',
			'node',
			'items',
			'HTTP calls',
			'round trips in sequence',
			'connections / 1,000 calls',
			'429s',
			'wall',
			'CPU',
			'peak RSS growth',
			'wall / ours',
			'result (IDs hash, read count, file hash)',
			'contract violations',
		],
		rows,
	);
}

if (process.argv[2] === '--child') {
	child(process.argv[3] as Scenario, process.argv[4] as Contender, process.argv[5] === 'scavenge')
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
