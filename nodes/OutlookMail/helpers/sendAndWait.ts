/**
 * Send and Wait for a Response: n8n's human-in-the-loop contract, as n8n's built-in Microsoft
 * Outlook, Gmail and Slack nodes keep it (n8n-nodes-base `utils/sendAndWait`), written for this
 * package (n8n-nodes-base is not a dependency):
 *
 * - the operation's value is `SEND_AND_WAIT_OPERATION` ('sendAndWait'); n8n's waiting webhooks
 *   recognise a send-and-wait node by it (`WaitingWebhooks.isSendAndWaitRequest`), parse a
 *   custom form's POST as multipart (`requiresMultipartFormData`), and derive the HITL tool
 *   variant from it (`hitl-tools.ts`: a node with webhooks and this operation);
 * - the node declares two webhooks (GET and POST) with `restartWebhook: true` and path
 *   `$nodeId`: the resume URL `…/webhook-waiting/{executionId}/{nodeId}?approved=…&signature=…`
 *   that `getSignedResumeUrl()` returns lands on them;
 * - `execute` sends the message, then `putExecutionToWait(waitTill)`; the webhook hands
 *   `{ data: { approved | text | <form fields>, respondedAt } }` to the workflow.
 *
 * Unlike n8n's built-in nodes, a GET never answers. Mail scanners (Safe Links detonation,
 * Proofpoint, Mimecast) and previews fetch every link of a mail with ordinary browser user agents,
 * so no list of user-agent words can tell them from a person. The link opens a page; only the
 * POST of its button (or of the form) records the answer. n8n resumes the execution with that
 * POST once: afterwards the execution is running (n8n answers 409) or finished (n8n shows "No action
 * required"), so a second answer, a replay of the same POST, a HEAD or any later GET changes
 * nothing. The page posts back to its own address, so n8n checks the same signature.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeProperties,
	IWebhookDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeOperationError, SEND_AND_WAIT_OPERATION, WAIT_INDEFINITELY } from 'n8n-workflow';

import { dataRecord, ownValue } from '../../shared/outsideData';

/** The form field the free-text answer arrives in (n8n's form template numbers its fields). */
const FREE_TEXT_FIELD = 'field-0';

/** n8n's own description of a send-and-wait node's webhooks (same shape as the built-in nodes'). */
export const sendAndWaitWebhooks: IWebhookDescription[] = (['GET', 'POST'] as const).map(
	(httpMethod) => ({
		name: 'default',
		httpMethod,
		responseMode: 'onReceived',
		responseData: '',
		path: '={{ $nodeId }}',
		restartWebhook: true,
		isFullPath: true,
	}),
);

/** What the editor shows on the node while the execution waits. */
export const SEND_AND_WAIT_WAITING_TOOLTIP = `={{ $parameter["operation"] === "${SEND_AND_WAIT_OPERATION}" ? "Execution will continue after the user's response" : "" }}`;

// ---------------------------------------------------------------------------------------------
// Description

const buttonStyle = (name: string, displayName: string, fallback: string): INodeProperties => ({
	displayName,
	name,
	type: 'options',
	default: fallback,
	options: [
		{ name: 'Primary', value: 'primary' },
		{ name: 'Secondary', value: 'secondary' },
	],
});

