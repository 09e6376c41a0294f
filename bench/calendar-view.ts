/**
 * Outlook Calendar → Event → Get Many (Return All) over a year: the node's sub-windows (up to 4
 * calendarView cursors at once, nodes/OutlookCalendar/helpers/calendarView.ts) against one cursor
 * paged with @odata.nextLink (what the node did before), on the calendarView stand-in
 * (test/support/graph-calendar.ts: window semantics, $top ≤ 1000, $count, $skip links).
 * Both go through n8n-core's execution context and the same transport (4 in flight per mailbox);
 * every request is checked against Microsoft's OpenAPI description. Each HTTP request is delayed
 * by the modelled round trip (BENCH_LATENCY_MS, default 20 and 200 ms).
 *
 * Columns: HTTP calls; sequential rounds (the longest chain of requests each sent after the one
 * before it had answered); most requests in flight at once; wall time; same result (IDs in order).
 *
 * Run: `npm run bench calendar-view` (BENCH_EVENTS=5000, BENCH_REPEAT=3: median wall of 3 runs).
 */
import '../test/support/setup-env';

import type http from 'node:http';

import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { DateTime } from 'luxon';

import { OutlookCalendar } from '../nodes/OutlookCalendar/OutlookCalendar.node';
import { GraphTransport } from '../nodes/shared/graph/client';
import { graphCollect } from '../nodes/shared/graph/paging';
import { connectedCredential, startStandIns, type StandIns } from '../test/support/fixtures';
import type { StoredEvent } from '../test/support/graph-calendar';
import { serveCalendarView } from '../test/support/graph-calendar';
import { N8nHarness } from '../test/support/n8n-harness';
import { printTable } from './support/table';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 5000);
const LATENCIES = (process.env.BENCH_LATENCY_MS ?? '20,200').split(',').map(Number);
const FROM = '2026-01-01T00:00:00+01:00';
const TO = '2027-01-01T00:00:00+01:00';
const ZONE = 'Europe/Madrid';
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);

/** The node before sub-windows: one calendarView cursor, page after page. */
class OneCursorNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'One cursor',
		name: 'oneCursor',
		group: ['transform'],
		version: 1,
		description: 'Bench baseline',
		defaults: { name: 'One cursor' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'outlookOAuth2Api', required: true }],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const transport = await GraphTransport.create(this);
		const all = await graphCollect(
			transport,
			{
				method: 'GET',
				path: '/me/calendarView',
				timeZone: 'Romance Standard Time',
				query: { startDateTime: FROM, endDateTime: TO, $orderby: 'start/dateTime' },
			},
			{ returnAll: true },
		);
		return [all.map((json) => ({ json }))];
	}
}

/** A year of events: singles on quarter hours, a 5-day all-day event a month, a daily series. */
function year(n: number): StoredEvent[] {
	const t0 = Date.parse(FROM);
	const span = Date.parse(TO) - t0;
	const iso = (ms: number) => DateTime.fromMillis(ms, { zone: ZONE }).toISO()!;
	const out: StoredEvent[] = [];
	const singles = n - 12 - 365;
	for (let k = 0; k < singles; k++) {
		const start = t0 + Math.floor((k * span) / singles / 900_000) * 900_000;
		out.push({
			id: `AAMkEV${k}=`,
			start: iso(start),
			end: iso(start + (1 + (k % 4)) * 1_800_000),
		});
	}
	for (let month = 1; month <= 12; month++) {
		const day = DateTime.fromObject({ year: 2026, month, day: 10 }, { zone: ZONE });
		out.push({
			id: `AAMkHOLIDAY${month}=`,
			start: day.toISO()!,
			end: day.plus({ days: 5 }).toISO()!,
			isAllDay: true,
		});
	}
	for (let d = 0; d < 365; d++) {
		const day = DateTime.fromISO('2026-01-01T09:00:00', { zone: ZONE }).plus({ days: d });
		out.push({
			id: `AAMkOCC${d}=`,
			start: day.toISO()!,
			end: day.plus({ minutes: 15 }).toISO()!,
			type: 'occurrence',
			seriesMasterId: 'AAMkSERIES=',
		});
	}
	return out;
}

