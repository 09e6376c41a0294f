/**
 * Queue mode (issue 8): the packed package in a real n8n main with two workers over Redis and
 * PostgreSQL (test/e2e/queue/support). Runs in the e2e stage (test/e2e/jest.config.js matches
 * *.e2e.ts), after or before the single-process suite; it uses its own ports.
 * https://docs.n8n.io/hosting/scaling/queue-mode/
 */
import { randomUUID } from 'node:crypto';

import { TEST_USER } from '../../support/identity-provider';
import { nodeType } from '../support/environment';
import {
	activate,
	allExecutions,
	deactivate,
	QueueEnvironment,
	saveChain,
	type SavedWorkflow,
} from './support/queue-environment';
import { N8nProcess, psql, QUEUE_PORTS } from './support/cluster';
import { runWorkflow, waitForExecution } from '../support/executions';
import { BROWSER_AGENT, expectApproved, mailLinks, runSendAndWait } from '../scenarios/sendAndWait';
import { queuePushScenario } from './pushTrigger';

const env = new QueueEnvironment();

const sleep = async (ms: number) => await new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(
	probe: () => T | undefined | false | Promise<T | undefined | false>,
	timeoutMs: number,
	what: string,
): Promise<T> {
	const until = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value) return value;
		if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await sleep(200);
	}
}

beforeAll(async () => {
	await env.start();
}, 300_000);

afterAll(async () => {
	await env.stop();
}, 120_000);

describe('queue mode: infrastructure', () => {
	test('Redis and PostgreSQL answer; the main and both workers are ready', async () => {
		expect(await psql(env.services, 'SELECT 1')).toBe('1');
		// n8n's own tables are in the run's PostgreSQL (migrations ran on the main).
		expect(
			await psql(
				env.services,
				"SELECT count(*) > 0 FROM information_schema.tables WHERE table_name = 'workflow_entity'",
			),
		).toBe('t');
		for (const worker of env.cluster.workers) {
			const health = await fetch(`http://127.0.0.1:${worker.options.healthPort}/healthz/readiness`);
			expect({ worker: worker.name, status: health.status }).toEqual({
				worker: worker.name,
				status: 200,
			});
		}
		// Each worker says it is a worker on the "jobs" queue with the concurrency it was given.
		for (const worker of env.cluster.workers) {
			expect(worker.logText()).toContain('n8n worker is now ready');
			expect(worker.logText()).toMatch(/Concurrency: 2\s[\s\S]*Queue: jobs/);
		}
	});

	test('the main lists the package nodes and credential (each worker proves it in the executions below)', async () => {
		const nodes = await env.rest.request<Array<{ name: string }>>('GET', '/types/nodes.json');
		const names = nodes.body.map((n) => n.name);
		expect(names).toEqual(
			expect.arrayContaining([
				nodeType('outlookMail'),
				nodeType('outlookCalendar'),
				nodeType('outlookImapTrigger'),
			]),
		);
		const credentials = await env.rest.request<Array<{ name: string }>>(
			'GET',
			'/types/credentials.json',
		);
		expect(credentials.body.map((c) => c.name)).toContain('outlookOAuth2Api');
	});
});