const limitWaitTimeOption: INodeProperties = {
	displayName: 'Limit Wait Time',
	name: 'limitWaitTime',
	type: 'fixedCollection',
	description:
		'Whether to limit the time this node waits for a response before the execution resumes (without one)',
	default: { values: { limitType: 'afterTimeInterval', resumeAmount: 45, resumeUnit: 'minutes' } },
	options: [
		{
			displayName: 'Values',
			name: 'values',
			values: [
				{
					displayName: 'Limit Type',
					name: 'limitType',
					type: 'options',
					default: 'afterTimeInterval',
					options: [
						{
							name: 'After Time Interval',
							value: 'afterTimeInterval',
							description: 'Waits for a certain amount of time',
						},
						{
							name: 'At Specified Time',
							value: 'atSpecifiedTime',
							description: 'Waits until the set date and time',
						},
					],
				},
				{
					displayName: 'Amount',
					name: 'resumeAmount',
					type: 'number',
					typeOptions: { minValue: 0, numberPrecision: 2 },
					default: 1,
					displayOptions: { show: { limitType: ['afterTimeInterval'] } },
				},
				{
					displayName: 'Unit',
					name: 'resumeUnit',
					type: 'options',
					default: 'hours',
					options: [
						{ name: 'Minutes', value: 'minutes' },
						{ name: 'Hours', value: 'hours' },
						{ name: 'Days', value: 'days' },
					],
					displayOptions: { show: { limitType: ['afterTimeInterval'] } },
				},
				{
					displayName: 'Max Date and Time',
					name: 'maxDateAndTime',
					type: 'dateTime',
					default: '',
					description: 'Continue the execution at this date and time',
					displayOptions: { show: { limitType: ['atSpecifiedTime'] } },
				},
			],
		},
	],
};

const appendAttributionOption: INodeProperties = {
	displayName: 'Append n8n Attribution',
	name: 'appendAttribution',
	type: 'boolean',
	default: true,
	description: 'Whether to end the message with "This message was sent automatically with n8n"',
};

/** The fields of a custom form (the subset of n8n's Form fields a mail answer needs). */
const formFieldsProperty: INodeProperties = {
	displayName: 'Form Elements',
	name: 'formFields',
	placeholder: 'Add Form Element',
	type: 'fixedCollection',
	default: {},
	typeOptions: { multipleValues: true, sortable: true },
	options: [
		{
			displayName: 'Values',
			name: 'values',
			values: [
				{
					displayName: 'Field Name',
					name: 'fieldLabel',
					type: 'string',
					default: '',
					placeholder: 'e.g. What is your name?',
					description: 'Label that appears above the field; also the key of the answer',
					required: true,
				},
				{
					displayName: 'Element Type',
					name: 'fieldType',
					type: 'options',
					default: 'text',
					options: [
						{ name: 'Date', value: 'date' },
						{ name: 'Dropdown List', value: 'dropdown' },
						{ name: 'Email', value: 'email' },
						{ name: 'Number', value: 'number' },
						{ name: 'Text', value: 'text' },
						{ name: 'Textarea', value: 'textarea' },
					],
				},
				{
					displayName: 'Field Options',
					name: 'fieldOptions',
					placeholder: 'Add Field Option',
					type: 'fixedCollection',
					default: { values: [{ option: '' }] },
					typeOptions: { multipleValues: true, sortable: true },
					displayOptions: { show: { fieldType: ['dropdown'] } },
					options: [
						{
							displayName: 'Values',
							name: 'values',
							values: [{ displayName: 'Option', name: 'option', type: 'string', default: '' }],
						},
					],
				},
				{
					displayName: 'Required Field',
					name: 'requiredField',
					type: 'boolean',
					default: false,
					description: 'Whether to require the user to enter a value for this field',
				},
			],
		},
	],
};

/**
 * The operation's fields after `recipients` (the To field), in the order and with the names of
 * n8n's `getSendAndWaitProperties` (so the HITL tool variant n8n derives finds `message`,
 * `responseType` and `approvalOptions` where it expects them). Display options are the caller's.
 */
