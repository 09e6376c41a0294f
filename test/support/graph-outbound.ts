/**
 * An independent check of what a mailbox lets out, for the Graph stand-in: every request Graph
 * answered with success is classified by what Exchange does with it, from Microsoft's
 * documentation and the mailbox's own state, never from this package's declarations:
 *
 * - sends: sendMail; send of a draft; reply, replyAll, forward; an event created or changed with
 *   attendees by its organizer, cancelled, or deleted by its organizer; an invitation forwarded;
 *   an accept, tentative accept or decline with sendResponse; automatic replies switched on
 *   (their audience: senders inside, and outside as externalAudience says); an inbox rule that
 *   forwards or redirects;
 * - draft: a draft created or re-addressed (POST messages, createReply, createReplyAll,
 *   createForward, PATCH of its recipients, Reply-To or From), with whom it would reach;
 * - change: anything else that is not a read (a POST that Graph documents as a query, such as
 *   getSchedule, findMeetingTimes or getMailTips, is a read).
 *
 * It learns the mailbox's state (who sent a message, a draft's recipients, a meeting's organizer
 * and attendees) from what the stand-in answers and from `know()`; an action on an item it does
 * not know is recorded with `unknown`, never guessed.
 * https://learn.microsoft.com/graph/api/user-sendmail, /message-send, /message-reply,
 * /message-replyall, /message-forward, /message-createreply, /message-createreplyall,
 * /message-createforward, /message-update, /user-post-events, /event-update, /event-cancel,
 * /event-delete, /event-forward, /event-accept, /event-decline, /event-tentativelyaccept,
 * /user-update-mailboxsettings, /resources/automaticrepliessetting, /resources/messageruleactions
 */
import type { GraphReply, GraphRequestRecord, GraphStandIn } from './graph-standin';

type Json = Record<string, unknown>;

export interface MessageState {
	id: string;
	from?: string;
	replyTo: string[];
	to: string[];
	cc: string[];
	bcc: string[];
	isDraft: boolean;
}

export interface EventState {
	id: string;
	isOrganizer: boolean;
	organizer?: string;
	attendees: string[];
}

export interface Outbound {
	/** `POST /me/messages/{id}/reply` as sent. */
	request: string;
	/** sends: Exchange mails someone; draft: a draft would reach them once sent; change: no mail. */
	kind: 'sends' | 'draft' | 'change';
	/** The mailbox the request works in: `me`, or the address or ID after /users/. */
	mailbox: string;
	recipients: string[];
	/** Where replies are asked to go (Reply-To). */
	replyTo: string[];
	/** Who is reached without a list: automatic replies' audiences. */
	audiences: string[];
	/** The message's From, when set (send as / on behalf of another mailbox). */
	from?: string;
	/** Set when the check could not tell whom the request reaches (an item it does not know). */
	unknown?: string;
}

/** Graph action parameters are matched case-insensitively (Comment, ToRecipients…). */
function param(body: unknown, name: string): unknown {
	if (!body || typeof body !== 'object') return undefined;
	const key = Object.keys(body).find((k) => k.toLowerCase() === name.toLowerCase());
	return key === undefined ? undefined : (body as Json)[key];
}

function addresses(value: unknown): string[] {
	const list = Array.isArray(value) ? value : value ? [value] : [];
	return list.flatMap((entry) => {
		const inner = (entry as Json)?.emailAddress as Json | undefined;
		const address = inner?.address ?? (entry as Json)?.address;
		return typeof address === 'string' ? [address.toLowerCase()] : [];
	});
}

const fromOf = (message: unknown) => addresses(param(message, 'from'))[0];

/** The actions of a rule that send mail on. */
const FORWARDING = ['forwardTo', 'forwardAsAttachmentTo', 'redirectTo'] as const;
type Forwarding = Partial<Record<(typeof FORWARDING)[number], string[]>>;

/** Where a rule's actions send mail, by action. */
const forwardingOf = (actions: Json): Forwarding =>
	Object.fromEntries(
		FORWARDING.filter((key) => param(actions, key) !== undefined).map((key) => [
			key,
			addresses(param(actions, key)),
		]),
	);