describe('queue mode: Graph executions run on the workers', () => {
	let credential: { id: string; name: string };
	let workflow: SavedWorkflow;

	interface WhereAnswer {
		process: string;
		executionId: string;
		messages: number;
		events: number;
	}

	/** A manual run, which queue mode hands to a worker (OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS=true). */
	async function call(): Promise<WhereAnswer> {
		const execution = await runWorkflow(env.rest, workflow, 'Manual Trigger', 120_000);
		if (execution.status !== 'success')
			throw new Error(
				`execution ${execution.id} ended ${execution.status}: ${JSON.stringify(execution.error('Mail') ?? execution.error('Calendar'))}`,
			);
		return execution.output('Where')[0].json as unknown as WhereAnswer;
	}

	beforeAll(async () => {
		credential = await env.connectedCredential(
			{ permissions: ['mailReadWrite', 'mailSend', 'calendarsReadWrite'] },
			'Queue Graph',
		);
		const from = new Date(Date.now() - 86_400_000).toISOString();
		const to = new Date(Date.now() + 30 * 86_400_000).toISOString();
		const credentials = { outlookOAuth2Api: credential };
		workflow = await saveChain(env.rest, 'Queue: mail and calendar', [
			{
				name: 'Manual Trigger',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				parameters: {},
			},
			{
				name: 'Mail',
				type: nodeType('outlookMail'),
				typeVersion: 1,
				parameters: { resource: 'message', operation: 'getAll', limit: 2 },
				credentials,
			},
			{
				name: 'Calendar',
				type: nodeType('outlookCalendar'),
				typeVersion: 1,
				executeOnce: true,
				parameters: { resource: 'event', operation: 'getAll', from, to, limit: 2 },
				credentials,
			},
			{
				name: 'Where',
				type: 'n8n-nodes-base.set',
				typeVersion: 3.4,
				executeOnce: true,
				parameters: {
					mode: 'manual',
					includeOtherFields: false,
					assignments: {
						assignments: [
							{
								id: randomUUID(),
								name: 'process',
								type: 'string',
								value: '={{ $env.OUTLOOK_E2E_PROCESS }}',
							},
							{
								id: randomUUID(),
								name: 'executionId',
								type: 'string',
								value: '={{ $execution.id }}',
							},
							{
								id: randomUUID(),
								name: 'messages',
								type: 'number',
								value: "={{ $('Mail').all().length }}",
							},
							{
								id: randomUUID(),
								name: 'events',
								type: 'number',
								value: "={{ $('Calendar').all().length }}",
							},
						],
					},
					options: {},
				},
			},
		]);
	}, 120_000);

	test('8 concurrent executions: each ran on a worker (its $env and its log say which), both workers took some', async () => {
		const answers = await Promise.all(Array.from({ length: 8 }, async () => await call()));
		for (const answer of answers) {
			expect(answer).toEqual({
				process: expect.stringMatching(/^worker-[12]$/),
				executionId: expect.any(String),
				messages: 2,
				events: 2,
			});
			// The main enqueued it; the worker's own log names the execution it started.
			expect(env.cluster.main.logText()).toContain(`Enqueued execution ${answer.executionId} `);
			expect(env.cluster.workerOf(answer.executionId)).toBe(answer.process);
		}
		expect(new Set(answers.map((a) => a.process))).toEqual(new Set(['worker-1', 'worker-2']));
		// The execution records are in PostgreSQL, written by the workers, all successful.
		const records = await allExecutions(env.rest, workflow.id);
		const ours = records.filter((r) => answers.some((a) => a.executionId === r.id));
		expect(ours.map((r) => [r.status, r.mode])).toEqual(answers.map(() => ['success', 'manual']));
		// Graph saw the two nodes' requests, nothing unstubbed and nothing outside Microsoft's description.
		expect(env.graph.violations).toEqual([]);
	});

	test('tokens expire: 10 concurrent executions over both workers, ONE refresh at the identity provider, all succeed', async () => {
		env.idp.expireAccessTokens();
		const idpBefore = env.idp.requests.length;
		const answers = await Promise.all(Array.from({ length: 10 }, async () => await call()));
		for (const answer of answers)
			expect(answer).toMatchObject({
				process: expect.stringMatching(/^worker-[12]$/),
				messages: 2,
				events: 2,
			});
		expect(new Set(answers.map((a) => a.process))).toEqual(new Set(['worker-1', 'worker-2']));
		const refreshes = env.idp.requests
			.slice(idpBefore)
			.filter((r) => r.form.grant_type === 'refresh_token');
		expect(refreshes).toHaveLength(1);
		// n8n took its cross-process credential lock (PostgreSQL) rather than refreshing uncoordinated.
		for (const worker of env.cluster.workers)
			expect(worker.logText()).not.toContain('Could not acquire refresh lock');
		// Every execution after the refresh used the one new token.
		const tokens = env.graph.tokensSeen.slice(-4);
		expect(new Set(tokens).size).toBe(1);
	});
});