interface Timing {
	start: number;
	end: number;
}

/**
 * Delays each request by `ms` and records when it arrived and was answered, to count the
 * sequential rounds and the most requests in flight.
 */
function instrument(s: StandIns, ms: () => number): Timing[] {
	const server = (s.graph as unknown as { server: http.Server }).server;
	const handler = server.listeners('request')[0] as (
		req: http.IncomingMessage,
		res: http.ServerResponse,
	) => void;
	const timings: Timing[] = [];
	server.removeAllListeners('request');
	server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
		const timing = { start: performance.now(), end: Infinity };
		timings.push(timing);
		res.on('finish', () => (timing.end = performance.now()));
		const delay = ms();
		if (delay > 0) setTimeout(() => handler(req, res), delay);
		else handler(req, res);
	});
	return timings;
}

/** The longest chain of requests each sent after the previous one answered. */
function rounds(timings: Timing[]): number {
	const sorted = [...timings].sort((a, b) => a.start - b.start);
	const depth: number[] = [];
	sorted.forEach((timing, j) => {
		let before = 0;
		for (let k = 0; k < j; k++)
			if (sorted[k].end <= timing.start) before = Math.max(before, depth[k]);
		depth.push(before + 1);
	});
	return Math.max(0, ...depth);
}

function peakInFlight(timings: Timing[]): number {
	const edges = timings.flatMap((t) => [
		[t.start, 1],
		[t.end, -1],
	]);
	edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
	let now = 0;
	let peak = 0;
	for (const [, delta] of edges) peak = Math.max(peak, (now += delta));
	return peak;
}

async function main() {
	const s = await startStandIns();
	const n8n = new N8nHarness(
		{ outlookCalendar: new OutlookCalendar(), oneCursor: new OneCursorNode() },
		connectedCredential(s, {
			permissions: [
				'mailReadWrite',
				'mailSend',
				'mailShared',
				'calendarsReadWrite',
				'calendarsShared',
			],
		}),
	);
	let latency = 0;
	const timings = instrument(s, () => latency);
	const runs = {
		'sub-windows (node)': async () =>
			await n8n.execute('outlookCalendar', {
				parameters: {
					resource: 'event',
					operation: 'getAll',
					from: FROM,
					to: TO,
					returnAll: true,
					simplify: false,
				},
			}),
		'one cursor (before)': async () => await n8n.execute('oneCursor', { parameters: {} }),
	};
	const rows: string[][] = [];
	for (const size of [1000, 2500, 4000, EVENTS]) {
		const events = year(size);
		s.graph.reset();
		serveCalendarView(s.graph, '/me/calendarView', () => events);
		let reference = '';
		for (const ms of LATENCIES) {
			for (const [name, run] of Object.entries(runs)) {
				latency = 0;
				await run(); // warm-up (module loading, JIT, the stand-in's parse cache)
				latency = ms;
				// The median of REPEAT runs (the machine is shared); calls and rounds are the same in each.
				const walls: number[] = [];
				let out: INodeExecutionData[] = [];
				for (let r = 0; r < REPEAT; r++) {
					timings.length = 0;
					s.graph.requests.length = 0;
					const started = performance.now();
					[out] = await run();
					walls.push(performance.now() - started);
				}
				const wall = walls.sort((a, b) => a - b)[Math.floor(REPEAT / 2)];
				if (s.graph.violations.length)
					throw new Error(`Graph contract violated: ${s.graph.violations.slice(0, 3).join('; ')}`);
				const ids = out.map((item) => String(item.json.id)).join(',');
				reference ||= ids;
				rows.push([
					size.toLocaleString('en'),
					`${ms} ms`,
					name,
					String(out.length),
					String(timings.length),
					String(rounds(timings)),
					String(peakInFlight(timings)),
					`${wall.toFixed(0)} ms`,
					ids === reference ? 'same' : 'DIFFERENT',
				]);
			}
		}
	}
	await s.close();
	const header = [
		'events in view',
		'RTT',
		'reader',
		'items',
		'HTTP calls',
		'rounds',
		'peak in flight',
		'wall',
		'IDs in order',
	];
	printTable(header, rows);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
