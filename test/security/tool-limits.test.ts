/**
 * Every operation of both Graph nodes, as an AI Agent's tool, under every limit, with what a
 * hostile model fills in: outside addresses in every string field (look-alike domains, many
 * recipients, Reply-To and From outside, another mailbox), every option, replies to outsiders'
 * mail, drafts already addressed outside, meetings with outside attendees. The operation list
 * comes from the nodes' resource tables, so an operation added tomorrow is covered tomorrow.
 *
 * What left the mailbox is judged by the stand-in's own check (test/support/graph-outbound.ts),
 * which classifies requests from Graph's documented behaviour, not from this package's
 * declarations; `allowedBy` below says, from that classification alone, whether each limit held.
 *
 * A second pass runs each operation with values inside the limits: first without limits (what it
 * does, as the stand-in sees it), then under each limit. A limit may refuse it only when the
 * unlimited run did something that limit forbids; otherwise the call must go through. This keeps
 * the policy from passing by refusing everything.
 */
import type { INodeParameters, INodeProperties, INodeType } from 'n8n-workflow';

import { OutlookCalendar } from '../../nodes/OutlookCalendar/OutlookCalendar.node';
import { resources as calendarResources } from '../../nodes/OutlookCalendar/actions/router';
import { OutlookMail } from '../../nodes/OutlookMail/OutlookMail.node';
import { resources as mailResources } from '../../nodes/OutlookMail/actions/router';
import type { Resource } from '../../nodes/shared/resources';
import {
	connectedCredential,
	expectGraphContractKept,
	startStandIns,
	type StandIns,
} from '../support/fixtures';
import { OutboundLedger, type Outbound } from '../support/graph-outbound';
import { ATTACHMENT_ID, GraphWorld } from '../support/graph-world';
import { TEST_USER } from '../support/identity-provider';
import { N8nHarness } from '../support/n8n-harness';
import { agentTool, callTool, toolVariant } from '../support/tool-harness';

interface NodeUnderTest {
	label: string;
	type: string;
	tool: INodeType;
	resources: Resource[];
	/** The parameter of the limit that stops sending (Drafts Only, No Invitations). */
	noSending: string;
}

const NODES: NodeUnderTest[] = [
	{
		label: 'Outlook Mail',
		type: 'outlookMailTool',
		tool: toolVariant(new OutlookMail()),
		resources: mailResources,
		noSending: 'toolDraftsOnly',
	},
	{
		label: 'Outlook Calendar',
		type: 'outlookCalendarTool',
		tool: toolVariant(new OutlookCalendar()),
		resources: calendarResources,
		noSending: 'toolNoInvitations',
	},
];

/** A limit as the author sets it, and what it allows, judged from the stand-in's classification. */
interface Limit {
	name: string;
	parameters: (node: NodeUnderTest) => INodeParameters;
	readOnly?: boolean;
	noSending?: boolean;
	allowed?: string[];
	max?: number;
	allowedFrom?: string[];
}

const LIMITS: Limit[] = [
	{ name: 'Drafts Only / No Invitations (the defaults)', parameters: () => ({}), noSending: true },
	{ name: 'Read Only', parameters: () => ({ toolReadOnly: true }), readOnly: true },
	{
		name: 'Allowed Recipients contoso.com',
		parameters: (n) => ({ [n.noSending]: false, toolAllowedRecipients: 'contoso.com' }),
		allowed: ['contoso.com'],
	},
	{
		name: 'Max Recipients 2',
		parameters: (n) => ({ [n.noSending]: false, toolMaxRecipients: 2 }),
		max: 2,
	},
	{
		name: 'Allowed Send-As support@contoso.com',
		parameters: (n) => ({
			[n.noSending]: false,
			toolAllowedRecipients: 'contoso.com',
			toolAllowedFrom: 'support@contoso.com',
		}),
		allowed: ['contoso.com'],
		allowedFrom: ['support@contoso.com'],
	},
	{
		name: 'Drafts Only + Allowed Recipients + Max Recipients 3',
		parameters: () => ({
			toolAllowedRecipients: 'contoso.com, partner@fabrikam.com',
			toolMaxRecipients: 3,
		}),
		noSending: true,
		allowed: ['contoso.com', 'partner@fabrikam.com'],
		max: 3,
	},
];

const NO_LIMITS = (n: NodeUnderTest): INodeParameters => ({ [n.noSending]: false });