const targetsOf = (forwarding: Forwarding) => FORWARDING.flatMap((key) => forwarding[key] ?? []);

const QUERIES = /\/(getSchedule|findMeetingTimes|getMailTips)$/i;
const ROOT = /^\/(me|users\/[^/]+)(\/.*)?$/i;
const MESSAGE = /(?:^|\/)messages\/([^/]+)(?:\/([A-Za-z]+))?$/;
const EVENT = /(?:^|\/)events\/([^/]+)(?:\/([A-Za-z]+))?$/;

export class OutboundLedger {
	readonly entries: Outbound[] = [];

	readonly messages = new Map<string, MessageState>();

	readonly events = new Map<string, EventState>();

	/** Automatic replies' external audience as the mailbox holds it. */
	private externalAudience = 'all';

	/** Inbox rules: whether each is on, and where each of its actions forwards or redirects to. */
	readonly rules = new Map<string, { enabled: boolean; forwarding: Forwarding }>();

	/**
	 * How Exchange applies an update's `actions` to a rule: as a whole group that replaces the
	 * rule's (false), or merged into them action by action (true). Microsoft documents neither
	 * (https://learn.microsoft.com/graph/api/messagerule-update); tests run under both.
	 */
	ruleActionsMerge = false;

	/** @param ownAddress the signed-in mailbox's address (`/me`), left out of reply-all targets. */
	constructor(private readonly ownAddress: string) {}

	/** Hooks the ledger into the stand-in: every answered request (and `$batch` part) is classified. */
	attach(graph: GraphStandIn): this {
		graph.watch((record, reply) => this.observe(record, reply));
		return this;
	}

	reset(): void {
		this.entries.length = 0;
		this.messages.clear();
		this.events.clear();
		this.rules.clear();
		this.ruleActionsMerge = false;
		this.externalAudience = 'all';
	}

	/** Tells the ledger an item of the mailbox (the stand-in's answers teach it the rest). */
	know(
		item:
			| { message: MessageState }
			| { event: EventState }
			| { rule: { id: string; enabled: boolean; targets: string[] } },
	): void {
		if ('message' in item) this.messages.set(item.message.id, item.message);
		else if ('event' in item) this.events.set(item.event.id, item.event);
		else
			this.rules.set(item.rule.id, {
				enabled: item.rule.enabled,
				forwarding: { forwardTo: item.rule.targets },
			});
	}

	/** Entries that reach someone or change something, since `from` (an index into entries). */
	since(from: number): Outbound[] {
		return this.entries.slice(from);
	}

	private learnMessage(value: unknown, fallbackId?: string): MessageState | undefined {
		if (!value || typeof value !== 'object') return undefined;
		const json = value as Json;
		const id = typeof json.id === 'string' ? json.id : fallbackId;
		if (!id) return undefined;
		const known = this.messages.get(id);
		const has = (key: string) => key in json;
		const next: MessageState = {
			id,
			from: has('from') ? addresses(json.from)[0] : known?.from,
			replyTo: has('replyTo') ? addresses(json.replyTo) : (known?.replyTo ?? []),
			to: has('toRecipients') ? addresses(json.toRecipients) : (known?.to ?? []),
			cc: has('ccRecipients') ? addresses(json.ccRecipients) : (known?.cc ?? []),
			bcc: has('bccRecipients') ? addresses(json.bccRecipients) : (known?.bcc ?? []),
			isDraft: has('isDraft') ? json.isDraft === true : (known?.isDraft ?? false),
		};
		this.messages.set(id, next);
		return next;
	}

	private learnRule(value: Json): void {
		if (typeof value.id !== 'string') return;
		this.rules.set(value.id, {
			enabled: value.isEnabled !== false,
			forwarding: forwardingOf((value.actions ?? {}) as Json),
		});
	}

