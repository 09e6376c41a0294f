/**
 * What the inbox-rule operations share: the rule picker, the rule's conditions, actions and
 * exceptions as fields named as Graph names them (messageRulePredicates, messageRuleActions), and
 * the body built from them. Graph keeps rules on the Inbox only.
 * https://learn.microsoft.com/graph/api/resources/messagerule
 * https://learn.microsoft.com/graph/api/resources/messagerulepredicates
 * https://learn.microsoft.com/graph/api/resources/messageruleactions
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { categoriesField } from '../../../shared/categories';
import { importanceField } from '../../../shared/descriptions';
import type { GraphTransport } from '../../../shared/graph/client';
import { segment } from '../../../shared/graph/request';
import { readGraphId, WELL_KNOWN_FOLDERS } from '../../../shared/locators';
import type { PermissionHint } from '../../../shared/permissions';
import { permissionHint } from '../../../shared/permissions';
import { folderLocator, getFolderId } from '../../descriptions/locators';
import { splitList } from '../../helpers/compose';
import { mailPermission } from '../../helpers/permissions';
import { parseRecipients } from '../../helpers/recipients';

/** MailboxSettings.Read / MailboxSettings.ReadWrite (mailfolder-list-messagerules, mailfolder-post-messagerules). */
export function rulePermission(
	ctx: IExecuteFunctions,
	itemIndex: number,
	access: 'read' | 'write',
	action: string,
): PermissionHint {
	return permissionHint(ctx, itemIndex, 'mailboxSettings', access, action);
}

/** The Inbox's rules: "Graph only supports rules on the Inbox" (mailfolder-post-messagerules). */
export function rulesPath(root: string): string {
	return `${root}/mailFolders/inbox/messageRules`;
}

export function rulePath(root: string, ruleId: string): string {
	return `${rulesPath(root)}/${segment(ruleId)}`;
}

export const RULE_NOT_FOUND =
	'No inbox rule with this ID in the mailbox (it may have been deleted in Outlook). Pick the rule from the list, and check the Mailbox field.';

export const ruleLocator: INodeProperties = {
	displayName: 'Rule',
	name: 'ruleId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'An inbox rule',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchInboxRules', searchable: true },
		},
		{ displayName: 'By ID', name: 'id', type: 'string', placeholder: 'e.g. AQAAAJ5dZqA=' },
	],
};

export function getRuleId(ctx: IExecuteFunctions, itemIndex: number): string {
	return readGraphId(ctx, itemIndex, {
		name: 'ruleId',
		label: 'Rule',
		kind: 'inbox rule',
		fromUrl: () => undefined,
		emptyHelp: 'Pick a rule from the list, or enter its ID (Inbox Rule → Get Many lists them).',
	});
}

const words = (displayName: string, name: string, what: string): INodeProperties => ({
	displayName,
	name,
	type: 'string',
	default: '',
	placeholder: 'e.g. invoice, receipt',
	description: `${what} contains any of these texts (comma-separated)`,
});

const addresses = (displayName: string, name: string, what: string): INodeProperties => ({
	displayName,
	name,
	type: 'string',
	default: '',
	placeholder: 'e.g. ana@contoso.com, Bob <bob@fabrikam.com>',
	description: `${what} (comma-separated addresses)`,
});

const flag = (displayName: string, name: string, description: string): INodeProperties => ({
	displayName,
	name,
	type: 'boolean',
	default: true,
	description,
});