export function sendAndWaitProperties(recipients: INodeProperties[]): INodeProperties[] {
	const approvalValues: INodeProperties[] = [
		{
			displayName: 'Type of Approval',
			name: 'approvalType',
			type: 'options',
			default: 'single',
			options: [
				{ name: 'Approve Only', value: 'single' },
				{ name: 'Approve and Disapprove', value: 'double' },
			],
		},
		{
			displayName: 'Approve Button Label',
			name: 'approveLabel',
			type: 'string',
			default: 'Approve',
			displayOptions: { show: { approvalType: ['single', 'double'] } },
		},
		{
			...buttonStyle('buttonApprovalStyle', 'Approve Button Style', 'primary'),
			displayOptions: { show: { approvalType: ['single', 'double'] } },
		},
		{
			displayName: 'Disapprove Button Label',
			name: 'disapproveLabel',
			type: 'string',
			default: 'Decline',
			displayOptions: { show: { approvalType: ['double'] } },
		},
		{
			...buttonStyle('buttonDisapprovalStyle', 'Disapprove Button Style', 'secondary'),
			displayOptions: { show: { approvalType: ['double'] } },
		},
	];
	return [
		...recipients,
		{
			displayName: 'Subject',
			name: 'subject',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. Approval required',
		},
		{
			displayName: 'Message',
			name: 'message',
			type: 'string',
			default: '',
			required: true,
			typeOptions: { rows: 4 },
			description: 'The text of the mail (plain text; line breaks are kept)',
		},
		{
			displayName: 'Response Type',
			name: 'responseType',
			type: 'options',
			default: 'approval',
			options: [
				{
					name: 'Approval',
					value: 'approval',
					description: 'The recipient approves (or declines) with a button in the mail',
				},
				{
					name: 'Free Text',
					value: 'freeText',
					description: 'The recipient answers in a form with one text field',
				},
				{
					name: 'Custom Form',
					value: 'customForm',
					description: 'The recipient answers in a form with the fields defined here',
				},
			],
		},
		{ ...formFieldsProperty, displayOptions: { show: { responseType: ['customForm'] } } },
		{
			displayName: 'Approval Options',
			name: 'approvalOptions',
			type: 'fixedCollection',
			placeholder: 'Add option',
			default: {},
			options: [{ displayName: 'Values', name: 'values', values: approvalValues }],
			displayOptions: { show: { responseType: ['approval'] } },
		},
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add option',
			default: {},
			options: [limitWaitTimeOption, appendAttributionOption],
			displayOptions: { show: { responseType: ['approval'] } },
		},
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add option',
			default: {},
			options: [
				{
					displayName: 'Message Button Label',
					name: 'messageButtonLabel',
					type: 'string',
					default: 'Respond',
				},
				{
					displayName: 'Response Form Title',
					name: 'responseFormTitle',
					type: 'string',
					default: '',
					description: 'Title of the form the recipient opens to answer',
				},
				{
					displayName: 'Response Form Description',
					name: 'responseFormDescription',
					type: 'string',
					default: '',
					description: 'Text above the form (the message when empty)',
				},
				{
					displayName: 'Response Form Button Label',
					name: 'responseFormButtonLabel',
					type: 'string',
					default: 'Submit',
				},
				limitWaitTimeOption,
				appendAttributionOption,
			],
			displayOptions: { show: { responseType: ['freeText', 'customForm'] } },
		},
	];
}

// ---------------------------------------------------------------------------------------------
// The mail

export function escapeHtml(text: string): string {
	return text
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&#39;');
}

interface Button {
	label: string;
	url: string;
	style: 'primary' | 'secondary';
	approved: boolean;
}

const BUTTON_STYLE = {
	primary:
		'display:inline-block;text-decoration:none;background-color:#ff6d5a;color:#fff;padding:12px 24px;font-family:Arial,sans-serif;font-size:14px;font-weight:600;border-radius:6px;min-width:120px;margin:12px 2px 0 2px;',
	secondary:
		'display:inline-block;text-decoration:none;background-color:#fff;color:#4a4a4a;padding:12px 24px;font-family:Arial,sans-serif;font-size:14px;font-weight:600;border:1px solid #d1d1d1;border-radius:6px;min-width:120px;margin:12px 6px 0 6px;',
};

const style = (value: unknown): 'primary' | 'secondary' =>
	value === 'secondary' ? 'secondary' : 'primary';