describe('queue mode: the IMAP trigger runs on the main only', () => {
	let workflow: SavedWorkflow;
	let sentBefore = 0;

	/** Subjects Graph was asked to send since this describe began, with the process that sent each. */
	function sent(): Array<{ subject: string; process: string; executionId: string }> {
		return env.mailbox.sent.slice(sentBefore).map((body) => {
			const message = (body as { message: { subject: string; body: { content: string } } }).message;
			const [process, executionId] = message.body.content.split(' ');
			return { subject: message.subject, process, executionId };
		});
	}

	function count(subjects: string[]): Map<string, number> {
		const seen = new Map<string, number>();
		for (const { subject } of sent())
			if (subjects.includes(subject)) seen.set(subject, (seen.get(subject) ?? 0) + 1);
		return seen;
	}

	const mail = (subject: string) =>
		[
			'From: "Bob Sender" <bob@example.test>',
			`To: ${TEST_USER}`,
			`Subject: ${subject}`,
			`Message-ID: <${subject.replace(/[^A-Za-z0-9]/g, '.')}.${randomUUID()}@example.test>`,
			'Date: Mon, 16 Nov 2026 10:00:00 +0000',
			'MIME-Version: 1.0',
			'Content-Type: text/plain; charset=utf-8',
			'',
			`Body of ${subject}`,
			'',
		].join('\r\n');

	async function storedCursor(): Promise<{ lastUid: number; uidValidity: string } | undefined> {
		const row = await psql(
			env.services,
			`SELECT "staticData" FROM workflow_entity WHERE id = '${workflow.id}'`,
		);
		if (!row) return undefined;
		const data = JSON.parse(row) as Record<
			string,
			{ imapCursor?: { lastUid: number; uidValidity: string } }
		> | null;
		// n8n keeps a trigger's static data under "node:<node name>".
		return data?.['node:IMAP Trigger']?.imapCursor;
	}

	beforeAll(async () => {
		sentBefore = env.mailbox.sent.length;
		const credential = await env.connectedCredential(
			{ permissions: ['mailReadWrite', 'mailSend', 'imap'] },
			'Queue IMAP',
		);
		workflow = await saveChain(env.rest, 'Queue: IMAP trigger', [
			{
				name: 'IMAP Trigger',
				type: nodeType('outlookImapTrigger'),
				typeVersion: 1,
				parameters: {
					mailbox: env.dovecot.user,
					folder: { __rl: true, mode: 'path', value: 'INBOX' },
					startFrom: 'new',
					receiveMode: 'idle',
					output: 'headers',
					options: { host: env.dovecot.host, port: env.dovecot.port, security: 'tlsUnverified' },
				},
				credentials: { outlookOAuth2Api: credential },
			},
			{
				name: 'Send',
				type: nodeType('outlookMail'),
				typeVersion: 1,
				parameters: {
					resource: 'message',
					operation: 'send',
					toRecipients: 'bob@example.test',
					subject: '={{ $json.subject }}',
					bodyContentType: 'text',
					bodyContent: '={{ $env.OUTLOOK_E2E_PROCESS }} {{ $execution.id }}',
				},
				credentials: { outlookOAuth2Api: credential },
			},
		]);
		await activate(env.rest, workflow);
		// Activated: the main opened ONE IMAP session (the workers run no triggers) and stored a baseline.
		await waitFor(
			async () => (await env.dovecot.who()).length > 0,
			60_000,
			'the trigger to open its IMAP session',
		);
		await sleep(2_000);
	}, 180_000);

	test("5 messages, one at a time: each sent exactly once, by a worker; one IMAP session (the main's)", async () => {
		const subjects = Array.from(
			{ length: 5 },
			(_, i) => `Queue live ${i + 1} ${randomUUID().slice(0, 6)}`,
		);
		for (const subject of subjects) {
			await env.dovecot.appendMessage(mail(subject));
			await sleep(300);
		}
		await waitFor(
			() => count(subjects).size === subjects.length,
			90_000,
			'the 5 messages to be sent',
		);
		await sleep(3_000); // anything emitted twice would show by now
		expect([...count(subjects).values()]).toEqual(subjects.map(() => 1));
		for (const s of sent().filter((x) => subjects.includes(x.subject)))
			expect(s.process).toMatch(/^worker-[12]$/);
		expect((await env.dovecot.who()).length).toBe(1);
		// What PostgreSQL holds: n8n starts each emit's static-data save without waiting for it, and
		// side-by-side saves may commit out of order, so the stored cursor can stand one message
		// behind the last one emitted (the deduplication key keeps that message from running twice
		// after a restart: the next test restarts the main on such a cursor).
		const lastEmitted = (await env.dovecot.status()).uidNext - 1;
		const cursor = await storedCursor();
		expect(cursor?.lastUid).toBeGreaterThanOrEqual(lastEmitted - 1);
		expect(cursor?.lastUid).toBeLessThanOrEqual(lastEmitted);
	}, 180_000);

	test('the main restarts while 3 messages arrive: resumed from the cursor in PostgreSQL, nothing lost or repeated', async () => {
		const before = sent().map((s) => s.subject);
		const cursorBefore = await storedCursor();
		const subjects = Array.from(
			{ length: 3 },
			(_, i) => `Queue while down ${i + 1} ${randomUUID().slice(0, 6)}`,
		);
		// What PostgreSQL holds, sampled every 250 ms from here on (for the failure message).
		const cursorTimeline: string[] = [];
		const sampler = setInterval(() => {
			void storedCursor().then(
				(c) => {
					const value = String(c?.lastUid);
					if (cursorTimeline[cursorTimeline.length - 1] !== value) cursorTimeline.push(value);
				},
				() => undefined,
			);
		}, 250);
		let sentWhileDown = -1;
		await env.restartMain(async () => {
			const sentAtStop = sent().length;
			for (const subject of subjects) await env.dovecot.appendMessage(mail(subject));
			// The workers do not take the trigger over while the main is down.
			await sleep(3_000);
			sentWhileDown = sent().length - sentAtStop;
		});
		expect(sentWhileDown).toBe(0);
		await waitFor(
			() => count(subjects).size === subjects.length,
			120_000,
			'the 3 messages received while the main was down',
		);
		await sleep(3_000);
		expect([...count(subjects).values()]).toEqual([1, 1, 1]);
		// Nothing sent before the restart was sent again, though the cursor the main restarted from
		// may have stood one message behind (its execution was refused by its deduplication key).
		const again = sent().map((s) => s.subject);
		for (const subject of before) expect(again.filter((s) => s === subject)).toHaveLength(1);
		expect(again).toHaveLength(before.length + 3);
		const lastEmitted = (await env.dovecot.status()).uidNext - 1;
		// The cursor n8n stored in PostgreSQL moved past the 3 messages, or to one before the last
		// (the saves of emits close together can commit out of order).
		await waitFor(
			async () => ((await storedCursor())?.lastUid ?? 0) >= lastEmitted - 1,
			20_000,
			`the stored cursor to reach ${lastEmitted - 1}`,
		).catch((error: Error) =>
			console.log(`restart: ${error.message}; stored lastUid went ${cursorTimeline.join(' → ')}`),
		);
		clearInterval(sampler);
		// A second restart with no new mail: nothing is emitted again, whatever PostgreSQL holds.
		const sentBeforeSecond = sent().length;
		await env.restartMain();
		await waitFor(
			async () => (await env.dovecot.who()).length > 0,
			60_000,
			'the trigger to reconnect',
		);
		await sleep(5_000);
		expect(
			sent()
				.slice(sentBeforeSecond)
				.map((s) => s.subject),
		).toEqual([]);
		// The restarted trigger read any message the stored cursor lagged behind, n8n refused its
		// execution, and that emit's save (the only one) moved the cursor to the last message.
		const cursorAfter = await storedCursor();
		expect(cursorAfter?.uidValidity).toBe(cursorBefore?.uidValidity);
		expect(cursorAfter!.lastUid).toBe(lastEmitted);
	}, 300_000);

	test('500 messages in a burst: 500 sends, none duplicated or lost, all on workers', async () => {
		const sentCount = sent().length;
		const subjects = Array.from(
			{ length: 500 },
			(_, i) => `Queue burst ${String(i + 1).padStart(3, '0')} ${randomUUID().slice(0, 6)}`,
		);
		const started = Date.now();
		await env.dovecot.dropMessages(subjects.map(mail));
		await waitFor(
			() => count(subjects).size === subjects.length,
			420_000,
			'the 500 messages to be sent',
		);
		const seconds = (Date.now() - started) / 1000;
		await sleep(3_000);
		const counts = count(subjects);
		expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);
		expect(sent().length - sentCount).toBe(500);
		const burst = sent().filter((s) => subjects.includes(s.subject));
		expect(new Set(burst.map((s) => s.process)).size).toBeGreaterThanOrEqual(1);
		for (const s of burst) expect(s.process).toMatch(/^worker-[12]$/);
		// The trigger starts one execution per message: each mail was sent by an execution of its own
		// (the body carries $execution.id), and every one of those executions finished successfully.
		const executionIds = [...new Set(burst.map((s) => s.executionId))];
		expect(executionIds).toHaveLength(500);
		// Each execution looked up by its ID (n8n 2.41's paged list mixes running and finished ones).
		const statuses: string[] = [];
		for (let i = 0; i < executionIds.length; i += 20) {
			statuses.push(
				...(await Promise.all(
					executionIds.slice(i, i + 20).map(async (id) => {
						const deadline = Date.now() + 30_000;
						for (;;) {
							const response = await env.rest.request<{
								data?: { status?: string; workflowId?: string };
							}>('GET', `/rest/executions/${id}`);
							const status = response.body?.data?.status;
							if (status && !['new', 'running', 'waiting'].includes(status))
								return `${response.body?.data?.workflowId}:${status}`;
							if (Date.now() > deadline) return `${id}: not finished`;
							await sleep(250);
						}
					}),
				)),
			);
		}
		expect(statuses).toEqual(new Array(500).fill(`${workflow.id}:success`));
		const executions = statuses;
		const perWorker = new Map<string, number>();
		for (const s of burst) perWorker.set(s.process, (perWorker.get(s.process) ?? 0) + 1);
		// The figures for the report.
		console.log(
			`500-message burst: ${executions.length} executions, ${seconds.toFixed(1)} s until all 500 were sent; sends per worker: ${JSON.stringify(Object.fromEntries(perWorker))}`,
		);
	}, 480_000);

	test('the main restarts in the middle of a 300-message burst: every message sent exactly once', async () => {
		const subjects = Array.from(
			{ length: 300 },
			(_, i) => `Queue mid-burst ${String(i + 1).padStart(3, '0')} ${randomUUID().slice(0, 6)}`,
		);
		const sentCount = sent().length;
		await env.dovecot.dropMessages(subjects.map(mail));
		// Restart as soon as the first of them went out (some batches emitted, others not yet).
		await waitFor(() => count(subjects).size > 0, 120_000, 'the first messages of the burst');
		const atRestart = count(subjects).size;
		await env.restartMain();
		await waitFor(
			() => count(subjects).size === subjects.length,
			300_000,
			'every message of the burst',
		);
		await sleep(3_000);
		const counts = count(subjects);
		expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
		expect(sent().length - sentCount).toBe(300);
		console.log(
			`mid-burst restart: ${atRestart} of 300 sent when the main was stopped; all 300 sent once in the end`,
		);
	}, 480_000);

	afterAll(async () => {
		if (workflow) await deactivate(env.rest, workflow).catch(() => undefined);
	});
});

