/**
 * What the model reads about a tool: the description n8n hands the agent (`toolDescription`, used
 * by n8n-workflow's `getToolDescriptionForNode`), stating what the operation does and the limits
 * that apply to it.
 *
 * n8n's own convention for tools (n8n `tool-generation/ai-tools.ts`) is a Tool Description choice,
 * Set Automatically or Set Manually, with the text field shown only for Set Manually. Its
 * automatic text is `makeDescription` ("{action} in {node}"), which cannot state limits, and n8n
 * uses it whenever `descriptionType` is `auto`. So this package's choice has its own value
 * (`automatic`): the text field is then a hidden parameter whose default is an expression that
 * n8n resolves each time the agent builds the tool (`resolveToolDescription`), from the node's own
 * parameters and a table built from the resource tables and their declarations. The editor shows
 * "Set Automatically", never the expression.
 */
import type { INodeProperties } from 'n8n-workflow';

import type { OperationKind } from '../declarations';
import type { Resource } from '../resources';
import type { ToolLimits, ToolNode } from './limits';
import { NO_SENDING, onTool } from './limits';

export const PRODUCT: Record<ToolNode, string> = {
	mail: 'Outlook Mail',
	calendar: 'Outlook Calendar',
};

/** What the description says of one operation (from its dropdown entry and its declaration). */
export interface DescribedOperation {
	action: string;
	/** The action of the draft that stands in for it (`asDraft`), said under Drafts Only. */
	draftAction?: string;
	does: OperationKind;
	asDraft: boolean;
	sendsOnlyWhenReaching: boolean;
	/** It has From fields. */
	from: boolean;
}

/** resource → operation → what the description says of it, from the resource tables. */
export function describedOperations(
	resources: Resource[],
): Record<string, Record<string, DescribedOperation>> {
	const actionOf = (resource: string, operation: string): string => {
		const options = (resources.find((r) => r.option.value === resource)?.description[0].options ??
			[]) as Array<{ value: string; action?: string }>;
		return options.find((o) => o.value === operation)?.action ?? `${operation} ${resource}`;
	};
	return Object.fromEntries(
		resources.map((resource) => {
			return [
				resource.option.value,
				Object.fromEntries(
					Object.entries(resource.operations).map(([operation, module]) => {
						const { declaration } = module;
						const draft = declaration.asDraft;
						return [
							operation,
							{
								action: actionOf(resource.option.value, operation),
								...(draft ? { draftAction: actionOf(draft.resource, draft.operation) } : {}),
								does: declaration.does,
								asDraft: !!declaration.asDraft,
								sendsOnlyWhenReaching: !!declaration.sendsOnlyWhenReaching,
								from: !!declaration.from?.length,
							},
						];
					}),
				),
			];
		}),
	);
}

/** The sentences of the limits that bear on an operation (shared by the text and the expression). */
const SENTENCES = {
	readOnlyRefused:
		' Read only: the author allows this tool to read only, so every call is refused.',
	mail: {
		asDraft:
			' Drafts only: nothing is sent; the message is saved in the Drafts folder for a person to review and send.',
		whenReaching: ' Drafts only: a call that would make Outlook send mail is refused.',
		always: ' Drafts only: this operation sends mail, so every call is refused.',
	},
	calendar: {
		asDraft: '',
		whenReaching:
			' No invitations: a call that would make Outlook mail attendees or the organizer is refused; events without attendees are fine.',
		always: ' No invitations: this operation sends mail, so every call is refused.',
	},
	allowed:
		' Recipients must be at: {list} (addresses, or domains and their subdomains), including those a reply or a meeting update reaches.',
	max: ' At most {n} recipients per message.',
	fromAllowed: ' Sending as another mailbox is allowed only as: {list}.',
	fromRefused: ' Sending as another mailbox (From, or another Mailbox) is refused.',
};

