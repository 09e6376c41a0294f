/**
 * The safe AI-tool mode: when Outlook Mail is an AI Agent's tool (n8n's `outlookMailTool`
 * variant, made from `usableAsTool`), the workflow author can restrict what the model may do:
 * Drafts Only, a recipient allow-list, a cap on recipients per message.
 *
 * Why the model cannot lift them: a model only fills parameters whose value holds `$fromAI()`
 * (n8n-core `create-node-as-tool.ts` builds the tool's schema from those calls alone), and these
 * fields take no expressions (`noDataExpression`), so no `$fromAI()` can be put in them; a value
 * that is an expression anyway (a hand-edited workflow) is refused before anything is done.
 *
 * What the model sees: the tool description (`toolDescription`, below) states the limits; a call
 * that breaks one fails with a message that says what was refused, that nothing was sent, and
 * what to do instead (n8n hands a tool's error message back to the model).
 *
 * Drafts Only, decided: Message → Send, Reply, Reply All and Forward save a draft instead (Draft →
 * Create, Create Reply, Create Reply All, Create Forward: same fields, attachments and thread) and
 * say so in their output (`sent: false`), since a tool's operation is fixed by the author and the
 * model has no other operation to fall back on; operations that can only send (Draft → Send, Send
 * and Wait) are refused.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, SEND_AND_WAIT_OPERATION } from 'n8n-workflow';

import { getMailboxRoot } from '../../shared/descriptions';
import { GraphTransport } from '../../shared/graph/client';
import { segment } from '../../shared/graph/request';
import type { Resource } from '../../shared/resources';
import type { OperationModule, OperationResult, ResourceMap } from '../../shared/router';
import { getMessageId } from '../descriptions/locators';
import { mailPermission } from './permissions';
import { parseRecipients, type GraphRecipient } from './recipients';

export interface ToolSafety {
	draftsOnly: boolean;
	/** Lower-cased addresses and domains (`contoso.com` also admits its subdomains). */
	allowed: string[];
	/** 0: no cap. */
	maxRecipients: number;
}

/**
 * Shown only on the tool variant (`@tool`: n8n's displayOptions key for "this node is a tool"),
 * and not on Send and Wait (the Human-review variant n8n derives from it sends the author's
 * approval mail, not the model's).
 */
const onTool = {
	show: { '@tool': [true] },
	hide: { operation: [SEND_AND_WAIT_OPERATION] },
};

export const toolSafetyProperties: INodeProperties[] = [
	{
		displayName:
			'Limits below are fixed by you, never filled by the AI model; the tool description tells the model about them',
		name: 'toolLimitsNotice',
		type: 'notice',
		default: '',
		displayOptions: onTool,
	},
	{
		displayName: 'Drafts Only',
		name: 'toolDraftsOnly',
		type: 'boolean',
		default: true,
		noDataExpression: true,
		description:
			'Whether the model may only write drafts: Send, Reply, Reply All and Forward save a draft in Drafts instead; Draft → Send and Send and Wait are refused',
		displayOptions: onTool,
	},
	{
		displayName: 'Allowed Recipients',
		name: 'toolAllowedRecipients',
		type: 'string',
		default: '',
		noDataExpression: true,
		placeholder: 'e.g. contoso.com, partner@fabrikam.com',
		description:
			'Addresses and domains the model may write to, separated by commas (a domain admits its subdomains). Empty: any recipient.',
		displayOptions: onTool,
	},
	{
		displayName: 'Max Recipients per Message',
		name: 'toolMaxRecipients',
		type: 'number',
		default: 0,
		noDataExpression: true,
		typeOptions: { minValue: 0 },
		description: 'At most this many recipients in To, CC and BCC together. 0: no cap.',
		displayOptions: onTool,
	},
];

/**
 * The resource with its Operation field split in two: the plain node keeps its default, the tool
 * variant (`@tool`) defaults to `toolDefault`. Both list the same operations.
 */
export function withToolDefaultOperation(resource: Resource, toolDefault: string): Resource {
	const [field, ...rest] = resource.description;
	if (!resource.operations[toolDefault])
		throw new Error(`Resource ${resource.option.value}: tool default ${toolDefault} not listed`);
	const show = field.displayOptions?.show ?? {};
	return {
		...resource,
		description: [
			{ ...field, displayOptions: { show: { ...show, '@tool': [false] } } },
			{ ...field, default: toolDefault, displayOptions: { show: { ...show, '@tool': [true] } } },
			...rest,
		],
	};
}

