/**
 * Outlook IMAP Trigger bench against a real Dovecot (XOAUTH2, tokens from the identity-provider
 * stand-in), run through n8n-core's TriggerContext like the tests. Prints two tables:
 *
 * 1. APPEND → emit latency over N messages, IDLE push vs polling every 5 s.
 * 2. A backlog of messages "since a date": time to emit them all and peak RSS, for two backlog
 *    sizes (RSS should not grow with the backlog: messages are fetched in bounded batches).
 * 3. A server that refuses every session (accepts, says BYE): connects and IMAP token requests
 *    per minute, against the reconnect policy's curve (≤ 1 attempt/s at the start, ≤ 1/min at the cap).
 * 4. APPEND → emit after kicks: a message appended right after each of 20 kicks, and messages
 *    appended after the 20 kicks (target p95 < 1 s).
 *
 * Run on its own (Dovecot must be installed: bash test/rig/install-system-packages.sh):
 *   npx tsc -p tsconfig.json --noEmit false --outDir .cache/bench-build && node --expose-gc .cache/bench-build/bench/imap.js
 * (--expose-gc is optional: with it the memory columns start from and end with a collected heap.)
 * Environment: BENCH_MESSAGES (default 100), BENCH_BACKLOG (default 5000), BENCH_POLL_SECONDS (default 5),
 * BENCH_REFUSE_MINUTES (default 5), BENCH_ONLY (refuse | kicks: run that part only).
 */
import { mkdtempSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// n8n's libraries read these when they load, so they are set before the imports below.
process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'n8n-bench-'));
process.env.N8N_ENCRYPTION_KEY ??= 'bench-encryption-key-not-a-secret';
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';
process.env.N8N_LOG_LEVEL ??= 'silent';
// The Graph stand-in loads Microsoft's OpenAPI description from the repository
// (test/support/graph/, found from the clone's root, which `npm run bench` runs in).

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 100);
const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 5000);
const POLL_SECONDS = Number(process.env.BENCH_POLL_SECONDS ?? 5);
const REFUSE_MINUTES = Number(process.env.BENCH_REFUSE_MINUTES ?? 5);
const ONLY = process.env.BENCH_ONLY;
const KICKS = 20;
/** Spacing between appends in the latency runs (Dovecot batches change notices every 0.5 s). */
const APPEND_SPACING_MS = 150;

type Support = typeof import('../test/OutlookImapTrigger/support');
type TriggerRun = import('../test/support/n8n-harness').TriggerRun;

function percentile(sorted: number[], p: number): number {
	if (!sorted.length) return NaN;
	const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
	return sorted[index];
}

/** Records when each item arrives, and (optionally) drops it so the bench holds no items. */
function instrument(run: TriggerRun, keep: boolean) {
	const arrivals = new Map<string, number>();
	let count = 0;
	run.emitted.push = (...items) => {
		const now = performance.now();
		for (const item of items) arrivals.set(String(item.json.subject), now);
		count += items.length;
		return keep ? Array.prototype.push.apply(run.emitted, items) : 0;
	};
	return { arrivals, count: () => count };
}

async function latency(
	support: Support,
	rig: Awaited<ReturnType<Support['startImapRig']>>,
	mode: 'idle' | 'poll',
) {
	const folder = `Latency${mode}`;
	await rig.dovecot.createMailbox(folder);
	const n8n = rig.harness();
	const run = await n8n.activateTrigger(support.TYPE, {
		parameters: rig.parameters({
			folder: { __rl: true, mode: 'path', value: folder },
			receiveMode: mode,
			pollIntervalSeconds: POLL_SECONDS,
		}),
	});
	const { arrivals } = instrument(run, false);
	await support.waitFor(() => run.staticData.imapCursor, 15_000, 'the baseline');
	const appended = new Map<string, number>();
	for (let i = 0; i < MESSAGES; i++) {
		const subject = `${mode} ${i}`;
		await rig.dovecot.appendMessage(support.textMessage(subject), folder);
		appended.set(subject, performance.now());
		await support.sleep(APPEND_SPACING_MS);
	}
	await support.waitFor(
		() => arrivals.size >= MESSAGES,
		60_000 + POLL_SECONDS * 2000,
		`${MESSAGES} items`,
	);
	await run.close();
	const latencies = [...appended]
		.map(([subject, at]) => (arrivals.get(subject) ?? NaN) - at)
		.sort((a, b) => a - b);
	return {
		mode,
		p50: percentile(latencies, 50),
		p95: percentile(latencies, 95),
		max: latencies[latencies.length - 1],
		errors: run.errors.length,
	};
}

