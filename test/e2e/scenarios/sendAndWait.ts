/**
 * Send and Wait for a Response in a real n8n (regular mode here; queue mode in
 * test/e2e/queue/queue.e2e.ts runs the same steps): a published workflow (Webhook → Outlook Mail
 * Send and Wait → No Op) is started through its production webhook; the execution waits; the
 * mail the Graph stand-in received holds n8n's signed resume URLs. What mail scanners do (Safe
 * Links and others GET every link with a browser's user agent; a HEAD) leaves it waiting; so does
 * opening the Approve link in a real browser (Debian's chromium): the page only shows a button.
 * Clicking it POSTs, which resumes the execution once with `{ approved: true }`; a replay of that
 * POST, a second answer and a later GET change nothing, and n8n says so.
 */
import { randomUUID } from 'node:crypto';

import { chromium } from 'playwright-core';

import type { E2eEnvironment } from '../support/environment';
import { nodeType } from '../support/environment';
import { readExecution, waitForExecution, type ExecutionResult } from '../support/executions';
import type { N8nRest } from '../support/n8n';

export const BROWSER_AGENT =
	'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';

const sleep = async (ms: number) => await new Promise((r) => setTimeout(r, ms));

export interface PageAnswer {
	status: number;
	text: string;
}

export interface SendAndWaitRun {
	/** Where n8n's production webhook answered the start request. */
	startStatus: number;
	executionId: string;
	/** The resume URLs in the mail, by button label. */
	links: Record<string, URL>;
	/** What scanners got: GET of each link with a browser's user agent, and a HEAD. */
	scans: Record<string, PageAnswer>;
	/** The page the browser showed for the Approve link, before its button was clicked. */
	browserPage: string;
	/** The execution's status after the scans, and after the browser opened the page. */
	afterScans: string;
	afterPage: string;
	/** The page after the click (the POST). */
	clickPage: string;
	execution: ExecutionResult;
	/** After the execution ended: the same POST again, a POST to Decline, a GET of Approve. */
	replays: Record<string, PageAnswer>;
	/** The workflow's executions and the approval's output, read again after the replays. */
	executionsAfterReplays: number;
	afterReplays: ExecutionResult;
}

const CHROMIUM = '/usr/lib/chromium/chromium';

/**
 * Opens the link in Debian's chromium as the approver does, reads the page, clicks its button and
 * returns the page after the POST.
 */
async function clickInBrowser(
	link: URL,
	label: string,
	between: () => Promise<void>,
): Promise<{ before: string; after: string }> {
	const browser = await chromium.launch({
		executablePath: CHROMIUM,
		headless: true,
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-dev-shm-usage',
			'--disable-background-networking',
		],
	});
	try {
		const page = await browser.newPage();
		page.setDefaultTimeout(30_000);
		await page.goto(link.href);
		const before = await page.content();
		await between();
		await Promise.all([
			page.waitForNavigation(),
			page.getByRole('button', { name: label }).click(),
		]);
		return { before, after: await page.content() };
	} finally {
		await browser.close();
	}
}

async function answer(url: URL, init: RequestInit = {}): Promise<PageAnswer> {
	const response = await fetch(url, {
		...init,
		headers: { 'user-agent': BROWSER_AGENT, ...(init.headers ?? {}) },
	});
	return { status: response.status, text: await response.text() };
}

/** The POST the page's form sends (urlencoded, its hidden field). */
const postForm = async (url: URL, value: string) =>
	await answer(url, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: `answer=${value}`,
	});

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

	// Mail scanners (Safe Links detonation, Proofpoint, Mimecast) fetch every link with ordinary
	// browser user agents, and some send HEAD first.
	const scans: Record<string, PageAnswer> = {
		'GET Approve': await answer(links.Approve),
		'GET Decline': await answer(links.Decline),
		'HEAD Approve': await answer(links.Approve, { method: 'HEAD' }),
	};
	await sleep(1000);
	const [afterScan] = await executionsOf(rest, workflow.id);

	let afterPage = '';
	const clicked = await clickInBrowser(links.Approve, 'Approve', async () => {
		await sleep(1000);
		afterPage = (await executionsOf(rest, workflow.id))[0].status;
	});
	const execution = await waitForExecution(rest, executionId, 90_000);

	// The execution ended: replaying the click, answering the other way or opening a link again
	// changes nothing.
	const replays: Record<string, PageAnswer> = {
		'POST Approve again': await postForm(links.Approve, 'approve'),
		'POST Decline': await postForm(links.Decline, 'decline'),
		'GET Approve': await answer(links.Approve),
	};
	await sleep(1000);
	const executionsAfterReplays = (await executionsOf(rest, workflow.id)).length;
	const afterReplays = await readExecution(rest, executionId);
	await rest.request('POST', `/rest/workflows/${workflow.id}/deactivate`, {});
	return {
		startStatus,
		executionId,
		links,
		scans,
		browserPage: clicked.before,
		afterScans: afterScan.status,
		afterPage,
		clickPage: clicked.after,
		execution,
		replays,
		executionsAfterReplays,
		afterReplays,
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
	// Nothing the scanners did answered: each GET got the page, the HEAD nothing that counts.
	for (const [what, scan] of Object.entries(run.scans)) {
		expect([what, scan.status]).toEqual([what, 200]);
		expect(scan.text).not.toContain('Got it, thanks');
	}
	expect(run.scans['GET Approve'].text).toContain('Nothing has been recorded yet');
	expect(run.scans['GET Decline'].text).toMatch(
		/<button type="submit" class="secondary">Decline<\/button>/,
	);
	expect(run.afterScans).toBe('waiting');
	// Opening the link in the browser shows the page and records nothing either.
	expect(run.browserPage).toMatch(
		/<form method="POST"><input type="hidden" name="answer" value="approve">/,
	);
	expect(run.afterPage).toBe('waiting');
	// The click (the page's POST) resumed it, once, with Approve.
	expect(run.clickPage).toContain('Got it, thanks');
	expect(run.execution.status).toBe('success');
	const approved = [
		expect.objectContaining({
			json: { data: { approved: true, respondedAt: expect.any(String) } },
		}),
	];
	expect(run.execution.output('Approval')).toEqual(approved);
	// Replays after the end: n8n answers that no action is required; nothing changed.
	for (const [what, replay] of Object.entries(run.replays)) {
		expect([what, replay.status]).toEqual([what, 200]);
		expect(replay.text).toContain('No action required');
	}
	expect(run.executionsAfterReplays).toBe(1);
	expect(run.afterReplays.status).toBe('success');
	expect(run.afterReplays.output('Approval')).toEqual(run.execution.output('Approval'));
	expect(run.execution.output('After')).toHaveLength(1);
}

export function sendAndWaitScenario(env: E2eEnvironment) {
	test('send and wait: scanners and opening the link leave the execution waiting; the page’s POST resumes it once with { approved: true }; replays change nothing', async () => {
		const credential = await env.connectedCredential(
			{ permissions: ['mailReadWrite', 'mailSend'] },
			'Send and wait',
		);
		const run = await runSendAndWait(env, env.server.url, credential);
		expectApproved(run, env.server.url);
	}, 240_000);
}