/** messageRulePredicates: the fields of Conditions and of Exceptions, alphabetical. */
export const predicateFields: INodeProperties[] = [
	words('Body Contains', 'bodyContains', 'The body'),
	words('Body or Subject Contains', 'bodyOrSubjectContains', 'The body or the subject'),
	categoriesField({ description: 'The message has any of these categories' }),
	{
		displayName: 'Flag Action',
		name: 'messageActionFlag',
		type: 'options',
		default: 'followUp',
		description: 'The message is flagged for this action',
		options: [
			{ name: 'Any', value: 'any' },
			{ name: 'Call', value: 'call' },
			{ name: 'Do Not Forward', value: 'doNotForward' },
			{ name: 'Follow Up', value: 'followUp' },
			{ name: 'Forward', value: 'forward' },
			{ name: 'FYI', value: 'fyi' },
			{ name: 'No Response Necessary', value: 'noResponseNecessary' },
			{ name: 'Read', value: 'read' },
			{ name: 'Reply', value: 'reply' },
			{ name: 'Reply to All', value: 'replyToAll' },
			{ name: 'Review', value: 'review' },
		],
	},
	addresses('From', 'fromAddresses', 'The sender is one of these'),
	flag('Has Attachments', 'hasAttachments', 'Whether the message has attachments'),
	words('Header Contains', 'headerContains', 'The message headers'),
	{ ...importanceField, description: 'The message has this importance' },
	flag('Is Approval Request', 'isApprovalRequest', 'Whether the message is an approval request'),
	flag(
		'Is Automatic Forward',
		'isAutomaticForward',
		'Whether the message was forwarded automatically',
	),
	flag('Is Automatic Reply', 'isAutomaticReply', 'Whether the message is an automatic reply'),
	flag('Is Encrypted', 'isEncrypted', 'Whether the message is encrypted'),
	flag('Is Meeting Request', 'isMeetingRequest', 'Whether the message is a meeting request'),
	flag('Is Meeting Response', 'isMeetingResponse', 'Whether the message is a meeting response'),
	flag(
		'Is Non-Delivery Report',
		'isNonDeliveryReport',
		'Whether the message is a non-delivery report',
	),
	flag(
		'Is Permission Controlled',
		'isPermissionControlled',
		'Whether the message is permission controlled (RMS)',
	),
	flag('Is Read Receipt', 'isReadReceipt', 'Whether the message is a read receipt'),
	flag('Is Signed', 'isSigned', 'Whether the message is S/MIME-signed'),
	flag('Is Voicemail', 'isVoicemail', 'Whether the message is a voice mail'),
	flag('Not Sent to Me', 'notSentToMe', 'Whether the mailbox owner is not a recipient'),
	words('Recipient Contains', 'recipientContains', 'A To or CC address'),
	words('Sender Contains', 'senderContains', "The sender's address"),
	{
		displayName: 'Sensitivity',
		name: 'sensitivity',
		type: 'options',
		default: 'confidential',
		description: 'The message has this sensitivity',
		options: [
			{ name: 'Normal', value: 'normal' },
			{ name: 'Personal', value: 'personal' },
			{ name: 'Private', value: 'private' },
			{ name: 'Confidential', value: 'confidential' },
		],
	},
	flag('Sent CC Me', 'sentCcMe', 'Whether the mailbox owner is in CC'),
	flag('Sent Only to Me', 'sentOnlyToMe', 'Whether the mailbox owner is the only recipient'),
	addresses('Sent To', 'sentToAddresses', 'A recipient is one of these'),
	flag('Sent to Me', 'sentToMe', 'Whether the mailbox owner is in To'),
	flag('Sent to or CC Me', 'sentToOrCcMe', 'Whether the mailbox owner is in To or CC'),
	words('Subject Contains', 'subjectContains', 'The subject'),
	{
		displayName: 'Size Range (KB)',
		name: 'withinSizeRange',
		type: 'fixedCollection',
		default: {},
		placeholder: 'Add Size Range',
		description: 'The message size is within this range, in kilobytes',
		options: [
			{
				displayName: 'Range',
				name: 'range',
				values: [
					{
						displayName: 'Minimum Size',
						name: 'minimumSize',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: 0,
					},
					{
						displayName: 'Maximum Size',
						name: 'maximumSize',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: 0,
						description: '0: no upper limit',
					},
				],
			},
		],
	},
];

/** messageRuleActions: the fields of Actions, alphabetical. */
export const actionFields: INodeProperties[] = [
	categoriesField({
		displayName: 'Assign Categories',
		name: 'assignCategories',
		description: "Categories to put on the message, from the mailbox's list",
	}),
	folderLocator({
		displayName: 'Copy to Folder',
		name: 'copyToFolder',
		required: false,
		description: 'A mail folder to copy the message to',
	}),
	flag('Delete', 'delete', 'Whether to move the message to Deleted Items'),
	addresses(
		'Forward as Attachment To',
		'forwardAsAttachmentTo',
		'Forward the message as an attachment to these',
	),
	addresses('Forward To', 'forwardTo', 'Forward the message to these'),
	flag('Mark as Read', 'markAsRead', 'Whether to mark the message read'),
	{ ...importanceField, displayName: 'Mark Importance', name: 'markImportance' },
	folderLocator({
		displayName: 'Move to Folder',
		name: 'moveToFolder',
		required: false,
		description: 'A mail folder to move the message to',
	}),
	flag(
		'Permanently Delete',
		'permanentDelete',
		'Whether to delete the message for good (not to Deleted Items)',
	),
	addresses(
		'Redirect To',
		'redirectTo',
		'Redirect the message to these (they see the original sender)',
	),
	flag(
		'Stop Processing Rules',
		'stopProcessingRules',
		'Whether later rules are skipped for a message this rule acts on',
	),
];

