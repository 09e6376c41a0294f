/**
 * The faults a trigger meets in production, against a real Dovecot and n8n-core's trigger code,
 * each asserted by what a user sees: executions, emitError, the server's state, token requests.
 * One test per problem of issue #13 (each failed on the code before it), plus a few more.
 */
import { Container } from '@n8n/di';
import { ImapFlow } from 'imapflow';
import { BinaryDataService } from 'n8n-core';
import type { INodeParameters } from 'n8n-workflow';

import { searchFolders } from '../../nodes/OutlookImapTrigger/methods/listSearch';
import { IMAP_SCOPE_NAME } from '../../nodes/shared/auth/scopes';
import {
	captureLogs,
	imapTokens,
	sleep,
	useImapRig,
	subjects,
	textMessage,
	TYPE,
	waitFor,
} from './support';

const rig = useImapRig();

function inFolder(folder: string, extra: INodeParameters = {}): INodeParameters {
	return rig.parameters({ folder: { __rl: true, mode: 'path', value: folder }, ...extra });
}

/** IMAP token requests the identity provider received (each connection attempt makes one). */
function imapTokenRequests(): number {
	return rig.standIns.idp.requests.filter((request) =>
		/IMAP\.AccessAsUser\.All/.test(request.form.scope ?? ''),
	).length;
}

async function noSessionLeft() {
	await waitFor(async () => (await rig.dovecot.who()).length === 0, 5_000, 'no session left');
}

