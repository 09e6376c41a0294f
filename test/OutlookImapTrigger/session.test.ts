/**
 * One session with a fake client: how it ended, and what the reconnect policy is told.
 * (Against a real server: faults.dovecot.test.ts.)
 */
import { BinaryStoreError } from '../../nodes/OutlookImapTrigger/messages';
import { toFailure } from '../../nodes/OutlookImapTrigger/session';

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
