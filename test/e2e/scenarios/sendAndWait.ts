/**
 * Send and Wait for a Response in a real n8n (regular mode here; queue mode in
 * test/e2e/queue/queue.e2e.ts runs the same steps): a published workflow (Webhook → Outlook Mail
 * Send and Wait → No Op) is started through its production webhook; the execution waits; the
 * mail the Graph stand-in received holds n8n's signed resume URLs; a link scanner's fetch does
 * not answer; a browser's click on Approve resumes the execution with `{ approved: true }`.
 */
import { randomUUID } from 'node:crypto';

import type { E2eEnvironment } from '../support/environment';
import { nodeType } from '../support/environment';
import { readExecution, waitForExecution, type ExecutionResult } from '../support/executions';
import type { N8nRest } from '../support/n8n';

export const BROWSER_AGENT =
	'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';

const sleep = async (ms: number) => await new Promise((r) => setTimeout(r, ms));

export interface SendAndWaitRun {
	/** Where n8n's production webhook answered the start request. */
	startStatus: number;
	executionId: string;
	/** The resume URLs in the mail, by button label. */
	links: Record<string, URL>;
	/** Status of the link scanner's fetch and of the browser's click. */
	scannerStatus: number;
	clickStatus: number;
	clickPage: string;
	/** Status after the scanner's fetch (still waiting) and at the end. */
	afterScanner: string;
	execution: ExecutionResult;
}

/** The hrefs of the mail's buttons: label → URL. */
export function mailLinks(html: string): Record<string, URL> {
	const links: Record<string, URL> = {};
	for (const m of html.matchAll(/<a href="([^"]+)"[^>]*>([^<]*)<\/a>/g))
		if (m[1].includes('/webhook-waiting/')) links[m[2]] = new URL(m[1].replace(/&amp;/g, '&'));
	return links;
}

async function executionsOf(rest: N8nRest, workflowId: string) {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const page = await rest.data<{ results: Array<{ id: string; status: string }> }>(
		'GET',
		`/rest/executions?filter=${filter}`,
	);
	return page.results;
}

/**
 * Saves and publishes the workflow, calls its webhook at `baseUrl`, and answers the mail as a
 * person would. Everything is returned for the caller's assertions.
 */
