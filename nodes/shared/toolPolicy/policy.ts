/**
 * The one policy both Graph nodes apply when they run as an AI Agent's tool: for each item, from
 * the operation's declaration (nodes/shared/declarations.ts) and the limits the author set
 * (./limits.ts), run the operation, run the draft that stands in for it, or refuse it with a
 * message the model can act on (n8n hands a tool's error message back to the model).
 *
 * - Read Only: only operations that read.
 * - Drafts Only (Mail) / No Invitations (Calendar): an operation that sends runs as its declared
 *   draft (`asDraft`); without one it is refused, unless it only sends when it reaches someone
 *   (`sendsOnlyWhenReaching`) and reaches nobody this time.
 * - Allowed Recipients, Max Recipients: every declared field and every recipient Graph adds on
 *   its own (./resolvers.ts), for operations that send and drafts alike.
 * - Allowed Send-As Mailboxes: the declared From fields, a draft's own From, and the Mailbox of an
 *   operation that sends; a mailbox the author wrote into the field (not an expression) counts as
 *   allowed, since the model cannot change it.
 *
 * Nothing here lists operations: a new operation is covered by its declaration.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ImplicitRecipients, OperationDeclaration, OperationKind } from '../declarations';
import { declaredImplicit } from '../declarations';
import { getMailboxRoot, mailboxChoice } from '../descriptions';
import { GraphTransport } from '../graph/client';
import { dataRecord, ownValue } from '../outsideData';
import type { OperationModule, OperationResult, ResourceMap } from '../router';
import { isAllowed, readAddresses } from './addresses';
import type { ToolLimits, ToolNode } from './limits';
import { isAiTool, NO_SENDING, readToolLimits } from './limits';
import { describeLimits } from './describe';
import type { Audience } from './resolvers';
import { IMPLICIT_RESOLVERS, type ResolveContext } from './resolvers';

/** What a node gives the policy. */
export interface ToolPolicyConfig {
	node: ToolNode;
	/**
	 * The ID in a locator field of the item (the message, draft, event or rule an operation works
	 * on), read as the node reads it; `field` is one of the fields the implicit sources name
	 * (declarations.ts, IMPLICIT_SOURCE_FIELDS).
	 */
	itemId(ctx: IExecuteFunctions, itemIndex: number, field: string): string;
}

/** One address and where it came from (a field's label, or what Graph adds). */
interface Via {
	address: string;
	via: string;
}

interface Reach {
	recipients: Via[];
	replyTo: Via[];
	audiences: Audience[];
	from: Array<Via & { fixed: boolean }>;
	/** Entries of recipient fields that are not one address this reader can check. */
	unreadable: Via[];
	/** …and of From fields the model filled. */
	unreadableFrom: Via[];
}

const IMPLICIT_LABELS: Record<ImplicitRecipients, string> = {
	replyTargets: "the original's sender or Reply-To",
	replyAllTargets: "the original's sender, Reply-To, To and CC",
	draftRecipients: "the draft's recipients",
	eventAttendees: "the meeting's attendees",
	eventOrganizer: "the meeting's organizer",
	automaticRepliesAudience: 'automatic replies',
	ruleForwardTargets: "the rule's forwarding",
	calendarOwner: "the calendar's owner",
};

const WHAT_IT_DOES: Record<OperationKind, string> = {
	read: 'reads',
	change: 'changes the mailbox',
	draft: 'saves a draft',
	send: 'sends mail',
};

function refusal(
	ctx: IExecuteFunctions,
	itemIndex: number,
	limit: string,
	message: string,
	limits: ToolLimits,
	node: ToolNode,
): NodeOperationError {
	return new NodeOperationError(
		ctx.getNode(),
		`Refused by the tool's limit "${limit}": ${message}`,
		{
			itemIndex,
			description: describeLimits(limits, node),
		},
	);
}

/** The properties directly under a collection or fixed collection (groups flattened). */
function childrenOf(property: INodeProperties): INodeProperties[] {
	return (property.options ?? []).flatMap((option) =>
		'values' in option && Array.isArray(option.values)
			? (option.values as INodeProperties[])
			: 'type' in option
				? [option as INodeProperties]
				: [],
	);
}

