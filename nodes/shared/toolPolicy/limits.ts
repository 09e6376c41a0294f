/**
 * The limits a workflow's author sets on Outlook Mail and Outlook Calendar when an AI Agent uses
 * them as tools (n8n's `outlookMailTool` and `outlookCalendarTool` variants, made from
 * `usableAsTool`), and how they are read.
 *
 * Why the model cannot lift them: a model only fills parameters whose value holds `$fromAI()`
 * (n8n-core `create-node-as-tool.ts` builds the tool's schema from those calls alone), and these
 * fields take no expressions (`noDataExpression`), so no `$fromAI()` can be put in them; a value
 * that is an expression anyway (a hand-edited workflow) is refused before anything is done.
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, SEND_AND_WAIT_OPERATION } from 'n8n-workflow';

import { parseAllowList } from './addresses';

/** Which node the limits are on: the names and wording of the no-sending limit differ. */
export type ToolNode = 'mail' | 'calendar';

export interface ToolLimits {
	/** Only operations that read (`does: 'read'`). */
	readOnly: boolean;
	/**
	 * Mail: Drafts Only (a send becomes its draft, the rest that sends is refused). Calendar: No
	 * Invitations (nothing that mails attendees or the organizer).
	 */
	noSending: boolean;
	/** Lower-cased addresses and domains (`contoso.com` also admits its subdomains); empty: any. */
	allowed: string[];
	/** 0: no cap. */
	maxRecipients: number;
	/** Mailboxes the tool may send as (From, and the Mailbox of an operation that sends). */
	allowedFrom: string[];
}

/** The node's own names for the limit that stops sending, as the editor and refusals say them. */
export const NO_SENDING: Record<ToolNode, { parameter: string; label: string }> = {
	mail: { parameter: 'toolDraftsOnly', label: 'Drafts Only' },
	calendar: { parameter: 'toolNoInvitations', label: 'No Invitations' },
};

/**
 * Outlook Calendar had no limits before version 1.1: saved v1 tools keep running as they were
 * (No Invitations off); a tool added from 1.1 on has it on, as Outlook Mail's Drafts Only is.
 */
export const CALENDAR_LIMITS_VERSION = 1.1;

/**
 * Shown only on the tool variant (`@tool`: n8n's displayOptions key for "this node is a tool"),
 * and for Outlook Mail not on Send and Wait (the Human-review variant n8n derives from it sends
 * the author's approval mail, not the model's).
 */
export function onTool(node: ToolNode): NonNullable<INodeProperties['displayOptions']> {
	return node === 'mail'
		? { show: { '@tool': [true] }, hide: { operation: [SEND_AND_WAIT_OPERATION] } }
		: { show: { '@tool': [true] } };
}

function withShow(
	base: NonNullable<INodeProperties['displayOptions']>,
	show: NonNullable<NonNullable<INodeProperties['displayOptions']>['show']>,
): NonNullable<INodeProperties['displayOptions']> {
	return { ...base, show: { ...base.show, ...show } };
}

