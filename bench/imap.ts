/**
 * Outlook IMAP Trigger bench against a real Dovecot (XOAUTH2, tokens from the identity-provider
 * stand-in), run through n8n-core's TriggerContext like the tests. Prints two tables:
 *
 * 1. APPEND → emit latency over N messages, IDLE push vs polling every 5 s.
 * 2. A backlog of messages "since a date": time to emit them all and peak RSS, for two backlog
 *    sizes (RSS should not grow with the backlog: messages are fetched in bounded batches).
 *
 * Run on its own (Dovecot must be installed: bash test/rig/install-system-packages.sh):
 *   npx tsc -p tsconfig.json --noEmit false --outDir .cache/bench-build && node --expose-gc .cache/bench-build/bench/imap.js
 * (--expose-gc is optional: with it the memory columns start from and end with a collected heap.)
 * Environment: BENCH_MESSAGES (default 100), BENCH_BACKLOG (default 5000), BENCH_POLL_SECONDS (default 5).
 */
import { mkdtempSync } from 'node:fs';
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

async function main() {
	const support: Support = await import('../test/OutlookImapTrigger/support');
	const rig = await support.startImapRig();
	try {
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
