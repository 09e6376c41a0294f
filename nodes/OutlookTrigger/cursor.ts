/**
 * What the trigger keeps in the node's static data, which n8n saves after every poll: one delta
 * cursor per watched folder or calendar (the `@odata.deltaLink`, or the `@odata.nextLink` of a
 * round that a poll left half-read), and a bounded window of what was emitted (hashed IDs and
 * change keys) so that a resync, a message moved between two watched folders or a link served
 * twice never emits an item twice.
 *
 * A poll works on a copy (`TriggerState.load`) and writes it back (`save`) only when it returns its
 * items: a poll that fails leaves the saved cursor where it was, and the next poll repeats it.
 */
import { createHash } from 'node:crypto';
import type { IDataObject } from 'n8n-workflow';

import { dataRecord } from '../shared/outsideData';

/** How many emitted items the window remembers (about 30 bytes each in static data). */
export const EMITTED_WINDOW_SIZE = 10_000;

/** How many calendar instances the event window remembers (one per instance in the time window). */
export const KNOWN_EVENTS_LIMIT = 20_000;

const STATE_VERSION = 1;

/** A short, stable hash: Graph IDs are ~150 characters, and static data is saved every poll. */
export function digest(text: string): string {
	return createHash('sha256').update(text).digest('base64url').slice(0, 12);
}

export interface SourceCursor {
	/** The link to continue with: a deltaLink (round complete) or a nextLink (round half-read). */
	link?: string;
	/** True while the current round is the initial one (every item in scope, not changes). */
	initial: boolean;
	/** Set while an initial round runs because Graph lost the sync state (410): emit from here on. */
	resyncFrom?: string;
	/**
	 * Set on a folder that joined the watched folders after the trigger's first listing (a child
	 * folder created, a path found later): when the listing before the one that found it ran (ISO
	 * 8601, n8n's clock). Its first round is not a first listing of the trigger: Message Flagged
	 * emits from it what changed since then.
	 */
	joinedAfter?: string;
	/** When the last round of this source completed (ISO 8601, n8n's clock). */
	syncedAt?: string;
	/** For calendar views: the window the round covers (ISO 8601). */
	windowStart?: string;
	windowEnd?: string;
	/**
	 * For calendars: 'calendarView' when Graph refused the delta (another user's calendar with the
	 * delegated credential) and each poll compares the window's calendar view instead.
	 */
	mode?: 'calendarView';
}

interface StoredState {
	v: number;
	config: string;
	startedAt: string;
	sources: Record<string, SourceCursor>;
	emitted: string[];
	/** Calendar instances seen: hash(id) → hash(changeKey) + '|' + start minute + '|' + hash(series master ID). */
	known?: Record<string, string>;
	/** Resolved folders (IDs) for the configured folder list, and when they were resolved. */
	folders?: { ids: string[]; at: string };
}

export class TriggerState {
	private emittedSet: Set<string>;

	private constructor(
		private readonly stored: StoredState,
		/** True when nothing was saved for this configuration: the trigger starts now. */
		readonly fresh: boolean,
	) {
		this.emittedSet = new Set(stored.emitted);
	}

	/**
	 * The state saved for this configuration, as a copy. A different configuration (event, mailbox,
	 * folders, Include Body, Since…) starts its cursors over, from now: they would describe other
	 * collections. The emitted window is kept: it says which items were emitted, whatever the
	 * cursors, so mail emitted before the change is not emitted again by the new first round (which
	 * emits what arrived since Since, or in the START_SLACK_MS before now). The `known` table is not
	 * kept: it describes what the old cursors listed, and the new first rounds learn it again.
	 */
	static load(staticData: IDataObject, config: string, now: Date): TriggerState {
		const saved = staticData.outlookTrigger as StoredState | undefined;
		const current = saved && saved.v === STATE_VERSION ? saved : undefined;
		if (current && current.config === config) {
			// Static data is an observable proxy of plain JSON (what n8n stores): copy it as JSON.
			const copy = JSON.parse(JSON.stringify(current)) as StoredState;
			// Keyed by Graph's folder IDs and hashes: null-prototype, so no key is ever inherited.
			copy.sources = dataRecord(Object.entries(copy.sources ?? {}));
			if (copy.known) copy.known = dataRecord(Object.entries(copy.known));
			return new TriggerState(copy, false);
		}
		const emitted = Array.isArray(current?.emitted)
			? current.emitted.filter((key): key is string => typeof key === 'string')
			: [];
		return new TriggerState(
			{
				v: STATE_VERSION,
				config,
				startedAt: now.toISOString(),
				sources: dataRecord(),
				emitted,
			},
			true,
		);
	}

	save(staticData: IDataObject): void {
		this.stored.emitted = [...this.emittedSet];
		staticData.outlookTrigger = this.stored as unknown as IDataObject;
	}

	get startedAt(): string {
		return this.stored.startedAt;
	}

	source(key: string): SourceCursor {
		this.stored.sources[key] ??= { initial: true };
		return this.stored.sources[key];
	}

	resetSource(key: string, cursor: SourceCursor): void {
		this.stored.sources[key] = cursor;
	}

	/** Drops the cursors of folders or calendars no longer watched. */
	keepSources(keys: string[]): void {
		const keep = new Set(keys);
		for (const key of Object.keys(this.stored.sources))
			if (!keep.has(key)) delete this.stored.sources[key];
	}

	get folders(): StoredState['folders'] {
		return this.stored.folders;
	}

	set folders(value: StoredState['folders']) {
		this.stored.folders = value;
	}

	hasEmitted(key: string): boolean {
		return this.emittedSet.has(key);
	}

	/** Remembers an emitted key; the oldest fall out past EMITTED_WINDOW_SIZE. */
	remember(key: string): void {
		this.emittedSet.delete(key);
		this.emittedSet.add(key);
		if (this.emittedSet.size > EMITTED_WINDOW_SIZE) {
			const oldest = this.emittedSet.values().next().value;
			if (oldest !== undefined) this.emittedSet.delete(oldest);
		}
	}

	get known(): Record<string, string> {
		this.stored.known ??= dataRecord();
		return this.stored.known;
	}

	/** Keeps the newest KNOWN_EVENTS_LIMIT instances (object keys keep insertion order). */
	trimKnown(): void {
		const known = this.known;
		const keys = Object.keys(known);
		for (const key of keys.slice(0, Math.max(0, keys.length - KNOWN_EVENTS_LIMIT)))
			delete known[key];
	}
}
