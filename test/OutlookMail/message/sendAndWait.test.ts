/**
 * Message → Send and Wait for a Response through n8n-core: the mail Graph receives (buttons
 * linking to n8n's signed resume URL), the wait n8n is asked for, and the node's webhook
 * answering the click or the form (n8n-core's WebhookContext, as n8n's waiting webhooks call it).
 */
import { ExecuteContext, WebhookContext } from 'n8n-core';
import type { IDataObject, INodeParameters, IWebhookData, IWebhookFunctions } from 'n8n-workflow';
import { NodeHelpers, SEND_AND_WAIT_OPERATION, WAIT_INDEFINITELY } from 'n8n-workflow';

import { OutlookMail } from '../../../nodes/OutlookMail/OutlookMail.node';
import { N8nHarness } from '../../support/n8n-harness';
import { MAIL, useMailNode } from './setup';

const RESUME = 'http://127.0.0.1:5678/webhookWaiting/test-execution/node-under-test';
const BROWSER =
	'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';

const sendAndWait = (extra: INodeParameters = {}): INodeParameters => ({
	resource: 'message',
	operation: SEND_AND_WAIT_OPERATION,
	toRecipients: 'approver@contoso.com',
	subject: 'Approve invoice 42?',
	message: 'Invoice 42 <b>1,200 EUR</b>\nfrom Fabrikam',
	...extra,
});

interface SentMail {
	subject: string;
	toRecipients: Array<{ emailAddress: { address: string } }>;
	body: { contentType: string; content: string };
	singleValueExtendedProperties: IDataObject[];
}

/** The hrefs of the buttons in the mail, in order. */
function links(html: string): Array<{ url: URL; label: string }> {
	return [...html.matchAll(/<a href="([^"]+)"[^>]*>([^<]*)<\/a>/g)]
		.map((m) => ({ url: new URL(m[1].replace(/&amp;/g, '&')), label: m[2] }))
		.filter((l) => l.url.href.startsWith(RESUME));
}