const LIMIT_FIELDS = ['toolDraftsOnly', 'toolAllowedRecipients', 'toolMaxRecipients'];

export function isAiTool(ctx: IExecuteFunctions): boolean {
	const type = ctx.getNode().type;
	// The HITL variant (`…HitlTool`) sends the author's approval mail, not the model's.
	return type.endsWith('Tool') && !type.endsWith('HitlTool');
}

/** The limits set on the node; refuses an expression where a fixed value belongs. */
export function readToolSafety(ctx: IExecuteFunctions): ToolSafety {
	const raw = ctx.getNode().parameters;
	for (const name of LIMIT_FIELDS) {
		const value = raw[name];
		if (typeof value === 'string' && value.startsWith('=')) {
			throw new NodeOperationError(
				ctx.getNode(),
				`The tool limit "${name}" holds an expression; tool limits must be fixed values`,
				{ description: 'Write the value itself: a limit the model could fill is no limit.' },
			);
		}
	}
	const allowed = String(raw.toolAllowedRecipients ?? '')
		.split(/[,;\s]+/)
		.map((entry) => entry.trim().toLowerCase().replace(/^@/, ''))
		.filter((entry) => entry !== '');
	return {
		draftsOnly: raw.toolDraftsOnly !== false,
		allowed,
		maxRecipients: Math.max(0, Math.floor(Number(raw.toolMaxRecipients ?? 0)) || 0),
	};
}

/** The limits as sentences, for the tool description and the refusals. */
export function describeLimits(safety: ToolSafety): string {
	const parts: string[] = [];
	if (safety.draftsOnly)
		parts.push(
			'Drafts only: this tool never sends mail; a message to send is saved in the Drafts folder for a person to review and send.',
		);
	if (safety.allowed.length)
		parts.push(`Recipients must be one of: ${safety.allowed.join(', ')} (an address or a domain).`);
	if (safety.maxRecipients)
		parts.push(`At most ${safety.maxRecipients} recipients per message (To, CC and BCC together).`);
	return parts.join(' ');
}

/**
 * The tool's default description (n8n's `getToolDescriptionForNode` uses `toolDescription` when
 * the node has one and resolves it when it is an expression): what the operation does, then the
 * limits. Plain JavaScript evaluated by n8n's expression engine, as n8n-nodes-base does for its
 * waiting tooltips; it reads the node's own parameters only.
 */
const DESCRIBE_TOOL = `(function (p) {
	var ops = { message: { send: 'Send an email', reply: 'Reply to an email', replyAll: 'Reply to all recipients of an email', forward: 'Forward an email', get: 'Get an email', getAll: 'Search and list emails', getMime: 'Get the MIME source of an email', update: 'Update an email (read, categories, flag)', move: 'Move an email to a folder', copy: 'Copy an email to a folder', delete: 'Delete an email', ${SEND_AND_WAIT_OPERATION}: 'Send an email and wait for a response' }, draft: { create: 'Create a draft email', createReply: 'Create a draft reply to an email', createReplyAll: 'Create a draft reply to all recipients of an email', createForward: 'Create a draft forward of an email', update: 'Update a draft email', send: 'Send a draft email', delete: 'Delete a draft email' }, mailbox: { getAutomaticReplies: 'Get the automatic replies (out of office) settings', setAutomaticReplies: 'Set the automatic replies (out of office)', getMailTips: 'Get mail tips (out of office, mailbox full) for recipients' }, thread: { get: 'Get all messages of an email conversation as text' }, attachment: { add: 'Add an attachment to an email', download: 'Download an attachment', getAll: 'List the attachments of an email' }, folder: { create: 'Create a mail folder', delete: 'Delete a mail folder', get: 'Get a mail folder', getAll: 'List mail folders', move: 'Move a mail folder', update: 'Rename a mail folder' } };
	var text = ((ops[p.resource] || {})[p.operation] || (p.operation + ' ' + p.resource)) + ' in Outlook Mail.';
	if (p.toolDraftsOnly !== false) text += ' Drafts only: this tool never sends mail; a message to send is saved in the Drafts folder for a person to review and send.';
	var allowed = String(p.toolAllowedRecipients || '').split(/[,;\\s]+/).filter(function (e) { return e; });
	if (allowed.length) text += ' Recipients must be one of: ' + allowed.join(', ') + ' (an address or a domain).';
	if (Number(p.toolMaxRecipients) > 0) text += ' At most ' + Number(p.toolMaxRecipients) + ' recipients per message (To, CC and BCC together).';
	return text;
})($parameter)`;