/** The buttons of the mail, each with its signed resume URL (n8n checks the signature). */
export function responseButtons(ctx: IExecuteFunctions): Button[] {
	const responseType = ctx.getNodeParameter('responseType', 0, 'approval') as string;
	const approved = ctx.getSignedResumeUrl({ approved: 'true' });
	if (responseType === 'freeText' || responseType === 'customForm') {
		const label = ctx.getNodeParameter('options.messageButtonLabel', 0, 'Respond') as string;
		return [{ label: label || 'Respond', url: approved, style: 'primary', approved: true }];
	}
	const values = ctx.getNodeParameter('approvalOptions.values', 0, {}) as IDataObject;
	const approve: Button = {
		label: String(values.approveLabel || 'Approve'),
		url: approved,
		style: style(values.buttonApprovalStyle ?? 'primary'),
		approved: true,
	};
	if (values.approvalType !== 'double') return [approve];
	return [
		{
			label: String(values.disapproveLabel || 'Decline'),
			url: ctx.getSignedResumeUrl({ approved: 'false' }),
			style: style(values.buttonDisapprovalStyle ?? 'secondary'),
			approved: false,
		},
		approve,
	];
}

/**
 * The message as the mail and the page show it: escaped, line breaks kept (n8n's built-in nodes
 * accept a literal "\\n" or "<br>" as a line break too).
 */
function messageHtml(text: string): string {
	return escapeHtml(text.trim())
		.replace(/\\n|&lt;br&gt;/g, '\n')
		.replace(/\r?\n/g, '<br>');
}

/** The HTML body: the message (escaped, line breaks kept), the buttons, the attribution. */
export function sendAndWaitHtml(ctx: IExecuteFunctions, buttons: Button[]): string {
	const message = messageHtml(String(ctx.getNodeParameter('message', 0, '')));
	const links = buttons
		.map(
			(b) =>
				`<a href="${escapeHtml(b.url)}" target="_blank" style="${BUTTON_STYLE[b.style]}">${escapeHtml(b.label)}</a>`,
		)
		.join('\n');
	const appendAttribution = ctx.getNodeParameter('options.appendAttribution', 0, true) !== false;
	const attribution = appendAttribution
		? `<p style="font-size:12px;color:#909399;margin-top:24px;">This message was sent automatically with <a style="color:#909399;" href="https://n8n.io/?utm_source=n8n-internal&amp;utm_medium=powered_by&amp;utm_campaign=${encodeURIComponent(ctx.getInstanceId())}" target="_blank">n8n</a></p>`
		: '';
	return [
		'<html><body style="font-family:Arial,sans-serif;font-size:14px;color:#303133;">',
		`<div style="max-width:560px;margin:0 auto;padding:24px;">`,
		`<p>${message}</p>`,
		`<div style="text-align:center;margin:24px 0;">${links}</div>`,
		attribution,
		'</div></body></html>',
	].join('\n');
}

/**
 * When the execution resumes without an answer (Limit Wait Time), as n8n's
 * `configureWaitTillDate`: WAIT_INDEFINITELY when no limit is set.
 */
export function waitTill(ctx: IExecuteFunctions): Date {
	const limit = ctx.getNodeParameter('options.limitWaitTime.values', 0, {}) as IDataObject;
	if (!Object.keys(limit).length) return WAIT_INDEFINITELY;
	let until: Date;
	if ((limit.limitType ?? 'afterTimeInterval') === 'afterTimeInterval') {
		const seconds = { minutes: 60, hours: 3600, days: 86400 }[String(limit.resumeUnit ?? 'hours')];
		const amount = Number(limit.resumeAmount ?? 1);
		until = new Date(Date.now() + amount * (seconds ?? 3600) * 1000);
	} else {
		until = new Date(String(limit.maxDateAndTime ?? ''));
	}
	if (isNaN(until.getTime())) {
		throw new NodeOperationError(ctx.getNode(), 'Could not configure Limit Wait Time', {
			itemIndex: 0,
			description: `"${String(limit.maxDateAndTime ?? limit.resumeAmount)}" is not a date and time or an amount of time.`,
		});
	}
	return until;
}