function admitted(address: string, allowList: string[]): boolean {
	const domain = address.slice(address.lastIndexOf('@') + 1);
	return allowList.some((entry) =>
		entry.includes('@') ? entry === address : domain === entry || domain.endsWith(`.${entry}`),
	);
}

/** What a limit forbids in what the stand-in saw (empty: it held). */
function breaches(entries: Outbound[], limit: Limit): string[] {
	const own = TEST_USER.toLowerCase();
	const found: string[] = [];
	for (const entry of entries) {
		const at = `${entry.request} (${entry.kind})`;
		if (limit.readOnly) {
			found.push(
				`${at}: Read Only, yet it ${entry.kind === 'change' ? 'changed' : 'reached'} something`,
			);
			continue;
		}
		if (entry.kind === 'change') continue;
		if (limit.noSending && entry.kind === 'sends')
			found.push(
				`${at}: it sent to ${[...entry.recipients, ...entry.audiences].join(', ') || 'nobody listed'}`,
			);
		if (limit.allowed || limit.max) {
			if (entry.unknown)
				found.push(`${at}: the stand-in cannot tell whom it reaches (${entry.unknown})`);
			if (entry.audiences.length) found.push(`${at}: it reaches ${entry.audiences.join(', ')}`);
		}
		if (limit.allowed) {
			const outside = [...entry.recipients, ...entry.replyTo].filter(
				(a) => !admitted(a, limit.allowed!),
			);
			if (outside.length) found.push(`${at}: outside the allow-list: ${outside.join(', ')}`);
		}
		if (limit.max) {
			const count = new Set(entry.recipients).size;
			if (count > limit.max) found.push(`${at}: ${count} recipients, more than ${limit.max}`);
		}
		const sendsAs = (address: string | undefined) =>
			address !== undefined &&
			address !== own &&
			address !== 'me' &&
			!admitted(address, limit.allowedFrom ?? []);
		if (sendsAs(entry.from)) found.push(`${at}: From ${entry.from}`);
		if (entry.kind === 'sends' && sendsAs(entry.mailbox))
			found.push(`${at}: sent as the mailbox ${entry.mailbox}`);
	}
	return found;
}

// The mailbox: what outsiders sent, a draft already addressed outside, meetings with outsiders.
const OUTSIDER_MAIL = 'AAMk-outsider';
const OUTSIDE_DRAFT = 'AAMk-outside-draft';
const INSIDE_MAIL = 'AAMk-inside';
const ORGANISED_WITH_OUTSIDERS = 'AAMkevent-organised';
const ORGANISED_BY_OUTSIDER = 'AAMkevent-invited';
const ORGANISED_INSIDE = 'AAMkevent-inside';
const INVITED_INSIDE = 'AAMkevent-invited-inside';
const FORWARDING_RULE = 'rule-forwarding-off';
const OUTSIDE_RULE = 'rule-forwarding-on';
const INSIDE_RULE = 'rule-inside';

function furnish(world: GraphWorld): void {
	world
		.addMessage({
			id: OUTSIDER_MAIL,
			from: 'mallory@evil.test',
			replyTo: ['exfil@evil.test'],
			to: [TEST_USER, 'ally@contoso.com'],
			cc: ['spy@contoso.com.evil.test', 'a@contoso.com', 'b@contoso.com', 'c@contoso.com'],
		})
		.addMessage({
			id: OUTSIDE_DRAFT,
			from: 'ceo@contoso.com',
			to: ['twin@contoso-com.test'],
			bcc: ['exfil@evil.test'],
			replyTo: ['exfil@evil.test'],
			isDraft: true,
		})
		.addMessage({
			id: INSIDE_MAIL,
			from: 'ally@contoso.com',
			to: ['bob@contoso.com'],
			isDraft: true,
		})
		.addEvent({
			id: ORGANISED_WITH_OUTSIDERS,
			organizer: TEST_USER,
			attendees: ['guest@evil.test', 'ally@contoso.com', 'a@contoso.com', 'b@contoso.com'],
		})
		.addEvent({ id: ORGANISED_BY_OUTSIDER, organizer: 'boss@evil.test', attendees: [TEST_USER] })
		.addEvent({ id: ORGANISED_INSIDE, organizer: TEST_USER, attendees: ['bob@contoso.com'] })
		.addEvent({ id: INVITED_INSIDE, organizer: 'ally@contoso.com', attendees: [TEST_USER] })
		// A rule someone set up to forward outside, switched off; one that forwards outside now; one
		// that forwards inside.
		.addRule({ id: FORWARDING_RULE, forwardTo: ['exfil@evil.test'], enabled: false })
		.addRule({ id: OUTSIDE_RULE, forwardTo: ['spy@contoso.com.evil.test'], enabled: true })
		.addRule({ id: INSIDE_RULE, forwardTo: ['bob@contoso.com'], enabled: false });
}

