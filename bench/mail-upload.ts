/**
 * Bench: peak RSS growth of Outlook Mail → Attachment → Add while it uploads a large file through a
 * Graph upload session, with the file in n8n's filesystem binary storage (streamed chunk by chunk)
 * and, for comparison, in memory mode (where n8n already holds the file in the item).
 *
 * Target (issue): peak RSS growth < 25 MB for the 50 MB upload from filesystem storage.
 *
 * The Graph and identity-provider stand-ins run in a child process, so the bytes they receive do not
 * count against the node's memory. Peak RSS is the kernel's VmHWM, reset before each case through
 * /proc/self/clear_refs (Linux), and also sampled every 2 ms as a cross-check. RSS growth is measured
 * from the RSS before the case, so memory the allocator already holds and reuses does not count;
 * the sampled growth of Buffer memory (process.memoryUsage().arrayBuffers) shows what the upload
 * itself allocates.
 *
 * Run with the other benchmarks: `npm run bench mail-upload` (bench/run.js compiles, then runs it).
 * Or on its own (TypeScript transpiled on load, no build needed), from the package root:
 *   node --expose-gc -e "require.extensions['.ts']=(m,f)=>m._compile(require('typescript').transpileModule(require('fs').readFileSync(f,'utf8'),{fileName:f,compilerOptions:{module:1,target:9,esModuleInterop:true}}).outputText,f);require('./bench/mail-upload.ts')"
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
	closeSync,
	existsSync,
	mkdtempSync,
	openSync,
	readFileSync,
	rmSync,
	writeFileSync,
	writeSync,
	createReadStream,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { ICredentialDataDecryptedObject, INodeExecutionData } from 'n8n-workflow';

const MB = 1024 * 1024;
const TARGET_GROWTH_MB = 25;
const MESSAGE_ID = 'AAMkBENCH=';

/** The one-liner that loads TypeScript files, reused to start the stand-ins' process. */
const TS_HOOK =
	"require.extensions['.ts']=(m,f)=>m._compile(require('typescript').transpileModule(require('fs').readFileSync(f,'utf8'),{fileName:f,compilerOptions:{module:1,target:9,esModuleInterop:true}}).outputText,f);";

interface Case {
	label: string;
	storage: 'filesystem' | 'default';
	sizeMb: number;
	target?: number;
}

const CASES: Case[] = [
	{
		label: '50 MB upload, filesystem storage',
		storage: 'filesystem',
		sizeMb: 50,
		target: TARGET_GROWTH_MB,
	},
	{ label: '10 MB upload, filesystem storage', storage: 'filesystem', sizeMb: 10 },
	{ label: '50 MB upload, memory storage (comparison)', storage: 'default', sizeMb: 50 },
];

type ToParent =
	| { type: 'ready'; credential: ICredentialDataDecryptedObject }
	| { type: 'received'; bytes: number; puts: number; authorized: number };

/* ---------- child: the stand-ins ---------- */

async function standInsMain() {
	process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'n8n-user-'));
	process.env.N8N_LOG_LEVEL ??= 'silent';
	const { startStandIns, connectedCredential } = await import('../test/support/fixtures');
	const s = await startStandIns();
	let bytes = 0;
	let puts = 0;
	let authorized = 0;
	s.graph.on('POST', '/me/messages/:id/attachments/createUploadSession', () => ({
		status: 201,
		body: {
			uploadUrl: s.graph.uploadUrl(`bench-${Date.now()}`),
			expirationDateTime: '2030-01-01T00:00:00Z',
			nextExpectedRanges: ['0-'],
		},
	}));
	s.graph.on('PUT', '/upload/:id', (request) => {
		bytes += request.raw.length;
		puts++;
		if (request.headers.authorization) authorized++;
		const [, end, total] =
			/bytes \d+-(\d+)\/(\d+)/.exec(request.headers['content-range'] ?? '') ?? [];
		return Number(end) + 1 === Number(total)
			? {
					status: 201,
					headers: {
						Location:
							"https://outlook.office.com/api/v2.0/Users('u')/Messages('m')/Attachments('AAMkB=')",
					},
				}
			: { status: 200, body: { nextExpectedRanges: [`${Number(end) + 1}-`] } };
	});
	process.on('message', (message: { type: string }) => {
		if (message.type === 'report') {
			process.send?.({ type: 'received', bytes, puts, authorized } satisfies ToParent);
			bytes = 0;
			puts = 0;
			authorized = 0;
		}
		if (message.type === 'stop') void s.close().then(() => process.exit(0));
	});
	process.send?.({ type: 'ready', credential: connectedCredential(s) } satisfies ToParent);
}