/**
 * The values at `path` below `value` (the value of `property`): a collection's entry, or in a
 * fixed collection the entries of every group that has the field (one object, or a list of them
 * when the collection takes multiple values).
 */
function valuesAt(property: INodeProperties, value: unknown, path: string[]): unknown[] {
	if (!path.length) return [value];
	if (value === undefined || value === null) return [];
	// A collection (or fixed collection) written as an expression: the raw value is a string.
	if (typeof value !== 'object') return [value];
	const [name, ...rest] = path;
	const record = value as IDataObject;
	const entries: Array<{ child: INodeProperties; value: unknown }> = [];
	if (property.type === 'fixedCollection') {
		for (const group of property.options ?? []) {
			if (!('values' in group) || !Array.isArray(group.values)) continue;
			const child = (group.values as INodeProperties[]).find((p) => p.name === name);
			if (!child) continue;
			for (const entry of ([] as unknown[]).concat(record[group.name] ?? []))
				if (entry && typeof entry === 'object')
					entries.push({ child, value: (entry as IDataObject)[name] });
		}
	} else {
		const child = childrenOf(property).find((p) => p.name === name);
		if (child) entries.push({ child, value: record[name] });
	}
	return entries.flatMap((entry) => valuesAt(entry.child, entry.value, rest));
}

/** A field's values for the item, and whether every raw value is fixed (no expression). */
function readField(
	ctx: IExecuteFunctions,
	itemIndex: number,
	properties: INodeProperties[],
	path: string,
): { values: unknown[]; fixed: boolean } {
	const [head, ...rest] = path.split('.');
	const property = properties.find((p) => p.name === head);
	if (!property) return { values: [], fixed: true };
	const resolved = ctx.getNodeParameter(head, itemIndex, undefined) as unknown;
	const raw = valuesAt(property, ctx.getNode().parameters[head], rest);
	// A resource locator's value ({ __rl, mode, value }) is where its expression sits.
	const isExpression = (v: unknown): boolean =>
		typeof v === 'string'
			? v.startsWith('=')
			: !!v && typeof v === 'object' && !Array.isArray(v) && isExpression((v as IDataObject).value);
	return {
		values: valuesAt(property, resolved, rest),
		fixed: !raw.some((v) => isExpression(v) || (Array.isArray(v) && v.some(isExpression))),
	};
}

/** Who the item's operation reaches, by its declaration. */
async function reachOf(
	ctx: IExecuteFunctions,
	itemIndex: number,
	module: OperationModule,
	config: ToolPolicyConfig,
	recipientsMatter: boolean,
): Promise<Reach> {
	const { declaration, description } = module;
	const reach: Reach = {
		recipients: [],
		replyTo: [],
		audiences: [],
		from: [],
		unreadable: [],
		unreadableFrom: [],
	};
	const add = (into: Via[], value: unknown, via: string) => {
		const read = readAddresses(value);
		into.push(...read.addresses.map((address) => ({ address, via })));
		reach.unreadable.push(...read.unreadable.map((address) => ({ address, via })));
	};
	const field = (path: string) => readField(ctx, itemIndex, description, path);
	let transport: GraphTransport | undefined;
	let own: string[] | undefined;
	const root = getMailboxRoot(ctx, itemIndex);
	const context: ResolveContext = {
		ctx,
		itemIndex,
		root,
		transport: async () => (transport ??= await GraphTransport.create(ctx, itemIndex)),
		itemId: (name) => config.itemId(ctx, itemIndex, name),
		field: (path) => field(path).values[0],
		fixed: (path) => field(path).fixed,
		ownAddresses: async () => (own ??= await ownAddresses(context)),
		reachFields: (declaration.reaches ?? []).flatMap((entry) =>
			'field' in entry && entry.role !== 'replyTo' ? [entry.field] : [],
		),
	};
	for (const entry of declaration.reaches ?? []) {
		if ('field' in entry) {
			for (const value of field(entry.field).values)
				add(entry.role === 'replyTo' ? reach.replyTo : reach.recipients, value, entry.label);
			continue;
		}
		// Only a field that is off leaves them out: any other value (unset, an odd string) counts as on.
		if (entry.when && field(entry.when).values[0] === false) continue;
		const resolver = IMPLICIT_RESOLVERS[entry.implicit];
		// Reading who Graph adds costs requests: only when a limit needs them.
		if (!recipientsMatter && !resolver.findsFrom) continue;
		const found = await resolver.resolve(context);
		const via = IMPLICIT_LABELS[entry.implicit];
		for (const address of found.recipients ?? []) reach.recipients.push({ address, via });
		for (const address of found.replyTo ?? []) reach.replyTo.push({ address, via });
		for (const address of found.from ?? []) reach.from.push({ address, via, fixed: false });
		reach.audiences.push(...(found.audiences ?? []));
	}
	for (const path of declaration.from ?? []) {
		const { values, fixed } = field(path);
		for (const value of values) {
			const read = readAddresses(value);
			reach.from.push(...read.addresses.map((address) => ({ address, via: 'From', fixed })));
			if (!fixed)
				reach.unreadableFrom.push(...read.unreadable.map((address) => ({ address, via: 'From' })));
		}
	}
	return reach;
}