const WORD_LISTS = [
	'bodyContains',
	'bodyOrSubjectContains',
	'headerContains',
	'recipientContains',
	'senderContains',
	'subjectContains',
];
const PREDICATE_FLAGS = predicateFields
	.filter((field) => field.type === 'boolean')
	.map((field) => field.name);
const ACTION_FLAGS = actionFields
	.filter((field) => field.type === 'boolean')
	.map((field) => field.name);

function recipients(ctx: IExecuteFunctions, i: number, label: string, value: unknown) {
	return parseRecipients(ctx, i, label, value);
}

/** Conditions or Exceptions → messageRulePredicates; undefined when nothing is set. */
export function buildPredicates(
	ctx: IExecuteFunctions,
	i: number,
	fields: IDataObject,
	label: string,
): IDataObject | undefined {
	const out: IDataObject = {};
	// A list left empty (or an expression that gives nothing) is no condition. Sent as [], it made
	// an update's Conditions "filled in": they replaced the rule's own (Graph replaces the group
	// as a whole) with none, and a rule without conditions acts on every message.
	const list = (key: string, values: unknown[]) => {
		if (values.length) out[key] = values;
	};
	for (const key of WORD_LISTS) if (fields[key] !== undefined) list(key, splitList(fields[key]));
	for (const key of PREDICATE_FLAGS) if (fields[key] !== undefined) out[key] = fields[key] === true;
	if (fields.categories !== undefined) list('categories', splitList(fields.categories));
	for (const key of ['importance', 'sensitivity', 'messageActionFlag'])
		if (fields[key] !== undefined && fields[key] !== '') out[key] = fields[key];
	if (fields.fromAddresses !== undefined)
		list('fromAddresses', recipients(ctx, i, `${label} → From`, fields.fromAddresses));
	if (fields.sentToAddresses !== undefined)
		list('sentToAddresses', recipients(ctx, i, `${label} → Sent To`, fields.sentToAddresses));
	const range = (fields.withinSizeRange as { range?: IDataObject } | undefined)?.range;
	if (range) {
		// sizeRange's sizes are whole kilobytes (Int32); a number field set by an expression gets
		// what the expression gives ("ten" would be sent as null).
		const size = (name: 'minimumSize' | 'maximumSize', field: string) => {
			const value = Number(range[name] ?? 0);
			if (!Number.isInteger(value) || value < 0 || value > 2147483647)
				throw new NodeOperationError(
					ctx.getNode(),
					`In ${label} → Size Range (KB), ${field} must be a whole number of 0 or more (got ${JSON.stringify(range[name]).slice(0, 80)})`,
					{ itemIndex: i },
				);
			return value;
		};
		const minimumSize = size('minimumSize', 'Minimum Size');
		const maximumSize = size('maximumSize', 'Maximum Size');
		if (maximumSize && maximumSize < minimumSize) {
			throw new NodeOperationError(
				ctx.getNode(),
				`In ${label} → Size Range (KB), Maximum Size (${maximumSize}) is below Minimum Size (${minimumSize})`,
				{ itemIndex: i },
			);
		}
		out.withinSizeRange = { minimumSize, ...(maximumSize ? { maximumSize } : {}) };
	}
	return Object.keys(out).length ? out : undefined;
}

/**
 * A folder for a rule action as its ID: messageRuleActions wants folder IDs, so a well-known
 * name (archive, junkemail…) is looked up first.
 */
async function folderIdFor(
	ctx: IExecuteFunctions,
	i: number,
	transport: GraphTransport,
	root: string,
	name: string,
	label: string,
): Promise<string> {
	const id = getFolderId(ctx, i, `actions.${name}`, label);
	if (!(WELL_KNOWN_FOLDERS as readonly string[]).includes(id)) return id;
	const folder = await transport.request<IDataObject>({
		method: 'GET',
		path: `${root}/mailFolders/${segment(id)}`,
		query: { $select: 'id' },
		itemIndex: i,
		...mailPermission(ctx, i, 'read', 'find the folder of the rule action'),
	});
	return String(folder.id);
}