export const toolDescriptionProperty: INodeProperties = {
	displayName: 'Tool Description',
	name: 'toolDescription',
	type: 'string',
	default: `={{ ${DESCRIBE_TOOL.replace(/\s*\n\s*/g, ' ')} }}`,
	typeOptions: { rows: 2 },
	description:
		'What the AI model reads about this tool. The default describes the operation and the limits below; if you write your own, state the limits too.',
	displayOptions: onTool,
};

// ---------------------------------------------------------------------------------------------
// Enforcement

/** Operations that send mail, and how each counts its recipients. */
const SENDING: Record<string, Record<string, true>> = {
	message: {
		send: true,
		reply: true,
		replyAll: true,
		forward: true,
		[SEND_AND_WAIT_OPERATION]: true,
	},
	draft: { send: true },
};

function refusal(ctx: IExecuteFunctions, i: number, message: string, safety: ToolSafety) {
	return new NodeOperationError(ctx.getNode(), `Refused by the tool's limits: ${message}`, {
		itemIndex: i,
		description: describeLimits(safety),
	});
}

function listOf(ctx: IExecuteFunctions, i: number, label: string, value: unknown) {
	return parseRecipients(ctx, i, label, value).map((r) => r.emailAddress.address);
}

/** Recipients the item's fields name explicitly. */
function explicitRecipients(
	ctx: IExecuteFunctions,
	i: number,
	resource: string,
	operation: string,
): string[] {
	const param = (name: string, fallback: unknown = '') => ctx.getNodeParameter(name, i, fallback);
	const options = (name: string) => param(name, {}) as IDataObject;
	if (resource === 'draft' && operation === 'update') {
		const fields = options('updateFields');
		return ['toRecipients', 'ccRecipients', 'bccRecipients'].flatMap((key) =>
			listOf(ctx, i, key, fields[key]),
		);
	}
	if (resource === 'message' && (operation === 'reply' || operation === 'replyAll')) {
		const fields = options('additionalFields');
		return ['toRecipients', 'ccRecipients', 'bccRecipients'].flatMap((key) =>
			listOf(ctx, i, key, fields[key]),
		);
	}
	const composes =
		(resource === 'message' && ['send', 'forward', SEND_AND_WAIT_OPERATION].includes(operation)) ||
		(resource === 'draft' && operation === 'create');
	if (!composes) return [];
	const fields = operation === SEND_AND_WAIT_OPERATION ? {} : options('additionalFields');
	return [
		...listOf(ctx, i, 'To', param('toRecipients')),
		...listOf(ctx, i, 'CC', fields.ccRecipients),
		...listOf(ctx, i, 'BCC', fields.bccRecipients),
	];
}

/**
 * Recipients Graph adds on its own: a reply goes to the original's Reply-To (or sender), a
 * reply-all also to its To and CC, a draft that is sent to its own recipients.
 */
async function implicitRecipients(
	ctx: IExecuteFunctions,
	i: number,
	resource: string,
	operation: string,
): Promise<string[]> {
	const replies = resource === 'message' && (operation === 'reply' || operation === 'replyAll');
	const sendsDraft = resource === 'draft' && operation === 'send';
	if (!replies && !sendsDraft) return [];
	const root = getMailboxRoot(ctx, i);
	const id = sendsDraft ? getMessageId(ctx, i, 'messageId', 'Draft') : getMessageId(ctx, i);
	const transport = await GraphTransport.create(ctx, i);
	const message = await transport.request<IDataObject>({
		method: 'GET',
		path: `${root}/messages/${segment(id)}`,
		query: { $select: 'from,replyTo,toRecipients,ccRecipients,bccRecipients' },
		itemIndex: i,
		...mailPermission(ctx, i, 'read', 'check the recipients against the tool limits'),
	});
	// `from` is one recipient, the others lists of them.
	const addresses = (key: string) =>
		([] as Array<GraphRecipient | undefined>)
			.concat(message[key] as GraphRecipient | GraphRecipient[] | undefined)
			.flatMap((r) => (r?.emailAddress?.address ? [r.emailAddress.address] : []));
	if (sendsDraft) return ['toRecipients', 'ccRecipients', 'bccRecipients'].flatMap(addresses);
	const replyTo = addresses('replyTo');
	const first = replyTo.length ? replyTo : addresses('from');
	if (operation === 'reply') return first;
	return [...first, ...addresses('toRecipients'), ...addresses('ccRecipients')];
}