/** The description the model reads for an operation under these limits. */
export function toolDescriptionText(
	node: ToolNode,
	operation: DescribedOperation | undefined,
	limits: ToolLimits,
): string {
	if (!operation) return PRODUCT[node];
	const drafts = operation.does === 'send' && limits.noSending && !limits.readOnly;
	const action = drafts && operation.draftAction ? operation.draftAction : operation.action;
	let text = `${action} in ${PRODUCT[node]}.`;
	const writes = operation.does === 'draft' || operation.does === 'send';
	if (limits.readOnly) {
		if (operation.does !== 'read') text += SENTENCES.readOnlyRefused;
		return text;
	}
	if (operation.does === 'send' && limits.noSending) {
		const sentences = SENTENCES[node];
		if (operation.asDraft) text += sentences.asDraft;
		else if (operation.sendsOnlyWhenReaching) text += sentences.whenReaching;
		else return text + sentences.always;
	}
	if (!writes) return text;
	// Replacement functions: a `$&` in an address must stay as it is.
	if (limits.allowed.length)
		text += SENTENCES.allowed.replace('{list}', () => limits.allowed.join(', '));
	if (limits.maxRecipients)
		text += SENTENCES.max.replace('{n}', () => String(limits.maxRecipients));
	if (operation.from || operation.does === 'send')
		text += limits.allowedFrom.length
			? SENTENCES.fromAllowed.replace('{list}', () => limits.allowedFrom.join(', '))
			: SENTENCES.fromRefused;
	return text;
}

/** The limits as sentences, for refusals (the operation aside). */
export function describeLimits(limits: ToolLimits, node: ToolNode): string {
	const parts: string[] = [];
	if (limits.readOnly) parts.push('Read only: this tool may only read.');
	else {
		if (limits.noSending)
			parts.push(
				node === 'mail'
					? 'Drafts only: this tool sends nothing; a message to send is saved in Drafts for a person to review and send.'
					: 'No invitations: this tool makes Outlook mail nobody (no invitations, updates, cancellations or responses).',
			);
		if (limits.allowed.length)
			parts.push(`Recipients must be at: ${limits.allowed.join(', ')} (addresses or domains).`);
		if (limits.maxRecipients) parts.push(`At most ${limits.maxRecipients} recipients per message.`);
		parts.push(
			limits.allowedFrom.length
				? `Sending as another mailbox only as: ${limits.allowedFrom.join(', ')}.`
				: 'No sending as another mailbox.',
		);
	}
	return parts.join(' ');
}

/**
 * `toolDescriptionText` as an n8n expression over `$parameter`: the same sentences and the same
 * choices (test/shared/toolPolicy.test.ts compares the two for every operation and many limits).
 * Written for n8n's expression engine: ES5 functions, no imports, the table inlined.
 */