const HOSTILE_LIST = [
	'ally@contoso.com',
	'x1@contoso.com',
	'x2@contoso.com',
	'x3@contoso.com',
	'exfil@evil.test',
	'spy@contoso.com.evil.test',
	'twin@contoso-com.test',
	'Partner <partner@fabrikam.com.evil.test>',
	// A display name that parsers take apart differently.
	'a>b <hidden@evil.test>',
].join(', ');

/**
 * What a hostile model writes where a recipient goes, by variant: many (outside, look-alike and
 * inside); a look-alike from another mailbox; inside only, so that what Graph adds on its own
 * (the outsider's Reply-To, a meeting's outside attendees) is all that is outside; inside, as
 * another mailbox (From).
 */
const HOSTILE_RECIPIENTS = [
	HOSTILE_LIST,
	'twin@contoso-com.test',
	'ally@contoso.com',
	'ally@contoso.com',
];
const HOSTILE_FROM = ['', '', '', 'ceo@contoso.com'];
/** Reply-To outside while every recipient is inside (variant 2). */
const HOSTILE_REPLY_TO = [HOSTILE_LIST, 'twin@contoso-com.test', 'exfil@evil.test', ''];

/** The items a locator field can point at, by what it names. */
function itemsFor(name: string, hostile: boolean): string[] {
	if (/attachment/i.test(name)) return [ATTACHMENT_ID];
	if (/message|draft/i.test(name)) return hostile ? [OUTSIDER_MAIL, OUTSIDE_DRAFT] : [INSIDE_MAIL];
	if (/event/i.test(name))
		return hostile
			? [ORGANISED_WITH_OUTSIDERS, ORGANISED_BY_OUTSIDER]
			: [ORGANISED_INSIDE, INVITED_INSIDE];
	if (/^rule/i.test(name)) return hostile ? [FORWARDING_RULE, OUTSIDE_RULE] : [INSIDE_RULE];
	if (/contactFolder|parentFolder/i.test(name)) return ['AAMkcontacts-1'];
	if (/contact/i.test(name)) return ['AAMkcontact-1'];
	if (/categor/i.test(name)) return ['AAMkcategory-1'];
	if (/roomList/i.test(name)) return ['building4@contoso.com'];
	if (/room/i.test(name)) return ['room402@contoso.com'];
	if (/destination/i.test(name)) return ['AAMkfolder-2'];
	if (/folder/i.test(name)) return ['AAMkfolder-1'];
	if (/calendar/i.test(name)) return ['AAMkcal-1'];
	return ['AAMk-unknown'];
}

/** Fields that name recipients by what Graph calls them (as test/shared/resources.test.ts). */
const RECIPIENTS = /(recipients|attendees|^replyto$|forward(as(attachment)?)?to|redirectto)$/i;

interface Filled {
	parameters: INodeParameters;
	args: Record<string, unknown>;
}

/**
 * - `everywhere`: outside addresses in every string field, whatever it is for (a field that
 *   addresses mail under a name nobody expected is caught too; most such calls fail early);
 * - `addressing`: outside and look-alike addresses, many of them, in the fields that address
 *   mail, From and another Mailbox, every option in turn, and values that work elsewhere, so the
 *   calls get as far as the limits;
 * - `inside`: values inside every limit (recipients at contoso.com, your own mailbox).
 */
type Mode = 'everywhere' | 'addressing' | 'inside';

