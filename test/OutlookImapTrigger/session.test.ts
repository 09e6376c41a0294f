/**
 * One session with a fake client: how it ended, and what the reconnect policy is told.
 * (Against a real server: faults.dovecot.test.ts.)
 */
import type { IDataObject } from 'n8n-workflow';

import { DEFAULT_IMAP_TIMEOUTS } from '../../nodes/shared/imap/client';
import { BinaryStoreError } from '../../nodes/OutlookImapTrigger/messages';
import type { SessionEnd } from '../../nodes/OutlookImapTrigger/reconnectPolicy';
import {
	runSession,
	toFailure,
	type ImapClient,
	type SessionWorker,
} from '../../nodes/OutlookImapTrigger/session';
import { MailboxSync } from '../../nodes/OutlookImapTrigger/sync';
import { imapStandIn } from '../support/imap-standin';

const ENDPOINT = {
	host: 'imap.example.test',
	port: 993,
	security: 'tls' as const,
	user: 'alice@example.test',
};

test("n8n failing to store a message is a passing failure of n8n's storage, not of the server or the message", () => {
	const disk = Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
	const failure = toFailure(new BinaryStoreError(9, disk), {
		endpoint: ENDPOINT,
		folder: 'INBOX',
		secrets: [],
	});
	expect(failure).toMatchObject({
		class: 'transient',
		key: 'binaryStore:ENOSPC',
		message:
			'n8n could not store the binary data of the message with UID 9: ENOSPC: no space left on device',
		description: expect.stringMatching(/N8N_DEFAULT_BINARY_DATA_MODE/),
	});
});

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** One session of the trigger over `client`, to its end. */
async function session(worker: SessionWorker, client: ImapClient): Promise<SessionEnd> {
	return await runSession(
		{
			endpoint: ENDPOINT,
			folder: 'INBOX',
			readOnly: true,
			receive: { mode: 'idle' },
			token: { accessToken: 'token', expiresAt: Date.now() + 3_600_000 },
			timeouts: DEFAULT_IMAP_TIMEOUTS,
			tokenRefreshMarginMs: 5 * 60_000,
			worker,
			logger: quiet,
			secrets: [],
			onOpened() {},
			onWorking() {},
			createClient: () => client,
		},
		{ stopped: false },
	);
}

test('the message being read is blamed for its own session only, not for a later one that dies at SEARCH', async () => {
	const sync = new MailboxSync({
		folder: 'INBOX',
		mailbox: 'alice@example.test/INBOX',
		start: { startFrom: 'new' },
		filters: {},
		afterEmit: { action: 'nothing' },
		output: {
			format: 'headers',
			attachmentPrefix: 'attachment_',
			maxAttachmentBytes: 0,
			downloadAttachments: false,
		},
		staticData: {} as IDataObject,
		prepareBinary: async () => ({ data: '', mimeType: 'text/plain' }),
		emit: () => undefined,
		logger: quiet,
		metadataBatch: 200,
		sourceBatchBytes: 1024 * 1024,
	});
	// UID 5 arrived after the baseline; the server ends the session each time it is read.
	const first = await session(
		sync,
		imapStandIn({ uids: [5], uidNext: 5, onFetch: (_uids, connection) => connection.drop() }),
	);
	expect(first).toMatchObject({ failure: { class: 'message', key: 'message:5' } });

	// The user deleted it; now a front end drops every session at its first SEARCH.
	const second = await session(
		sync,
		imapStandIn({ uids: [], uidNext: 6, onSearch: (connection) => connection.drop() }),
	);
	expect(second).toMatchObject({
		how: 'endedDuringSync',
		failure: { class: 'transient', key: 'endedDuringSync' },
	});
});

test('Exchange Online accepting the token but not opening the mailbox ("BAD User is authenticated but not connected.") is a refused login, not the network', () => {
	// What imapflow throws for Exchange's answer to SELECT when the account or app may not open the
	// mailbox (app-only without Add-MailboxPermission, a Mailbox the signed-in user has no access to,
	// IMAP turned off for it).
	const refused = Object.assign(new Error('Command failed'), {
		responseStatus: 'BAD',
		responseText: 'User is authenticated but not connected.',
	});
	const failure = toFailure(refused, { endpoint: ENDPOINT, folder: 'INBOX', secrets: [] });
	expect(failure).toMatchObject({
		class: 'login',
		key: 'login',
		message: expect.stringContaining('User is authenticated but not connected'),
		description: expect.stringMatching(/Full Access/),
	});
	expect(failure.description).not.toMatch(/firewall/);
});