describe('queue mode: send and wait for a response', () => {
	test('a worker sends the mail and the execution waits; the main serves /webhook-waiting/; Approve resumes it on a worker', async () => {
		const credential = await env.connectedCredential(
			{ permissions: ['mailReadWrite', 'mailSend'] },
			'Queue send and wait',
		);
		const main = env.cluster.main;
		const run = await runSendAndWait(env, main.url, credential);
		expectApproved(run, main.url);
		// The worker built the resume URL from WEBHOOK_URL (scripts/n8n-env.sh: N8N_WEBHOOK_URL is
		// the main's address, as every process of the cluster has it), the main answered it, and a
		// worker ran the execution (started, then resumed).
		await waitFor(() => env.cluster.workerOf(run.executionId), 30_000, 'the worker log line');
		expect(main.logText()).not.toContain(`Worker started execution ${run.executionId}`);
	}, 300_000);
});

describe('queue mode: the Outlook Trigger in push mode', () => queuePushScenario(env));

/**
 * Why production webhooks can answer 404 in queue mode (the profile once saw it): the resume URL
 * in the mail is built by the WORKER that ran the node, from ITS `WEBHOOK_URL`
 * (`N8N_WEBHOOK_URL`) + `N8N_ENDPOINT_WEBHOOK_WAIT`; it is answered by whichever process serves
 * `/webhook-waiting/`: the main, unless `N8N_DISABLE_PRODUCTION_MAIN_PROCESS=true` hands all
 * production webhooks (`/webhook/` and `/webhook-waiting/`) to `n8n webhook` processes, and then
 * the main answers 404 for both (to a GET, the editor's page). A worker whose WEBHOOK_URL is not the address that routes to the
 * webhook processes mails links that answer 404. docs/queue-mode.md says what to configure.
 */
