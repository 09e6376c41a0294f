/**
 * The AI-tool limits of both Graph nodes (nodes/shared/toolPolicy/), through the path n8n-core
 * takes when an AI Agent calls a tool (test/support/tool-harness.ts), against the Graph stand-in
 * with a furnished mailbox (graph-world.ts) and its own check of what leaves (graph-outbound.ts).
 * test/security/tool-limits.test.ts runs every operation under every limit; this suite states the
 * behaviours one by one, with the messages the model reads.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { parseRecipients } from '../../nodes/OutlookMail/helpers/recipients';
import { parseAddresses } from '../../nodes/OutlookCalendar/helpers/addresses';
import { NodeConnectionTypes, NodeHelpers } from 'n8n-workflow';

import { OutlookCalendar } from '../../nodes/OutlookCalendar/OutlookCalendar.node';
import { resources as calendarResources } from '../../nodes/OutlookCalendar/actions/router';
import { OutlookMail } from '../../nodes/OutlookMail/OutlookMail.node';
import { resources as mailResources } from '../../nodes/OutlookMail/actions/router';
import { GraphTransport } from '../../nodes/shared/graph/client';
import { defineResource, resourceMap, resourceProperties } from '../../nodes/shared/resources';
import { routeItems, type OperationModule } from '../../nodes/shared/router';
import {
	describedOperations,
	toolDescriptionProperties,
	toolDescriptionText,
	type DescribedOperation,
} from '../../nodes/shared/toolPolicy/describe';
import { toolLimitProperties } from '../../nodes/shared/toolPolicy/limits';
import { toolSafeResources } from '../../nodes/shared/toolPolicy/policy';
import { isAllowed, parseAllowList, readAddresses } from '../../nodes/shared/toolPolicy/addresses';
import type { ToolLimits, ToolNode } from '../../nodes/shared/toolPolicy/limits';
import {
	connectedCredential,
	expectGraphContractKept,
	startStandIns,
	type StandIns,
} from '../support/fixtures';
import { OutboundLedger } from '../support/graph-outbound';
import { GraphWorld } from '../support/graph-world';
import { TEST_USER } from '../support/identity-provider';
import { N8nHarness } from '../support/n8n-harness';
import {
	agentTool,
	callTool,
	editorToolVariant,
	fromAI,
	toolVariant,
	type AgentTool,
} from '../support/tool-harness';

const MAIL = 'outlookMailTool';
const CALENDAR = 'outlookCalendarTool';
const mailTool = toolVariant(new OutlookMail());
const calendarTool = toolVariant(new OutlookCalendar());
const rl = (value: string) => ({ __rl: true, mode: 'id', value });

const OUTSIDER = 'AAMk-outsider';
const INSIDER = 'AAMk-insider';
const DRAFT = 'AAMk-draft';
const MEETING = 'AAMkevent-meeting';
const SOLO = 'AAMkevent-solo';
const INVITATION = 'AAMkevent-invitation';

describe('AI tools: the limits the author sets, as the model meets them', () => {
	let s: StandIns;
	let n8n: N8nHarness;
	let ledger: OutboundLedger;
	let world: GraphWorld;
	beforeAll(async () => {
		s = await startStandIns();
		ledger = new OutboundLedger(TEST_USER).attach(s.graph);
	});
	afterAll(async () => await s.close());
	beforeEach(() => {
		s.graph.reset();
		ledger.reset();
		world = new GraphWorld(s.graph, ledger).install();
		world
			.addMessage({
				id: OUTSIDER,
				from: 'stranger@elsewhere.org',
				replyTo: ['exfil@evil.test'],
				to: [TEST_USER],
				cc: ['colleague@contoso.com'],
			})
			.addMessage({ id: INSIDER, from: 'ana@contoso.com', to: [TEST_USER] })
			.addMessage({
				id: DRAFT,
				from: 'ceo@contoso.com',
				to: ['bob@contoso.com'],
				isDraft: true,
			})
			.addEvent({ id: MEETING, organizer: TEST_USER, attendees: ['guest@evil.test'] })
			.addEvent({ id: SOLO, organizer: TEST_USER, attendees: [] })
			.addEvent({ id: INVITATION, organizer: 'boss@contoso.com', attendees: [TEST_USER] });
		n8n = new N8nHarness({ [MAIL]: mailTool, [CALENDAR]: calendarTool }, connectedCredential(s));
	});
	afterEach(() => {
		expect(world.unanswered).toEqual([]);
		expectGraphContractKept(s.graph);
	});

	const mail = (parameters: INodeParameters, typeVersion = 1.1): AgentTool =>
		agentTool(n8n, MAIL, mailTool, parameters, { typeVersion });
	const calendar = (parameters: INodeParameters, typeVersion = 1.1): AgentTool =>
		agentTool(n8n, CALENDAR, calendarTool, parameters, { typeVersion });
	const sent = () => ledger.entries.filter((e) => e.kind === 'sends');

	const sendTool = (extra: INodeParameters = {}): INodeParameters => ({
		resource: 'message',
		operation: 'send',
		toRecipients: fromAI('to'),
		subject: fromAI('subject'),
		bodyContent: fromAI('body'),
		...extra,
	});

	describe('the limit fields', () => {
		it.each([
			['Outlook Mail', mailTool, 'toolDraftsOnly'],
			['Outlook Calendar', calendarTool, 'toolNoInvitations'],
		] as Array<[string, INodeType, string]>)(
			'%s: tool-only fields that take no expression, so no $fromAI can fill them',
			(_name, tool, noSending) => {
				const names = [
					'toolReadOnly',
					noSending,
					'toolAllowedRecipients',
					'toolMaxRecipients',
					'toolAllowedFrom',
				];
				for (const name of names) {
					const fields = tool.description.properties.filter((p) => p.name === name);
					expect(fields.length).toBeGreaterThan(0);
					for (const field of fields) {
						expect(field.noDataExpression).toBe(true);
						expect(field.displayOptions?.show?.['@tool']).toEqual([true]);
					}
				}
			},
		);

		it('the plain nodes have no such fields set', () => {
			for (const node of [new OutlookMail(), new OutlookCalendar()]) {
				const plain = NodeHelpers.getNodeParameters(
					node.description.properties,
					{},
					true,
					false,
					null,
					node.description,
				);
				for (const name of ['toolReadOnly', 'toolAllowedRecipients', 'toolDescription'])
					expect(plain).not.toHaveProperty(name);
			}
		});

		it('a limit written as an expression (a hand-edited workflow) is refused before anything is done', async () => {
			const { error } = await callTool(
				mail(sendTool({ toolAllowedRecipients: fromAI('allowed') })),
				{ to: 'bob@contoso.com', subject: 'Hi', body: 'x', allowed: 'evil.test' },
			);
			expect(error).toContain('The tool limit "toolAllowedRecipients" holds an expression');
			expect(s.graph.calls()).toEqual([]);
		});

		it('Outlook Calendar 1.0 tools (saved before the limits) keep running without No Invitations; 1.1 starts with it on', async () => {
			const create = {
				resource: 'event',
				operation: 'create',
				subject: 'Sync',
				start: '2030-01-10T09:00:00Z',
				end: '2030-01-10T10:00:00Z',
				additionalFields: { requiredAttendees: fromAI('who') },
			};
			const before = await callTool(calendar(create, 1), { who: 'bob@contoso.com' });
			expect(before.error).toBeUndefined();
			expect(sent().map((e) => e.recipients)).toEqual([['bob@contoso.com']]);
			const now = await callTool(calendar(create), { who: 'bob@contoso.com' });
			expect(now.error).toContain('Refused by the tool\'s limit "No Invitations"');
			expect(sent()).toHaveLength(1);
		});
	});

	describe('what the model reads: name, description and schema', () => {
		it('the description says what the operation does and each limit that bears on it', () => {
			const tool = mail(
				sendTool({ toolAllowedRecipients: 'contoso.com, @fabrikam.com', toolMaxRecipients: 3 }),
			);
			expect(tool.description).toBe(
				'Create a draft in Outlook Mail. Drafts only: nothing is sent; the message is saved in the Drafts folder for a person to review and send. Recipients must be at: contoso.com, fabrikam.com (addresses, or domains and their subdomains), including those a reply or a meeting update reaches. At most 3 recipients per message. Sending as another mailbox (From, or another Mailbox) is refused.',
			);
			expect(Object.keys((tool.schema as { shape: object }).shape).sort()).toEqual([
				'body',
				'subject',
				'to',
			]);
			expect(mail({ resource: 'message', operation: 'getAll' }).description).toBe(
				'Get many messages in Outlook Mail.',
			);
			expect(mail(sendTool({ toolDraftsOnly: false })).description).toBe(
				'Send a message in Outlook Mail. Sending as another mailbox (From, or another Mailbox) is refused.',
			);
			expect(mail(sendTool({ toolReadOnly: true })).description).toBe(
				'Send a message in Outlook Mail. Read only: the author allows this tool to read only, so every call is refused.',
			);
			expect(
				calendar({ resource: 'event', operation: 'create', toolAllowedFrom: 'team@contoso.com' })
					.description,
			).toBe(
				'Create an event in Outlook Calendar. No invitations: a call that would make Outlook mail attendees or the organizer is refused; events without attendees are fine. Sending as another mailbox is allowed only as: team@contoso.com.',
			);
		});

		it('the automatic description (an n8n expression) says the same as the policy for every operation of both nodes under many limits', () => {
			const combos: Array<Partial<ToolLimits>> = [
				{},
				{ readOnly: true },
				{ noSending: false },
				{ allowed: ['contoso.com', 'a@b.org'], maxRecipients: 2 },
				{ noSending: false, allowedFrom: ['support@contoso.com'] },
			];
			const cases: Array<[ToolNode, typeof mailResources, string, typeof mail]> = [
				['mail', mailResources, 'toolDraftsOnly', mail],
				['calendar', calendarResources, 'toolNoInvitations', calendar],
			];
			let compared = 0;
			for (const [node, resources, noSending, tool] of cases) {
				const table = describedOperations(resources);
				for (const [resource, operations] of Object.entries(table)) {
					for (const [operation, described] of Object.entries(operations) as Array<
						[string, DescribedOperation]
					>) {
						// Send and Wait hides the tool fields: a tool uses it only as n8n's Human review.
						if (operation === 'sendAndWait') continue;
						for (const combo of combos) {
							const limits: ToolLimits = {
								readOnly: false,
								noSending: true,
								allowed: [],
								maxRecipients: 0,
								allowedFrom: [],
								...combo,
							};
							const parameters: INodeParameters = {
								resource,
								operation,
								toolReadOnly: limits.readOnly,
								[noSending]: limits.noSending,
								toolAllowedRecipients: limits.allowed.join(', '),
								toolMaxRecipients: limits.maxRecipients,
								toolAllowedFrom: limits.allowedFrom.join(', '),
							};
							expect([resource, operation, tool(parameters).description]).toEqual([
								resource,
								operation,
								toolDescriptionText(node, described, limits),
							]);
							compared++;
						}
					}
				}
			}
			expect(compared).toBeGreaterThan(200);
		});

		it('the editor shows "Set Automatically", never the expression; Set Manually shows the author\'s text, which the model gets', () => {
			const defaults = NodeHelpers.getNodeParameters(
				mailTool.description.properties,
				{ resource: 'message', operation: 'send' },
				true,
				false,
				{ typeVersion: 1.1 } as never,
				mailTool.description,
			)!;
			expect(defaults.descriptionType).toBe('automatic');
			const visible = mailTool.description.properties.filter(
				(p) =>
					p.name === 'toolDescription' &&
					NodeHelpers.displayParameter(
						defaults,
						p,
						{ typeVersion: 1.1 } as never,
						mailTool.description,
					),
			);
			expect(visible.map((p) => p.type)).toEqual(['hidden']);
			const manual = mail({
				resource: 'message',
				operation: 'getAll',
				descriptionType: 'manual',
				toolDescription: 'Find the customer mail about an order.',
			});
			expect(manual.description).toBe('Find the customer mail about an order.');
		});

		it('a saved Outlook Mail 1.0 tool keeps its one text field: Set Manually, with what it held', () => {
			const saved = mail({ resource: 'message', operation: 'send' }, 1);
			// It kept the default, which now is the automatic description.
			expect(saved.description).toMatch(/^Create a draft in Outlook Mail\. Drafts only/);
			const own = mail(
				{ resource: 'message', operation: 'getAll', toolDescription: 'My own text' },
				1,
			);
			expect(own.description).toBe('My own text');
		});

		it("a saved Outlook Calendar tool with n8n's own Set Manually text keeps it", () => {
			const tool = calendar(
				{
					resource: 'event',
					operation: 'getAll',
					descriptionType: 'manual',
					toolDescription: 'Read my week',
				},
				1,
			);
			expect(tool.description).toBe('Read my week');
		});

		it('the editor titles a tool that may save a draft "Write …", not "Send a message"; the plain node keeps its titles, and nothing else differs', () => {
			for (const node of [new OutlookMail(), new OutlookCalendar()]) {
				const editor = editorToolVariant(node);
				const names = (description: typeof editor) =>
					NodeHelpers.makeNodeName({ resource: 'message', operation: 'send' }, description);
				if (node instanceof OutlookMail) {
					expect(names(editor)).toBe('Write a message in Outlook Mail');
					expect(names(node.description)).toBe('Send a message');
					expect(
						NodeHelpers.makeNodeName({ resource: 'message', operation: 'getAll' }, editor),
					).toBe('Get many messages in Outlook Mail');
				}
				// What runs is what the editor shows: only the actions differ.
				const withoutActions = (properties: typeof editor.properties) =>
					JSON.parse(JSON.stringify(properties), (key, value) =>
						key === 'action' ? undefined : (value as unknown),
					) as unknown;
				expect(withoutActions(editor.properties)).toEqual(
					withoutActions(node.description.properties),
				);
			}
		});
	});

	describe('Drafts Only (Outlook Mail)', () => {
		it('is the default: Send saves a draft instead and says it was not sent', async () => {
			const { answer, error } = await callTool(mail(sendTool()), {
				to: 'bob@contoso.com',
				subject: 'Offer',
				body: 'Hello Bob',
			});
			expect(error).toBeUndefined();
			expect(s.graph.calls().map((c) => `${c.method} ${c.path}`)).toEqual(['POST /me/messages']);
			expect(answer).toEqual([
				expect.objectContaining({
					sent: false,
					savedAsDraft: true,
					note: expect.stringContaining('Not sent: this tool may only create drafts'),
				}),
			]);
			expect(sent()).toEqual([]);
		});

		it.each([
			['reply', 'createReply'],
			['replyAll', 'createReplyAll'],
			['forward', 'createForward'],
		])('%s creates the draft in the thread instead (%s)', async (operation, action) => {
			const { answer, error } = await callTool(
				mail({
					resource: 'message',
					operation,
					messageId: rl(INSIDER),
					comment: fromAI('text'),
					...(operation === 'forward' ? { toRecipients: fromAI('to') } : {}),
				}),
				{ text: 'Thanks', to: 'bob@contoso.com' },
			);
			expect(error).toBeUndefined();
			expect(s.graph.calls().map((c) => `${c.method} ${c.path}`)).toEqual([
				`POST /me/messages/${INSIDER}/${action}`,
			]);
			expect(answer).toEqual([
				expect.objectContaining({ inReplyTo: INSIDER, sent: false, savedAsDraft: true }),
			]);
			expect(sent()).toEqual([]);
		});

		it('what can only send is refused with a message the model can act on: Draft → Send, Send and Wait, automatic replies', async () => {
			for (const [parameters, args] of [
				[{ resource: 'draft', operation: 'send', messageId: rl(DRAFT) }, {}],
				[
					{
						resource: 'message',
						operation: 'sendAndWait',
						toRecipients: fromAI('to'),
						subject: 'Approve?',
						message: 'Please approve',
					},
					{ to: 'bob@contoso.com' },
				],
				[
					{
						resource: 'mailbox',
						operation: 'setAutomaticReplies',
						status: 'alwaysEnabled',
						externalReplyMessage: fromAI('text'),
						externalAudience: 'all',
					},
					{ text: 'I am away' },
				],
			] as Array<[INodeParameters, Record<string, string>]>) {
				const { error } = await callTool(mail(parameters), args);
				expect(error).toContain('Refused by the tool\'s limit "Drafts Only": this would send mail');
				expect(error).toContain('Nothing was sent.');
				expect(error).toContain('Details: Drafts only');
			}
			expect(s.graph.calls().filter((c) => c.method !== 'GET')).toEqual([]);
		});

		it('an inbox rule that forwards is sending: switching on one someone set up to forward is refused; renaming one that stays off is not', async () => {
			world.addRule({ id: 'rule-1', forwardTo: ['exfil@evil.test'], enabled: false });
			const update = (updateFields: INodeParameters) =>
				callTool(
					mail({ resource: 'inboxRule', operation: 'update', ruleId: rl('rule-1'), updateFields }),
					{},
				);
			expect((await update({ isEnabled: true })).error).toContain(
				'"Drafts Only": this would send mail to exfil@evil.test',
			);
			expect((await update({ displayName: 'Invoices' })).error).toBeUndefined();
			expect(sent()).toEqual([]);
		});

		describe.each([
			['replace the rule’s as a group', false],
			['merge into the rule’s', true],
		])('an inbox rule update whose actions %s (Microsoft documents neither)', (_how, merge) => {
			beforeEach(() => {
				ledger.ruleActionsMerge = merge;
				world.addRule({ id: 'rule-1', forwardTo: ['exfil@evil.test'], enabled: false });
			});
			const update = (actions: INodeParameters, args: Record<string, unknown>, limits = {}) =>
				callTool(
					mail({
						resource: 'inboxRule',
						operation: 'update',
						ruleId: rl('rule-1'),
						updateFields: { isEnabled: fromAI('enabled', 'boolean') },
						actions,
						...limits,
					}),
					{ enabled: true, ...args },
				);
			const limits: Array<[string, INodeParameters, string]> = [
				['Drafts Only', {}, '"Drafts Only": this would send mail to exfil@evil.test'],
				[
					'Allowed Recipients',
					{ toolDraftsOnly: false, toolAllowedRecipients: 'contoso.com' },
					'"Allowed Recipients"',
				],
			];

			it.each(limits)(
				'%s: switching it on with an Actions entry that builds nothing, or with other actions only, is refused',
				async (_limit, limitFields, refusal) => {
					for (const [actions, args] of [
						[{ forwardTo: fromAI('forwardTo') }, { forwardTo: '' }],
						[{ markImportance: fromAI('importance') }, { importance: '' }],
						[{ markAsRead: true }, {}],
					] as Array<[INodeParameters, Record<string, unknown>]>) {
						const { error } = await update(actions, args, limitFields);
						expect(error).toContain(`Refused by the tool's limit ${refusal}`);
					}
					expect(sent()).toEqual([]);
					expect(ledger.entries.filter((e) => e.request.startsWith('PATCH'))).toEqual([]);
				},
			);

			it('switching it on with a Forward To of its own inside Allowed Recipients runs, and forwards only there', async () => {
				const { error } = await update(
					{ forwardTo: fromAI('forwardTo') },
					{ forwardTo: 'bob@contoso.com' },
					{ toolDraftsOnly: false, toolAllowedRecipients: 'contoso.com' },
				);
				expect(error).toBeUndefined();
				expect(sent().map((e) => e.recipients)).toEqual([['bob@contoso.com']]);
			});
		});

		it('turning automatic replies off sends nothing, so it runs', async () => {
			const { error } = await callTool(
				mail({ resource: 'mailbox', operation: 'setAutomaticReplies', status: fromAI('status') }),
				{ status: 'disabled' },
			);
			expect(error).toBeUndefined();
			expect(ledger.entries.map((e) => e.kind)).toEqual(['change']);
		});
	});

	describe('No Invitations (Outlook Calendar)', () => {
		const event = (extra: INodeParameters) => ({
			resource: 'event',
			operation: 'create',
			subject: fromAI('subject'),
			start: '2030-01-10T09:00:00Z',
			end: '2030-01-10T10:00:00Z',
			...extra,
		});

		it('an event without attendees is created; one with attendees is refused before anything is sent', async () => {
			expect(
				(await callTool(calendar(event({})), { subject: 'Focus time' })).error,
			).toBeUndefined();
			const { error } = await callTool(
				calendar(event({ additionalFields: { requiredAttendees: fromAI('who') } })),
				{ subject: 'Sync', who: 'bob@contoso.com' },
			);
			expect(error).toContain(
				'Refused by the tool\'s limit "No Invitations": this would make Outlook send mail to bob@contoso.com',
			);
			expect(sent()).toEqual([]);
			expect(ledger.entries.map((e) => e.request)).toEqual(['POST /me/events']);
		});

		it('changing, cancelling or deleting a meeting you organise with attendees is refused; one without attendees is fine', async () => {
			for (const [operation, extra] of [
				['update', { updateFields: { subject: fromAI('subject') } }],
				['cancel', {}],
				['delete', {}],
			] as Array<[string, INodeParameters]>) {
				const refused = await callTool(
					calendar({ resource: 'event', operation, eventId: rl(MEETING), ...extra }),
					{ subject: 'Moved' },
				);
				expect(refused.error).toContain(
					'"No Invitations": this would make Outlook send mail to guest@evil.test',
				);
			}
			const solo = await callTool(
				calendar({ resource: 'event', operation: 'delete', eventId: rl(SOLO) }),
				{},
			);
			expect(solo.error).toBeUndefined();
			expect(sent()).toEqual([]);
			expect(ledger.entries.map((e) => `${e.request} ${e.kind}`)).toEqual([
				`DELETE /me/events/${SOLO} change`,
			]);
		});

		it("setting attendees on an invitation's copy counts the attendees the update keeps (they are sent along)", async () => {
			world.addEvent({
				id: 'AAMkevent-copy',
				organizer: 'boss@contoso.com',
				attendees: [TEST_USER, 'guest@evil.test'],
			});
			const { error } = await callTool(
				calendar({
					resource: 'event',
					operation: 'update',
					eventId: rl('AAMkevent-copy'),
					updateFields: { optionalAttendees: fromAI('who') },
					toolNoInvitations: false,
					toolAllowedRecipients: 'contoso.com',
				}),
				{ who: 'bob@contoso.com' },
			);
			expect(error).toContain("guest@evil.test (the meeting's attendees) is not allowed");
			expect(ledger.entries).toEqual([]);
		});

		it('answering an invitation mails the organizer unless Send Response is off; forwarding it notifies them too', async () => {
			const respond = (sendResponse: boolean) =>
				calendar({
					resource: 'event',
					operation: 'respond',
					eventId: rl(INVITATION),
					response: 'accept',
					sendResponse,
				});
			expect((await callTool(respond(true), {})).error).toContain(
				'this would make Outlook send mail to boss@contoso.com',
			);
			expect((await callTool(respond(false), {})).error).toBeUndefined();
			const forward = await callTool(
				calendar({
					resource: 'event',
					operation: 'forward',
					eventId: rl(INVITATION),
					toRecipients: fromAI('to'),
					toolNoInvitations: false,
					toolAllowedRecipients: 'partner.org',
				}),
				{ to: 'someone@partner.org' },
			);
			// The organizer is notified of a forward from an attendee's mailbox (event-forward).
			expect(forward.error).toContain("boss@contoso.com (the meeting's organizer) is not allowed");
			expect(sent()).toEqual([]);
		});
	});

	describe('Allowed Recipients and Max Recipients', () => {
		const limits = {
			toolDraftsOnly: false,
			toolAllowedRecipients: 'contoso.com, partner@fabrikam.com',
		};

		it('an address outside is refused before any request; a domain admits its subdomains only, never look-alikes', async () => {
			const ok = await callTool(mail(sendTool(limits)), {
				to: 'bob@contoso.com, eu@sales.contoso.com, partner@fabrikam.com',
				subject: 'Hi',
				body: 'x',
			});
			expect(ok.error).toBeUndefined();
			expect(sent().map((e) => e.recipients)).toEqual([
				['bob@contoso.com', 'eu@sales.contoso.com', 'partner@fabrikam.com'],
			]);
			for (const outsider of [
				'mallory@notcontoso.com',
				'other@fabrikam.com',
				'x@contoso.com.evil.test',
				'y@contoso-com.test',
				'z@contoso.com@evil.test',
			]) {
				const { error } = await callTool(mail(sendTool(limits)), {
					to: `bob@contoso.com, ${outsider}`,
					subject: 'Hi',
					body: 'x',
				});
				expect(error).toContain('Refused by the tool\'s limit "Allowed Recipients"');
				expect(error).toContain('Nothing was sent.');
			}
			expect(sent()).toHaveLength(1);
		});

		it('Reply-To counts: replies must not be asked to go outside', async () => {
			const { error } = await callTool(
				mail(sendTool({ ...limits, additionalFields: { replyTo: fromAI('replyTo') } })),
				{ to: 'bob@contoso.com', subject: 'Hi', body: 'x', replyTo: 'exfil@evil.test' },
			);
			expect(error).toContain('exfil@evil.test (Reply To) is not allowed');
		});

		it("a reply goes where Graph sends it: the original's Reply-To, else its sender; a reply-all also to its To and CC", async () => {
			const reply = (operation: string) =>
				mail({
					resource: operation === 'reply' ? 'message' : 'draft',
					operation,
					messageId: rl(OUTSIDER),
					comment: fromAI('text'),
					toolAllowedRecipients: 'contoso.com',
				});
			// Drafts Only is on: the reply draft is checked like the reply.
			const one = await callTool(reply('reply'), { text: 'Thanks' });
			expect(one.error).toContain(
				"exfil@evil.test (the original's sender or Reply-To) is not allowed",
			);
			const all = await callTool(reply('createReplyAll'), { text: 'Thanks' });
			expect(all.error).toContain('exfil@evil.test');
			expect(all.error).toContain('alice@example.test');
			expect(s.graph.calls().filter((c) => c.method !== 'GET')).toEqual([]);
		});

		it('a draft being sent reaches its own recipients; one addressed inside is sent', async () => {
			const { error } = await callTool(
				mail({
					resource: 'draft',
					operation: 'send',
					messageId: rl(DRAFT),
					toolDraftsOnly: false,
					toolAllowedRecipients: 'contoso.com',
					toolAllowedFrom: 'ceo@contoso.com',
				}),
				{},
			);
			expect(error).toBeUndefined();
			expect(sent().map((e) => e.recipients)).toEqual([['bob@contoso.com']]);
		});

		it('Max Recipients counts To, CC and BCC together (each address once), and those a reply adds', async () => {
			const { error } = await callTool(mail(sendTool({ toolMaxRecipients: 2 })), {
				to: 'a@contoso.com, b@contoso.com, A@contoso.com, c@contoso.com',
				subject: 'Hi',
				body: 'x',
			});
			expect(error).toContain('3 recipients, more than the 2 allowed per message');
			const replyAll = await callTool(
				mail({
					resource: 'draft',
					operation: 'createReplyAll',
					messageId: rl(OUTSIDER),
					comment: 'ok',
					toolMaxRecipients: 1,
				}),
				{},
			);
			expect(replyAll.error).toContain('recipients, more than the 1 allowed per message');
			expect(ledger.entries).toEqual([]);
		});

		it('automatic replies go to whoever writes in: no allow-list can vouch for that audience', async () => {
			const { error } = await callTool(
				mail({
					resource: 'mailbox',
					operation: 'setAutomaticReplies',
					status: 'alwaysEnabled',
					externalAudience: 'none',
					toolDraftsOnly: false,
					toolAllowedRecipients: 'contoso.com',
				}),
				{},
			);
			expect(error).toContain('this would reach senders inside the organization');
			expect(ledger.entries).toEqual([]);
		});
	});

	describe("what the nodes' own parsers read", () => {
		it('the address in the last angle brackets is read whatever the name holds, as the nodes read it; an entry with no address refuses', async () => {
			// Outlook Calendar reads `a>b <guest@evil.test>` as guest@evil.test, Outlook Mail reads
			// `a<b <ceo@contoso.com>` as ceo@contoso.com: so do the limits.
			const event = (who: string) =>
				callTool(
					calendar({
						resource: 'event',
						operation: 'create',
						subject: 'Sync',
						start: '2030-01-10T09:00:00Z',
						end: '2030-01-10T10:00:00Z',
						additionalFields: { requiredAttendees: fromAI('who') },
					}),
					{ who },
				);
			expect((await event('a>b <guest@evil.test>')).error).toContain(
				'"No Invitations": this would make Outlook send mail to guest@evil.test',
			);
			const from = await callTool(mail(sendTool({ additionalFields: { from: fromAI('from') } })), {
				to: 'bob@contoso.com',
				subject: 'Hi',
				body: 'x',
				from: 'a<b <ceo@contoso.com>',
			});
			expect(from.error).toContain('sending as ceo@contoso.com (From) is not allowed');
			// An entry no address can be read from counts as reaching someone: refused by the limit,
			// never passed on as "no attendees".
			expect((await event('guest at evil dot test')).error).toContain('"No Invitations"');
			expect(ledger.entries).toEqual([]);
		});
	});

	describe('Allowed Send-As Mailboxes', () => {
		it('From filled by the model is refused unless listed; From the author wrote is theirs', async () => {
			const fromModel = await callTool(
				mail(sendTool({ additionalFields: { from: fromAI('from') } })),
				{ to: 'bob@contoso.com', subject: 'Hi', body: 'x', from: 'ceo@contoso.com' },
			);
			expect(fromModel.error).toContain(
				'Refused by the tool\'s limit "Allowed Send-As Mailboxes": sending as ceo@contoso.com (From) is not allowed',
			);
			const listed = await callTool(
				mail(
					sendTool({
						additionalFields: { from: fromAI('from') },
						toolAllowedFrom: 'support@contoso.com',
					}),
				),
				{ to: 'bob@contoso.com', subject: 'Hi', body: 'x', from: 'support@contoso.com' },
			);
			expect(listed.error).toBeUndefined();
			const fixed = await callTool(
				mail(sendTool({ additionalFields: { from: 'team@contoso.com' } })),
				{ to: 'bob@contoso.com', subject: 'Hi', body: 'x' },
			);
			expect(fixed.error).toBeUndefined();
			expect(ledger.entries.map((e) => e.from)).toEqual([
				'support@contoso.com',
				'team@contoso.com',
			]);
		});

		it('another Mailbox for an operation that sends is sending as it', async () => {
			const { error } = await callTool(
				calendar({
					mailbox: fromAI('mailbox'),
					mailboxId: fromAI('who'),
					resource: 'event',
					operation: 'respond',
					eventId: rl(INVITATION),
					toolNoInvitations: false,
				}),
				{ mailbox: 'other', who: 'ceo@contoso.com' },
			);
			expect(error).toContain('sending as ceo@contoso.com (Mailbox) is not allowed');
			expect(ledger.entries).toEqual([]);
		});

		it("a calendar shared with you is its owner's: a meeting created in it is sent on their behalf", async () => {
			// https://learn.microsoft.com/graph/outlook-create-event-in-shared-delegated-calendar: a
			// calendar shared or delegated to the user is listed among theirs (GET /me/calendars) with
			// the person who shared it as owner; a meeting created in it invites as that person.
			world.calendars.set('AAMkcal-1', {
				...world.calendars.get('AAMkcal-1'),
				owner: { name: 'You', address: TEST_USER },
			});
			world.calendars.set('AAMkcal-ceo', {
				id: 'AAMkcal-ceo',
				name: 'CEO',
				owner: { name: 'CEO', address: 'ceo@contoso.com' },
			});
			const create = (limits: INodeParameters, calendarId = fromAI('calendar')) =>
				calendar({
					resource: 'event',
					operation: 'create',
					calendar: rl(calendarId),
					subject: 'Sync',
					start: '2026-12-10T10:00:00Z',
					end: '2026-12-10T11:00:00Z',
					additionalFields: { requiredAttendees: fromAI('attendees') },
					toolNoInvitations: false,
					...limits,
				});
			const meeting = { calendar: 'AAMkcal-ceo', attendees: 'bob@contoso.com' };
			const refused = await callTool(create({}), meeting);
			expect(refused.error).toContain(
				'Refused by the tool\'s limit "Allowed Send-As Mailboxes": sending as ceo@contoso.com (the calendar\'s owner) is not allowed',
			);
			expect(ledger.entries).toEqual([]);
			// Listed, written into the field by the author, your own calendar, or no attendees: it runs.
			expect(
				(await callTool(create({ toolAllowedFrom: 'ceo@contoso.com' }), meeting)).error,
			).toBeUndefined();
			expect(
				(await callTool(create({}, 'AAMkcal-ceo'), { attendees: 'bob@contoso.com' })).error,
			).toBeUndefined();
			expect(
				(await callTool(create({}), { calendar: 'AAMkcal-1', attendees: 'bob@contoso.com' })).error,
			).toBeUndefined();
			expect(
				(await callTool(create({}), { calendar: 'AAMkcal-ceo', attendees: '' })).error,
			).toBeUndefined();
			expect(sent()).toHaveLength(3);
		});
	});

	describe('Read Only', () => {
		it('reads run; anything that changes, drafts or sends is refused', async () => {
			const read = await callTool(
				mail({ resource: 'message', operation: 'get', messageId: rl(INSIDER), toolReadOnly: true }),
				{},
			);
			expect(read.error).toBeUndefined();
			for (const parameters of [
				{ resource: 'message', operation: 'delete', messageId: rl(INSIDER) },
				{ resource: 'folder', operation: 'create', name: 'x' },
				sendTool(),
			] as INodeParameters[]) {
				const { error } = await callTool(mail({ ...parameters, toolReadOnly: true }), {
					to: 'bob@contoso.com',
					subject: 'x',
					body: 'x',
				});
				expect(error).toContain('Refused by the tool\'s limit "Read Only"');
			}
			const calendarChange = await callTool(
				calendar({ resource: 'calendar', operation: 'create', name: 'x', toolReadOnly: true }),
				{},
			);
			expect(calendarChange.error).toContain('"Read Only": this operation changes the mailbox');
			// Nothing changed, drafted or sent: the stand-in saw only reads.
			expect(ledger.entries).toEqual([]);
		});

		it('Outlook Calendar admits exactly the reads docs/outlook-calendar.md lists, rooms included', async () => {
			// The doc's list: Get, Get Many, Get Instances, the calendars, Get Schedule, Find Meeting
			// Times, and the rooms and room lists. Read Only refuses whatever is not declared a read.
			const reads = calendarResources.flatMap((resource) =>
				Object.entries(resource.operations)
					.filter(([, module]) => module.declaration.does === 'read')
					.map(([operation]) => `${resource.option.value}.${operation}`),
			);
			expect(reads.sort()).toEqual(
				[
					'event.get',
					'event.getAll',
					'event.getInstances',
					'calendar.get',
					'calendar.getAll',
					'availability.getSchedule',
					'availability.findMeetingTimes',
					'room.get',
					'room.getAll',
					'room.getRoomLists',
				].sort(),
			);
			for (const operation of ['getAll', 'getRoomLists']) {
				const { error } = await callTool(
					calendar({ resource: 'room', operation, returnAll: true, toolReadOnly: true }),
					{},
				);
				expect(error).toBeUndefined();
			}
			expect(ledger.entries).toEqual([]);
		});
	});

	describe('the Human-review variant', () => {
		it("n8n derives it from Outlook Mail (webhooks and a Send and Wait operation), and the limits do not apply to the author's approval mail", () => {
			const { description } = new OutlookMail();
			expect(description.webhooks?.length).toBeGreaterThan(0);
			expect(
				description.properties
					.filter((p) => p.name === 'operation')
					.some((p) =>
						(p.options as Array<{ value: string }>).some((o) => o.value === 'sendAndWait'),
					),
			).toBe(true);
			// The limit fields are hidden on Send and Wait (the HITL tool's fixed operation).
			const limit = description.properties.find((p) => p.name === 'toolAllowedRecipients')!;
			expect(limit.displayOptions?.hide?.operation).toEqual(['sendAndWait']);
		});
	});
});

describe('addresses as the limits read them', () => {
	it('every separator either node splits on splits here; an entry that is not one address is unreadable', () => {
		expect(readAddresses('a@x.com; B <b@y.com>\nc@z.com, "Doe, J" <j@d.com>')).toEqual({
			addresses: ['a@x.com', 'b@y.com', 'c@z.com', 'j@d.com'],
			unreadable: [],
		});
		expect(readAddresses('x@contoso.com@evil.test, bob').unreadable).toEqual([
			'x@contoso.com@evil.test',
			'bob',
		]);
		expect(readAddresses([{ emailAddress: { address: 'A@X.com' } }, 'b@y.com']).addresses).toEqual([
			'a@x.com',
			'b@y.com',
		]);
	});

	it('what either node sends to is what the limits read: the same entries, the same reading of objects', () => {
		const node = { getNode: () => ({ name: 'Outlook', type: 'x', typeVersion: 1 }) };
		const sentTo = (parse: () => Array<{ address: string }>) => {
			try {
				return parse().map((entry) => entry.address.toLowerCase());
			} catch {
				return undefined; // the node refuses the value: nothing is sent
			}
		};
		for (const value of [
			'a@x.com; B <b@y.com>\nc@z.com, "Doe, J" <j@d.com>\r\ne@f.com',
			[{ address: 'guest@evil.test', emailAddress: { address: 'ok@contoso.com' } }],
			[{ emailAddress: { address: 'a@x.com', name: 'A' } }, { address: 'b@y.com' }, 'c@z.com'],
			[{ emailAddress: 'x@evil.test', address: 'ok@contoso.com' }],
			[{ address: 'a@x.com, b@evil.test' }],
			[{ name: 'no address' }],
			'Name <a@x.com> <b@evil.test>',
			'"a@x.com" <b@y.com>',
			['a@x.com;b@y.com', 7],
		] as unknown[]) {
			const read = readAddresses(value);
			for (const [parser, parse] of [
				[
					'Outlook Mail',
					() => parseRecipients(node as never, 0, 'To', value).map((r) => r.emailAddress),
				],
				['Outlook Calendar', () => parseAddresses(node as never, 0, value, 'Attendees')],
			] as const) {
				const sent = sentTo(parse);
				if (sent === undefined || read.unreadable.length) continue;
				expect({ parser, value, sent }).toEqual({ parser, value, sent: read.addresses });
			}
		}
	});

	it('a domain admits itself and its subdomains; an address only itself', () => {
		const list = parseAllowList('Contoso.com., @fabrikam.com; bob@partner.org');
		expect(list).toEqual(['contoso.com', 'fabrikam.com', 'bob@partner.org']);
		expect(isAllowed('eu@sales.contoso.com', list)).toBe(true);
		expect(isAllowed('bob@partner.org', list)).toBe(true);
		for (const address of [
			'x@contoso.com.evil.test',
			'x@notcontoso.com',
			'x@contoso-com.test',
			'alice@partner.org',
			'nobody',
		])
			expect(isAllowed(address, list)).toBe(false);
	});
});

/**
 * An operation added tomorrow is covered by its declaration alone: an inbox rule that forwards or
 * redirects (fields inside a fixed collection) sends only when it has someone to forward to.
 */