/** The signed-in mailbox's addresses (`/me`), or the address in the Mailbox field. */
async function ownAddresses(context: ResolveContext): Promise<string[]> {
	const { ctx, itemIndex, root } = context;
	if (root !== '/me') {
		const id = String(ctx.getNodeParameter('mailboxId', itemIndex, ''))
			.trim()
			.toLowerCase();
		return id.includes('@') ? [id] : [];
	}
	const transport = await context.transport();
	const me = await transport.request<IDataObject>({
		method: 'GET',
		path: '/me',
		query: { $select: 'mail,userPrincipalName' },
		itemIndex,
		permission: 'User.Read',
		action: 'read your own address to check a draft against the tool limits',
	});
	return [me.mail, me.userPrincipalName]
		.filter((v): v is string => typeof v === 'string' && v !== '')
		.map((v) => v.toLowerCase());
}

/**
 * Whether the operation would reach anyone: a recipient, an audience, or an entry this reader
 * cannot take apart (the node's own parser might still find an address in it: fail closed).
 */
function reachesAnyone(reach: Reach): boolean {
	return reach.recipients.length > 0 || reach.audiences.length > 0 || reach.unreadable.length > 0;
}

function listed(entries: Via[]): string {
	return entries.map((e) => `${e.address} (${e.via})`).join(', ');
}

/** Checks what the operation reaches against the recipient and send-as limits. */
function checkReach(
	ctx: IExecuteFunctions,
	itemIndex: number,
	reach: Reach,
	sends: boolean,
	limits: ToolLimits,
	node: ToolNode,
): void {
	const nothing = sends ? 'Nothing was sent.' : 'Nothing was sent or saved.';
	const fail = (limit: string, message: string) =>
		refusal(ctx, itemIndex, limit, message, limits, node);
	if (limits.allowed.length || limits.maxRecipients) {
		const limit = limits.allowed.length ? 'Allowed Recipients' : 'Max Recipients per Message';
		if (reach.unreadable.length)
			throw fail(
				limit,
				`${reach.unreadable.map((e) => `"${e.address}" in ${e.via}`).join(', ')} is not one email address the limits can check. ${nothing} Give plain addresses, separated by commas.`,
			);
		if (reach.audiences.length)
			throw fail(
				limit,
				`this would reach ${reach.audiences.join(' and ')}: people who write in, whom no list of recipients can vouch for. ${nothing} Turn automatic replies off instead, or tell the user a person has to do it.`,
			);
	}
	if (limits.allowed.length) {
		const outside = [...reach.recipients, ...reach.replyTo].filter(
			(e) => !isAllowed(e.address, limits.allowed),
		);
		if (outside.length)
			throw fail(
				'Allowed Recipients',
				`${listed(outside)} ${outside.length === 1 ? 'is' : 'are'} not allowed. ${nothing} Use only recipients at ${limits.allowed.join(', ')}.`,
			);
	}
	if (limits.maxRecipients) {
		const unique = new Set(reach.recipients.map((e) => e.address));
		if (unique.size > limits.maxRecipients)
			throw fail(
				'Max Recipients per Message',
				`${unique.size} recipients, more than the ${limits.maxRecipients} allowed per message. ${nothing} Use at most ${limits.maxRecipients}.`,
			);
	}
	if (reach.unreadableFrom.length)
		throw fail(
			'Allowed Send-As Mailboxes',
			`${reach.unreadableFrom.map((e) => `"${e.address}" in ${e.via}`).join(', ')} is not one email address the limits can check. ${nothing} Leave From empty, or give one plain address.`,
		);
	const sendsAs = reach.from.filter((e) => !e.fixed && !isAllowed(e.address, limits.allowedFrom));
	if (sendsAs.length)
		throw fail(
			'Allowed Send-As Mailboxes',
			`sending as ${listed(sendsAs)} is not allowed. ${nothing} ${
				limits.allowedFrom.length
					? `Send as ${limits.allowedFrom.join(', ')} or your own mailbox.`
					: 'Send from your own mailbox and leave From empty.'
			}`,
		);
}