/** Rejects when `promise` is still pending after `ms`: a manual run that never ends. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	try {
		return await Promise.race([
			promise,
			new Promise<never>((_, reject) => {
				timer = setTimeout(() => reject(new Error(`${what} still running after ${ms} ms`)), ms);
			}),
		]);
	} finally {
		clearTimeout(timer);
	}
}

test('1. a restart from what n8n saved, after a quiet mailbox: the mail that arrived while n8n was down is emitted', async () => {
	await rig.dovecot.createMailbox('Quiet');
	await rig.dovecot.appendMessage(textMessage('before activation'), 'Quiet');
	// INTERNALDATE has whole seconds, and mail from the second of activation counts as new (never
	// lost): "before" is a second earlier.
	await sleep(1_100);
	const parameters = inFolder('Quiet');
	const n8n = rig.harness();
	const first = await n8n.activateTrigger(TYPE, { parameters });
	// Activated, connected, and nothing arrives: n8n saved the static data once, when activation returned.
	await waitFor(async () => (await rig.dovecot.who()).length > 0, 10_000, 'the session');
	await sleep(500);
	await first.close();
	expect(first.emitted).toEqual([]);
	const saved = first.restartStaticData();

	await rig.dovecot.appendMessage(textMessage('while down 1'), 'Quiet');
	await rig.dovecot.appendMessage(textMessage('while down 2'), 'Quiet');
	const second = await n8n.activateTrigger(TYPE, { parameters, staticData: saved });
	try {
		await waitFor(() => second.emitted.length >= 2, 10_000, 'the mail that arrived while down');
		await rig.dovecot.appendMessage(textMessage('after'), 'Quiet');
		await waitFor(() => second.emitted.length >= 3, 5_000, 'the mail after the restart');
		await sleep(500);
		expect(subjects(second)).toEqual(['while down 1', 'while down 2', 'after']);
		expect(second.errors).toEqual([]);
		// And a second restart from what n8n saved now repeats nothing.
		await second.close();
		const third = await n8n.activateTrigger(TYPE, {
			parameters,
			staticData: second.restartStaticData(),
		});
		await waitFor(async () => (await rig.dovecot.who()).length > 0, 10_000, 'the session');
		await sleep(1_000);
		expect(third.emitted).toEqual([]);
		await third.close();
	} finally {
		await second.close();
	}
	await noSessionLeft();
}, 60_000);

test('2. the client secret expires while the trigger runs: emitError with cause and fix, and no more token requests', async () => {
	const n8n = rig.harness();
	const run = await n8n.activateTrigger(TYPE, { parameters: rig.parameters() });
	try {
		await waitFor(() => run.staticData.imapCursor, 10_000, 'the cursor');
		// What Microsoft answers once the secret expired or was replaced: invalid_client (AADSTS7000215).
		n8n.setCredential({ ...n8n.credential(), clientSecret: 'a-secret-that-is-no-longer-valid' });
		await rig.dovecot.kick();
		await waitFor(() => run.errors.length > 0, 10_000, 'the error');
		const requests = rig.standIns.idp.requests.length;
		await sleep(2_500);
		expect(rig.standIns.idp.requests.length).toBe(requests);
		expect(run.errors).toHaveLength(1);
		expect(run.errors[0].message).toMatch(/invalid_client, AADSTS7000215/);
		expect(run.errors[0].message).toMatch(/client secret is not valid/);
		expect((run.errors[0] as { description?: string }).description).toMatch(
			/Certificates & secrets/,
		);
		expect(await rig.dovecot.who()).toEqual([]);
	} finally {
		await run.close();
	}
}, 30_000);

test('3. a message the server cannot read ends every session during the sync: backed off, then reported with its UID; nothing lost once it can be read', async () => {
	await rig.dovecot.createMailbox('Broken');
	const parameters = inFolder('Broken');
	const n8n = rig.harness();
	const logs = captureLogs();
	const run = await n8n.activateTrigger(TYPE, { parameters });
	try {
		await waitFor(() => run.staticData.imapCursor, 10_000, 'the cursor');
		const before = imapTokenRequests();
		const started = Date.now();
		await rig.dovecot.dropMessages([textMessage('cannot be read')], {
			mailbox: 'Broken',
			unreadable: true,
		});
		await waitFor(() => run.errors.length > 0, 20_000, 'the error');
		const elapsed = Date.now() - started;
		const attempts = imapTokenRequests() - before;
		// The policy's curve, not a storm: at most one attempt per second at the start.
		expect(attempts).toBeLessThanOrEqual(Math.ceil(elapsed / 1000));
		expect(attempts).toBeLessThanOrEqual(3);
		expect(run.errors.map((e) => e.message)).toEqual([
			'The IMAP server ends the session each time the trigger reads the message with UID 1 in "Broken" (or one right after it)',
		]);
		const requests = imapTokenRequests();
		await sleep(2_000);
		expect(imapTokenRequests()).toBe(requests);
		expect(run.emitted).toEqual([]);
		expect(
			logs.lines.some(
				(l) =>
					l.level === 'warn' &&
					/reconnecting to alice@example\.test "Broken" on 127\.0\.0\.1 in \d/.test(l.message),
			),
		).toBe(true);
	} finally {
		logs.restore();
		await run.close();
	}
	// Repaired: n8n re-activates the trigger from what it saved, and the message arrives once.
	await rig.dovecot.makeReadable('Broken');
	const again = await n8n.activateTrigger(TYPE, {
		parameters,
		staticData: run.restartStaticData(),
	});
	try {
		await waitFor(() => again.emitted.length > 0, 10_000, 'the repaired message');
		await sleep(500);
		expect(subjects(again)).toEqual(['cannot be read']);
	} finally {
		await again.close();
	}
	await noSessionLeft();
}, 60_000);

test('3b. the unreadable message comes after readable ones in the same fetch: the error names its UID, not the first one fetched', async () => {
	await rig.dovecot.createMailbox('BrokenLater');
	for (const subject of ['fine 1', 'fine 2', 'fine 3'])
		await rig.dovecot.appendMessage(textMessage(subject), 'BrokenLater');
	// UIDs 1 to 3 exist (doveadm save); the unreadable file gets UID 4 at the next sync.
	await rig.dovecot.dropMessages([textMessage('cannot be read')], {
		mailbox: 'BrokenLater',
		unreadable: true,
	});
	expect((await rig.dovecot.status('BrokenLater')).uidNext).toBe(5);
	const n8n = rig.harness();
	const run = await n8n.activateTrigger(TYPE, {
		parameters: inFolder('BrokenLater', { startFrom: 'unread' }),
	});
	try {
		await waitFor(() => run.errors.length > 0, 20_000, 'the error');
		// Moving or deleting UID 1, as the error said before, would have removed good mail.
		expect(run.errors.map((e) => e.message)).toEqual([
			'The IMAP server ends the session each time the trigger reads the message with UID 4 in "BrokenLater" (or one right after it)',
		]);
	} finally {
		await run.close();
	}
	await noSessionLeft();
}, 60_000);

describe('4. a session that is ending emits nothing more', () => {
	const BIG = 'x'.repeat(200_000);
	function withAttachment(subject: string): string {
		return textMessage(subject).replace(
			'Content-Type: text/plain; charset=utf-8\r\n\r\n',
			[
				'Content-Type: multipart/mixed; boundary="b"',
				'',
				'--b',
				'Content-Type: text/plain',
				'',
				'hello',
				'--b',
				'Content-Type: application/octet-stream; name="a.bin"',
				'Content-Disposition: attachment; filename="a.bin"',
				'',
				BIG,
				'--b--',
				'',
			].join('\r\n'),
		);
	}

	/** Slows n8n's binary store so a batch takes a while to become items; calls `onStore(n)` each time. */
	function slowBinaryStore(onStore: (calls: number) => void) {
		const service = Container.get(BinaryDataService);
		const original = service.store.bind(service);
		let calls = 0;
		return jest.spyOn(service, 'store').mockImplementation(async (...args) => {
			onStore(++calls);
			await sleep(100);
			return await original(...args);
		});
	}

	test('deactivated in the middle of a batch: no emit after the close function returned', async () => {
		await rig.dovecot.createMailbox('Deactivate');
		const n8n = rig.harness();
		const run = await n8n.activateTrigger(TYPE, { parameters: inFolder('Deactivate') });
		let closing: Promise<void> | undefined;
		let closeCalled = false;
		const spy = slowBinaryStore((calls) => {
			if (calls !== 3) return;
			closeCalled = true;
			closing = run.close();
		});
		try {
			await waitFor(() => run.staticData.imapCursor, 10_000, 'the cursor');
			await rig.dovecot.dropMessages(
				Array.from({ length: 10 }, (_, i) => withAttachment(`batch ${i}`)),
				{ mailbox: 'Deactivate' },
			);
			await waitFor(() => closeCalled, 10_000, 'the close during the batch');
			await closing;
			const atClose = run.emitted.length;
			await sleep(2_000);
			expect(run.emitted.length).toBe(atClose);
		} finally {
			spy.mockRestore();
			await run.close();
		}
		await noSessionLeft();
	}, 40_000);

	test('kicked in the middle of a batch: every message exactly once', async () => {
		await rig.dovecot.createMailbox('KickBatch');
		const n8n = rig.harness();
		const run = await n8n.activateTrigger(TYPE, { parameters: inFolder('KickBatch') });
		let kicked = false;
		const spy = slowBinaryStore((calls) => {
			if (calls === 3) {
				kicked = true;
				void rig.dovecot.kick();
			}
		});
		try {
			await waitFor(() => run.staticData.imapCursor, 10_000, 'the cursor');
			await rig.dovecot.dropMessages(
				Array.from({ length: 10 }, (_, i) => withAttachment(`kick ${i}`)),
				{ mailbox: 'KickBatch' },
			);
			await waitFor(() => kicked && run.emitted.length >= 10, 20_000, 'all ten messages');
			await sleep(2_000);
			expect([...subjects(run)].sort()).toEqual(Array.from({ length: 10 }, (_, i) => `kick ${i}`));
			expect(run.errors).toEqual([]);
		} finally {
			spy.mockRestore();
			await run.close();
		}
	}, 40_000);
});