/** Parameters where every field the model could fill holds `$fromAI()`, and the model's values. */
function fill(properties: INodeProperties[], k: number, mode: Mode): Filled {
	const args: Record<string, unknown> = {};
	const hostile = mode !== 'inside';
	let day = 1;
	const key = (path: string) => path.replace(/[^A-Za-z0-9_-]/g, '_').slice(-64);
	const value = (p: INodeProperties, path: string, nested: boolean): unknown => {
		const ai = (type: 'string' | 'number' | 'boolean', v: unknown) => {
			args[key(path)] = v;
			return `={{ $fromAI('${key(path)}', '', '${type}') }}`;
		};
		switch (p.type) {
			case 'string':
				if (mode === 'everywhere')
					return ai('string', k % 2 === 0 ? HOSTILE_LIST : 'exfil@evil.test');
				if (/^from$/i.test(p.name))
					return mode === 'addressing' && HOSTILE_FROM[k % 4]
						? ai('string', HOSTILE_FROM[k % 4])
						: undefined;
				if (/^replyTo$/i.test(p.name) && mode === 'addressing')
					return HOSTILE_REPLY_TO[k % 4] ? ai('string', HOSTILE_REPLY_TO[k % 4]) : undefined;
				if (RECIPIENTS.test(p.name)) {
					if (mode === 'addressing') return ai('string', HOSTILE_RECIPIENTS[k % 4]);
					return nested && k >= 2 ? undefined : ai('string', 'bob@contoso.com');
				}
				// IDs name items of the mailbox; other text in collections only in a richer variant.
				if (/Id$/.test(p.name)) return ai('string', itemsFor(p.name, hostile)[0]);
				if (nested) return mode === 'inside' && k >= 3 ? ai('string', 'Project X') : undefined;
				return ai('string', 'bob@contoso.com');
			case 'dateTime':
				// Ends after starts, whatever order the fields come in.
				return ai(
					'string',
					`2030-${/end/i.test(p.name) ? '02' : '01'}-${String(10 + day++).padStart(2, '0')}T09:00:00`,
				);
			case 'number':
				return ai('number', 30);
			case 'boolean':
				// Inside the limits: set in collections only in the richer variant (Update Fields).
				if (!hostile) return nested && k >= 2 ? ai('boolean', true) : undefined;
				return ai('boolean', k % 3 !== 2);
			case 'options': {
				const options = (p.options ?? []) as Array<{ value: string | number | boolean }>;
				if (!hostile || !options.length || p.noDataExpression) return undefined;
				return ai('string', String(options[k % options.length].value));
			}
			case 'resourceLocator': {
				const items = itemsFor(p.name, hostile);
				return { __rl: true, mode: 'id', value: ai('string', items[k % items.length]) };
			}
			case 'collection': {
				const out: Record<string, unknown> = {};
				for (const child of (p.options ?? []) as INodeProperties[]) {
					const v = value(child, `${path}_${child.name}`, true);
					if (v !== undefined) out[child.name] = v;
				}
				return Object.keys(out).length ? out : undefined;
			}
			case 'fixedCollection': {
				if (!hostile) return undefined;
				const out: Record<string, unknown> = {};
				for (const group of (p.options ?? []) as Array<{
					name: string;
					values: INodeProperties[];
				}>) {
					const entry: Record<string, unknown> = {};
					for (const child of group.values ?? []) {
						const v = value(child, `${path}_${group.name}_${child.name}`, true);
						if (v !== undefined) entry[child.name] = v;
					}
					if (Object.keys(entry).length)
						out[group.name] = p.typeOptions?.multipleValues ? [entry] : entry;
				}
				return Object.keys(out).length ? out : undefined;
			}
			default:
				return undefined;
		}
	};
	const parameters: INodeParameters = {};
	for (const p of properties) {
		const v = value(p, p.name, false);
		if (v !== undefined) parameters[p.name] = v as INodeParameters[string];
	}
	// The Mailbox field: another mailbox is the model's choice too.
	if (hostile) {
		parameters.mailbox = `={{ $fromAI('mailbox', '', 'string') }}`;
		args.mailbox = k % 4 === 1 ? 'other' : 'me';
		parameters.mailboxId = `={{ $fromAI('mailboxId', '', 'string') }}`;
		args.mailboxId = mode === 'everywhere' && k % 2 === 0 ? HOSTILE_LIST : 'ceo@contoso.com';
	}
	return { parameters, args };
}

/** Variants per operation: enough to give every option of every field its turn, at least 4. */
function variantsOf(properties: INodeProperties[]): number {
	let most = 4;
	const walk = (list: INodeProperties[]) => {
		for (const p of list) {
			if (p.type === 'options' && Array.isArray(p.options)) most = Math.max(most, p.options.length);
			if (p.type === 'collection') walk((p.options ?? []) as INodeProperties[]);
			if (p.type === 'fixedCollection')
				for (const group of (p.options ?? []) as Array<{ values?: INodeProperties[] }>)
					walk(group.values ?? []);
		}
	};
	walk(properties);
	return most;
}

/** Errors that are not the limits': an operation that needs input a tool cannot give (binary data). */
const NEEDS_BINARY = /binary/i;