/**
 * The mailbox an operation that sends works in, as a send-as mailbox (undefined for your own):
 * the Mailbox field, and always the Mailbox Address with the app-only credential (`mailboxChoice`).
 */
function mailboxSendsAs(
	ctx: IExecuteFunctions,
	itemIndex: number,
): (Via & { fixed: boolean }) | undefined {
	const read = (name: string, fallback: string) => ctx.getNodeParameter(name, itemIndex, fallback);
	if (mailboxChoice(read) !== 'other') return undefined;
	const raw = ctx.getNode().parameters;
	const expression = (v: unknown) => typeof v === 'string' && v.startsWith('=');
	return {
		address: String(ctx.getNodeParameter('mailboxId', itemIndex, ''))
			.trim()
			.toLowerCase(),
		via: 'Mailbox',
		fixed: !expression(raw.mailbox) && !expression(raw.mailboxId),
	};
}

export type Decision = { module: OperationModule; asDraft: boolean };

/**
 * What to run for the item: the operation, or the draft that stands in for it; throws the
 * refusal when the limits do not allow it.
 */
export async function decide(
	ctx: IExecuteFunctions,
	itemIndex: number,
	resources: ResourceMap,
	module: OperationModule,
	limits: ToolLimits,
	config: ToolPolicyConfig,
): Promise<Decision> {
	const { node } = config;
	const declaration: OperationDeclaration = module.declaration;
	const fail = (limit: string, message: string) =>
		refusal(ctx, itemIndex, limit, message, limits, node);
	if (limits.readOnly && declaration.does !== 'read')
		throw fail(
			'Read Only',
			`this operation ${WHAT_IT_DOES[declaration.does]}, and this tool may only read. Nothing was changed. Tell the user a person has to do it.`,
		);
	if (declaration.does === 'read' || declaration.does === 'change')
		return { module, asDraft: false };

	let target = module;
	let asDraft = false;
	if (declaration.does === 'send' && limits.noSending) {
		const draft = declaration.asDraft
			? ownValue(ownValue(resources, declaration.asDraft.resource), declaration.asDraft.operation)
			: undefined;
		if (draft) {
			target = draft;
			asDraft = true;
		} else {
			const reach = declaration.sendsOnlyWhenReaching
				? await reachOf(ctx, itemIndex, module, config, true)
				: undefined;
			if (!reach || reachesAnyone(reach)) {
				const whom = reach?.recipients.length
					? ` to ${[...new Set(reach.recipients.map((e) => e.address))].join(', ')}`
					: reach?.audiences.length
						? ` to ${reach.audiences.join(' and ')}`
						: '';
				throw fail(
					NO_SENDING[node].label,
					node === 'mail'
						? `this would send mail${whom}, and this tool may only create drafts. Nothing was sent. Tell the user a person has to send it.`
						: `this would make Outlook send mail${whom}, and this tool may not send invitations, updates, cancellations or responses. Nothing was sent or changed. Tell the user a person has to do it.`,
				);
			}
			return { module, asDraft: false };
		}
	}

	const targetDeclaration = target.declaration;
	const sends = targetDeclaration.does === 'send';
	const mailbox = sends ? mailboxSendsAs(ctx, itemIndex) : undefined;
	const mailboxRefused =
		!!mailbox && !mailbox.fixed && !isAllowed(mailbox.address, limits.allowedFrom);
	// Whether it sends at all matters only when it may send as a refused mailbox: another Mailbox,
	// or one a resolver finds (a shared calendar's owner; an event without attendees sends nothing).
	const findsFrom = declaredImplicit(targetDeclaration).some(
		(source) => IMPLICIT_RESOLVERS[source].findsFrom,
	);
	const whetherItSends =
		sends && !!targetDeclaration.sendsOnlyWhenReaching && (mailboxRefused || findsFrom);
	const recipientsMatter = limits.allowed.length > 0 || limits.maxRecipients > 0 || whetherItSends;
	const reach = await reachOf(ctx, itemIndex, target, config, recipientsMatter);
	if (recipientsMatter && sends && targetDeclaration.sendsOnlyWhenReaching && !reachesAnyone(reach))
		return { module: target, asDraft };
	if (mailbox) reach.from.push(mailbox);
	checkReach(ctx, itemIndex, reach, sends, limits, node);
	return { module: target, asDraft };
}