async function backlog(
	support: Support,
	rig: Awaited<ReturnType<Support['startImapRig']>>,
	size: number,
) {
	const folder = `Backlog${size}`;
	await rig.dovecot.createMailbox(folder);
	const receivedAt = new Date(Date.now() - 2 * 86_400_000);
	const body = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(20);
	const chunk = 500;
	for (let offset = 0; offset < size; offset += chunk) {
		const emls = Array.from({ length: Math.min(chunk, size - offset) }, (_, i) =>
			support.textMessage(`backlog ${offset + i}`, body),
		);
		await rig.dovecot.dropMessages(emls, { mailbox: folder, receivedAt });
	}
	// Dovecot indexes the new files on first access; do it before the clock starts.
	await rig.dovecot.status(folder);
	global.gc?.();
	const rssBefore = process.memoryUsage().rss;
	const heapBefore = process.memoryUsage().heapUsed;
	let peakHeap = heapBefore;
	let peak = rssBefore;
	const sampler = setInterval(() => {
		const usage = process.memoryUsage();
		peak = Math.max(peak, usage.rss);
		peakHeap = Math.max(peakHeap, usage.heapUsed);
	}, 20);
	const started = performance.now();
	const n8n = rig.harness();
	const run = await n8n.activateTrigger(support.TYPE, {
		parameters: rig.parameters({
			folder: { __rl: true, mode: 'path', value: folder },
			startFrom: 'sinceDate',
			since: new Date(Date.now() - 7 * 86_400_000).toISOString(),
		}),
	});
	const { count } = instrument(run, false);
	await support.waitFor(() => count() >= size, 600_000, `${size} items`);
	const seconds = (performance.now() - started) / 1000;
	clearInterval(sampler);
	await run.close();
	// What is still held once the run is over (with --expose-gc): growth here would be a leak.
	global.gc?.();
	const heapAfter = process.memoryUsage().heapUsed;
	const mb = (bytes: number) => bytes / 2 ** 20;
	return {
		size,
		seconds,
		perSecond: size / seconds,
		rssBeforeMb: mb(rssBefore),
		peakMb: mb(peak),
		peakHeapMb: mb(peakHeap - heapBefore),
		heapAfterMb: mb(heapAfter - heapBefore),
		errors: run.errors.length,
	};
}