/* ---------- parent: n8n and the node ---------- */

function nextMessage<T extends ToParent['type']>(
	child: ChildProcess,
	type: T,
): Promise<Extract<ToParent, { type: T }>> {
	return new Promise((resolvePromise) => {
		const listener = (message: ToParent) => {
			if (message.type === type) {
				child.off('message', listener);
				resolvePromise(message as Extract<ToParent, { type: T }>);
			}
		};
		child.on('message', listener);
	});
}

function rssBytes(): number {
	return process.memoryUsage.rss();
}

/** Resets the kernel's peak-RSS mark (VmHWM); false where /proc/self/clear_refs is not writable. */
function resetPeak(): boolean {
	try {
		writeFileSync('/proc/self/clear_refs', '5');
		return true;
	} catch {
		return false;
	}
}

function peakBytes(): number | undefined {
	try {
		const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
		return match ? Number(match[1]) * 1024 : undefined;
	} catch {
		return undefined;
	}
}

function writeTestFile(path: string, size: number) {
	const fd = openSync(path, 'w');
	const block = Buffer.alloc(MB);
	for (let i = 0; i < block.length; i++) block[i] = (i * 131 + 17) & 0xff;
	for (let written = 0; written < size; written += block.length)
		writeSync(fd, block, 0, Math.min(block.length, size - written));
	closeSync(fd);
}

const gc = (globalThis as { gc?: () => void }).gc;

async function settle() {
	for (let i = 0; i < 3; i++) {
		gc?.();
		await new Promise((r) => setTimeout(r, 50));
	}
}