describe('queue mode: webhook processes (N8N_DISABLE_PRODUCTION_MAIN_PROCESS)', () => {
	let webhookProcess: N8nProcess | undefined;

	test('the main no longer serves /webhook/ or /webhook-waiting/ (POST: 404; GET: the editor page); a link built from the main address is dead, the webhook process resumes the execution', async () => {
		const credential = await env.connectedCredential(
			{ permissions: ['mailReadWrite', 'mailSend'] },
			'Queue webhook process',
		);
		const webhook = await N8nProcess.prepare({
			role: 'webhook',
			name: 'webhook-1',
			services: env.services,
			port: QUEUE_PORTS.webhook,
			brokerPort: QUEUE_PORTS.webhookBroker,
		});
		webhookProcess = webhook;
		await webhook.start();
		const main = env.cluster.main;
		// The workers keep WEBHOOK_URL = the main's address (the misconfiguration).
		main.options.env = { N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true' };
		await env.restartMain();

		const rest = env.rest;
		const tag = randomUUID().slice(0, 8);
		const subject = `Queue webhook process ${tag}`;
		const workflow = await saveChain(rest, `Send and wait via webhook process ${tag}`, [
			{
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				webhookId: randomUUID(),
				parameters: { path: `wh-${tag}`, httpMethod: 'GET', responseMode: 'onReceived' },
			},
			{
				name: 'Approval',
				type: nodeType('outlookMail'),
				typeVersion: 1,
				webhookId: randomUUID(),
				parameters: {
					resource: 'message',
					operation: 'sendAndWait',
					toRecipients: 'approver@contoso.com',
					subject,
					message: 'Approve?',
				},
				credentials: { outlookOAuth2Api: credential },
			},
		]);
		await activate(rest, workflow);

		// The main no longer routes production webhooks: a GET falls through to the editor's page
		// (200, HTML), a POST gets 404; neither starts the workflow.
		const onMainGet = await fetch(`${main.url}/webhook/wh-${tag}`);
		const onMainGetText = await onMainGet.text();
		const onMainPost = await fetch(`${main.url}/webhook/wh-${tag}`, { method: 'POST' });
		await onMainPost.text();
		expect(onMainGetText).not.toContain('Workflow was started');
		expect(onMainPost.status).toBe(404);
		await sleep(2_000);
		expect(await allExecutions(rest, workflow.id)).toEqual([]);
		const started = await waitFor(
			async () => {
				const r = await fetch(`${webhook.url}/webhook/wh-${tag}`);
				return r.status === 200 ? r : undefined;
			},
			30_000,
			'the webhook process to start the execution',
		);
		expect(started.status).toBe(200);

		const execution = await waitFor(
			async () => (await allExecutions(rest, workflow.id)).find((e) => e.status === 'waiting'),
			90_000,
			'the execution to wait',
		);
		const mail = env.mailbox.sent
			.map((b) => (b as { message: { subject: string; body: { content: string } } }).message)
			.find((m) => m.subject === subject);
		const approve = mailLinks(mail!.body.content).Approve;
		// Built by the worker from its WEBHOOK_URL: the main's address, which no longer serves it.
		expect(approve.origin).toBe(main.url);
		const dead = await fetch(approve, { headers: { 'user-agent': BROWSER_AGENT } });
		const deadText = await dead.text();
		const deadPost = await fetch(approve, { method: 'POST' });
		await deadPost.text();
		expect(deadText).not.toContain('Got it, thanks');
		expect(deadPost.status).toBe(404);
		await sleep(2_000);
		expect(
			(await allExecutions(rest, workflow.id)).find((e) => e.id === execution.id)?.status,
		).toBe('waiting');
		console.log(
			`N8N_DISABLE_PRODUCTION_MAIN_PROCESS=true: the main answered GET /webhook/ ${onMainGet.status}, POST /webhook/ ${onMainPost.status}, the mailed link GET ${dead.status}, POST ${deadPost.status}; the webhook process resumed the execution`,
		);

		// The same path and signature at the address that routes to the webhook process: its GET
		// shows the page (still waiting), the page's POST resumes the execution.
		const fixed = new URL(approve.pathname + approve.search, webhook.url);
		const opened = await fetch(fixed, { headers: { 'user-agent': BROWSER_AGENT } });
		expect(opened.status).toBe(200);
		expect(await opened.text()).toContain('Nothing has been recorded yet');
		await sleep(1_000);
		expect(
			(await allExecutions(rest, workflow.id)).find((e) => e.id === execution.id)?.status,
		).toBe('waiting');
		const click = await fetch(fixed, {
			method: 'POST',
			headers: {
				'user-agent': BROWSER_AGENT,
				'content-type': 'application/x-www-form-urlencoded',
			},
			body: 'answer=approve',
		});
		expect(click.status).toBe(200);
		expect(await click.text()).toContain('Got it, thanks');
		const done = await waitForExecution(rest, execution.id, 90_000);
		expect(done.status).toBe('success');
		expect(done.output('Approval')[0].json).toEqual({
			data: { approved: true, respondedAt: expect.any(String) },
		});
		await deactivate(rest, workflow);
	}, 420_000);

	afterAll(async () => {
		await webhookProcess?.stop();
	});
});
