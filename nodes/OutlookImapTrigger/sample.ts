/**
 * The manual run ("Fetch Test Event"): the newest N matching messages, newest first, in one
 * emit; if there are none, the next one to arrive. Touches nothing: the folder is opened
 * read-only and static data is not written.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import type { ImapClient, SessionWorker } from './session';
import { hasAttachment, searchCriteria, uidSearch, type SearchFilters } from './search';
import type { MailboxSync } from './sync';

export class ManualSample implements SessionWorker {
	reading: number | undefined;

	private lastUid: number | undefined;

	private done = false;

	constructor(
		private readonly options: {
			folder: string;
			filters: SearchFilters;
			size: number;
			/** Fetching and item building are the sync's (its cursor is never used). */
			reader: Pick<MailboxSync, 'collect' | 'fetchFull' | 'toItem'>;
			emit(items: INodeExecutionData[]): void;
			onSampled(): void;
		},
	) {}

	open(): void {
		this.reading = undefined;
	}

	takeProgress(): boolean {
		return false;
	}

	async run(client: ImapClient, live: () => boolean): Promise<void> {
		if (this.done) return;
		const { folder, filters, size, reader } = this.options;
		const { criteria, extra } = searchCriteria(filters);
		const firstRun = this.lastUid === undefined;
		const range = firstRun ? '1:*' : `${(this.lastUid ?? 0) + 1}:*`;
		let uids = await uidSearch(client, folder, range, criteria, extra);
		if (!firstRun) uids = uids.filter((uid) => uid > (this.lastUid ?? 0));
		let metadata = await reader.collect(client, uids.slice(-Math.max(1, size) * 4), {
			size: true,
			flags: true,
			internalDate: true,
			bodyStructure: Boolean(filters.hasAttachments),
		});
		if (filters.hasAttachments)
			metadata = metadata.filter((message) => hasAttachment(message.bodyStructure));
		const newest = metadata.slice(-size);
		if (!newest.length) {
			// Nothing yet: wait for the next message (the session stays in IDLE).
			this.lastUid = Math.max(this.lastUid ?? 0, uids[uids.length - 1] ?? 0);
			return;
		}
		this.reading = newest[0].uid;
		const messages = await reader.fetchFull(client, newest);
		this.reading = undefined;
		const items: INodeExecutionData[] = [];
		for (const message of messages.reverse()) {
			const item = await reader.toItem(message);
			if (item) items.push(item);
		}
		if (!live()) return;
		this.done = true;
		this.options.emit(items);
		this.options.onSampled();
	}
}
