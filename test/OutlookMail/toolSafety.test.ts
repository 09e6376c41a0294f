/**
 * The safe AI-tool mode, through the path n8n-core takes when an AI Agent calls the tool:
 * `createNodeAsTool` (the tool's description and schema as the model gets them) and
 * `makeHandleToolInvocation` (the model's arguments → the node's execute → the answer or the error
 * message the model reads), in a SupplyDataContext, against the Graph stand-in.
 */
import { SupplyDataContext } from 'n8n-core';
import { createNodeAsTool } from 'n8n-core/dist/execution-engine/node-execution-context/utils/create-node-as-tool';
import { makeHandleToolInvocation } from 'n8n-core/dist/execution-engine/node-execution-context/utils/get-input-connection-data';
import type { INode, INodeParameters, INodeProperties, INodeType } from 'n8n-workflow';
import { NodeConnectionTypes, NodeHelpers, createRunExecutionData, deepCopy } from 'n8n-workflow';

import { OutlookMail } from '../../nodes/OutlookMail/OutlookMail.node';
import {
	connectedCredential,
	expectGraphContractKept,
	startStandIns,
	type StandIns,
} from '../support/fixtures';
import { N8nHarness } from '../support/n8n-harness';
import { draftBody, graphMessage, MSG_ID, rl } from './message/setup';

const TOOL = 'outlookMailTool';

/** The tool variant as n8n makes it from `usableAsTool` (n8n `tool-generation/ai-tools.ts`). */
function toolVariant(): INodeType {
	const mail = new OutlookMail();
	const description = deepCopy(mail.description);
	description.name += 'Tool';
	description.displayName += ' Tool';
	description.inputs = [];
	description.outputs = [NodeConnectionTypes.AiTool];
	delete description.usableAsTool;
	// n8n adds its own Tool Description fields only when the node has none.
	if (!description.properties.some((p) => p.name === 'toolDescription'))
		throw new Error('expected the node to bring its own toolDescription');
	return Object.assign(Object.create(mail) as INodeType, { description });
}

const fromAI = (key: string, text: string) => `={{ $fromAI('${key}', '${text}', 'string') }}`;

const sendTool = (extra: INodeParameters = {}): INodeParameters => ({
	resource: 'message',
	operation: 'send',
	toRecipients: fromAI('to', 'Recipients, separated by commas'),
	subject: fromAI('subject', 'Subject'),
	bodyContent: fromAI('body', 'Text of the mail'),
	...extra,
});