function descriptionExpression(node: ToolNode, resources: Resource[]): string {
	const table = describedOperations(resources);
	const compact = Object.fromEntries(
		Object.entries(table).map(([resource, operations]) => [
			resource,
			Object.fromEntries(
				Object.entries(operations).map(([operation, o]) => [
					operation,
					[
						o.action,
						o.does,
						(o.asDraft ? 1 : 0) + (o.sendsOnlyWhenReaching ? 2 : 0) + (o.from ? 4 : 0),
						o.draftAction ?? '',
					],
				]),
			),
		]),
	);
	const s = { ...SENTENCES, send: SENTENCES[node] };
	const q = (text: string) => JSON.stringify(text);
	const source = `(function (p, t) {
		var o = (t[p.resource] || {})[p.operation];
		if (!Array.isArray(o)) return ${q(PRODUCT[node])};
		var list = function (v) { return String(v == null ? '' : v).split(/[,;\\s]+/).map(function (e) { return e.trim().toLowerCase().replace(/^@/, '').replace(/\\.$/, ''); }).filter(function (e) { return e !== ''; }); };
		var does = o[1];
		var readOnly = p.toolReadOnly === true;
		var noSending = ${node === 'mail' ? `p.${NO_SENDING.mail.parameter} !== false` : `p.${NO_SENDING.calendar.parameter} === true`};
		var text = (does === 'send' && noSending && !readOnly && o[3] ? o[3] : o[0]) + ${q(` in ${PRODUCT[node]}.`)};
		if (readOnly) return does === 'read' ? text : text + ${q(s.readOnlyRefused)};
		if (does === 'send' && noSending) {
			if (o[2] & 1) text += ${q(s.send.asDraft)};
			else if (o[2] & 2) text += ${q(s.send.whenReaching)};
			else return text + ${q(s.send.always)};
		}
		if (does !== 'draft' && does !== 'send') return text;
		var allowed = list(p.toolAllowedRecipients);
		if (allowed.length) text += ${q(s.allowed)}.replace('{list}', function () { return allowed.join(', '); });
		var max = Math.max(0, Math.floor(Number(p.toolMaxRecipients || 0)) || 0);
		if (max) text += ${q(s.max)}.replace('{n}', function () { return String(max); });
		var from = list(p.toolAllowedFrom);
		if ((o[2] & 4) || does === 'send') text += from.length ? ${q(s.fromAllowed)}.replace('{list}', function () { return from.join(', '); }) : ${q(s.fromRefused)};
		return text;
	})($parameter, ${JSON.stringify(compact, null, 1)})`;
	// One line; the table's nested braces stay apart ("} }"), as `}}` would end the expression.
	const inner = source.replace(/\s*\n\s*/g, ' ');
	if (inner.includes('{{') || inner.includes('}}'))
		throw new Error('The tool description expression must not contain {{ or }}');
	return `={{ ${inner} }}`;
}

/**
 * The Tool Description fields: the choice, the hidden automatic description, and the text for Set
 * Manually. `automaticFrom` is the node version from which Set Automatically is the default:
 * earlier saved tools had one visible field, so they open on Set Manually with what they held
 * (their own text, or the automatic expression when they kept the default).
 */
export function toolDescriptionProperties(
	node: ToolNode,
	resources: Resource[],
	nodeDescription: string,
	automaticFrom: number,
): INodeProperties[] {
	const tool = onTool(node);
	const expression = descriptionExpression(node, resources);
	const since = (show: boolean) => ({
		'@version': show ? [{ _cnd: { gte: automaticFrom } }] : [{ _cnd: { lt: automaticFrom } }],
	});
	const versions = automaticFrom > 1 ? [true, false] : [true];
	const choice = (automaticDefault: boolean): INodeProperties => ({
		displayName: 'Tool Description',
		name: 'descriptionType',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Set Automatically',
				// Not n8n's 'auto', which would make n8n ignore toolDescription and drop the limits.
				value: 'automatic',
				description: 'What the operation does and the limits below, kept up to date',
			},
			{
				name: 'Set Manually',
				value: 'manual',
				description: 'Your own text; state the limits too',
			},
		],
		default: automaticDefault ? 'automatic' : 'manual',
		displayOptions:
			automaticFrom > 1 ? { ...tool, show: { ...tool.show, ...since(automaticDefault) } } : tool,
	});
	const manual = (current: boolean): INodeProperties => ({
		displayName: 'Description',
		name: 'toolDescription',
		type: 'string',
		default: current ? nodeDescription : expression,
		required: true,
		typeOptions: { rows: 2 },
		description:
			'Explain to the AI model what this tool does. The limits are not added to your text: state them too.',
		displayOptions: {
			...tool,
			show: {
				...tool.show,
				descriptionType: ['manual'],
				...(automaticFrom > 1 ? since(current) : {}),
			},
		},
	});
	return [
		...versions.map(choice),
		{
			displayName: 'Tool Description (Automatic)',
			name: 'toolDescription',
			type: 'hidden',
			default: expression,
			displayOptions: { ...tool, show: { ...tool.show, descriptionType: ['automatic'] } },
		},
		...versions.map(manual),
	];
}