test('5. a refused after-emit action (move to a folder that does not exist) is reported; the message stays in the folder', async () => {
	await rig.dovecot.createMailbox('MoveFrom');
	const n8n = rig.harness();
	const run = await n8n.activateTrigger(TYPE, {
		parameters: inFolder('MoveFrom', { afterEmit: 'move', moveTo: 'NoSuchFolder' }),
	});
	try {
		await waitFor(() => run.staticData.imapCursor, 10_000, 'the cursor');
		await rig.dovecot.appendMessage(textMessage('to move'), 'MoveFrom');
		await waitFor(() => run.errors.length > 0, 10_000, 'the error');
		expect(subjects(run)).toEqual(['to move']);
		expect(run.errors[0].message).toMatch(/refused to move .* to "NoSuchFolder"/);
		expect((run.errors[0] as { description?: string }).description).toMatch(/"Move To Folder"/);
		expect((await rig.dovecot.status('MoveFrom')).messages).toBe(1);
	} finally {
		await run.close();
	}
}, 30_000);

describe('6. a manual run ends with a clear error', () => {
	test('when the folder does not exist', async () => {
		const n8n = rig.harness();
		await expect(
			within(
				n8n.runManualTrigger(TYPE, { parameters: inFolder('NotThere') }),
				20_000,
				'the manual run',
			),
		).rejects.toThrow('The folder "NotThere" does not exist in the mailbox alice@example.test');
		await noSessionLeft();
	}, 30_000);

	test('when the credential is refused', async () => {
		const n8n = rig.harness({ clientSecret: 'not-the-secret' });
		await expect(
			within(
				n8n.runManualTrigger(TYPE, { parameters: rig.parameters() }),
				20_000,
				'the manual run',
			),
		).rejects.toThrow(/Microsoft refused the Outlook credential/);
	}, 30_000);

	test('and a working one still shows the newest mail', async () => {
		await rig.dovecot.createMailbox('ManualOk');
		await rig.dovecot.appendMessage(textMessage('sample 1'), 'ManualOk');
		const n8n = rig.harness();
		const { items, close } = await within(
			n8n.runManualTrigger(TYPE, { parameters: inFolder('ManualOk') }),
			20_000,
			'the manual run',
		);
		await close();
		expect(items.map((item) => item.json.subject)).toEqual(['sample 1']);
		await noSessionLeft();
	}, 30_000);
});