// ---------------------------------------------------------------------------------------------
// The webhook (the click, the form)

const page = (title: string, body: string) =>
	`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex, nofollow"><title>${escapeHtml(title)}</title><style>body{font-family:Arial,sans-serif;background:#fbfcfe;color:#525356;}main{max-width:448px;margin:48px auto;background:#fff;border:1px solid #dbdfe7;border-radius:8px;padding:24px;}h1{font-size:20px;color:#303133;}label{display:block;margin:16px 0 4px;font-weight:600;}input,select,textarea{width:100%;box-sizing:border-box;padding:8px;border:1px solid #dbdfe7;border-radius:6px;}button{margin-top:24px;background:#ff6d5a;color:#fff;border:0;border-radius:6px;padding:12px 24px;font-weight:600;font-size:14px;cursor:pointer;}button.secondary{background:#fff;color:#4a4a4a;border:1px solid #d1d1d1;}.note{font-size:12px;color:#909399;margin-top:24px;}</style></head><body><main>${body}</main></body></html>`;

/** Shown under every button: the page itself changed nothing. */
const NOTHING_RECORDED_YET =
	'<p class="note">Nothing has been recorded yet: your answer is sent when you click the button.</p>';

/** The page shown after an answer was recorded (n8n's ACTION_RECORDED_PAGE says the same). */
export const ACTION_RECORDED_PAGE = page(
	'Action recorded',
	'<h1>Got it, thanks</h1><p>This page can be closed now</p>',
);

interface FormField {
	fieldLabel: string;
	fieldType: string;
	requiredField: boolean;
	options: string[];
}

function formFields(ctx: IWebhookFunctions, responseType: string): FormField[] {
	if (responseType === 'freeText')
		return [{ fieldLabel: 'Response', fieldType: 'textarea', requiredField: true, options: [] }];
	const values = ctx.getNodeParameter('formFields.values', []) as IDataObject[];
	return values.map((value) => ({
		fieldLabel: String(value.fieldLabel ?? ''),
		fieldType: String(value.fieldType ?? 'text'),
		requiredField: value.requiredField === true,
		options: (((value.fieldOptions as IDataObject | undefined)?.values ?? []) as IDataObject[])
			.map((o) => String(o.option ?? ''))
			.filter((o) => o !== ''),
	}));
}

/**
 * The page an approval link opens: the message and one button for the answer the link stands for,
 * which POSTs to this same address (so n8n checks the same signature). Nothing is recorded here.
 */
function approvalHtml(ctx: IWebhookFunctions, approved: boolean): string {
	const values = ctx.getNodeParameter('approvalOptions.values', {}) as IDataObject;
	const label = approved
		? String(values.approveLabel || 'Approve')
		: String(values.disapproveLabel || 'Decline');
	const buttonStyle = approved
		? style(values.buttonApprovalStyle ?? 'primary')
		: style(values.buttonDisapprovalStyle ?? 'secondary');
	const subject = String(ctx.getNodeParameter('subject', '') || 'Approval');
	return page(
		subject,
		`<h1>${escapeHtml(subject)}</h1><p>${messageHtml(String(ctx.getNodeParameter('message', '')))}</p>` +
			`<form method="POST"><input type="hidden" name="answer" value="${approved ? 'approve' : 'decline'}"><button type="submit" class="${buttonStyle}">${escapeHtml(label)}</button></form>` +
			NOTHING_RECORDED_YET,
	);
}