	private learnEvent(value: unknown): void {
		if (!value || typeof value !== 'object') return;
		const json = value as Json;
		if (typeof json.id !== 'string') return;
		const known = this.events.get(json.id);
		this.events.set(json.id, {
			id: json.id,
			isOrganizer: 'isOrganizer' in json ? json.isOrganizer === true : (known?.isOrganizer ?? true),
			organizer: 'organizer' in json ? addresses(json.organizer)[0] : known?.organizer,
			attendees: 'attendees' in json ? addresses(json.attendees) : (known?.attendees ?? []),
		});
	}

	/** The replies a reply or reply-all goes to. https://learn.microsoft.com/graph/api/message-reply */
	private replyTargets(original: MessageState, all: boolean): string[] {
		const first = original.replyTo.length ? original.replyTo : original.from ? [original.from] : [];
		if (!all) return first;
		const own = this.ownAddress.toLowerCase();
		return [...first, ...original.to, ...original.cc].filter((a) => a !== own);
	}

	private record(entry: Omit<Outbound, 'replyTo' | 'audiences'> & Partial<Outbound>): void {
		this.entries.push({ replyTo: [], audiences: [], ...entry });
	}

	/** Classifies one answered request. */
	observe(record: GraphRequestRecord, reply: GraphReply): void {
		const status = reply.status ?? 200;
		const root = ROOT.exec(record.path);
		if (!root) return;
		const mailbox = decodeURIComponent(root[1].replace(/^users\//i, '')).toLowerCase();
		const rest = root[2] ?? '';
		const request = `${record.method} ${record.path}`;
		const body = record.body;
		const ok = status >= 200 && status < 300;

		// Reads teach the state; answered lists and items alike.
		if (record.method === 'GET') {
			if (!ok || !reply.body || typeof reply.body !== 'object') return;
			const answer = reply.body as Json;
			const items = Array.isArray(answer.value) ? answer.value : [answer];
			for (const item of items) {
				if (/\/messages(\/|$)/.test(rest)) this.learnMessage(item);
				else if (/\/(events|calendarView|instances)(\/|$)/.test(rest)) this.learnEvent(item);
			}
			if (/\/messageRules(\/|$)/.test(rest)) for (const item of items) this.learnRule(item as Json);
			if (/\/mailboxSettings/.test(rest)) {
				const setting = (answer.automaticRepliesSetting ?? answer) as Json;
				if (typeof setting.externalAudience === 'string')
					this.externalAudience = setting.externalAudience;
			}
			return;
		}
		if (!ok) return;
		if (record.method === 'POST' && QUERIES.test(rest)) return;

		const base = { request, mailbox };

		if (record.method === 'POST' && /^\/sendMail$/i.test(rest)) {
			const message = param(body, 'message');
			return this.record({
				...base,
				kind: 'sends',
				recipients: [
					...addresses(param(message, 'toRecipients')),
					...addresses(param(message, 'ccRecipients')),
					...addresses(param(message, 'bccRecipients')),
				],
				replyTo: addresses(param(message, 'replyTo')),
				from: fromOf(message),
			});
		}

		const message = MESSAGE.exec(rest);
		if (message) return this.message(base, record, reply, message[1], message[2]);
		if (record.method === 'POST' && /\/messages$/.test(rest)) {
			const draft = this.learnMessage(
				{ ...(body as Json), isDraft: true },
				(reply.body as Json)?.id as string,
			);
			if (!draft) return this.record({ ...base, kind: 'draft', recipients: [], unknown: 'no id' });
			return this.record({
				...base,
				kind: 'draft',
				recipients: [...draft.to, ...draft.cc, ...draft.bcc],
				replyTo: draft.replyTo,
				from: draft.from,
			});
		}

		const event = EVENT.exec(rest);
		if (event && event[1] !== 'delta()') return this.event(base, record, reply, event[1], event[2]);
		if (record.method === 'POST' && /\/events$/.test(rest)) {
			const attendees = addresses(param(body, 'attendees'));
			this.learnEvent({
				...(reply.body as Json),
				isOrganizer: true,
				attendees: param(body, 'attendees') ?? [],
			});
			return this.record({
				...base,
				kind: attendees.length ? 'sends' : 'change',
				recipients: attendees,
			});
		}

		if (record.method === 'PATCH' && /^\/mailboxSettings$/i.test(rest)) {
			const setting = param(body, 'automaticRepliesSetting') as Json | undefined;
			if (!setting) return this.record({ ...base, kind: 'change', recipients: [] });
			if (typeof setting.externalAudience === 'string')
				this.externalAudience = setting.externalAudience;
			const on = setting.status !== undefined && setting.status !== 'disabled';
			const audiences = on
				? [
						'senders inside the organization',
						...(this.externalAudience === 'none'
							? []
							: [
									this.externalAudience === 'contactsOnly'
										? 'senders outside the organization in its contacts'
										: 'senders outside the organization',
								]),
					]
				: [];
			return this.record({
				...base,
				kind: on ? 'sends' : 'change',
				recipients: [],
				audiences,
			});
		}

		const rule = /\/messageRules(?:\/([^/]+))?$/.exec(rest);
		if (rule && record.method !== 'DELETE') {
			// A rule that is on forwards or redirects every matching message to its targets; an
			// update keeps the actions it does not replace, and the state it does not change. Targets
			// written by this request count even on a rule that is off: it is forwarding set up, and
			// whoever switches the rule on later does not choose where it goes.
			const id = rule[1] ? decodeURIComponent(rule[1]) : String((reply.body as Json)?.id ?? '');
			const known = this.rules.get(id);
			const actions = param(body, 'actions') as Json | undefined;
			const before = record.method === 'POST' ? {} : (known?.forwarding ?? {});
			const forwarding = !actions
				? before
				: this.ruleActionsMerge
					? { ...before, ...forwardingOf(actions) }
					: forwardingOf(actions);
			const targets = targetsOf(forwarding);
			const enabled =
				typeof param(body, 'isEnabled') === 'boolean'
					? param(body, 'isEnabled') === true
					: record.method === 'POST'
						? true
						: (known?.enabled ?? true);
			this.rules.set(id, { enabled, forwarding });
			const reaches = enabled ? targets : actions ? targetsOf(forwardingOf(actions)) : [];
			return this.record({
				...base,
				kind: reaches.length ? 'sends' : 'change',
				recipients: reaches,
				unknown:
					record.method === 'PATCH' && !known && !actions ? `rule ${id} is not known` : undefined,
			});
		}

		this.record({ ...base, kind: 'change', recipients: [] });
	}

	private message(
		base: { request: string; mailbox: string },
		record: GraphRequestRecord,
		reply: GraphReply,
		id: string,
		action: string | undefined,
	): void {
		const body = record.body;
		const decoded = decodeURIComponent(id);
		const known = this.messages.get(decoded);
		const extra = param(body, 'message');
		const extraRecipients = [
			...addresses(param(extra, 'toRecipients')),
			...addresses(param(extra, 'ccRecipients')),
			...addresses(param(extra, 'bccRecipients')),
		];
		const unknown = known ? undefined : `message ${decoded} is not known`;
		switch (action) {
			case undefined: {
				if (record.method === 'DELETE')
					return this.record({ ...base, kind: 'change', recipients: [] });
				// PATCH: a draft re-addressed reaches its (new) recipients once sent.
				const addressing = [
					'toRecipients',
					'ccRecipients',
					'bccRecipients',
					'replyTo',
					'from',
				].some((key) => param(body, key) !== undefined);
				if (!addressing) return this.record({ ...base, kind: 'change', recipients: [] });
				const next = this.learnMessage({ ...(body as Json), id: decoded });
				return this.record({
					...base,
					kind: 'draft',
					recipients: next ? [...next.to, ...next.cc, ...next.bcc] : [],
					replyTo: next?.replyTo ?? [],
					from: next?.from,
				});
			}
			case 'send':
				return this.record({
					...base,
					kind: 'sends',
					recipients: known ? [...known.to, ...known.cc, ...known.bcc] : [],
					replyTo: known?.replyTo ?? [],
					from: known?.from,
					unknown,
				});
			case 'reply':
			case 'replyAll':
			case 'forward': {
				const targets =
					action === 'forward'
						? addresses(param(body, 'toRecipients'))
						: known
							? this.replyTargets(known, action === 'replyAll')
							: [];
				return this.record({
					...base,
					kind: 'sends',
					recipients: [...targets, ...extraRecipients],
					from: fromOf(extra),
					unknown: action === 'forward' ? undefined : unknown,
				});
			}
			case 'createReply':
			case 'createReplyAll':
			case 'createForward': {
				const targets =
					action === 'createForward'
						? addresses(param(body, 'toRecipients'))
						: known
							? this.replyTargets(known, action === 'createReplyAll')
							: [];
				const recipients = [...targets, ...extraRecipients];
				const draftId = (reply.body as Json | undefined)?.id;
				if (typeof draftId === 'string')
					this.messages.set(draftId, {
						id: draftId,
						from: fromOf(extra),
						replyTo: [],
						to: [...targets, ...addresses(param(extra, 'toRecipients'))],
						cc: addresses(param(extra, 'ccRecipients')),
						bcc: addresses(param(extra, 'bccRecipients')),
						isDraft: true,
					});
				return this.record({
					...base,
					kind: 'draft',
					recipients,
					from: fromOf(extra),
					unknown: action === 'createForward' ? undefined : unknown,
				});
			}
			default:
				// move, copy, attachments, createUploadSession…: the mailbox changes, nobody is mailed.
				return this.record({ ...base, kind: 'change', recipients: [] });
		}
	}

	private event(
		base: { request: string; mailbox: string },
		record: GraphRequestRecord,
		reply: GraphReply,
		id: string,
		action: string | undefined,
	): void {
		const body = record.body;
		const decoded = decodeURIComponent(id);
		const known = this.events.get(decoded);
		const unknown = known ? undefined : `event ${decoded} is not known`;
		const organised = known?.isOrganizer === true;
		const attendees = known?.attendees ?? [];
		switch (action) {
			case undefined: {
				if (record.method === 'DELETE') {
					// "deleting the event on the organizer's calendar sends a cancellation message"
					const reaches = organised ? attendees : [];
					this.events.delete(decoded);
					return this.record({
						...base,
						kind: reaches.length ? 'sends' : 'change',
						recipients: reaches,
						unknown,
					});
				}
				// PATCH by the organizer: an update to the attendees (old and new: removed ones get a
				// cancellation). An attendee's own copy changes alone; what Exchange does when an
				// attendee's copy is given attendees is not documented, so they count as reached.
				const added = addresses(param(body, 'attendees'));
				const reaches = organised ? [...new Set([...attendees, ...added])] : added;
				if (known && param(body, 'attendees') !== undefined)
					this.events.set(decoded, { ...known, attendees: added });
				this.learnEvent(reply.body);
				return this.record({
					...base,
					kind: reaches.length ? 'sends' : 'change',
					recipients: reaches,
					unknown,
				});
			}
			case 'cancel':
				return this.record({
					...base,
					kind: organised && attendees.length ? 'sends' : 'change',
					recipients: organised ? attendees : [],
					unknown,
				});
			case 'forward': {
				const to = addresses(param(body, 'toRecipients'));
				const organizer = known && !organised && known.organizer ? [known.organizer] : [];
				return this.record({ ...base, kind: 'sends', recipients: [...to, ...organizer], unknown });
			}
			case 'accept':
			case 'decline':
			case 'tentativelyAccept': {
				// sendResponse: "true if a response is to be sent to the organizer; otherwise, false.
				// Optional. Default is true."
				const sends = param(body, 'sendResponse') !== false;
				// The organizer answering their own meeting mails only themselves.
				const organizer = known?.organizer && !organised ? [known.organizer] : [];
				return this.record({
					...base,
					kind: sends && organizer.length ? 'sends' : 'change',
					recipients: sends ? organizer : [],
					unknown: sends ? unknown : undefined,
				});
			}
			default:
				return this.record({ ...base, kind: 'change', recipients: [] });
		}
	}
}