/** The limit fields of a node's tool variant, in the order the editor shows them. */
export function toolLimitProperties(node: ToolNode): INodeProperties[] {
	const tool = onTool(node);
	const unlessReadOnly = withShow(tool, { toolReadOnly: [false] });
	const noSending: INodeProperties[] =
		node === 'mail'
			? [
					{
						displayName: 'Drafts Only',
						name: 'toolDraftsOnly',
						type: 'boolean',
						default: true,
						noDataExpression: true,
						description:
							'Whether the model may only write drafts: Send, Reply, Reply All and Forward save a draft in Drafts instead; everything else that would send mail (Draft → Send, automatic replies) is refused',
						displayOptions: unlessReadOnly,
					},
				]
			: [true, false].map((current) => ({
					displayName: 'No Invitations',
					name: 'toolNoInvitations',
					type: 'boolean' as const,
					default: current,
					noDataExpression: true,
					description:
						'Whether the model may not make Outlook mail anyone: creating, changing, cancelling or deleting a meeting with attendees, forwarding an invitation and sending a response are refused; events without attendees are fine',
					displayOptions: withShow(unlessReadOnly, {
						'@version': current
							? [{ _cnd: { gte: CALENDAR_LIMITS_VERSION } }]
							: [{ _cnd: { lt: CALENDAR_LIMITS_VERSION } }],
					}),
				}));
	const what = node === 'mail' ? 'write to' : 'invite or notify';
	return [
		{
			displayName:
				'Limits below are fixed by you, never filled by the AI model; the tool description tells the model about them',
			name: 'toolLimitsNotice',
			type: 'notice',
			default: '',
			displayOptions: tool,
		},
		{
			displayName: 'Read Only',
			name: 'toolReadOnly',
			type: 'boolean',
			default: false,
			noDataExpression: true,
			description: `Whether the model may only read: every operation that changes, drafts or sends anything is refused`,
			displayOptions: tool,
		},
		...noSending,
		{
			displayName: 'Allowed Recipients',
			name: 'toolAllowedRecipients',
			type: 'string',
			default: '',
			noDataExpression: true,
			placeholder: 'e.g. contoso.com, partner@fabrikam.com',
			description: `Addresses and domains the model may ${what}, separated by commas (a domain admits its subdomains). Covers every field and the people Outlook adds on its own (reply targets, a draft's recipients, attendees, the organizer, automatic replies' audience). Empty: any recipient.`,
			displayOptions: unlessReadOnly,
		},
		{
			displayName: 'Max Recipients per Message',
			name: 'toolMaxRecipients',
			type: 'number',
			default: 0,
			noDataExpression: true,
			typeOptions: { minValue: 0 },
			description: `At most this many recipients per ${node === 'mail' ? 'message (To, CC and BCC together, and those a reply adds)' : 'invitation, update or response'}. 0: no cap.`,
			displayOptions: unlessReadOnly,
		},
		{
			displayName: 'Allowed Send-As Mailboxes',
			name: 'toolAllowedFrom',
			type: 'string',
			default: '',
			noDataExpression: true,
			placeholder: 'e.g. support@contoso.com',
			description:
				node === 'mail'
					? 'Mailboxes the model may send as or on behalf of (From, or a Mailbox other than yours for an operation that sends), separated by commas. Empty: only your own, or a mailbox you wrote into the field yourself.'
					: 'Calendars whose owner the model may send invitations and responses as (Calendar Owner other than you, or a Calendar shared with you), separated by commas. Empty: only your own, or one you wrote into the field yourself.',
			displayOptions: unlessReadOnly,
		},
	];
}

/** Every parameter that holds a limit (each must be a fixed value). */
export function limitParameters(node: ToolNode): string[] {
	return [
		'toolReadOnly',
		NO_SENDING[node].parameter,
		'toolAllowedRecipients',
		'toolMaxRecipients',
		'toolAllowedFrom',
	];
}

/** Whether the node runs as an AI Agent's tool (not the Human-review variant). */
export function isAiTool(ctx: Pick<IExecuteFunctions, 'getNode'>): boolean {
	const type = ctx.getNode().type;
	// The HITL variant (`…HitlTool`) sends the author's approval mail, not the model's.
	return type.endsWith('Tool') && !type.endsWith('HitlTool');
}

/**
 * The limits set on the node. Read from the node's saved parameters (never resolved): a value that
 * is an expression is refused, since a limit the model could fill is no limit.
 */
export function readToolLimits(
	ctx: Pick<IExecuteFunctions, 'getNode'>,
	node: ToolNode,
): ToolLimits {
	const { parameters, typeVersion } = ctx.getNode();
	for (const name of limitParameters(node)) {
		const value = parameters[name];
		if (typeof value === 'string' && value.startsWith('=')) {
			throw new NodeOperationError(
				ctx.getNode(),
				`The tool limit "${name}" holds an expression; tool limits must be fixed values`,
				{ description: 'Write the value itself: a limit the model could fill is no limit.' },
			);
		}
	}
	const noSendingDefault = node === 'mail' || typeVersion >= CALENDAR_LIMITS_VERSION;
	const noSending = parameters[NO_SENDING[node].parameter];
	return {
		readOnly: parameters.toolReadOnly === true,
		noSending: noSending === undefined ? noSendingDefault : noSending !== false,
		allowed: parseAllowList(parameters.toolAllowedRecipients),
		maxRecipients: Math.max(0, Math.floor(Number(parameters.toolMaxRecipients ?? 0)) || 0),
		allowedFrom: parseAllowList(parameters.toolAllowedFrom),
	};
}