/** Connects and IMAP token requests per minute while every session is refused. */
async function refused(support: Support, rig: Awaited<ReturnType<Support['startImapRig']>>) {
	const connects: number[] = [];
	const sockets = new Set<Socket>();
	const server = createServer((socket) => {
		connects.push(performance.now());
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
		socket.on('error', () => undefined);
		socket.end('* BYE Too many connections, try later\r\n');
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as { port: number }).port;
	const tokenTimes: number[] = [];
	const requests = rig.standIns.idp.requests;
	const push = requests.push.bind(requests);
	requests.push = (...items) => {
		for (const item of items)
			if (/IMAP\.AccessAsUser\.All/.test(item.form.scope ?? '')) tokenTimes.push(performance.now());
		return push(...items);
	};
	const n8n = rig.harness();
	const started = performance.now();
	const run = await n8n.activateTrigger(support.TYPE, {
		parameters: rig.parameters({ options: { port, security: 'plain', alertAfterMinutes: 0 } }),
	});
	await support.sleep(REFUSE_MINUTES * 60_000);
	await run.close();
	requests.push = push;
	for (const socket of sockets) socket.destroy();
	await new Promise<void>((resolve) => server.close(() => resolve()));
	const gaps = connects.slice(1).map((at, i) => at - connects[i]);
	const perMinute = Array.from({ length: REFUSE_MINUTES }, (_, minute) => ({
		minute: minute + 1,
		connects: connects.filter(
			(at) => at - started >= minute * 60_000 && at - started < (minute + 1) * 60_000,
		).length,
		tokens: tokenTimes.filter(
			(at) => at - started >= minute * 60_000 && at - started < (minute + 1) * 60_000,
		).length,
	}));
	return {
		perMinute,
		firstGapMs: gaps[0] ?? NaN,
		minGapMs: gaps.length ? Math.min(...gaps) : NaN,
		lastGapMs: gaps[gaps.length - 1] ?? NaN,
		errors: run.errors.length,
	};
}

/** APPEND → emit latency of a message appended right after each kick, then of messages after the kicks. */
async function afterKicks(support: Support, rig: Awaited<ReturnType<Support['startImapRig']>>) {
	const folder = 'Kicks';
	await rig.dovecot.createMailbox(folder);
	const n8n = rig.harness();
	const run = await n8n.activateTrigger(support.TYPE, {
		parameters: rig.parameters({ folder: { __rl: true, mode: 'path', value: folder } }),
	});
	const { arrivals } = instrument(run, false);
	await support.waitFor(() => run.staticData.imapCursor, 15_000, 'the baseline');
	const appended = new Map<string, number>();
	const afterKick: number[] = [];
	for (let i = 0; i < KICKS; i++) {
		await support.waitFor(async () => (await rig.dovecot.who()).length > 0, 30_000, 'a session');
		await support.sleep(300);
		await rig.dovecot.kick();
		const subject = `kick ${i}`;
		await rig.dovecot.appendMessage(support.textMessage(subject), folder);
		const at = performance.now();
		await support.waitFor(() => arrivals.has(subject), 30_000, subject);
		afterKick.push(arrivals.get(subject)! - at);
	}
	for (let i = 0; i < MESSAGES; i++) {
		const subject = `after ${i}`;
		await rig.dovecot.appendMessage(support.textMessage(subject), folder);
		appended.set(subject, performance.now());
		await support.sleep(APPEND_SPACING_MS);
	}
	await support.waitFor(() => [...appended.keys()].every((s) => arrivals.has(s)), 60_000, 'all');
	await run.close();
	const later = [...appended].map(([s, at]) => arrivals.get(s)! - at).sort((a, b) => a - b);
	afterKick.sort((a, b) => a - b);
	return {
		rows: [
			{ name: `appended right after each of ${KICKS} kicks`, values: afterKick },
			{ name: `${MESSAGES} appended after the ${KICKS} kicks`, values: later },
		],
		errors: run.errors.length,
	};
}

async function main() {
	const support: Support = await import('../test/OutlookImapTrigger/support');
	const rig = await support.startImapRig();
	try {
		if (!ONLY || ONLY === 'kicks') {
			const kicks = await afterKicks(support, rig);
			console.log(`\nAPPEND → emit after kicks (doveadm kick ends the session), IDLE push`);
			console.log('| messages | p50 (ms) | p95 (ms) | max (ms) | errors |');
			console.log('|---|---:|---:|---:|---:|');
			for (const row of kicks.rows)
				console.log(
					`| ${row.name} | ${percentile(row.values, 50).toFixed(0)} | ${percentile(row.values, 95).toFixed(0)} | ${row.values[row.values.length - 1].toFixed(0)} | ${kicks.errors} |`,
				);
		}
		if (!ONLY || ONLY === 'refuse') {
			const r = await refused(support, rig);
			console.log(
				`\nA server that refuses every session (BYE at the greeting), ${REFUSE_MINUTES} min: attempts per minute`,
			);
			console.log('| minute | connects | IMAP token requests |');
			console.log('|---:|---:|---:|');
			for (const m of r.perMinute) console.log(`| ${m.minute} | ${m.connects} | ${m.tokens} |`);
			console.log(
				`first gap ${(r.firstGapMs / 1000).toFixed(2)} s, shortest gap ${(r.minGapMs / 1000).toFixed(2)} s, last gap ${(r.lastGapMs / 1000).toFixed(1)} s, emitError ${r.errors}`,
			);
		}
		if (ONLY) return;
		const idle = await latency(support, rig, 'idle');
		const poll = await latency(support, rig, 'poll');
		console.log(
			`\nAPPEND → emit latency, ${MESSAGES} messages appended ${APPEND_SPACING_MS} ms apart (doveadm save), Dovecot ${rig.dovecot.host}`,
		);
		console.log('| receive mode | p50 (ms) | p95 (ms) | max (ms) | errors |');
		console.log('|---|---:|---:|---:|---:|');
		for (const r of [idle, poll]) {
			const name = r.mode === 'idle' ? 'IDLE push' : `polling every ${POLL_SECONDS} s`;
			console.log(
				`| ${name} | ${r.p50.toFixed(0)} | ${r.p95.toFixed(0)} | ${r.max.toFixed(0)} | ${r.errors} |`,
			);
		}
		const sizes = [...new Set([Math.max(1, Math.floor(BACKLOG / 5)), BACKLOG])];
		const results = [];
		for (const size of sizes) results.push(await backlog(support, rig, size));
		console.log(
			`\nBacklog "since a date" (parsed output, ~1.3 KB messages): time to emit all, process RSS`,
		);
		console.log(
			'| messages | time (s) | messages/s | RSS before (MB) | peak RSS (MB) | peak − before (MB) | peak heap growth (MB) | heap growth after GC (MB) | errors |',
		);
		console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
		for (const r of results) {
			console.log(
				`| ${r.size} | ${r.seconds.toFixed(1)} | ${r.perSecond.toFixed(0)} | ${r.rssBeforeMb.toFixed(0)} | ${r.peakMb.toFixed(0)} | ${(r.peakMb - r.rssBeforeMb).toFixed(0)} | ${r.peakHeapMb.toFixed(0)} | ${r.heapAfterMb.toFixed(1)} | ${r.errors} |`,
			);
		}
	} finally {
		await rig.close();
	}
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		console.error(error);
		process.exit(1);
	},
);
