/** The trigger's parameters, read and checked once per poll (and per notification in push mode). */
import type {
	IDataObject,
	INode,
	INodeParameterResourceLocator,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { mailboxChoice } from '../shared/descriptions';
import { mailboxRoot } from '../shared/graph/request';
import type { CalendarZone } from '../shared/timeZones';
import { resolveZone } from '../shared/timeZones';
import { readGraphId } from '../shared/locators';
import type { TriggerEvent } from './description';
import { PUSH_EVENTS } from './description';
import { CONTACT_EVENTS, MAIL_EVENTS } from './description';

const MAILBOX_ADDRESS = /^[^\s@/\\?#]+@[^\s@/\\?#]+\.[^\s@/\\?#]+$/;
const OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface FolderChoice {
	mode: 'list' | 'path' | 'id';
	value: string;
}

export interface MailFilters {
	from?: string;
	subject?: string;
	hasAttachments?: boolean;
	unread?: boolean;
	categories?: string[];
	importance?: string;
}

/** What readSettings needs of an n8n context: the poll, the webhook and the webhook methods all have it. */
export interface SettingsContext {
	getNode(): INode;
	getNodeParameter: IPollFunctions['getNodeParameter'];
	getTimezone(): string;
}

export interface TriggerSettings {
	event: TriggerEvent;
	/** Polling (delta on Poll Times) or push (Graph change notifications wake the same delta sync). */
	delivery: 'poll' | 'push';
	/** `/me` or `/users/{address}`. */
	root: string;
	otherMailbox: boolean;
	/** The App-Only credential: always another mailbox, with application permissions (no `.Shared`). */
	appOnly: boolean;
	folders: FolderChoice[];
	includeChildFolders: boolean;
	since?: Date;
	filters: MailFilters;
	output: 'simple' | 'raw';
	simplify: boolean;
	includeBody: boolean;
	downloadAttachments: boolean;
	maxItemsPerPoll: number;
	windowDays: number;
	minutesBefore: number;
	zone: CalendarZone;
	/** Contact events: the watched contact folder's ID; undefined for Contacts (the default folder). */
	contactFolder?: string;
}

export function readSettings(ctx: SettingsContext): TriggerSettings {
	const node = ctx.getNode();
	const event = ctx.getNodeParameter('event', 'messageReceived') as TriggerEvent;
	const whose = mailboxChoice((name, fallback) => ctx.getNodeParameter(name, fallback));
	let root = '/me';
	if (whose === 'other') {
		const id = String(ctx.getNodeParameter('mailboxId', '') ?? '').trim();
		if (!MAILBOX_ADDRESS.test(id) && !OBJECT_ID.test(id)) {
			throw new NodeOperationError(
				node,
				`"${id}" in the field Mailbox Address or ID is not an email address or user ID`,
				{ description: 'Enter the shared mailbox address, e.g. shared@contoso.com' },
			);
		}
		root = mailboxRoot(id);
	}
	const isMail = MAIL_EVENTS.includes(event);
	const isContacts = CONTACT_EVENTS.includes(event);
	const folders: FolderChoice[] = [];
	if (isMail) {
		const entries =
			((ctx.getNodeParameter('folders', {}) as IDataObject).folder as IDataObject[] | undefined) ??
			[];
		entries.forEach((entry, index) => {
			const locator = entry.folder as INodeParameterResourceLocator | string | undefined;
			const mode = (typeof locator === 'object' ? locator.mode : 'id') as FolderChoice['mode'];
			const value = String((typeof locator === 'object' ? locator.value : locator) ?? '').trim();
			if (!value) {
				throw new NodeOperationError(node, `Folder ${index + 1} in the field Folders is empty`, {
					description: 'Pick a folder, or enter its path, ID or a well-known name such as inbox.',
				});
			}
			folders.push({ mode: mode === 'path' ? 'path' : mode === 'list' ? 'list' : 'id', value });
		});
		if (!folders.length) {
			throw new NodeOperationError(node, 'The field Folders has no folder', {
				description: 'Add at least one folder to watch, e.g. inbox.',
			});
		}
	}
	let since: Date | undefined;
	if (
		(event === 'messageReceived' || event === 'eventCreated') &&
		ctx.getNodeParameter('startFrom', 'now') === 'since'
	) {
		const raw = ctx.getNodeParameter('since', '') as unknown;
		const parsed = new Date(String(raw));
		if (!raw || Number.isNaN(parsed.getTime())) {
			throw new NodeOperationError(node, `"${String(raw)}" in the field Since is not a date`, {
				description: 'Pick a date, or enter ISO 8601 such as 2026-01-01T00:00:00Z',
			});
		}
		since = parsed;
	}
	const rawFilters = isMail ? (ctx.getNodeParameter('filters', {}) as IDataObject) : {};
	const filters: MailFilters = {
		from: (rawFilters.from as string | undefined)?.trim().toLowerCase() || undefined,
		subject: (rawFilters.subject as string | undefined)?.trim().toLowerCase() || undefined,
		hasAttachments: rawFilters.hasAttachments as boolean | undefined,
		unread: rawFilters.unread as boolean | undefined,
		// A list from the picker, or names separated by commas (an expression, older workflows).
		categories: ([] as unknown[])
			.concat(rawFilters.categories ?? [])
			.flatMap((c) => String(c).split(','))
			.map((c) => c.trim().toLowerCase())
			.filter(Boolean),
		importance: rawFilters.importance as string | undefined,
	};
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	const zoneName = String(options.timeZone ?? '').trim() || ctx.getTimezone();
	const zone = resolveZone(zoneName);
	if (!zone) {
		throw new NodeOperationError(node, `"${zoneName}" in the field Time Zone is not a time zone`, {
			description:
				'Use an IANA name such as Europe/Madrid or a Windows name such as Romance Standard Time',
		});
	}
	return {
		event,
		// Only the events Graph notifies of can be pushed (Event Starting Soon, contacts: polled).
		delivery:
			PUSH_EVENTS.includes(event) && ctx.getNodeParameter('delivery', 'poll') === 'push'
				? 'push'
				: 'poll',
		root,
		otherMailbox: whose === 'other',
		appOnly: ctx.getNodeParameter('authentication', 'oAuth2') === 'appOnly',
		folders,
		includeChildFolders: isMail && (ctx.getNodeParameter('includeChildFolders', false) as boolean),
		since,
		filters,
		output: isMail ? (ctx.getNodeParameter('output', 'simple') as 'simple' | 'raw') : 'simple',
		simplify: isMail ? true : (ctx.getNodeParameter('simplify', true) as boolean),
		includeBody: isMail && Boolean(options.includeBody),
		downloadAttachments: isMail && Boolean(options.downloadAttachments),
		maxItemsPerPoll: Math.max(1, Number(options.maxItemsPerPoll ?? 1000) || 1000),
		windowDays: Number(ctx.getNodeParameter('windowDays', 90)) || 90,
		minutesBefore: Math.max(0, Number(ctx.getNodeParameter('minutesBefore', 15)) || 0),
		zone,
		contactFolder: isContacts ? contactFolderOf(ctx) : undefined,
	};
}

/** The Contact Folder field: a folder ID, or undefined for the default Contacts folder. */
function contactFolderOf(ctx: SettingsContext): string | undefined {
	const reader = {
		getNode: () => ctx.getNode(),
		// The readers take an item index; a trigger's parameters have none.
		getNodeParameter: (name: string, _itemIndex: number, fallback?: unknown) =>
			ctx.getNodeParameter(name, fallback),
	} as Parameters<typeof readGraphId>[0];
	return readGraphId(reader, 0, {
		name: 'contactFolder',
		label: 'Contact Folder',
		kind: 'contact folder',
		fromUrl: () => undefined,
		optional: true,
	});
}

/** What the cursors depend on: another value describes other collections and starts over. */
export function configFingerprint(settings: TriggerSettings): string {
	return JSON.stringify([
		settings.event,
		settings.root,
		settings.folders,
		settings.includeChildFolders,
		settings.includeBody,
		settings.event === 'messageReceived' || settings.event === 'eventCreated'
			? settings.since?.toISOString()
			: undefined,
		settings.windowDays,
		// Only contact events carry it: the fingerprint of every other event stays what it was, so an
		// upgrade does not start their cursors over.
		...(CONTACT_EVENTS.includes(settings.event) ? [settings.contactFolder ?? 'contacts'] : []),
	]);
}

/** Whether a message passes the Filters. */
export function passesFilters(message: IDataObject, filters: MailFilters): boolean {
	const from = (
		(message.from as { emailAddress?: { address?: string } } | undefined)?.emailAddress?.address ??
		''
	).toLowerCase();
	if (filters.from && !from.includes(filters.from)) return false;
	if (
		filters.subject &&
		!String(message.subject ?? '')
			.toLowerCase()
			.includes(filters.subject)
	)
		return false;
	if (
		filters.hasAttachments !== undefined &&
		Boolean(message.hasAttachments) !== filters.hasAttachments
	)
		return false;
	if (filters.unread && message.isRead) return false;
	if (filters.importance && message.importance !== filters.importance) return false;
	if (filters.categories?.length) {
		const categories = ((message.categories as string[] | undefined) ?? []).map((c) =>
			c.toLowerCase(),
		);
		if (!filters.categories.some((c) => categories.includes(c))) return false;
	}
	return true;
}