function isAllowed(address: string, allowed: string[]): boolean {
	const lower = address.toLowerCase();
	const domain = lower.split('@')[1] ?? '';
	return allowed.some((entry) =>
		entry.includes('@') ? entry === lower : domain === entry || domain.endsWith(`.${entry}`),
	);
}

async function checkRecipients(
	ctx: IExecuteFunctions,
	i: number,
	resource: string,
	operation: string,
	safety: ToolSafety,
): Promise<void> {
	if (!safety.allowed.length && !safety.maxRecipients) return;
	const recipients = [
		...explicitRecipients(ctx, i, resource, operation),
		...(await implicitRecipients(ctx, i, resource, operation)),
	];
	const unique = [...new Set(recipients.map((r) => r.toLowerCase()))];
	if (safety.allowed.length) {
		const outside = unique.filter((r) => !isAllowed(r, safety.allowed));
		if (outside.length)
			throw refusal(
				ctx,
				i,
				`${outside.join(', ')} ${outside.length === 1 ? 'is' : 'are'} not an allowed recipient. Nothing was sent or saved; use only recipients at ${safety.allowed.join(', ')}.`,
				safety,
			);
	}
	if (safety.maxRecipients && unique.length > safety.maxRecipients)
		throw refusal(
			ctx,
			i,
			`${unique.length} recipients, more than the ${safety.maxRecipients} allowed per message. Nothing was sent or saved; use at most ${safety.maxRecipients}.`,
			safety,
		);
}

const DRAFT_NOTE =
	'Not sent: this tool may only create drafts. The message was saved in the Drafts folder for a person to review and send.';

/**
 * Under Drafts Only, the Draft operation that stands in for a Message operation that sends: it
 * reads the same fields (Draft → Create has Send's, the reply drafts have Reply's and Forward's).
 */
const DRAFT_INSTEAD: Record<string, string> = {
	send: 'create',
	reply: 'createReply',
	replyAll: 'createReplyAll',
	forward: 'createForward',
};

/**
 * The resource map with the item's operation wrapped in the limits, when the node runs as an AI
 * tool; unchanged otherwise.
 */
export function toolSafeResources(ctx: IExecuteFunctions, resources: ResourceMap): ResourceMap {
	if (!isAiTool(ctx)) return resources;
	const resource = ctx.getNodeParameter('resource', 0) as string;
	const operation = ctx.getNodeParameter('operation', 0) as string;
	const original = resources[resource]?.[operation];
	if (!original) return resources;
	const safety = readToolSafety(ctx);
	const sends = SENDING[resource]?.[operation] === true;
	const draftModule =
		sends && safety.draftsOnly && resource === 'message'
			? resources.draft?.[DRAFT_INSTEAD[operation]]
			: undefined;
	const asDraft = draftModule !== undefined;

	const guard = async (i: number): Promise<void> => {
		if (sends && safety.draftsOnly && !asDraft)
			throw refusal(
				ctx,
				i,
				`this operation sends mail, and this tool may only create drafts. Nothing was sent. Tell the user the message needs a person to send it.`,
				safety,
			);
		await checkRecipients(ctx, i, resource, operation, safety);
	};

	const execute = async function (this: IExecuteFunctions, i: number): Promise<OperationResult> {
		await guard(i);
		if (asDraft) {
			const draft = (await draftModule.execute!.call(this, i)) as IDataObject;
			return { ...draft, sent: false, savedAsDraft: true, note: DRAFT_NOTE };
		}
		return await original.execute!.call(this, i);
	};
	const executeAll = async function (
		this: IExecuteFunctions,
		indexes: number[],
	): Promise<Array<OperationResult | Error>> {
		const refused = new Map<number, Error>();
		for (const i of indexes) {
			try {
				await guard(i);
			} catch (error) {
				refused.set(i, error as Error);
			}
		}
		const allowed = indexes.filter((i) => !refused.has(i));
		const results = allowed.length ? await original.executeAll!.call(this, allowed) : [];
		return indexes.map((i) => refused.get(i) ?? results[allowed.indexOf(i)]);
	};
	const wrapped: OperationModule = {
		description: original.description,
		declaration: original.declaration,
		...(original.executeAll && !asDraft ? { executeAll } : { execute }),
	};
	return { ...resources, [resource]: { ...resources[resource], [operation]: wrapped } };
}