export async function runSendAndWait(
	env: Pick<E2eEnvironment, 'rest' | 'mailbox'>,
	baseUrl: string,
	credential: { id: string; name: string },
): Promise<SendAndWaitRun> {
	const rest = env.rest;
	const tag = randomUUID().slice(0, 8);
	const path = `approve-${tag}`;
	const subject = `Approve invoice ${tag}?`;
	const nodes = [
		{
			id: randomUUID(),
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			webhookId: randomUUID(),
			parameters: { path, httpMethod: 'GET', responseMode: 'onReceived', options: {} },
		},
		{
			id: randomUUID(),
			name: 'Approval',
			type: nodeType('outlookMail'),
			typeVersion: 1,
			webhookId: randomUUID(),
			parameters: {
				resource: 'message',
				operation: 'sendAndWait',
				toRecipients: 'approver@contoso.com',
				subject,
				message: `Invoice ${tag}: 1,200 EUR from Fabrikam`,
				approvalOptions: { values: { approvalType: 'double' } },
				options: {
					limitWaitTime: {
						values: { limitType: 'afterTimeInterval', resumeAmount: 30, resumeUnit: 'minutes' },
					},
				},
			},
			credentials: { outlookOAuth2Api: credential },
		},
		{
			id: randomUUID(),
			name: 'After',
			type: 'n8n-nodes-base.noOp',
			typeVersion: 1,
			parameters: {},
		},
	].map((n, i) => ({ ...n, position: [i * 220, 0] }));
	const workflow = await rest.data<{ id: string; versionId: string }>('POST', '/rest/workflows', {
		name: `Send and wait ${tag}`,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes,
		connections: {
			Webhook: { main: [[{ node: 'Approval', type: 'main', index: 0 }]] },
			Approval: { main: [[{ node: 'After', type: 'main', index: 0 }]] },
		},
	});
	await rest.data('POST', `/rest/workflows/${workflow.id}/activate`, {
		versionId: workflow.versionId,
	});

	// The production webhook starts the execution (n8n answers when it received the call).
	let start = await fetch(`${baseUrl}/webhook/${path}`);
	for (let i = 0; start.status === 404 && i < 20; i++) {
		// Publishing registers the webhook; give a just-published workflow a moment.
		await sleep(500);
		start = await fetch(`${baseUrl}/webhook/${path}`);
	}
	const startStatus = start.status;
	await start.text();

	let executionId = '';
	let status = '';
	for (const until = Date.now() + 90_000; Date.now() < until; await sleep(250)) {
		const [latest] = await executionsOf(rest, workflow.id);
		if (latest) [executionId, status] = [latest.id, latest.status];
		if (status && status !== 'new' && status !== 'running') break;
	}
	if (status !== 'waiting') {
		const execution = executionId ? await readExecution(rest, executionId) : undefined;
		throw new Error(
			`the execution did not wait (start ${startStatus}, execution ${executionId || 'none'} ${status}): ${JSON.stringify(execution?.error('Approval'))}`,
		);
	}

	const sent = env.mailbox.sent
		.map((body) => (body as { message: { subject: string; body: { content: string } } }).message)
		.filter((message) => message.subject === subject);
	if (sent.length !== 1)
		throw new Error(`expected one mail "${subject}", Graph got ${sent.length}`);
	const links = mailLinks(sent[0].body.content);

	// Link scanners fetch links on their own (Safe Links, previews): no user agent, no answer.
	const scanner = await fetch(links.Approve, { headers: { 'user-agent': '' } });
	await scanner.text();
	await sleep(1000);
	const [afterScan] = await executionsOf(rest, workflow.id);

	const click = await fetch(links.Approve, { headers: { 'user-agent': BROWSER_AGENT } });
	const clickPage = await click.text();
	const execution = await waitForExecution(rest, executionId, 90_000);
	await rest.request('POST', `/rest/workflows/${workflow.id}/deactivate`, {});
	return {
		startStatus,
		executionId,
		links,
		scannerStatus: scanner.status,
		clickStatus: click.status,
		clickPage,
		afterScanner: afterScan.status,
		execution,
	};
}

/** Assertions both modes share. */
export function expectApproved(run: SendAndWaitRun, baseUrl: string): void {
	expect(run.startStatus).toBe(200);
	expect(Object.keys(run.links).sort()).toEqual(['Approve', 'Decline']);
	for (const [label, url] of Object.entries(run.links)) {
		expect(url.origin + url.pathname).toMatch(
			new RegExp(`^${baseUrl}/webhook-waiting/${run.executionId}/[0-9a-f-]{36}$`),
		);
		expect(url.searchParams.get('approved')).toBe(label === 'Approve' ? 'true' : 'false');
		expect(url.searchParams.get('signature')).toBeTruthy();
	}
	expect(run.afterScanner).toBe('waiting');
	expect(run.clickStatus).toBe(200);
	expect(run.clickPage).toContain('Got it, thanks');
	expect(run.execution.status).toBe('success');
	expect(run.execution.output('Approval')).toEqual([
		expect.objectContaining({
			json: { data: { approved: true, respondedAt: expect.any(String) } },
		}),
	]);
	expect(run.execution.output('After')).toHaveLength(1);
}

export function sendAndWaitScenario(env: E2eEnvironment) {
	test('send and wait: the execution waits, Approve in the mail resumes it with { approved: true }', async () => {
		const credential = await env.connectedCredential(
			{ permissions: ['mailReadWrite', 'mailSend'] },
			'Send and wait',
		);
		const run = await runSendAndWait(env, env.server.url, credential);
		expectApproved(run, env.server.url);
	}, 240_000);
}