describe('Message → Send and Wait for Response', () => {
	const t = useMailNode();
	let waits: Date[];
	beforeEach(() => {
		waits = [];
		jest
			.spyOn(ExecuteContext.prototype, 'putExecutionToWait')
			.mockImplementation(async (until: Date) => {
				waits.push(until);
			});
		t.s.graph.on('POST', '/me/sendMail', { status: 202 });
	});
	afterEach(() => jest.restoreAllMocks());

	const sentMail = (): SentMail => {
		const calls = t.s.graph.calls().filter((c) => c.path === '/me/sendMail');
		expect(calls).toHaveLength(1);
		return (calls[0].body as { message: SentMail }).message;
	};

	it('mails one Approve button linking to the signed resume URL, waits indefinitely, passes the items on', async () => {
		const items = [{ json: { invoice: 42 } }, { json: { invoice: 43 } }];
		const out = await t.run(sendAndWait(), { items });
		const mail = sentMail();
		expect(mail.subject).toBe('Approve invoice 42?');
		expect(mail.toRecipients).toEqual([{ emailAddress: { address: 'approver@contoso.com' } }]);
		expect(mail.body.contentType).toBe('html');
		// The message is text: its markup is escaped, its line breaks kept.
		expect(mail.body.content).toContain('Invoice 42 &lt;b&gt;1,200 EUR&lt;/b&gt;<br>from Fabrikam');
		const buttons = links(mail.body.content);
		expect(buttons.map((b) => [b.label, b.url.searchParams.get('approved')])).toEqual([
			['Approve', 'true'],
		]);
		expect(buttons[0].url.searchParams.get('signature')).toMatch(/^[0-9a-f]{64}$/);
		expect(mail.body.content).toContain('This message was sent automatically with');
		// One mail for the execution, stamped so an ambiguous failure is never sent twice.
		expect(mail.singleValueExtendedProperties).toHaveLength(1);
		expect(waits).toEqual([WAIT_INDEFINITELY]);
		expect(out.map((item) => item.json)).toEqual([{ invoice: 42 }, { invoice: 43 }]);
	});

	it('Approve and Disapprove: two buttons with their labels, decline first (as n8n lays them out)', async () => {
		await t.run(
			sendAndWait({
				approvalOptions: {
					values: { approvalType: 'double', approveLabel: 'Pay it', disapproveLabel: 'Reject' },
				},
				options: { appendAttribution: false },
			}),
		);
		const html = sentMail().body.content;
		expect(links(html).map((b) => [b.label, b.url.searchParams.get('approved')])).toEqual([
			['Reject', 'false'],
			['Pay it', 'true'],
		]);
		expect(html).not.toContain('sent automatically');
	});

	it('free text and custom form: one Respond button (its own label) to the form', async () => {
		await t.run(
			sendAndWait({ responseType: 'freeText', options: { messageButtonLabel: 'Answer' } }),
		);
		expect(links(sentMail().body.content).map((b) => b.label)).toEqual(['Answer']);
	});

	it('Limit Wait Time: after an interval, or at a date; a bad date fails before any mail', async () => {
		const before = Date.now();
		await t.run(
			sendAndWait({
				options: {
					limitWaitTime: {
						values: { limitType: 'afterTimeInterval', resumeAmount: 2, resumeUnit: 'hours' },
					},
				},
			}),
		);
		expect(waits[0].getTime()).toBeGreaterThanOrEqual(before + 2 * 3600_000);
		expect(waits[0].getTime()).toBeLessThan(Date.now() + 2 * 3600_000 + 1);

		t.s.graph.reset();
		t.s.graph.on('POST', '/me/sendMail', { status: 202 });
		await t.run(
			sendAndWait({
				options: {
					limitWaitTime: {
						values: { limitType: 'atSpecifiedTime', maxDateAndTime: '2031-01-02T03:04:05Z' },
					},
				},
			}),
		);
		expect(waits[1].toISOString()).toBe('2031-01-02T03:04:05.000Z');

		t.s.graph.reset();
		const failure = await t.fail(
			sendAndWait({
				options: {
					limitWaitTime: { values: { limitType: 'atSpecifiedTime', maxDateAndTime: 'soon' } },
				},
			}),
		);
		expect(failure.message).toBe('Could not configure Limit Wait Time');
		expect(t.s.graph.calls()).toEqual([]);
		expect(waits).toHaveLength(2);
	});

	it('a bad To address fails the node before any mail, and the execution does not wait', async () => {
		const failure = await t.fail(sendAndWait({ toRecipients: 'approver at contoso' }));
		expect(failure.message).toContain('"approver at contoso" in the field To');
		expect(t.s.graph.calls()).toEqual([]);
		expect(waits).toEqual([]);
	});
});

// ---------------------------------------------------------------------------------------------

interface Answer {
	status: number;
	html?: string;
	headers: Record<string, string>;
}

/** Calls the node's webhook as n8n's WaitingWebhooks does, with a request and a response. */
async function click(
	parameters: INodeParameters,
	request: {
		method: 'GET' | 'HEAD' | 'POST';
		query?: IDataObject;
		body?: IDataObject;
		userAgent?: string;
	},
) {
	const mail = new OutlookMail();
	const harness = new N8nHarness({ [MAIL]: mail });
	const node = harness.makeNode(MAIL, { parameters });
	node.parameters =
		NodeHelpers.getNodeParameters(
			mail.description.properties,
			node.parameters,
			true,
			false,
			node,
			mail.description,
		) ?? node.parameters;
	const workflow = harness.makeWorkflow(node);
	const answer: Answer = { status: 200, headers: {} };
	const res = {
		status(code: number) {
			answer.status = code;
			return res;
		},
		setHeader(name: string, value: string) {
			answer.headers[name.toLowerCase()] = value;
		},
		send(body: string) {
			answer.html = body;
		},
		end() {},
	};
	const req = {
		method: request.method,
		query: request.query ?? {},
		body: request.body ?? {},
		headers: request.userAgent === undefined ? {} : { 'user-agent': request.userAgent },
		params: {},
	};
	const additionalData = {
		...harness.additionalData(),
		httpRequest: req as unknown as ReturnType<IWebhookFunctions['getRequestObject']>,
		httpResponse: res as unknown as ReturnType<IWebhookFunctions['getResponseObject']>,
	};
	const webhookData = {
		httpMethod: request.method,
		node: node.name,
		path: node.id,
		webhookDescription: mail.description.webhooks![0],
		workflowId: 'wf-test',
	} as unknown as IWebhookData;
	const context = new WebhookContext(
		workflow,
		node,
		additionalData,
		'webhook',
		webhookData,
		[],
		null,
	);
	const result = await mail.webhook.call(context);
	return { result, answer };
}

