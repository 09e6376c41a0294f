/**
 * MailboxSync alone, with a fake client: the cursor moves with each emit, a session that is
 * ending emits nothing more, and an after-emit action cut short by the end of a session is done
 * by the next one. (Against a real server: faults.dovecot.test.ts.)
 */
import type { FetchMessageObject } from 'imapflow';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import {
	BinaryStoreError,
	type OnUnreadable,
	type PrepareBinary,
} from '../../nodes/OutlookImapTrigger/messages';
import {
	MailboxSync,
	type AfterEmit,
	type SyncClient,
	type SyncOptions,
} from '../../nodes/OutlookImapTrigger/sync';

const MAILBOX = 'alice@example.test/INBOX';

function eml(uid: number): Buffer {
	return Buffer.from(
		`From: bob@example.test\r\nSubject: m${uid}\r\nMessage-ID: <m${uid}@x>\r\n\r\nbody ${uid}\r\n`,
	);
}

/** A folder with UIDs 1..n; records the after-emit commands. */
function fakeClient(uids: number[], moveAnswer: () => boolean = () => true) {
	const moves: string[] = [];
	const client = {
		async search() {
			return uids;
		},
		fetch(range: string, query: { source?: boolean; headers?: boolean }) {
			const wanted = new Set(
				range.split(',').flatMap((part) => {
					const [a, b] = part.split(':').map(Number);
					return Array.from({ length: (b ?? a) - a + 1 }, (_, i) => a + i);
				}),
			);
			const messages = uids
				.filter((uid) => wanted.has(uid))
				.map(
					(uid) =>
						({
							uid,
							seq: uid,
							size: eml(uid).length,
							flags: new Set<string>(),
							internalDate: new Date(Date.UTC(2026, 10, 16, 10, 0, uid)),
							envelope: { messageId: `<m${uid}@x>` },
							...(query.source ? { source: eml(uid) } : {}),
							...(query.headers ? { headers: eml(uid) } : {}),
						}) as unknown as FetchMessageObject,
				);
			return (async function* () {
				yield* messages;
			})();
		},
		async messageMove(range: string) {
			moves.push(range);
			return moveAnswer() ? { path: 'INBOX', destination: 'Done' } : false;
		},
		async messageFlagsAdd() {
			return true;
		},
	};
	return { client: client as unknown as SyncClient, moves };
}

function sync(
	staticData: IDataObject,
	afterEmit: AfterEmit = { action: 'nothing' },
	options: Partial<SyncOptions> = {},
) {
	const emitted: INodeExecutionData[] = [];
	const snapshots: IDataObject[] = [];
	const s = new MailboxSync({
		folder: 'INBOX',
		mailbox: MAILBOX,
		start: { startFrom: 'unread' },
		filters: {},
		afterEmit,
		output: {
			format: 'headers',
			attachmentPrefix: 'attachment_',
			maxAttachmentBytes: 0,
			downloadAttachments: false,
		},
		staticData,
		prepareBinary: async () => ({ data: '', mimeType: 'text/plain' }),
		emit: (items) => {
			// What n8n would save inside this emit.
			snapshots.push(JSON.parse(JSON.stringify(staticData)) as IDataObject);
			emitted.push(...items);
		},
		logger: { debug() {}, info() {}, warn() {}, error() {} },
		metadataBatch: 200,
		sourceBatchBytes: 1024 * 1024,
		...options,
	});
	s.open({ uidValidity: 7n, uidNext: 1 });
	return { s, emitted, snapshots };
}

test('the cursor saved inside each emit covers exactly the messages emitted so far', async () => {
	const staticData: IDataObject = {};
	const { s, emitted, snapshots } = sync(staticData);
	await s.run(fakeClient([1, 2, 3]).client, () => true);
	expect(emitted.map((item) => item.json.subject)).toEqual(['m1', 'm2', 'm3']);
	expect(snapshots.map((data) => (data.imapCursor as IDataObject).lastUid)).toEqual([1, 2, 3]);
});

test('once live() is false nothing more is emitted, and the cursor stays at the last emit', async () => {
	const staticData: IDataObject = {};
	const { s, emitted } = sync(staticData);
	let live = true;
	const { client } = fakeClient([1, 2, 3]);
	const original = s.toItem.bind(s);
	s.toItem = async (message) => {
		const item = await original(message);
		if (message.uid === 2) live = false;
		return item;
	};
	await s.run(client, () => live);
	expect(emitted.map((item) => item.json.subject)).toEqual(['m1']);
	expect((staticData.imapCursor as IDataObject).lastUid).toBe(1);
});

