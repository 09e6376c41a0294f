/**
 * 8. Outlook Mail for people and AI agents, in a real n8n with the packed package (its runtime
 * dependency html-to-text included): Thread → Get renders a conversation as text, Draft → Create
 * Reply leaves a reply for review (its ID and Outlook on the web link), Mailbox → Set Automatic
 * Replies schedules an out-of-office. Asserts the outputs and the requests the Graph stand-in got.
 * Then the new panels in the editor (chromium), screenshotted for docs/outlook-mail.md (copied to
 * docs/images when E2E_UPDATE_DOCS_IMAGES=1).
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

import type { E2eEnvironment } from '../support/environment';
import { hasNode, nodeType } from '../support/environment';
import { chain, createWorkflow, runWorkflow } from '../support/executions';
import { OWNER, REPO_ROOT, e2eEnvironment } from '../support/n8n';

const CHROMIUM = '/usr/lib/chromium/chromium';

const MANUAL = {
	name: 'Manual Trigger',
	type: 'n8n-nodes-base.manualTrigger',
	typeVersion: 1,
	parameters: {},
};

const CONV = 'AAQkADemoThread=';

export function mailDraftsScenario(env: E2eEnvironment) {
	let credential: { id: string; name: string };
	const outlook = (name: string, parameters: Record<string, unknown>) => ({
		name,
		type: nodeType('outlookMail'),
		typeVersion: 1,
		parameters,
		credentials: { outlookOAuth2Api: credential },
	});

	beforeAll(async () => {
		credential = await env.connectedCredential(
			{ permissions: ['mailReadWrite', 'mailSend', 'mailboxSettingsReadWrite'] },
			'Drafts and threads',
		);
	});

	beforeEach(() => {
		env.graph.requests.length = 0;
	});

	afterEach(() => {
		expect(env.graph.violations).toEqual([]);
		expect(env.graph.unhandled).toEqual([]);
	});

	const mailTest = hasNode('OutlookMail') ? test : test.skip;

	mailTest(
		'a thread as text, a reply draft to its first message, and scheduled automatic replies',
		async () => {
			const thread = [
				{
					id: 'thread-2',
					conversationId: CONV,
					subject: 'RE: Offer',
					from: { emailAddress: { name: 'Alice', address: 'alice@example.test' } },
					toRecipients: [{ emailAddress: { address: 'bob@example.test' } }],
					sentDateTime: '2026-11-02T09:00:00Z',
					isDraft: false,
					uniqueBody: { contentType: 'html', content: '<p>Can you do <b>12</b>?</p>' },
				},
				{
					id: 'thread-1',
					conversationId: CONV,
					subject: 'Offer',
					from: { emailAddress: { name: 'Bob', address: 'bob@example.test' } },
					toRecipients: [{ emailAddress: { address: 'alice@example.test' } }],
					sentDateTime: '2026-11-01T09:00:00Z',
					isDraft: false,
					uniqueBody: { contentType: 'html', content: '<p>Hello Alice,</p><p>10 units.</p>' },
				},
			];
			env.graph.collection('GET', '/me/messages', () => thread);
			env.graph.on('POST', '/me/messages/:id/createReply', (request, { id }) => ({
				status: 201,
				body: {
					id: 'draft-1',
					conversationId: CONV,
					subject: 'RE: Offer',
					isDraft: true,
					webLink: `https://outlook.office365.com/owa/?ItemID=draft-1&inReplyTo=${id}`,
					body: {
						contentType: 'html',
						content: String((request.body as { comment: string }).comment),
					},
				},
			}));
			env.graph.on('PATCH', '/me/mailboxSettings', (request) => ({ body: request.body }));

			const workflow = await createWorkflow(
				env.rest,
				'Mail: thread, reply draft, out of office',
				chain([
					MANUAL,
					outlook('Thread', {
						resource: 'thread',
						operation: 'get',
						threadBy: 'conversationId',
						conversationId: CONV,
					}),
					outlook('Reply Draft', {
						resource: 'draft',
						operation: 'createReply',
						messageId: { __rl: true, mode: 'id', value: '={{ $json.messages[0].id }}' },
						comment: '={{ "Read " + $json.messageCount + " messages. Yes." }}',
					}),
					outlook('Out of Office', {
						resource: 'mailbox',
						operation: 'setAutomaticReplies',
						status: 'scheduled',
						scheduledStart: '2026-12-24T17:00:00',
						scheduledEnd: '2027-01-04T08:00:00',
						timeZone: 'Europe/Berlin',
						internalReplyMessage: 'Back on 4 January',
						externalAudience: 'contactsOnly',
					}),
				]),
			);
			const execution = await runWorkflow(env.rest, workflow);
			expect(execution.error('Out of Office')).toBeUndefined();
			expect(execution.status).toBe('success');

			const [threadItem] = execution.output('Thread');
			expect(threadItem.json).toMatchObject({
				conversationId: CONV,
				subject: 'Offer',
				messageCount: 2,
				text: expect.stringContaining('Hello Alice,\n\n10 units.'),
			});
			expect(
				(threadItem.json.messages as Array<{ id: string; text: string }>).map((m) => m.text),
			).toEqual(['Hello Alice,\n\n10 units.', 'Can you do 12?']);
			expect(execution.output('Reply Draft')[0].json).toMatchObject({
				id: 'draft-1',
				isDraft: true,
				webLink: expect.stringContaining('ItemID=draft-1'),
				inReplyTo: 'thread-1',
			});
			expect(execution.output('Out of Office')[0].json).toMatchObject({
				status: 'scheduled',
				scheduledStart: '2026-12-24T17:00:00+01:00',
				externalAudience: 'contactsOnly',
			});

			const calls = env.graph.calls();
			expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
				'GET /me/messages',
				'POST /me/messages/thread-1/createReply',
				'PATCH /me/mailboxSettings',
			]);
			expect(calls[1].body).toEqual({ comment: 'Read 2 messages. Yes.' });
		},
	);

	const editorTest = hasNode('OutlookMail') && existsSync(CHROMIUM) ? test : test.skip;

	editorTest('the editor shows the reply-draft and automatic-replies panels', async () => {
		const workflow = await createWorkflow(
			env.rest,
			'Mail: reply draft and out of office (panels)',
			chain([
				MANUAL,
				outlook('Reply Draft', {
					resource: 'draft',
					operation: 'createReply',
					messageId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
					replyContent: 'body',
					bodyContentType: 'html',
					bodyContent: '<p>Thanks! Our logo: <img src="cid:logo"></p>',
					additionalFields: { from: 'support@example.test', inlineImages: 'logo' },
				}),
				outlook('Out of Office', {
					resource: 'mailbox',
					operation: 'setAutomaticReplies',
					status: 'scheduled',
					scheduledStart: '2026-12-24T17:00:00',
					scheduledEnd: '2027-01-04T08:00:00',
					timeZone: 'Europe/Berlin',
					internalReplyMessage: 'Back on 4 January',
					externalReplyMessage: 'I am away until 4 January.',
					externalAudience: 'contactsOnly',
				}),
			]),
		);
		const browser = await chromium.launch({
			executablePath: CHROMIUM,
			headless: true,
			args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
		});
		try {
			const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
			context.setDefaultTimeout(30_000);
			context.setDefaultNavigationTimeout(120_000);
			const page = await context.newPage();
			await page.goto(`${env.server.url}/signin`);
			await page.fill('input[name=emailOrLdapLoginId]', OWNER.email);
			await page.fill('input[name=password]', OWNER.password);
			await page.click('[data-test-id=form-submit-button]');
			await page.waitForURL((url) => !url.pathname.includes('signin'));
			await page.goto(`${env.server.url}/workflow/${workflow.id}`);
			const ndv = page.locator('[data-test-id=ndv]');
			const shots = join(e2eEnvironment().runDir, 'screenshots');
			mkdirSync(shots, { recursive: true });
			const panel = async (node: string, parameters: string[], image: string) => {
				await page.locator('[data-test-id=canvas-node]', { hasText: node }).first().dblclick();
				await ndv.waitFor();
				for (const parameter of parameters)
					await ndv.locator(`[data-test-id=parameter-input-${parameter}]`).first().waitFor();
				const file = join(shots, `${image}.png`);
				await ndv.screenshot({ path: file });
				if (process.env.E2E_UPDATE_DOCS_IMAGES === '1')
					copyFileSync(file, join(REPO_ROOT, 'docs/images', `${image}.png`));
				await page.locator('[data-test-id=ndv-close-button]').click();
				await ndv.waitFor({ state: 'hidden' });
			};
			await panel(
				'Reply Draft',
				['replyContent', 'bodyContentType', 'bodyContent', 'from', 'inlineImages'],
				'mail-reply-draft',
			);
			await panel(
				'Out of Office',
				['status', 'scheduledStart', 'scheduledEnd', 'timeZone', 'externalAudience'],
				'mail-automatic-replies',
			);
		} finally {
			await browser.close();
		}
	});
}
