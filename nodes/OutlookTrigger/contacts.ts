/**
 * Contact Created, Contact Updated and Contact Deleted: a contacts delta of one contact folder.
 * https://learn.microsoft.com/graph/api/contact-delta
 *
 * - The folder: a picked contact folder (`/contactFolders/{id}/contacts/delta`, the documented
 *   form), or Contacts, the default folder (`/contacts/delta`, the same function bound to the
 *   default folder's contacts in Microsoft's v1.0 description).
 * - A contacts delta has no `changeType` (messages alone have it): every round reports created and
 *   changed contacts in their latest state, and `@removed` for deleted ones. The trigger tells
 *   them apart with its `known` table (which holds one event's items: here hash(ID) → hash(change
 *   key) of each contact of the folder): a contact not known is created, a known one with another
 *   change key is updated, a known one removed is deleted. Each is emitted once (the emitted window
 *   holds the keys), and a restart continues from the saved cursor and table.
 * - The first round lists the folder and emits nothing. When Graph lost the sync state (410), a
 *   new round is compared with the table: a contact not known and created since the last round is
 *   created, a known one with another change key updated, and a known one missing was deleted
 *   meanwhile (only its ID's hash is known then). A first round that lost it is a first round
 *   again: it learns and emits nothing.
 * - A contact missing from the table (past its limit) but created before the last round is an
 *   update, not a new contact.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { GraphTransport } from '../shared/graph/client';
import { graphCollect } from '../shared/graph/paging';
import { segment } from '../shared/graph/request';
import { simplifyContact } from '../shared/simplify/contact';
import type { SourceCursor, TriggerState } from './cursor';
import { digest } from './cursor';
import { maxPageSizePreference, rethrowUnlessResync, runDeltaRound } from './delta';
import type { PollLimits } from './messages';
import { cursorAfterLostSync, RESYNC_SLACK_MS } from './messages';
import type { TriggerSettings } from './settings';
import type { SyncContext } from './sync';
import { logFor } from '../shared/redact';

const CONTACTS_SOURCE = 'contacts';

/** Contacts per delta page asked (`Prefer: odata.maxpagesize`, as contact-delta documents it). */
const CONTACT_PAGE_SIZE = 500;

/**
 * Another user's contacts: the shared permission the OAuth2 credential offers. The app reads any
 * mailbox it may open with Contacts.Read (contact-delta), which the 403 names, not Contacts.ReadWrite.
 */
export function contactsPermission(settings: TriggerSettings) {
	return {
		permission:
			settings.otherMailbox && !settings.appOnly ? 'Contacts.ReadWrite.Shared' : 'Contacts.Read',
		action: 'read contacts',
	};
}

function contactsPath(settings: TriggerSettings): string {
	return settings.contactFolder
		? `${settings.root}/contactFolders/${segment(settings.contactFolder)}/contacts`
		: `${settings.root}/contacts`;
}

function shape(settings: TriggerSettings, contact: IDataObject): INodeExecutionData {
	return { json: settings.simplify ? simplifyContact(contact) : { ...contact } };
}