describe('a new operation that sends only when it reaches someone, with recipients in a fixed collection', () => {
	const ruleModule: OperationModule = {
		declaration: {
			does: 'send',
			reaches: [
				{ field: 'actions.forwardTo', label: 'Forward To' },
				{ field: 'actions.redirectTo', label: 'Redirect To' },
			],
			sendsOnlyWhenReaching: true,
		},
		description: [
			{
				displayName: 'Name',
				name: 'displayName',
				type: 'string',
				default: '',
				displayOptions: { show: { resource: ['rule'], operation: ['create'] } },
			},
			{
				displayName: 'Actions',
				name: 'actions',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				default: {},
				displayOptions: { show: { resource: ['rule'], operation: ['create'] } },
				options: [
					{
						displayName: 'Action',
						name: 'action',
						values: [
							{ displayName: 'Forward To', name: 'forwardTo', type: 'string', default: '' },
							{ displayName: 'Redirect To', name: 'redirectTo', type: 'string', default: '' },
							{ displayName: 'Move to Folder', name: 'moveToFolder', type: 'string', default: '' },
						],
					},
				],
			},
		],
		async execute(this: IExecuteFunctions, i: number) {
			const actions = this.getNodeParameter('actions.action', i, []) as Array<
				Record<string, string>
			>;
			const list = (key: string) =>
				actions
					.flatMap((a) => readAddresses(a[key]).addresses)
					.map((address) => ({ emailAddress: { address } }));
			const transport = await GraphTransport.create(this, i);
			return await transport.request<IDataObject>({
				method: 'POST',
				path: '/me/mailFolders/inbox/messageRules',
				body: {
					displayName: this.getNodeParameter('displayName', i),
					sequence: 1,
					isEnabled: true,
					actions: {
						...(list('forwardTo').length ? { forwardTo: list('forwardTo') } : {}),
						...(list('redirectTo').length ? { redirectTo: list('redirectTo') } : {}),
						...(actions.some((a) => a.moveToFolder) ? { moveToFolder: 'AAMkfolder-1' } : {}),
					},
				},
				itemIndex: i,
				permission: 'MailboxSettings.ReadWrite',
				action: 'create inbox rules',
			});
		},
	};
	const rules = defineResource(
		{ name: 'Rule', value: 'rule' },
		[
			{
				option: {
					name: 'Create',
					value: 'create',
					description: 'Create a rule',
					action: 'Create a rule',
				},
				module: ruleModule,
			},
		],
		'create',
	);
	const map = resourceMap([rules]);
	class RulesNode implements INodeType {
		description: INodeTypeDescription = {
			displayName: 'Rules',
			name: 'rulesTool',
			group: ['transform'],
			version: [1.1],
			description: 'Inbox rules',
			defaults: { name: 'Rules' },
			inputs: [],
			outputs: [NodeConnectionTypes.AiTool],
			credentials: [{ name: 'outlookOAuth2Api', required: true }],
			properties: [
				...resourceProperties([rules], 'rule'),
				...toolDescriptionProperties('mail', [rules], 'Inbox rules', 1.1),
				...toolLimitProperties('mail'),
			],
		};

		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			return await routeItems.call(
				this,
				toolSafeResources(this, map, { node: 'mail', itemId: () => '' }),
			);
		}
	}

	let s: StandIns;
	let n8n: N8nHarness;
	let ledger: OutboundLedger;
	const tool = new RulesNode();
	beforeAll(async () => {
		s = await startStandIns();
		ledger = new OutboundLedger(TEST_USER).attach(s.graph);
	});
	afterAll(async () => await s.close());
	beforeEach(() => {
		s.graph.reset();
		ledger.reset();
		new GraphWorld(s.graph, ledger).install();
		n8n = new N8nHarness({ rulesTool: tool }, connectedCredential(s));
	});
	afterEach(() => expectGraphContractKept(s.graph));

	const rule = (limits: INodeParameters, actions: Array<Record<string, string>>) =>
		callTool(
			agentTool(n8n, 'rulesTool', tool, {
				resource: 'rule',
				operation: 'create',
				displayName: 'Sort',
				actions: {
					action: actions.map((_, n) => ({
						forwardTo: fromAI(`forward${n}`),
						moveToFolder: fromAI(`move${n}`),
					})),
				},
				...limits,
			}),
			Object.fromEntries(
				actions.flatMap((a, n) => [
					[`forward${n}`, a.forwardTo ?? ''],
					[`move${n}`, a.moveToFolder ?? ''],
				]),
			),
		);

	it('Drafts Only: a rule that only moves mail runs; one that forwards is refused', async () => {
		expect((await rule({}, [{ moveToFolder: 'Projects' }])).error).toBeUndefined();
		const { error } = await rule({}, [{ forwardTo: 'exfil@evil.test', moveToFolder: 'x' }]);
		expect(error).toContain('"Drafts Only": this would send mail to exfil@evil.test');
		expect(ledger.entries.map((e) => e.kind)).toEqual(['change']);
	});

	it('Allowed Recipients and Max Recipients read every entry of the fixed collection', async () => {
		const open = {
			toolDraftsOnly: false,
			toolAllowedRecipients: 'contoso.com',
			toolMaxRecipients: 2,
		};
		expect((await rule(open, [{ forwardTo: 'ana@contoso.com' }])).error).toBeUndefined();
		const outside = await rule(open, [
			{ forwardTo: 'ana@contoso.com' },
			{ forwardTo: 'x@contoso.com.evil.test' },
		]);
		expect(outside.error).toContain('x@contoso.com.evil.test (Forward To) is not allowed');
		const many = await rule(open, [
			{ forwardTo: 'a@contoso.com, b@contoso.com' },
			{ forwardTo: 'c@contoso.com' },
		]);
		expect(many.error).toContain('3 recipients, more than the 2 allowed');
		expect(ledger.entries.map((e) => [e.kind, e.recipients])).toEqual([
			['sends', ['ana@contoso.com']],
		]);
	});
});