describe('Message → Send and Wait: the webhook behind the resume URL', () => {
	it('declares n8n’s send-and-wait webhooks (GET and POST on the node ID, restarting the execution)', () => {
		const { description } = new OutlookMail();
		expect(description.webhooks).toEqual([
			expect.objectContaining({ httpMethod: 'GET', path: '={{ $nodeId }}', restartWebhook: true }),
			expect.objectContaining({ httpMethod: 'POST', path: '={{ $nodeId }}', restartWebhook: true }),
		]);
	});

	const USER_AGENTS = [
		BROWSER,
		// Microsoft Defender Safe Links and other scanners fetch with ordinary browser agents too.
		'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0',
		'Mozilla/5.0 SkypeUriPreview Preview/0.5',
		undefined,
	];

	it('a GET of Approve or Decline, whatever the user agent (or a HEAD), records nothing: it shows a page whose button POSTs', async () => {
		const parameters = sendAndWait({
			approvalOptions: {
				values: { approvalType: 'double', approveLabel: 'Pay it', disapproveLabel: 'Reject' },
			},
		});
		for (const [approved, label, answer, cls] of [
			['true', 'Pay it', 'approve', 'primary'],
			['false', 'Reject', 'decline', 'secondary'],
		]) {
			for (const userAgent of USER_AGENTS) {
				for (const method of ['GET', 'HEAD'] as const) {
					const { result, answer: response } = await click(parameters, {
						method,
						query: { approved, signature: 'checked-by-n8n' },
						userAgent,
					});
					expect(result).toEqual({ noWebhookResponse: true });
					expect(response.status).toBe(200);
					expect(response.headers['cache-control']).toBe('no-store');
					expect(response.headers['referrer-policy']).toBe('no-referrer');
					const html = response.html ?? '';
					// The subject, the message as text, one button for this link's answer, posting back here.
					expect(html).toContain('<h1>Approve invoice 42?</h1>');
					expect(html).toContain('Invoice 42 &lt;b&gt;1,200 EUR&lt;/b&gt;<br>from Fabrikam');
					expect(html).toContain(
						`<form method="POST"><input type="hidden" name="answer" value="${answer}"><button type="submit" class="${cls}">${label}</button></form>`,
					);
					expect(html).not.toMatch(/<form[^>]* action=/);
					expect(html).toContain('Nothing has been recorded yet');
				}
			}
		}
	});

	it('the POST of the page records the link’s answer: { approved, respondedAt }', async () => {
		for (const approved of ['true', 'false']) {
			const { result } = await click(sendAndWait(), {
				method: 'POST',
				query: { approved, signature: 'checked-by-n8n' },
				// The form's field does not decide: the signed link does.
				body: { answer: approved === 'true' ? 'decline' : 'approve' },
				userAgent: BROWSER,
			});
			const data = result.workflowData![0][0].json.data as IDataObject;
			expect(data.approved).toBe(approved === 'true');
			expect(new Date(String(data.respondedAt)).getTime()).toBeGreaterThan(Date.now() - 60_000);
			expect(String(result.webhookResponse)).toContain('Got it, thanks');
		}
	});

	it('free text: GET shows the form, POST resumes with { text, respondedAt }', async () => {
		const parameters = sendAndWait({
			responseType: 'freeText',
			options: { responseFormTitle: 'Your answer' },
		});
		const shown = await click(parameters, { method: 'GET', userAgent: BROWSER });
		expect(shown.result).toEqual({ noWebhookResponse: true });
		expect(shown.answer.html).toContain('<h1>Your answer</h1>');
		expect(shown.answer.html).toContain('enctype="multipart/form-data"');
		expect(shown.answer.html).toMatch(/<textarea id="field-0" name="field-0"[^>]* required>/);
		// The message is shown as text, escaped.
		expect(shown.answer.html).toContain('Invoice 42 &lt;b&gt;');

		const posted = await click(parameters, {
			method: 'POST',
			body: { data: { 'field-0': 'Pay half now' }, files: {} },
			userAgent: BROWSER,
		});
		expect(posted.result.workflowData![0][0].json.data).toEqual({
			text: 'Pay half now',
			respondedAt: expect.any(String),
		});
	});

	it('custom form: fields by label, numbers as numbers; respondedAt cannot be overridden', async () => {
		const parameters = sendAndWait({
			responseType: 'customForm',
			formFields: {
				values: [
					{
						fieldLabel: 'Decision',
						fieldType: 'dropdown',
						fieldOptions: { values: [{ option: 'Pay' }, { option: 'Hold' }] },
						requiredField: true,
					},
					{ fieldLabel: 'Amount', fieldType: 'number' },
					{ fieldLabel: 'respondedAt', fieldType: 'text' },
				],
			},
		});
		const shown = await click(parameters, { method: 'GET', userAgent: BROWSER });
		expect(shown.answer.html).toContain(
			'<select id="field-0" name="field-0" required><option value="Pay">Pay</option><option value="Hold">Hold</option></select>',
		);
		expect(shown.answer.html).toContain('<input id="field-1" name="field-1" type="number">');

		const posted = await click(parameters, {
			method: 'POST',
			body: { data: { 'field-0': 'Hold', 'field-1': '600', 'field-2': '1999-01-01' } },
			userAgent: BROWSER,
		});
		const data = posted.result.workflowData![0][0].json.data as IDataObject;
		expect(data.Decision).toBe('Hold');
		expect(data.Amount).toBe(600);
		expect(data.respondedAt).not.toBe('1999-01-01');
	});

	it('custom form: labels named like built-ins (__proto__, constructor, toString) are ordinary keys of the answer', async () => {
		const labels = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];
		const parameters = sendAndWait({
			responseType: 'customForm',
			formFields: { values: labels.map((fieldLabel) => ({ fieldLabel, fieldType: 'text' })) },
		});
		const posted = await click(parameters, {
			method: 'POST',
			body: { data: Object.fromEntries(labels.map((label, i) => [`field-${i}`, `${label}!`])) },
			userAgent: BROWSER,
		});
		const data = posted.result.workflowData![0][0].json.data as Record<string, unknown>;
		expect(Object.getPrototypeOf(data)).toBeNull();
		expect(Object.keys(data)).toEqual([...labels, 'respondedAt']);
		for (const label of labels) expect(data[label]).toBe(`${label}!`);
		expect(JSON.parse(JSON.stringify(data))).toMatchObject({ constructor: 'constructor!' });
	});

	it('free text and custom form: a GET with any user agent, or a HEAD, only shows the form', async () => {
		for (const responseType of ['freeText', 'customForm']) {
			for (const userAgent of USER_AGENTS) {
				for (const method of ['GET', 'HEAD'] as const) {
					const { result, answer } = await click(
						sendAndWait({
							responseType,
							formFields: { values: [{ fieldLabel: 'Why', fieldType: 'text' }] },
						}),
						{ method, userAgent },
					);
					expect(result).toEqual({ noWebhookResponse: true });
					expect(answer.html).toContain('<form method="POST" enctype="multipart/form-data">');
				}
			}
		}
	});
});