test('7. UIDVALIDITY changes with the mail still there ("unread" start): nothing old again, the new mail once', async () => {
	await rig.dovecot.createMailbox('Rebuilt');
	await rig.dovecot.appendMessage(textMessage('old 1'), 'Rebuilt');
	await rig.dovecot.appendMessage(textMessage('old 2'), 'Rebuilt');
	const parameters = inFolder('Rebuilt', { startFrom: 'unread' });
	const n8n = rig.harness();
	const logs = captureLogs();
	const run = await n8n.activateTrigger(TYPE, { parameters });
	try {
		await waitFor(() => run.emitted.length === 2, 10_000, 'the unread mail');
		await run.close();
		const before = await rig.dovecot.status('Rebuilt');
		await rig.dovecot.setUidValidity('Rebuilt', before.uidValidity + 1000);
		expect((await rig.dovecot.status('Rebuilt')).messages).toBe(2);
		await sleep(1_100);
		await rig.dovecot.appendMessage(textMessage('new 1'), 'Rebuilt');
		const again = await n8n.activateTrigger(TYPE, {
			parameters,
			staticData: run.restartStaticData(),
		});
		try {
			await waitFor(() => again.emitted.length >= 1, 10_000, 'the new mail');
			await sleep(1_500);
			expect(subjects(again)).toEqual(['new 1']);
			expect(
				logs.lines.filter((l) => l.level === 'warn' && /UIDVALIDITY/.test(l.message)),
			).toHaveLength(1);
		} finally {
			await again.close();
		}
	} finally {
		logs.restore();
		await run.close();
	}
}, 40_000);

describe('8. the IMAP token goes only to the credential’s IMAP host', () => {
	test('a node "IMAP Host" other than the credential’s is refused before any token request', async () => {
		const n8n = rig.harness();
		const tokens = imapTokens(rig.standIns).length;
		const requests = rig.standIns.idp.requests.length;
		await expect(
			n8n.activateTrigger(TYPE, { parameters: rig.parameters({ options: { host: 'localhost' } }) }),
		).rejects.toThrow(/"IMAP Host" \(localhost\) is not the IMAP host of the credential/);
		const picker = n8n.loadOptionsContext(TYPE, {
			parameters: rig.parameters({ options: { host: 'localhost' } }),
		});
		await expect(searchFolders.call(picker)).rejects.toThrow(/"IMAP Host"/);
		expect(imapTokens(rig.standIns)).toHaveLength(tokens);
		expect(rig.standIns.idp.requests.length).toBe(requests);
	});

	test('the same host typed on the node is accepted', async () => {
		const n8n = rig.harness();
		const run = await n8n.activateTrigger(TYPE, { parameters: rig.parameters() });
		await waitFor(() => run.staticData.imapCursor, 10_000, 'the cursor');
		await run.close();
	});
});

test('9. a token that lives longer than setTimeout can count (30 days): no reconnect loop', async () => {
	rig.standIns.idp.accessTokenLifetimeSeconds = 30 * 86_400;
	const n8n = rig.harness();
	const run = await n8n.activateTrigger(TYPE, { parameters: rig.parameters() });
	try {
		await waitFor(() => run.staticData.imapCursor, 10_000, 'the cursor');
		const tokens = imapTokenRequests();
		await sleep(3_000);
		expect(imapTokenRequests()).toBe(tokens);
		expect(run.errors).toEqual([]);
	} finally {
		rig.standIns.idp.accessTokenLifetimeSeconds = 3600;
		await run.close();
	}
}, 30_000);