export async function pollContacts(
	ctx: SyncContext,
	transport: GraphTransport,
	settings: TriggerSettings,
	state: TriggerState,
	now: Date,
	limits: PollLimits,
): Promise<INodeExecutionData[]> {
	state.keepSources([CONTACTS_SOURCE]);
	const known = state.known;
	const prefer = [maxPageSizePreference(CONTACT_PAGE_SIZE)];
	const permission = contactsPermission(settings);
	const event = settings.event;
	const out: INodeExecutionData[] = [];
	const full = () => out.length >= limits.maxItems || Date.now() >= limits.deadline;

	for (let attempt = 0; ; attempt++) {
		const cursor: SourceCursor = state.source(CONTACTS_SOURCE);
		const comparing = cursor.initial && cursor.resyncFrom !== undefined;
		const learning = cursor.initial && !comparing;
		// A contact not known is new if created after this (the last round, less the clocks' slack).
		const newSince = comparing
			? Date.parse(cursor.resyncFrom!)
			: Date.parse(cursor.syncedAt ?? state.startedAt) - RESYNC_SLACK_MS;
		const seen = new Set<string>();
		const emit = (key: string, item: () => INodeExecutionData) => {
			if (state.hasEmitted(key)) return;
			state.remember(key);
			out.push(item());
		};
		const onPage = (contacts: IDataObject[]) => {
			for (const contact of contacts) {
				if (typeof contact.id !== 'string') continue;
				const hash = digest(contact.id);
				seen.add(hash);
				const previous = known[hash];
				if (contact['@removed']) {
					if (previous === undefined) continue;
					delete known[hash];
					if (event === 'contactDeleted')
						emit(`x${hash}`, () => ({
							json: {
								id: contact.id,
								change: 'deleted',
								reason: (contact['@removed'] as IDataObject).reason ?? 'deleted',
							},
						}));
					continue;
				}
				const changeKey = digest(String(contact.changeKey ?? contact.lastModifiedDateTime ?? ''));
				known[hash] = changeKey;
				if (learning || previous === changeKey) continue;
				const created = Date.parse(String(contact.createdDateTime ?? ''));
				if (previous === undefined && created >= newSince) {
					if (event === 'contactCreated') emit(`c${hash}`, () => shape(settings, contact));
					continue;
				}
				// A change: of a known contact, or of one the table no longer holds.
				if (previous === undefined) {
					const modified = Date.parse(String(contact.lastModifiedDateTime ?? ''));
					if (!(modified >= newSince)) continue;
				}
				if (event === 'contactUpdated')
					emit(`u${hash}${changeKey}`, () => shape(settings, contact));
			}
		};
		try {
			const round = await runDeltaRound(transport, {
				initial: { method: 'GET', path: `${contactsPath(settings)}/delta`, prefer, ...permission },
				link: cursor.link,
				prefer,
				...permission,
				onPage,
				// A comparing round must see the whole folder before it can tell what was deleted.
				shouldPause: () => !comparing && full(),
			});
			cursor.link = round.link;
			if (round.complete) {
				if (comparing) {
					for (const hash of Object.keys(known)) {
						if (seen.has(hash)) continue;
						delete known[hash];
						if (event === 'contactDeleted')
							emit(`x${hash}`, () => ({
								json: { idHash: hash, change: 'deleted', reason: 'deleted' },
							}));
					}
				}
				cursor.initial = false;
				delete cursor.resyncFrom;
				cursor.syncedAt = now.toISOString();
			}
			state.trimKnown();
			return out;
		} catch (error) {
			const lost = rethrowUnlessResync(ctx.getNode(), error, attempt);
			const next = cursorAfterLostSync(cursor);
			logFor(ctx).warn(
				`Outlook Trigger: Microsoft Graph lost the contacts' sync state; ${next.resyncFrom ? 'comparing the folder again' : 'listing the folder again from the start'} (${lost.graphMessage})`,
			);
			// Items of pages read before the loss stay emitted (their keys are remembered).
			state.resetSource(CONTACTS_SOURCE, next);
		}
	}
}

/** A manual run: the most recently changed contacts, to show the output's shape. */
export async function sampleContacts(
	transport: GraphTransport,
	settings: TriggerSettings,
	size: number,
): Promise<INodeExecutionData[]> {
	// A deleted contact cannot be read back: there is nothing to show until one is deleted.
	if (settings.event === 'contactDeleted') return [];
	const contacts = await graphCollect(
		transport,
		{
			method: 'GET',
			path: contactsPath(settings),
			query: {
				$orderby:
					settings.event === 'contactCreated'
						? 'createdDateTime desc'
						: 'lastModifiedDateTime desc',
			},
			...contactsPermission(settings),
		},
		{ returnAll: false, limit: size },
	);
	return contacts.map((contact) => shape(settings, contact));
}