const DRAFT_NOTE =
	'Not sent: this tool may only create drafts. The message was saved in the Drafts folder for a person to review and send.';

/** A draft's output, marked as not sent. */
function markedAsDraft(result: OperationResult): OperationResult {
	const mark = (json: IDataObject) => ({
		...json,
		sent: false,
		savedAsDraft: true,
		note: DRAFT_NOTE,
	});
	const list = Array.isArray(result) ? result : [result];
	const marked = list.map((entry) =>
		entry && typeof entry === 'object' && 'json' in entry && typeof entry.json === 'object'
			? { ...entry, json: mark(entry.json as IDataObject) }
			: mark(entry as IDataObject),
	);
	return (Array.isArray(result) ? marked : marked[0]) as OperationResult;
}

async function runOne(
	ctx: IExecuteFunctions,
	module: OperationModule,
	itemIndex: number,
): Promise<OperationResult> {
	if (module.execute) return await module.execute.call(ctx, itemIndex);
	const [outcome] = await module.executeAll!.call(ctx, [itemIndex]);
	if (outcome instanceof Error) throw outcome;
	return outcome;
}

/**
 * The resource map with the item's operation wrapped in the limits, when the node runs as an AI
 * tool; unchanged otherwise.
 */
export function toolSafeResources(
	ctx: IExecuteFunctions,
	resources: ResourceMap,
	config: ToolPolicyConfig,
): ResourceMap {
	if (!isAiTool(ctx)) return resources;
	const resource = ctx.getNodeParameter('resource', 0) as string;
	const operation = ctx.getNodeParameter('operation', 0) as string;
	const original = ownValue(ownValue(resources, resource), operation);
	if (!original) return resources;
	const limits = readToolLimits(ctx, config.node);
	// An operation that may run as its draft runs item by item (the draft's own handler).
	const mayDraft =
		limits.noSending && original.declaration.does === 'send' && !!original.declaration.asDraft;

	const execute = async function (this: IExecuteFunctions, i: number): Promise<OperationResult> {
		const decision = await decide(this, i, resources, original, limits, config);
		const result = await runOne(this, decision.module, i);
		return decision.asDraft ? markedAsDraft(result) : result;
	};
	const executeAll = async function (
		this: IExecuteFunctions,
		indexes: number[],
	): Promise<Array<OperationResult | Error>> {
		const refused = new Map<number, Error>();
		for (const i of indexes) {
			try {
				await decide(this, i, resources, original, limits, config);
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
		...(original.executeAll && !mayDraft ? { executeAll } : { execute }),
	};
	// Null-prototype, as resourceMap builds them: looked up by the node's parameters.
	return dataRecord([
		...Object.entries(resources),
		[resource, dataRecord([...Object.entries(resources[resource]), [operation, wrapped]])],
	]);
}