/** Actions → messageRuleActions; undefined when nothing is set. */
export async function buildActions(
	ctx: IExecuteFunctions,
	i: number,
	fields: IDataObject,
	transport: GraphTransport,
	root: string,
): Promise<IDataObject | undefined> {
	const out: IDataObject = {};
	for (const key of ACTION_FLAGS) if (fields[key] !== undefined) out[key] = fields[key] === true;
	// As an empty Forward To below: no categories chosen is no action.
	const categories = splitList(fields.assignCategories);
	if (categories.length) out.assignCategories = categories;
	if (fields.markImportance !== undefined && fields.markImportance !== '')
		out.markImportance = fields.markImportance;
	for (const [key, label] of [
		['forwardTo', 'Forward To'],
		['forwardAsAttachmentTo', 'Forward as Attachment To'],
		['redirectTo', 'Redirect To'],
	] as const) {
		if (fields[key] === undefined) continue;
		const list = recipients(ctx, i, `Actions → ${label}`, fields[key]);
		if (list.length) out[key] = list;
	}
	for (const [key, label] of [
		['copyToFolder', 'Copy to Folder'],
		['moveToFolder', 'Move to Folder'],
	] as const) {
		const value = (fields[key] as { value?: unknown } | undefined)?.value;
		if (value === undefined || value === '') continue;
		out[key] = await folderIdFor(ctx, i, transport, root, key, `Actions → ${label}`);
	}
	return Object.keys(out).length ? out : undefined;
}

/** Rule-level fields (Name, Sequence, Enabled) of the item, checked. */
export function ruleFields(ctx: IExecuteFunctions, i: number, fields: IDataObject): IDataObject {
	const out: IDataObject = {};
	if (fields.displayName !== undefined) {
		const name = String(fields.displayName ?? '').trim();
		if (!name)
			throw new NodeOperationError(ctx.getNode(), 'The field Name is empty', {
				itemIndex: i,
				description: 'Enter the name the rule has in Outlook.',
			});
		out.displayName = name;
	}
	if (fields.sequence !== undefined) {
		const sequence = Number(fields.sequence);
		if (!Number.isInteger(sequence) || sequence < 1)
			throw new NodeOperationError(
				ctx.getNode(),
				`The field Sequence must be a whole number of 1 or more (got ${String(fields.sequence)})`,
				{ itemIndex: i, description: 'Rules run in ascending Sequence: 1 runs first.' },
			);
		out.sequence = sequence;
	}
	if (fields.isEnabled !== undefined) out.isEnabled = fields.isEnabled === true;
	return out;
}

export const nameField: INodeProperties = {
	displayName: 'Name',
	name: 'displayName',
	type: 'string',
	default: '',
	placeholder: 'e.g. Invoices to accounting',
	description: 'The name the rule has in Outlook',
};

export const sequenceField: INodeProperties = {
	displayName: 'Sequence',
	name: 'sequence',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 1,
	description: 'The order the rules run in: 1 runs first',
};

export const enabledField: INodeProperties = {
	displayName: 'Enabled',
	name: 'isEnabled',
	type: 'boolean',
	default: true,
	description: 'Whether the rule acts on incoming mail',
};

export function predicatesCollection(
	name: 'conditions' | 'exceptions',
	description: string,
): INodeProperties {
	return {
		displayName: name === 'conditions' ? 'Conditions' : 'Exceptions',
		name,
		type: 'collection',
		placeholder: name === 'conditions' ? 'Add Condition' : 'Add Exception',
		default: {},
		description,
		options: predicateFields,
	};
}

export function actionsCollection(description: string): INodeProperties {
	return {
		displayName: 'Actions',
		name: 'actions',
		type: 'collection',
		placeholder: 'Add Action',
		default: {},
		description,
		options: actionFields,
	};
}

/** A rule that forwards or redirects makes Exchange send mail to these fields' addresses. */
export const FORWARDING_FIELDS = [
	{ field: 'actions.forwardTo', label: 'Forward To' },
	{ field: 'actions.forwardAsAttachmentTo', label: 'Forward as Attachment To' },
	{ field: 'actions.redirectTo', label: 'Redirect To' },
];
