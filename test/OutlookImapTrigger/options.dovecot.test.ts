/**
 * The trigger's options against a real Dovecot: after-emit actions seen on the server, filters,
 * output formats, "start from", polling, manual runs, the permission check, the signed-in mailbox
 * and the folder list.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { searchFolders } from '../../nodes/OutlookImapTrigger/methods/listSearch';
import { sleep, subjects, textMessage, TYPE, useImapRig, waitFor } from './support';
import { ALL_GRAPH_PERMISSIONS, expectGraphContractKept } from '../support/fixtures';

const rig = useImapRig();

function inFolder(folder: string, extra: INodeParameters = {}): INodeParameters {
	return rig.parameters({ folder: { __rl: true, mode: 'path', value: folder }, ...extra });
}

const ATTACHED = [
	'From: files@example.test',
	'To: alice@example.test',
	'Subject: with file',
	'MIME-Version: 1.0',
	'Content-Type: multipart/mixed; boundary="b1"',
	'',
	'--b1',
	'Content-Type: text/plain',
	'',
	'see file',
	'--b1',
	'Content-Type: text/csv; name="data.csv"',
	'Content-Disposition: attachment; filename="data.csv"',
	'',
	'a,b',
	'1,2',
	'--b1--',
	'',
].join('\r\n');

describe('after emitting', () => {
	test('mark as read, move to a folder, add a flag or keyword: visible on the server afterwards', async () => {
		for (const folder of ['ActRead', 'ActMove', 'ActFlag', 'ActKeyword', 'Processed'])
			await rig.dovecot.createMailbox(folder);
		const n8n = rig.harness();
		const runs = await Promise.all([
			n8n.activateTrigger(TYPE, {
				parameters: inFolder('ActRead', { afterEmit: 'markRead' }),
				nodeName: 'read',
			}),
			n8n.activateTrigger(TYPE, {
				parameters: inFolder('ActMove', { afterEmit: 'move', moveTo: 'Processed' }),
				nodeName: 'move',
			}),
			n8n.activateTrigger(TYPE, {
				parameters: inFolder('ActFlag', { afterEmit: 'flag', flag: '\\Flagged' }),
				nodeName: 'flag',
			}),
			n8n.activateTrigger(TYPE, {
				parameters: inFolder('ActKeyword', { afterEmit: 'flag', flag: 'Processed' }),
				nodeName: 'keyword',
			}),
		]);
		try {
			for (const run of runs)
				await waitFor(() => run.staticData.imapCursor, 10_000, 'the baseline');
			for (const folder of ['ActRead', 'ActMove', 'ActFlag', 'ActKeyword']) {
				await rig.dovecot.appendMessage(textMessage(`${folder} 1`), folder);
				await rig.dovecot.appendMessage(textMessage(`${folder} 2`), folder);
			}
			for (const run of runs) await waitFor(() => run.emitted.length === 2, 5_000, 'two items');
			await waitFor(
				async () => (await rig.dovecot.status('Processed')).messages === 2,
				5_000,
				'the moved messages',
			);

			const read = await rig.dovecot.flags('ActRead');
			expect([...read.values()].every((flags) => flags.includes('\\Seen'))).toBe(true);
			expect((await rig.dovecot.status('ActMove')).messages).toBe(0);
			expect((await rig.dovecot.status('Processed')).messages).toBe(2);
			const flagged = await rig.dovecot.flags('ActFlag');
			expect([...flagged.values()].map((flags) => flags.filter((f) => f !== '\\Recent'))).toEqual([
				['\\Flagged'],
				['\\Flagged'],
			]);
			const keyword = await rig.dovecot.flags('ActKeyword');
			expect([...keyword.values()].map((flags) => flags.filter((f) => f !== '\\Recent'))).toEqual([
				['Processed'],
				['Processed'],
			]);
			// Emitting did not mark anything read where that was not asked for (fetch uses BODY.PEEK).
			expect([...flagged.values()].some((flags) => flags.includes('\\Seen'))).toBe(false);
			for (const run of runs) expect(run.errors).toEqual([]);
		} finally {
			await Promise.all(runs.map(async (run) => await run.close()));
		}
	}, 40_000);
});

describe('filters', () => {
	test('from, subject, unread only, has attachments and raw search: only matching mail is emitted, the rest is passed over once', async () => {
		await rig.dovecot.createMailbox('Filtered');
		const n8n = rig.harness();
		const run = await n8n.activateTrigger(TYPE, {
			parameters: inFolder('Filtered', {
				filters: {
					from: 'files@example.test',
					subjectContains: 'file',
					unreadOnly: true,
					hasAttachments: true,
					rawSearch: 'NOT HEADER "X-Skip" "yes"',
				},
			}),
		});
		try {
			await waitFor(() => run.staticData.imapCursor, 10_000, 'the baseline');
			await rig.dovecot.appendMessage(ATTACHED, 'Filtered'); // matches
			await rig.dovecot.appendMessage(textMessage('with file but no attachment'), 'Filtered'); // wrong sender
			await rig.dovecot.appendMessage(
				ATTACHED.replace('see file', 'see file again').replace(
					'Subject: with file',
					'Subject: other',
				),
				'Filtered',
			); // subject
			await rig.dovecot.appendMessage(
				ATTACHED.replace('Subject: with file', 'Subject: with file\r\nX-Skip: yes'),
				'Filtered',
			); // raw search
			await rig.dovecot.dropMessages([ATTACHED], { mailbox: 'Filtered', seen: true }); // read already
			await rig.dovecot.appendMessage(
				ATTACHED.replace('see file', 'plain').replace(
					/--b1\r\nContent-Type: text\/csv[\s\S]*?--b1--/,
					'--b1--',
				),
				'Filtered',
			); // no attachment
			await rig.dovecot.appendMessage(
				ATTACHED.replace('Subject: with file', 'Subject: with file 2'),
				'Filtered',
			); // matches
			await waitFor(() => run.emitted.length === 2, 8_000, 'the two matching messages');
			await sleep(800);
			expect(subjects(run)).toEqual(['with file', 'with file 2']);
			const status = await rig.dovecot.status('Filtered');
			// Everything was looked at: the cursor is past the last message.
			expect((run.staticData.imapCursor as IDataObject).lastUid).toBe(status.uidNext - 1);
			expect(run.errors).toEqual([]);
		} finally {
			await run.close();
		}
	}, 30_000);
	test('non-ASCII text in Subject Contains and in the raw search: the server accepts the search (CHARSET first)', async () => {
		await rig.dovecot.createMailbox('Umlaut');
		const n8n = rig.harness();
		const both = await n8n.activateTrigger(TYPE, {
			parameters: inFolder('Umlaut', {
				filters: { subjectContains: 'Prüfung', rawSearch: 'NOT HEADER "X-Skip" "yes"' },
			}),
			nodeName: 'both',
		});
		const rawOnly = await n8n.activateTrigger(TYPE, {
			parameters: inFolder('Umlaut', {
				filters: { rawSearch: 'OR SUBJECT "Prüfung" FROM "nobody.test"' },
			}),
			nodeName: 'raw only',
		});
		try {
			await waitFor(
				() => both.staticData.imapCursor && rawOnly.staticData.imapCursor,
				10_000,
				'the baselines',
			);
			const subject = `=?UTF-8?B?${Buffer.from('Prüfung bestanden').toString('base64')}?=`;
			await rig.dovecot.appendMessage(textMessage('other'), 'Umlaut');
			await rig.dovecot.appendMessage(textMessage(subject, 'skip', ['X-Skip: yes']), 'Umlaut');
			await rig.dovecot.appendMessage(textMessage(subject), 'Umlaut');
			await waitFor(
				() => both.emitted.length === 1 && rawOnly.emitted.length === 2,
				8_000,
				'the matching messages',
			);
			await sleep(800);
			expect(subjects(both)).toEqual(['Prüfung bestanden']);
			expect(subjects(rawOnly)).toEqual(['Prüfung bestanden', 'Prüfung bestanden']);
			expect(both.errors).toEqual([]);
			expect(rawOnly.errors).toEqual([]);
		} finally {
			await both.close();
			await rawOnly.close();
		}
	}, 30_000);
});

describe('output', () => {
	test('raw source as one binary, and headers only', async () => {
		await rig.dovecot.createMailbox('Formats');
		const n8n = rig.harness();
		const raw = await n8n.activateTrigger(TYPE, {
			parameters: inFolder('Formats', { output: 'raw' }),
			nodeName: 'raw',
		});
		const headers = await n8n.activateTrigger(TYPE, {
			parameters: inFolder('Formats', { output: 'headers' }),
			nodeName: 'headers',
		});
		try {
			await waitFor(
				() => raw.staticData.imapCursor && headers.staticData.imapCursor,
				10_000,
				'the baselines',
			);
			await rig.dovecot.appendMessage(ATTACHED, 'Formats');
			await waitFor(
				() => raw.emitted.length === 1 && headers.emitted.length === 1,
				5_000,
				'both items',
			);
			const [rawItem] = raw.emitted;
			expect(rawItem.json).toMatchObject({ uid: 1, subject: 'with file' });
			expect(rawItem.binary?.data.mimeType).toBe('message/rfc822');
			expect(rawItem.binary?.data.fileName).toBe('message-1.eml');
			expect(Buffer.from(rawItem.binary!.data.data, 'base64').toString()).toBe(ATTACHED);
			const [headerItem] = headers.emitted;
			expect(headerItem.json).toMatchObject({
				uid: 1,
				subject: 'with file',
				from: { address: 'files@example.test' },
			});
			expect(headerItem.json.text).toBeUndefined();
			expect(headerItem.binary).toBeUndefined();
		} finally {
			await raw.close();
			await headers.close();
		}
	}, 30_000);

	test('an attachment size limit lists the attachment without attaching it', async () => {
		await rig.dovecot.createMailbox('Limited');
		const n8n = rig.harness();
		const run = await n8n.activateTrigger(TYPE, {
			parameters: inFolder('Limited', {
				options: { maxAttachmentSizeMb: 0.000001, attachmentPrefix: 'file_' },
			}),
		});
		try {
			await waitFor(() => run.staticData.imapCursor, 10_000, 'the baseline');
			await rig.dovecot.appendMessage(ATTACHED, 'Limited');
			await waitFor(() => run.emitted.length === 1, 5_000, 'the item');
			expect(run.emitted[0].binary).toBeUndefined();
			expect(run.emitted[0].json.attachments).toEqual([
				expect.objectContaining({ fileName: 'data.csv', skipped: 'larger than the size limit' }),
			]);
		} finally {
			await run.close();
		}
	}, 30_000);
});

describe('start from', () => {
	test('unread mail already there, then new mail', async () => {
		await rig.dovecot.createMailbox('Backlog');
		await rig.dovecot.appendMessage(textMessage('unread old'), 'Backlog');
		await rig.dovecot.dropMessages([textMessage('read old')], { mailbox: 'Backlog', seen: true });
		const n8n = rig.harness();
		const run = await n8n.activateTrigger(TYPE, {
			parameters: inFolder('Backlog', { startFrom: 'unread' }),
		});
		try {
			await waitFor(() => run.emitted.length === 1, 10_000, 'the unread message');
			await rig.dovecot.dropMessages([textMessage('read new')], { mailbox: 'Backlog', seen: true });
			await waitFor(() => run.emitted.length === 2, 5_000, 'new mail, read or not');
			expect(subjects(run)).toEqual(['unread old', 'read new']);
		} finally {
			await run.close();
		}
	}, 30_000);

	test('mail since a date (received date), then new mail', async () => {
		await rig.dovecot.createMailbox('Since');
		await rig.dovecot.dropMessages([textMessage('last year')], {
			mailbox: 'Since',
			receivedAt: new Date('2025-01-10T12:00:00Z'),
		});
		await rig.dovecot.dropMessages([textMessage('this month')], {
			mailbox: 'Since',
			receivedAt: new Date(Date.now() - 3 * 86_400_000),
		});
		const n8n = rig.harness();
		const since = new Date(Date.now() - 10 * 86_400_000).toISOString();
		const run = await n8n.activateTrigger(TYPE, {
			parameters: inFolder('Since', { startFrom: 'sinceDate', since }),
		});
		try {
			await waitFor(() => run.emitted.length === 1, 10_000, 'the recent message');
			await rig.dovecot.appendMessage(textMessage('new'), 'Since');
			await waitFor(() => run.emitted.length === 2, 5_000, 'new mail');
			await sleep(300);
			expect(subjects(run)).toEqual(['this month', 'new']);
		} finally {
			await run.close();
		}
	}, 30_000);
});

test('polling mode (no IDLE) emits new mail on the next poll', async () => {
	await rig.dovecot.createMailbox('Polled');
	const n8n = rig.harness();
	const run = await n8n.activateTrigger(TYPE, {
		parameters: inFolder('Polled', { receiveMode: 'poll', pollIntervalSeconds: 1 }),
	});
	try {
		await waitFor(() => run.staticData.imapCursor, 10_000, 'the baseline');
		await rig.dovecot.appendMessage(textMessage('polled'), 'Polled');
		await waitFor(() => run.emitted.length === 1, 3_000, 'the polled message');
		expect(subjects(run)).toEqual(['polled']);
	} finally {
		await run.close();
	}
}, 30_000);

test('plaintext for testing, on the non-TLS port', async () => {
	await rig.dovecot.createMailbox('Plain');
	const n8n = rig.harness();
	const run = await n8n.activateTrigger(TYPE, {
		parameters: rig.parameters({
			folder: { __rl: true, mode: 'path', value: 'Plain' },
			options: { port: rig.dovecot.plainPort, security: 'plain' },
		}),
	});
	try {
		await waitFor(() => run.staticData.imapCursor, 10_000, 'the baseline');
		await rig.dovecot.appendMessage(textMessage('plain'), 'Plain');
		await waitFor(() => run.emitted.length === 1, 3_000, 'the message');
	} finally {
		await run.close();
	}
}, 30_000);

test('TLS with certificate verification (the default) refuses the self-signed test server: activation fails with the cause', async () => {
	const n8n = rig.harness();
	await expect(
		n8n.activateTrigger(TYPE, { parameters: rig.parameters({ options: { security: 'tls' } }) }),
	).rejects.toThrow(
		'The certificate of the IMAP server 127.0.0.1 could not be verified (DEPTH_ZERO_SELF_SIGNED_CERT)',
	);
	expect(await rig.dovecot.who()).toEqual([]);
}, 30_000);

test('a manual run emits the newest messages once, newest first, and changes nothing', async () => {
	await rig.dovecot.createMailbox('Manual');
	for (const n of [1, 2, 3, 4])
		await rig.dovecot.appendMessage(textMessage(`manual ${n}`), 'Manual');
	const n8n = rig.harness();
	const run = await n8n.activateTrigger(TYPE, {
		parameters: inFolder('Manual', { afterEmit: 'markRead' }),
		activation: 'manual',
	});
	try {
		expect(run.response?.manualTriggerFunction).toBeDefined();
		await run.response!.manualTriggerFunction!();
		expect(subjects(run)).toEqual(['manual 4', 'manual 3', 'manual 2']);
		expect(run.staticData.imapCursor).toBeUndefined();
		const flags = await rig.dovecot.flags('Manual');
		expect([...flags.values()].some((f) => f.includes('\\Seen'))).toBe(false);
	} finally {
		await run.close();
	}
	await waitFor(async () => (await rig.dovecot.who()).length === 0, 5_000, 'no session left');
}, 30_000);

test('without the IMAP permission, activation fails and says to add it and reconnect', async () => {
	const n8n = rig.harness({ permissions: ALL_GRAPH_PERMISSIONS });
	await expect(n8n.activateTrigger(TYPE, { parameters: rig.parameters() })).rejects.toThrow(
		/"IMAP Trigger" permission.*reconnect/,
	);
});

test('bad input names the field before any connection', async () => {
	const n8n = rig.harness();
	const tokenRequests = rig.standIns.idp.requests.length;
	await expect(
		n8n.activateTrigger(TYPE, { parameters: rig.parameters({ mailbox: 'not an address' }) }),
	).rejects.toThrow(/"Mailbox"/);
	await expect(
		n8n.activateTrigger(TYPE, {
			parameters: rig.parameters({ afterEmit: 'flag', flag: 'bad flag(' }),
		}),
	).rejects.toThrow(/"Flag or Keyword"/);
	await expect(
		n8n.activateTrigger(TYPE, {
			parameters: rig.parameters({ filters: { rawSearch: 'HEADER "X' } }),
		}),
	).rejects.toThrow(/"Raw IMAP Search"/);
	await expect(
		n8n.activateTrigger(TYPE, {
			parameters: rig.parameters({
				filters: { subjectContains: 'Prüfung', rawSearch: 'CHARSET ISO-8859-1 FLAGGED' },
			}),
		}),
	).rejects.toThrow(/"Raw IMAP Search".*CHARSET ISO-8859-1/);
	expect(rig.standIns.idp.requests.length).toBe(tokenRequests);
});

test('an empty "Mailbox" logs in as the signed-in user (Graph /me)', async () => {
	rig.standIns.graph.reset();
	rig.standIns.graph.on('GET', '/me', {
		body: { userPrincipalName: rig.dovecot.user, mail: rig.dovecot.user },
	});
	const n8n = rig.harness();
	const run = await n8n.activateTrigger(TYPE, { parameters: rig.parameters({ mailbox: '' }) });
	try {
		await waitFor(() => run.staticData.imapCursor, 10_000, 'the baseline');
		expect((run.staticData.imapCursor as IDataObject).mailbox).toBe('alice@example.test/INBOX');
		expect(rig.standIns.graph.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /me']);
		expectGraphContractKept(rig.standIns.graph);
	} finally {
		await run.close();
	}
}, 30_000);

test('the folder list comes from IMAP LIST', async () => {
	await rig.dovecot.createMailbox('Listed');
	await rig.dovecot.createMailbox('Listed.Child');
	const n8n = rig.harness();
	const context = n8n.loadOptionsContext(TYPE, { parameters: rig.parameters() });
	const all = await searchFolders.call(context);
	expect(all.results[0]).toEqual({ name: 'INBOX', value: 'INBOX' });
	expect(all.results.map((r) => r.value)).toEqual(
		expect.arrayContaining(['Listed', 'Listed.Child']),
	);
	const filtered = await searchFolders.call(context, 'child');
	expect(filtered.results).toEqual([{ name: 'Listed.Child', value: 'Listed.Child' }]);
	// No mailbox typed: the signed-in user's, from Graph /me.
	rig.standIns.graph.reset();
	rig.standIns.graph.on('GET', '/me', { body: { userPrincipalName: rig.dovecot.user } });
	const own = await searchFolders.call(
		n8n.loadOptionsContext(TYPE, { parameters: rig.parameters({ mailbox: '' }) }),
		'listed',
	);
	expect(own.results.map((r) => r.value)).toEqual(['Listed', 'Listed.Child']);
	expectGraphContractKept(rig.standIns.graph);
});

test('a folder that does not exist: activation fails with the cause, and nothing keeps trying', async () => {
	const n8n = rig.harness();
	await expect(n8n.activateTrigger(TYPE, { parameters: inFolder('Missing') })).rejects.toThrow(
		'The folder "Missing" does not exist in the mailbox alice@example.test',
	);
	const requests = rig.standIns.idp.requests.length;
	await sleep(1_500);
	expect(rig.standIns.idp.requests.length).toBe(requests);
}, 30_000);