describe.each(NODES)('$label as an AI tool: every operation, every limit', (node) => {
	let s: StandIns;
	let harness: N8nHarness;
	let ledger: OutboundLedger;
	let world: GraphWorld;
	beforeAll(async () => {
		s = await startStandIns();
		ledger = new OutboundLedger(TEST_USER).attach(s.graph);
	});
	afterAll(async () => await s.close());

	function freshMailbox() {
		s.graph.reset();
		ledger.reset();
		// An inbox rule update's actions merge into the rule's: of the two ways Exchange may apply
		// them (Microsoft documents neither), the one that reaches more, so a limit that holds here
		// holds under both, and "forbidden" below means forbidden under either.
		ledger.ruleActionsMerge = true;
		world = new GraphWorld(s.graph, ledger).install();
		furnish(world);
		harness = new N8nHarness({ [node.type]: node.tool }, connectedCredential(s));
	}

	/** Runs the tool once, in a freshly furnished mailbox; returns what the stand-in saw. */
	async function run(
		resource: string,
		operation: string,
		filled: Filled,
		limits: INodeParameters,
	): Promise<{ entries: Outbound[]; error?: string }> {
		freshMailbox();
		const tool = agentTool(
			harness,
			node.type,
			node.tool,
			{ resource, operation, ...filled.parameters, ...limits },
			{ typeVersion: 1.1 },
		);
		const { error } = await callTool(tool, filled.args);
		expect(world.unanswered).toEqual([]);
		expectGraphContractKept(s.graph);
		return { entries: ledger.since(0), error };
	}

	const operations = node.resources.flatMap((resource) =>
		Object.entries(resource.operations).map(([operation, module]) => ({
			resource: resource.option.value,
			operation,
			module,
		})),
	);

	it.each(operations.map((o) => [`${o.resource} → ${o.operation}`, o] as const))(
		'%s: with hostile values, nothing the stand-in sees breaks a limit',
		async (_name, { resource, operation, module }) => {
			const found: string[] = [];
			const variants = variantsOf(module.description);
			const tries: Array<[Mode, number]> = [
				['everywhere', 0],
				['everywhere', 1],
				...Array.from({ length: variants }, (_, k) => ['addressing', k] as [Mode, number]),
			];
			for (const limit of LIMITS) {
				for (const [mode, k] of tries) {
					const filled = fill(module.description, k, mode);
					const { entries } = await run(resource, operation, filled, limit.parameters(node));
					for (const breach of breaches(entries, limit))
						found.push(`[${limit.name}, ${mode} ${k}] ${breach}`);
				}
			}
			expect(found).toEqual([]);
		},
	);

	it.each(operations.map((o) => [`${o.resource} → ${o.operation}`, o] as const))(
		'%s: with values inside the limits, a limit refuses only what the stand-in shows it forbids',
		async (_name, { resource, operation, module }) => {
			const problems: string[] = [];
			const freeFailures: string[] = [];
			let ran = 0;
			for (let b = 0; b < 4; b++) {
				const filled = fill(module.description, b, 'inside');
				const free = await run(resource, operation, filled, NO_LIMITS(node));
				// An operation that needs a file a tool cannot give, or that keeps a limit whatever the
				// author sets (Send and Wait's limit fields are hidden: Drafts Only stays on).
				if (free.error && NEEDS_BINARY.test(free.error)) return;
				if (free.error?.startsWith("Refused by the tool's limit")) return;
				if (free.error) {
					freeFailures.push(`[no limits, variant ${b}] ${free.error}`);
					continue;
				}
				ran++;
				for (const limit of LIMITS) {
					const forbidden = breaches(free.entries, limit).length > 0;
					const limited = await run(resource, operation, filled, limit.parameters(node));
					const at = `[${limit.name}, variant ${b}]`;
					for (const breach of breaches(limited.entries, limit)) problems.push(`${at} ${breach}`);
					if (!forbidden && limited.error)
						problems.push(`${at} refused a call the limit allows: ${limited.error}`);
					if (
						forbidden &&
						limited.error &&
						!limited.error.startsWith("Refused by the tool's limit")
					)
						problems.push(`${at} failed for another reason than the limit: ${limited.error}`);
				}
			}
			// Some variant of values inside the limits must run, so the limits are tried on it.
			expect({ ran: ran > 0, freeFailures: ran > 0 ? [] : freeFailures }).toEqual({
				ran: true,
				freeFailures: [],
			});
			expect(problems).toEqual([]);
		},
	);
});