function formHtml(ctx: IWebhookFunctions, fields: FormField[]): string {
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	const message = String(ctx.getNodeParameter('message', ''));
	const title = String(options.responseFormTitle || '');
	const description = String(options.responseFormDescription || message);
	const button = String(options.responseFormButtonLabel || 'Submit');
	const inputs = fields.map((field, index) => {
		const name = `field-${index}`;
		const required = field.requiredField ? ' required' : '';
		const label = `<label for="${name}">${escapeHtml(field.fieldLabel)}</label>`;
		if (field.fieldType === 'textarea')
			return `${label}<textarea id="${name}" name="${name}" rows="5"${required}></textarea>`;
		if (field.fieldType === 'dropdown')
			return `${label}<select id="${name}" name="${name}"${required}>${field.options
				.map((o) => `<option value="${escapeHtml(o)}">${escapeHtml(o)}</option>`)
				.join('')}</select>`;
		const type = ['email', 'number', 'date'].includes(field.fieldType) ? field.fieldType : 'text';
		return `${label}<input id="${name}" name="${name}" type="${type}"${required}>`;
	});
	return page(
		title || 'Response',
		`${title ? `<h1>${escapeHtml(title)}</h1>` : ''}<p>${escapeHtml(description).replace(/\\n|\r?\n/g, '<br>')}</p>` +
			// multipart: n8n parses a send-and-wait custom form's POST only in that encoding.
			`<form method="POST" enctype="multipart/form-data">${inputs.join('')}<button type="submit">${escapeHtml(button)}</button></form>` +
			NOTHING_RECORDED_YET,
	);
}

/** The fields of a form POST: n8n's multipart parser puts them under `data`; urlencoded is flat. */
function postedFields(ctx: IWebhookFunctions): IDataObject {
	const body = (ctx.getBodyData() ?? {}) as IDataObject;
	return ((body.data as IDataObject | undefined) ?? body) as IDataObject;
}

/** A page that changes nothing: not cached, and its signed address not sent on as a referrer. */
function asHtmlResponse(ctx: IWebhookFunctions, html: string): IWebhookResponseData {
	const res = ctx.getResponseObject();
	res.setHeader('Content-Type', 'text/html; charset=utf-8');
	res.setHeader('Cache-Control', 'no-store');
	res.setHeader('Referrer-Policy', 'no-referrer');
	res.status(200).send(html);
	return { noWebhookResponse: true };
}

/**
 * The node's `webhook` method: answers the resume URL. Only a POST records an answer; any other
 * request (the GET of the link, whoever sends it) shows the page whose button POSTs.
 */
export async function sendAndWaitWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const req = this.getRequestObject();
	const responseType = this.getNodeParameter('responseType', 'approval') as string;
	const respondedAt = () => new Date().toISOString();

	if (responseType === 'approval') {
		// The answer is the signed link's, never the form's: the POST only confirms it.
		const approved = (req.query as IDataObject).approved === 'true';
		if (req.method !== 'POST') return asHtmlResponse(this, approvalHtml(this, approved));
		return {
			webhookResponse: ACTION_RECORDED_PAGE,
			workflowData: [[{ json: { data: { approved, respondedAt: respondedAt() } } }]],
		};
	}

	const fields = formFields(this, responseType);
	if (req.method !== 'POST') return asHtmlResponse(this, formHtml(this, fields));
	const posted = postedFields(this);
	if (responseType === 'freeText') {
		return {
			webhookResponse: ACTION_RECORDED_PAGE,
			workflowData: [
				[
					{
						json: {
							data: {
								text: String(ownValue(posted, FREE_TEXT_FIELD) ?? ''),
								respondedAt: respondedAt(),
							},
						},
					},
				],
			],
		};
	}
	// Keyed by the form's labels: null-prototype, so a label "__proto__" or "constructor" is a key.
	const answer = dataRecord();
	fields.forEach((field, index) => {
		const raw = ownValue(posted, `field-${index}`);
		const value = Array.isArray(raw) ? raw[0] : raw;
		if (field.fieldType === 'number' && value !== undefined && value !== '')
			answer[field.fieldLabel] = Number(value);
		else answer[field.fieldLabel] = value === undefined ? '' : String(value);
	});
	// respondedAt last: a form field of that name cannot override the time of the answer.
	answer.respondedAt = respondedAt();
	return {
		webhookResponse: ACTION_RECORDED_PAGE,
		workflowData: [[{ json: { data: answer as IDataObject } }]],
	};
}