test('10. flags changed by another session while the trigger fetches (an old message read in Outlook): every new message once, nothing else', async () => {
	await rig.dovecot.createMailbox('OtherSession');
	await rig.dovecot.appendMessage(textMessage('old'), 'OtherSession');
	// Mail from the second of activation counts as new (test 1): "old" is a second earlier.
	await sleep(1_100);
	// Another client of the same mailbox, changing the flags of the old message (UID 1) all along:
	// Dovecot tells the trigger's session of each change at the end of its next command, inside the
	// FETCH responses of a FETCH.
	const token = rig.standIns.idp.issueTokens(`https://outlook.office.com/${IMAP_SCOPE_NAME}`)
		.access_token as string;
	const other = new ImapFlow({
		host: rig.dovecot.host,
		port: rig.dovecot.port,
		secure: true,
		tls: { rejectUnauthorized: false },
		auth: { user: rig.dovecot.user, accessToken: token },
		logger: false,
	});
	other.on('error', () => undefined);
	await other.connect();
	await other.mailboxOpen('OtherSession');
	const run = await rig.harness().activateTrigger(TYPE, {
		parameters: inFolder('OtherSession', { afterEmit: 'markRead' }),
	});
	let toggling = true;
	const toggler = (async () => {
		for (let i = 0; toggling; i++) {
			if (i % 2) await other.messageFlagsRemove('1', ['\\Flagged'], { uid: true });
			else await other.messageFlagsAdd('1', ['\\Flagged'], { uid: true });
			await sleep(5);
		}
	})();
	try {
		await waitFor(() => run.staticData.imapCursor, 10_000, 'the cursor');
		const count = 300;
		await rig.dovecot.dropMessages(
			Array.from({ length: count }, (_, i) => textMessage(`new ${i}`)),
			{ mailbox: 'OtherSession' },
		);
		await waitFor(
			() => run.emitted.length >= count || run.errors.length > 0,
			30_000,
			'the new mail',
		);
		await sleep(500);
		toggling = false;
		await toggler;
		expect(run.errors.map((e) => e.message)).toEqual([]);
		const uids = run.emitted.map((item) => item.json.uid);
		expect(uids).toEqual(Array.from({ length: count }, (_, i) => i + 2));
		expect(run.staticData.imapCursor).toMatchObject({ lastUid: count + 1 });
	} finally {
		toggling = false;
		await toggler;
		await run.close();
		await other.logout();
	}
}, 60_000);

test('liveness: no working session for the configured time → emitError; each state change logged', async () => {
	const n8n = rig.harness();
	const logs = captureLogs();
	// The identity platform answers 503 to every token request: transient, retried, never "fixed".
	rig.standIns.idp.failTokenRequests = 1_000;
	const run = await n8n.activateTrigger(TYPE, {
		parameters: rig.parameters({ options: { alertAfterMinutes: 0.04 } }),
	});
	try {
		await waitFor(() => run.errors.length > 0, 10_000, 'the liveness error');
		expect(run.errors[0].message).toMatch(
			/no working IMAP connection to alice@example\.test "INBOX" on 127\.0\.0\.1 for 2 s/,
		);
		const lines = logs.lines.map((l) => `${l.level} ${l.message}`);
		expect(
			lines.filter((l) =>
				/reconnecting to alice@example\.test "INBOX" on 127\.0\.0\.1 in \d+\.\d s \(attempt 1\): /.test(
					l,
				),
			),
		).toHaveLength(1);
		expect(lines.filter((l) => /failing, /.test(l))).toHaveLength(1);
	} finally {
		rig.standIns.idp.failTokenRequests = 0;
		logs.restore();
		await run.close();
	}
	// Working: "connected" once, however long it stays connected.
	const logs2 = captureLogs();
	const ok = await n8n.activateTrigger(TYPE, { parameters: rig.parameters() });
	try {
		await waitFor(() => ok.staticData.imapCursor, 10_000, 'the cursor');
		await rig.dovecot.appendMessage(textMessage('liveness ok'));
		await waitFor(() => ok.emitted.length > 0, 5_000, 'the message');
		await sleep(500);
		expect(
			logs2.lines.filter((l) => l.level === 'info' && /connected to /.test(l.message)),
		).toHaveLength(1);
	} finally {
		logs2.restore();
		await ok.close();
	}
}, 30_000);

test('a folder deleted while the trigger watches it: reported (not a silent reconnect loop)', async () => {
	await rig.dovecot.createMailbox('Vanishing');
	const n8n = rig.harness();
	const run = await n8n.activateTrigger(TYPE, { parameters: inFolder('Vanishing') });
	try {
		await waitFor(() => run.staticData.imapCursor, 10_000, 'the cursor');
		await rig.dovecot.deleteMailbox('Vanishing');
		await rig.dovecot.kick();
		await waitFor(() => run.errors.length > 0, 15_000, 'the error');
		expect(run.errors.map((e) => e.message)).toEqual([
			'The folder "Vanishing" does not exist in the mailbox alice@example.test',
		]);
	} finally {
		await run.close();
	}
}, 30_000);

test('activation with a folder that does not exist fails with the cause (n8n retries activation with its own growing delay)', async () => {
	const n8n = rig.harness();
	await expect(n8n.activateTrigger(TYPE, { parameters: inFolder('NeverThere') })).rejects.toThrow(
		'The folder "NeverThere" does not exist in the mailbox alice@example.test',
	);
	await noSessionLeft();
}, 30_000);