test('a move the server refuses is an error naming the field; one cut short is done by the next session', async () => {
	const refused = sync({}, { action: 'move', folder: 'Nowhere' });
	await expect(refused.s.run(fakeClient([1], () => false).client, () => true)).rejects.toThrow(
		/refused to move the emitted message\(s\) \(UID 1\) to "Nowhere"/,
	);

	const staticData: IDataObject = {};
	const first = sync(staticData, { action: 'move', folder: 'Done' });
	let live = true;
	const emitOnce = first.s;
	const firstClient = fakeClient([1]);
	// The session ends right after the emit, before the move.
	const { emit } = (emitOnce as unknown as { options: { emit: (i: INodeExecutionData[]) => void } })
		.options;
	(emitOnce as unknown as { options: { emit: (i: INodeExecutionData[]) => void } }).options.emit = (
		items,
	) => {
		emit(items);
		live = false;
	};
	await emitOnce.run(firstClient.client, () => live);
	expect(firstClient.moves).toEqual([]);
	expect((staticData.imapCursor as IDataObject).pendingAction).toEqual([1]);

	// A restart from what was saved: the move happens first, nothing is emitted again.
	const second = sync(JSON.parse(JSON.stringify(staticData)) as IDataObject, {
		action: 'move',
		folder: 'Done',
	});
	const secondClient = fakeClient([1]);
	await second.s.run(secondClient.client, () => true);
	expect(secondClient.moves).toEqual(['1']);
	expect(second.emitted).toEqual([]);
});

/** n8n's binary data store: a full disk on the first call, working afterwards. */
function storeFailingOnce(): PrepareBinary {
	let calls = 0;
	return async (data, fileName, mimeType) => {
		if (calls++ === 0)
			throw Object.assign(
				new Error("ENOSPC: no space left on device, write '/home/node/.n8n/binaryData/x'"),
				{ code: 'ENOSPC' },
			);
		return { data: data.toString('base64'), fileName, mimeType: mimeType ?? 'text/plain' };
	};
}

test.each<OnUnreadable>(['skip', 'emitWithError'])(
	'n8n failing to store a message (On Unreadable Message: %s) ends the sync below it; the next sync emits it whole',
	async (onUnreadable) => {
		const staticData: IDataObject = {};
		const prepareBinary = storeFailingOnce();
		const raw = {
			output: {
				format: 'raw' as const,
				attachmentPrefix: 'attachment_',
				maxAttachmentBytes: 0,
				downloadAttachments: true,
				onUnreadable,
			},
			prepareBinary,
		};
		const first = sync(staticData, { action: 'nothing' }, raw);
		const failed = first.s.run(fakeClient([1, 2]).client, () => true);
		await expect(failed).rejects.toThrow(BinaryStoreError);
		await expect(failed).rejects.toMatchObject({ code: 'ENOSPC', uid: 1 });
		expect(first.emitted).toEqual([]);
		expect((staticData.imapCursor as IDataObject).lastUid).toBe(0);

		// The next session, from what was saved, once the store works again.
		const second = sync(JSON.parse(JSON.stringify(staticData)) as IDataObject, undefined, raw);
		await second.s.run(fakeClient([1, 2]).client, () => true);
		expect(second.emitted.map((item) => item.json.subject)).toEqual(['m1', 'm2']);
		expect(second.emitted.every((item) => !item.json.error && item.binary?.data)).toBe(true);
	},
);

test('FETCH responses the server sends of its own during a fetch (flags another session changed) are not mail', async () => {
	// What imapflow yields against Dovecot when another session changes the flags of UID 9 (sequence
	// 9) while the trigger fetches: that response too, without a UID (no CONDSTORE/QRESYNC) and
	// without what was asked; with CONDSTORE/QRESYNC, with the UID of a message asked for.
	const { client } = fakeClient([1, 2, 3]);
	const fetch = client.fetch.bind(client);
	const unsolicited = (uid?: number) =>
		({ seq: uid ?? 9, ...(uid ? { uid } : {}), flags: new Set(['\\Seen']) }) as FetchMessageObject;
	client.fetch = ((...args: Parameters<typeof fetch>) => {
		const answers = fetch(...args);
		return (async function* () {
			yield unsolicited(2);
			yield* answers;
			yield unsolicited();
		})();
	}) as typeof client.fetch;
	const flagged: string[] = [];
	client.messageFlagsAdd = (async (range: string) => {
		flagged.push(range);
		return true;
	}) as typeof client.messageFlagsAdd;
	const staticData: IDataObject = {};
	const { s, emitted, snapshots } = sync(staticData, { action: 'markRead' });
	await s.run(client, () => true);
	expect(emitted.map((item) => [item.json.uid, item.json.subject])).toEqual([
		[1, 'm1'],
		[2, 'm2'],
		[3, 'm3'],
	]);
	expect(snapshots.map((data) => (data.imapCursor as IDataObject).lastUid)).toEqual([1, 2, 3]);
	expect(flagged).toEqual(['1:3']);
	expect(staticData.imapCursor).toMatchObject({ lastUid: 3 });
	expect((staticData.imapCursor as IDataObject).pendingAction).toBeUndefined();
});

test('a flags-only response for a later UID does not move the blame off the message being read', async () => {
	// With QRESYNC (or a server that names the UID anyway) the server's own flag update carries the
	// UID of a message asked for: it says nothing about how far the server read.
	const { s } = sync({});
	const client = {
		fetch() {
			return (async function* () {
				yield {
					seq: 1,
					uid: 1,
					flags: new Set<string>(),
					source: eml(1),
				} as unknown as FetchMessageObject;
				yield { seq: 3, uid: 3, flags: new Set(['\\Seen']) } as unknown as FetchMessageObject;
				throw new Error('Connection closed');
			})();
		},
	};
	s.reading = 1;
	await expect(s.collect(client as never, [1, 2, 3, 4], { source: true })).rejects.toThrow(
		'Connection closed',
	);
	expect(s.reading).toBe(2);
});