async function main() {
	process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'n8n-user-'));
	process.env.N8N_ENCRYPTION_KEY ??= 'bench-encryption-key-not-a-secret';
	process.env.N8N_DIAGNOSTICS_ENABLED = 'false';
	process.env.N8N_LOG_LEVEL ??= 'silent';

	const child = spawn(
		process.execPath,
		['-e', `${TS_HOOK}require(${JSON.stringify(__filename)})`, 'standins'],
		{
			stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
			env: process.env,
		},
	);
	const { credential } = await nextMessage(child, 'ready');
	process.on('exit', () => child.kill());

	const { N8nHarness, initBinaryData } = await import('../test/support/n8n-harness');
	// By file name: with TypeScript loaded on the fly, `OutlookMail.node` would resolve to the codex
	// file OutlookMail.node.json (Node tries .json before extensions registered later).
	const nodeFile = join(__dirname, '../nodes/OutlookMail/OutlookMail.node');
	// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above: a path import cannot pick the .ts file
	const { OutlookMail } = require(
		existsSync(`${nodeFile}.ts`) ? `${nodeFile}.ts` : nodeFile,
	) as typeof import('../nodes/OutlookMail/OutlookMail.node');
	const n8n = new N8nHarness({ outlookMail: new OutlookMail() }, credential);
	const folder = mkdtempSync(join(tmpdir(), 'outlook-bench-'));

	const rows: string[][] = [];
	// Warm-up: load n8n-core's request path and the node once, so the first case does not pay for it.
	await initBinaryData('default');
	await n8n
		.execute('outlookMail', {
			parameters: {
				resource: 'attachment',
				operation: 'add',
				messageId: { __rl: true, mode: 'id', value: MESSAGE_ID },
				binaryPropertyName: 'data',
			},
			items: [
				{
					json: {},
					binary: {
						data: {
							data: Buffer.alloc(4 * MB).toString('base64'),
							fileName: 'warm.bin',
							mimeType: 'application/octet-stream',
						},
					},
				},
			],
		})
		.catch(() => undefined);
	child.send({ type: 'report' });
	await nextMessage(child, 'received');

	for (const benchCase of CASES) {
		const size = benchCase.sizeMb * MB;
		const service = await initBinaryData(benchCase.storage);
		let item: INodeExecutionData;
		if (benchCase.storage === 'filesystem') {
			const path = join(folder, `file-${benchCase.sizeMb}.bin`);
			writeTestFile(path, size);
			const stored = await service.store(
				{ type: 'execution', workflowId: 'wf-test', executionId: 'test-execution' },
				createReadStream(path),
				{
					data: '',
					fileName: 'large.bin',
					mimeType: 'application/octet-stream',
				},
			);
			item = { json: {}, binary: { data: stored } };
		} else {
			const block = Buffer.alloc(size, 7);
			item = {
				json: {},
				binary: {
					data: {
						data: block.toString('base64'),
						fileName: 'large.bin',
						mimeType: 'application/octet-stream',
					},
				},
			};
		}
		await settle();
		const before = rssBytes();
		const peakReset = resetPeak();
		let sampledPeak = before;
		const buffersBefore = process.memoryUsage().arrayBuffers;
		let buffersPeak = buffersBefore;
		const sampler = setInterval(() => {
			sampledPeak = Math.max(sampledPeak, rssBytes());
			buffersPeak = Math.max(buffersPeak, process.memoryUsage().arrayBuffers);
		}, 2);
		const started = process.hrtime.bigint();
		const [out] = await n8n.execute('outlookMail', {
			parameters: {
				resource: 'attachment',
				operation: 'add',
				messageId: { __rl: true, mode: 'id', value: MESSAGE_ID },
				binaryPropertyName: 'data',
			},
			items: [item],
		});
		const seconds = Number(process.hrtime.bigint() - started) / 1e9;
		clearInterval(sampler);
		sampledPeak = Math.max(sampledPeak, rssBytes());
		const kernelPeak = peakReset ? peakBytes() : undefined;
		const peak = Math.max(sampledPeak, kernelPeak ?? 0);
		child.send({ type: 'report' });
		const received = await nextMessage(child, 'received');
		const result = out[0].json as { chunks?: number; size?: number };
		const growthMb = (peak - before) / MB;
		const ok = received.bytes === size && result.size === size && received.authorized === 0;
		rows.push([
			benchCase.label,
			String(result.chunks ?? '?'),
			ok ? 'yes' : `NO (${received.bytes} bytes, ${received.authorized} with Authorization)`,
			seconds.toFixed(2),
			(benchCase.sizeMb / seconds).toFixed(1),
			(before / MB).toFixed(1),
			growthMb.toFixed(1),
			((buffersPeak - buffersBefore) / MB).toFixed(1),
			kernelPeak === undefined ? 'sampled only' : 'VmHWM',
			benchCase.target === undefined
				? '–'
				: growthMb < benchCase.target
					? `< ${benchCase.target} MB: met`
					: `< ${benchCase.target} MB: MISSED`,
		]);
		item.binary = undefined;
	}

	child.send({ type: 'stop' });
	rmSync(folder, { recursive: true, force: true });

	const header = [
		'case',
		'PUTs',
		'all bytes arrived, no token',
		'time (s)',
		'MB/s',
		'RSS before (MB)',
		'peak RSS growth (MB)',
		'peak Buffer growth (MB, sampled)',
		'RSS peak from',
		'target',
	];
	const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
	const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
	console.log(
		`Outlook Mail → Attachment → Add, upload session (Node ${process.version}, gc ${gc ? 'exposed' : 'not exposed: run with --expose-gc'})`,
	);
	console.log(line(header));
	console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
	for (const row of rows) console.log(line(row));
	process.exit(rows.some((r) => r[9].includes('MISSED') || r[2] !== 'yes') ? 1 : 0);
}

if (process.argv.includes('standins')) {
	void standInsMain();
} else {
	main().catch((error) => {
		console.error(error);
		process.exit(1);
	});
}