describe('Outlook Mail as an AI tool: limits the author sets', () => {
	let s: StandIns;
	let harness: N8nHarness;
	const tool = toolVariant();
	beforeAll(async () => {
		s = await startStandIns();
	});
	afterAll(async () => await s.close());
	beforeEach(() => {
		s.graph.reset();
		harness = new N8nHarness({ [TOOL]: tool }, connectedCredential(s));
	});
	afterEach(() => expectGraphContractKept(s.graph));

	/** The tool n8n hands the agent for a node with these parameters. */
	function agentTool(parameters: INodeParameters) {
		const node: INode = harness.makeNode(TOOL, { parameters, nodeName: 'Mail' });
		node.parameters =
			NodeHelpers.getNodeParameters(
				tool.description.properties,
				node.parameters,
				true,
				false,
				node,
				tool.description,
			) ?? node.parameters;
		const workflow = harness.makeWorkflow(node);
		const runExecutionData = createRunExecutionData();
		const agent = { ...node, name: 'AI Agent', type: '@n8n/n8n-nodes-langchain.agent' };
		const contextFactory = (runIndex: number) =>
			new SupplyDataContext(
				workflow,
				node,
				harness.additionalData(),
				'manual',
				runExecutionData,
				runIndex,
				[{ json: {} }],
				{ main: [[{ json: {} }]] },
				NodeConnectionTypes.AiTool,
				{ node, data: { main: [[{ json: {} }]] }, source: null },
				[],
				undefined,
				agent,
			);
		const { response } = createNodeAsTool({
			node,
			nodeType: tool,
			handleToolInvocation: makeHandleToolInvocation(contextFactory, node, tool, runExecutionData),
			context: contextFactory(0),
			itemIndex: 0,
		});
		return response;
	}

	/** What the model reads back: the JSON answer, or the error message n8n returns. */
	async function call(parameters: INodeParameters, args: Record<string, string>) {
		try {
			return { answer: JSON.parse(String(await agentTool(parameters).invoke(args))) as unknown };
		} catch (error) {
			return { error: (error as Error).message };
		}
	}

	it('the limits are tool-only fields that take no expression, so no $fromAI can fill them', () => {
		const fields = tool.description.properties.filter((p: INodeProperties) =>
			['toolDraftsOnly', 'toolAllowedRecipients', 'toolMaxRecipients'].includes(p.name),
		);
		expect(fields).toHaveLength(3);
		for (const field of fields) {
			expect(field.noDataExpression).toBe(true);
			expect(field.displayOptions?.show?.['@tool']).toEqual([true]);
		}
		// The plain node (not a tool) has no such fields set.
		const mail = new OutlookMail();
		const plain = NodeHelpers.getNodeParameters(
			mail.description.properties,
			{ resource: 'message', operation: 'send' },
			true,
			false,
			null,
			mail.description,
		);
		expect(plain).not.toHaveProperty('toolDraftsOnly');
		expect(plain).not.toHaveProperty('toolDescription');
	});

	it('as a tool, Message defaults to Get Many, never Send; the plain node keeps Send (issue 15)', () => {
		const defaults = (type: INodeType) =>
			NodeHelpers.getNodeParameters(
				type.description.properties,
				{},
				true,
				false,
				null,
				type.description,
			);
		expect(defaults(tool)).toMatchObject({ resource: 'message', operation: 'getAll' });
		expect(defaults(new OutlookMail())).toMatchObject({ resource: 'message', operation: 'send' });
		// With no operation chosen, the tool reads mail: nothing is sent.
		expect(agentTool({}).description).toBe(
			'Search and list emails in Outlook Mail. Drafts only: this tool never sends mail; a message to send is saved in the Drafts folder for a person to review and send.',
		);
	});

	it('n8n derives the Human-review (HITL) tool from it: webhooks and a sendAndWait operation', () => {
		const { description } = new OutlookMail();
		expect(description.webhooks?.length).toBeGreaterThan(0);
		const operations = description.properties.filter((p) => p.name === 'operation');
		expect(
			operations.some((p) =>
				(p.options as Array<{ value: string }>).some((o) => o.value === 'sendAndWait'),
			),
		).toBe(true);
	});

	it('the model reads the limits in the tool description; its schema holds only the $fromAI fields', () => {
		const agent = agentTool(
			sendTool({ toolAllowedRecipients: 'contoso.com, @fabrikam.com', toolMaxRecipients: 3 }),
		);
		expect(agent.description).toBe(
			'Send an email in Outlook Mail. Drafts only: this tool never sends mail; a message to send is saved in the Drafts folder for a person to review and send. Recipients must be one of: contoso.com, @fabrikam.com (an address or a domain). At most 3 recipients per message (To, CC and BCC together).',
		);
		expect(Object.keys((agent.schema as { shape: object }).shape).sort()).toEqual([
			'body',
			'subject',
			'to',
		]);
		expect(
			agentTool({ resource: 'message', operation: 'getAll', toolDraftsOnly: false }).description,
		).toBe('Search and list emails in Outlook Mail.');
	});

	it('Drafts Only (the default): Send saves a draft instead, and says it was not sent', async () => {
		s.graph.on('POST', '/me/messages', {
			status: 201,
			body: graphMessage('draft-1', { isDraft: true }),
		});
		const { answer } = await call(sendTool(), {
			to: 'bob@contoso.com',
			subject: 'Offer',
			body: 'Hello Bob',
		});
		expect(s.graph.calls().map((c) => `${c.method} ${c.path}`)).toEqual(['POST /me/messages']);
		expect(s.graph.calls()[0].body).toMatchObject({
			subject: 'Offer',
			toRecipients: [{ emailAddress: { address: 'bob@contoso.com' } }],
		});
		expect(answer).toEqual([
			expect.objectContaining({
				id: 'draft-1',
				sent: false,
				savedAsDraft: true,
				note: expect.stringContaining('Not sent: this tool may only create drafts'),
			}),
		]);
	});

	it('Drafts Only: Reply, Reply All and Forward create a draft in the thread instead (createReply, createReplyAll, createForward), and say it was not sent', async () => {
		for (const [operation, action] of [
			['reply', 'createReply'],
			['replyAll', 'createReplyAll'],
			['forward', 'createForward'],
		]) {
			s.graph.reset();
			s.graph.on('POST', `/me/messages/${encodeURIComponent(MSG_ID)}/${action}`, {
				status: 201,
				body: graphMessage(`draft-${operation}`, { isDraft: true, body: draftBody('Thanks') }),
			});
			const parameters: INodeParameters = {
				resource: 'message',
				operation,
				messageId: rl(MSG_ID),
				comment: fromAI('text', 'Reply'),
				...(operation === 'forward' ? { toRecipients: fromAI('to', 'To') } : {}),
			};
			const { answer, error } = await call(parameters, { text: 'Thanks', to: 'bob@contoso.com' });
			expect(error).toBeUndefined();
			expect(s.graph.calls().map((c) => `${c.method} ${c.path}`)).toEqual([
				`POST /me/messages/${encodeURIComponent(MSG_ID)}/${action}`,
			]);
			expect(s.graph.calls()[0].body).toMatchObject(
				operation === 'forward'
					? { comment: 'Thanks', toRecipients: [{ emailAddress: { address: 'bob@contoso.com' } }] }
					: { comment: 'Thanks' },
			);
			expect(answer).toEqual([
				expect.objectContaining({
					id: `draft-${operation}`,
					inReplyTo: MSG_ID,
					sent: false,
					savedAsDraft: true,
					note: expect.stringContaining('Not sent: this tool may only create drafts'),
				}),
			]);
			expectGraphContractKept(s.graph);
		}
	});

	it('Drafts Only: operations that can only send are refused with a message the model can act on', async () => {
		for (const parameters of [
			{ resource: 'draft', operation: 'send', messageId: rl(MSG_ID) },
			{
				resource: 'message',
				operation: 'sendAndWait',
				toRecipients: fromAI('to', 'To'),
				subject: 'Approve?',
				message: 'Please approve',
			},
		]) {
			const { error } = await call(parameters, { to: 'bob@contoso.com' });
			expect(error).toContain(
				"Refused by the tool's limits: this operation sends mail, and this tool may only create drafts. Nothing was sent.",
			);
			expect(error).toContain('Details: Drafts only');
		}
		expect(s.graph.calls()).toEqual([]);
	});

	it('allow-list: an address outside it is refused before any request; domains admit subdomains only', async () => {
		s.graph.on('POST', '/me/sendMail', { status: 202 });
		const limits = {
			toolDraftsOnly: false,
			toolAllowedRecipients: 'contoso.com, partner@fabrikam.com',
		};
		const sent = await call(sendTool(limits), {
			to: 'bob@contoso.com, eu@sales.contoso.com, partner@fabrikam.com',
			subject: 'Hi',
			body: 'x',
		});
		expect(sent.answer).toEqual([expect.objectContaining({ sent: true })]);
		expect(s.graph.calls().map((c) => c.path)).toEqual(['/me/sendMail']);

		s.graph.reset();
		for (const outsider of [
			'mallory@notcontoso.com',
			'other@fabrikam.com',
			'x@contoso.com.evil.io',
		]) {
			const { error } = await call(sendTool(limits), {
				to: `bob@contoso.com, ${outsider}`,
				subject: 'Hi',
				body: 'x',
			});
			expect(error).toContain(`${outsider} is not an allowed recipient. Nothing was sent or saved`);
		}
		expect(s.graph.calls()).toEqual([]);
	});

	it('allow-list on a reply: the original sender counts (Graph replies to them)', async () => {
		s.graph.on('GET', '/me/messages/:id', {
			status: 200,
			body: graphMessage(MSG_ID, {
				from: { emailAddress: { address: 'stranger@elsewhere.org' } },
				replyTo: [],
			}),
		});
		const { error } = await call(
			{
				resource: 'message',
				operation: 'reply',
				messageId: rl(MSG_ID),
				comment: fromAI('text', 'Reply'),
				toolDraftsOnly: false,
				toolAllowedRecipients: 'contoso.com',
			},
			{ text: 'Thanks' },
		);
		expect(error).toContain('stranger@elsewhere.org is not an allowed recipient');
		expect(s.graph.calls().map((c) => `${c.method} ${c.path}`)).toEqual([
			`GET /me/messages/${encodeURIComponent(MSG_ID)}`,
		]);
	});

	it('cap: more recipients than allowed (To, CC and BCC together, duplicates once) is refused, also for drafts', async () => {
		const { error } = await call(sendTool({ toolMaxRecipients: 2 }), {
			to: 'a@contoso.com, b@contoso.com, A@contoso.com, c@contoso.com',
			subject: 'Hi',
			body: 'x',
		});
		expect(error).toContain('3 recipients, more than the 2 allowed per message');
		expect(s.graph.calls()).toEqual([]);
	});

	it('a limit written as an expression (a hand-edited workflow) is refused', async () => {
		const { error } = await call(
			sendTool({ toolAllowedRecipients: fromAI('allowed', 'Allowed') }),
			{
				to: 'bob@contoso.com',
				subject: 'Hi',
				body: 'x',
				allowed: 'evil.io',
			},
		);
		expect(error).toContain('tool limits must be fixed values');
		expect(s.graph.calls()).toEqual([]);
	});
});
