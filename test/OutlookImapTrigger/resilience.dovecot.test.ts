/**
 * Never lose, never repeat, against a real Dovecot: sessions kicked and the server restarted
 * under load, the trigger restarted with the same static data, UIDVALIDITY changing, tokens
 * expiring, a revoked refresh token, and many activate/deactivate cycles.
 */
import type { IDataObject } from 'n8n-workflow';

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

async function noSessionLeft() {
	await waitFor(
		async () => (await rig.dovecot.who()).length === 0,
		5_000,
		'no IMAP session left on the server',
	);
}

test('200 messages while the session is kicked 20 times and the server restarts once: 200 distinct items in UID order', async () => {
	await rig.dovecot.createMailbox('Load');
	const n8n = rig.harness();
	const logs = captureLogs();
	const run = await n8n.activateTrigger(TYPE, {
		parameters: rig.parameters({ folder: { __rl: true, mode: 'path', value: 'Load' } }),
	});
	try {
		await waitFor(() => run.staticData.imapCursor, 15_000, 'the cursor baseline');
		let kicks = 0;
		let emittedAtKick = 0;
		for (let i = 0; i < 200; i++) {
			await rig.dovecot.appendMessage(textMessage(`load ${i}`), 'Load');
			if (i % 10 === 4) {
				// Kick a live session that is working: wait for the trigger to be back from the previous
				// kick and to have emitted something since. (A server that ends every session before it
				// reads a single message, three times in a row at the same message, is how the trigger
				// recognises a message the server cannot read, and reports it: see the faults suite.)
				await waitFor(
					async () => run.emitted.length > emittedAtKick && (await rig.dovecot.who()).length > 0,
					10_000,
					`a working session to kick (message ${i}, ${new Date().toISOString()})`,
				);
				kicks += await rig.dovecot.kick();
				emittedAtKick = run.emitted.length;
			}
			if (i === 120) await rig.dovecot.restart();
		}
		expect(kicks).toBe(20);
		await waitFor(() => run.emitted.length >= 200, 30_000, '200 items');
		// Anything emitted twice would show up now.
		await sleep(1_500);
		expect(run.errors).toEqual([]);
		expect(run.emitted).toHaveLength(200);
		// One execution per message, so one failing run cannot hold back the others (queue mode: 500 mails → 500 executions).
		expect(run.executions.map((items) => items.length)).toEqual(new Array(200).fill(1));
		// Every message once. (Append order and UID order can differ: when a kicked session held the
		// Maildir's uidlist lock, Dovecot gives a saved message its UID at the next sync.)
		expect([...subjects(run)].sort()).toEqual(
			Array.from({ length: 200 }, (_, i) => `load ${i}`).sort(),
		);
		// In UID order: strictly increasing UIDs.
		const uids = run.emitted.map((item) => Number(item.json.uid));
		expect(uids.every((uid, i) => i === 0 || uid > uids[i - 1])).toBe(true);
		expect(new Set(uids).size).toBe(200);
		expect((run.staticData.imapCursor as IDataObject).lastUid).toBe(uids[199]);
	} catch (error) {
		// The trigger's own log and Dovecot's (neither holds a token) explain a failure here.
		console.log(logs.lines.map((l) => `${l.level} ${l.message}`).join('\n'));
		console.log(rig.dovecot.log().split('\n').slice(-40).join('\n'));
		throw error;
	} finally {
		logs.restore();
		await run.close();
	}
	await noSessionLeft();
}, 90_000);

test('a restart with the same static data emits nothing twice and misses nothing that arrived while down', async () => {
	await rig.dovecot.createMailbox('Restart');
	const parameters = rig.parameters({ folder: { __rl: true, mode: 'path', value: 'Restart' } });
	const n8n = rig.harness();
	const first = await n8n.activateTrigger(TYPE, { parameters });
	await waitFor(() => first.staticData.imapCursor, 10_000, 'the cursor baseline');
	for (const n of [1, 2, 3]) await rig.dovecot.appendMessage(textMessage(`before ${n}`), 'Restart');
	await waitFor(() => first.emitted.length === 3, 5_000, '3 items');
	await first.close();
	// What n8n saved (after activation, and inside each emit): what a restarted n8n loads.
	const saved = first.restartStaticData();

	for (const n of [1, 2, 3, 4])
		await rig.dovecot.appendMessage(textMessage(`while down ${n}`), 'Restart');

	const second = await n8n.activateTrigger(TYPE, { parameters, staticData: saved });
	try {
		await waitFor(
			() => second.emitted.length === 4,
			10_000,
			'the 4 messages that arrived while down',
		);
		await rig.dovecot.appendMessage(textMessage('after'), 'Restart');
		await waitFor(() => second.emitted.length === 5, 5_000, 'the message after the restart');
		await sleep(700);
		expect(subjects(first)).toEqual(['before 1', 'before 2', 'before 3']);
		expect(subjects(second)).toEqual([
			'while down 1',
			'while down 2',
			'while down 3',
			'while down 4',
			'after',
		]);
		expect(second.errors).toEqual([]);
	} finally {
		await second.close();
	}
	await noSessionLeft();
}, 60_000);

test('UIDVALIDITY change (folder deleted and recreated): a warning, a new baseline per "start from", then new mail again', async () => {
	await rig.dovecot.createMailbox('Recreated');
	const logs = captureLogs();
	const n8n = rig.harness();
	const parameters = rig.parameters({
		folder: { __rl: true, mode: 'path', value: 'Recreated' },
		startFrom: 'unread',
	});
	const run = await n8n.activateTrigger(TYPE, { parameters });
	try {
		await waitFor(() => run.staticData.imapCursor, 10_000, 'the cursor baseline');
		await rig.dovecot.appendMessage(textMessage('old 1'), 'Recreated');
		await rig.dovecot.appendMessage(textMessage('old 2'), 'Recreated');
		await waitFor(() => run.emitted.length === 2, 5_000, '2 items');
		const before = (await rig.dovecot.status('Recreated')).uidValidity;

		await run.close();
		await rig.dovecot.deleteMailbox('Recreated');
		await rig.dovecot.createMailbox('Recreated');
		// Unread mail in the new folder: "start from: unread mail" re-baselines to emit it.
		await rig.dovecot.appendMessage(textMessage('new 1'), 'Recreated');
		const after = (await rig.dovecot.status('Recreated')).uidValidity;
		expect(after).not.toBe(before);

		const again = await n8n.activateTrigger(TYPE, {
			parameters,
			staticData: run.restartStaticData(),
		});
		try {
			await waitFor(
				() => again.emitted.length === 1,
				10_000,
				'the unread message of the recreated folder',
			);
			await rig.dovecot.appendMessage(textMessage('new 2'), 'Recreated');
			await waitFor(() => again.emitted.length === 2, 5_000, 'new mail after the re-baseline');
			expect(subjects(again)).toEqual(['new 1', 'new 2']);
			expect(again.emitted.map((item) => item.json.uid)).toEqual([1, 2]);
			expect(again.staticData.imapCursor).toMatchObject({ uidValidity: String(after), lastUid: 2 });
			const warnings = logs.lines.filter(
				(line) => line.level === 'warn' && /UIDVALIDITY/.test(line.message),
			);
			expect(warnings).toHaveLength(1);
			expect(warnings[0].message).toContain(`${before} → ${after}`);
		} finally {
			await again.close();
		}
	} finally {
		logs.restore();
		await run.close();
	}
	await noSessionLeft();
}, 60_000);

test('UIDVALIDITY change while connected ("start from: new mail"): the trigger re-baselines at the current end of the folder', async () => {
	await rig.dovecot.createMailbox('Live');
	const n8n = rig.harness();
	const run = await n8n.activateTrigger(TYPE, {
		parameters: rig.parameters({ folder: { __rl: true, mode: 'path', value: 'Live' } }),
	});
	try {
		await waitFor(() => run.staticData.imapCursor, 10_000, 'the cursor baseline');
		await rig.dovecot.appendMessage(textMessage('live 1'), 'Live');
		await waitFor(() => run.emitted.length === 1, 5_000, 'the first item');
		const oldValidity = (run.staticData.imapCursor as IDataObject).uidValidity;
		await rig.dovecot.recreateMailbox('Live');
		// The deleted folder's session is ended by the server or by our kick; the trigger reconnects.
		await rig.dovecot.kick();
		await waitFor(
			() => (run.staticData.imapCursor as IDataObject).uidValidity !== oldValidity,
			10_000,
			'the new baseline',
		);
		await rig.dovecot.appendMessage(textMessage('live 2'), 'Live');
		await waitFor(() => run.emitted.length === 2, 5_000, 'mail in the recreated folder');
		expect(subjects(run)).toEqual(['live 1', 'live 2']);
		expect(run.emitted[1].json.uid).toBe(1);
		expect(run.errors).toEqual([]);
	} finally {
		await run.close();
	}
}, 60_000);

test('token expiry: the trigger refreshes through n8n, redeems the rotated refresh token and reconnects with a new IMAP token', async () => {
	const n8n = rig.harness();
	const initialRefresh = (n8n.credential().oauthTokenData as IDataObject).refresh_token;
	const run = await n8n.activateTrigger(TYPE, { parameters: rig.parameters() });
	try {
		await waitFor(() => run.staticData.imapCursor, 10_000, 'the cursor baseline');
		const tokensBefore = imapTokens(rig.standIns).length;
		rig.standIns.idp.expireAccessTokens();
		// Dovecot checks tokens only at login; Exchange would say BYE … AccessTokenExpired.
		await rig.dovecot.kick();
		await rig.dovecot.appendMessage(textMessage('after expiry'));
		await waitFor(() => run.emitted.length === 1, 10_000, 'the message after the reconnect');
		expect(run.errors).toEqual([]);
		expect(imapTokens(rig.standIns).length).toBeGreaterThan(tokensBefore);

		// Every IMAP token was redeemed with the refresh token n8n had just stored.
		const stored = n8n.credentialsHelper.tokenUpdates.map(
			(update) => update.oauthTokenData.refresh_token,
		);
		const redemptions = rig.standIns.idp.requests.filter((request) =>
			/IMAP\.AccessAsUser\.All/.test(request.form.scope ?? ''),
		);
		expect(redemptions.length).toBeGreaterThanOrEqual(2);
		for (const redemption of redemptions.slice(-2)) {
			expect(redemption.form).toMatchObject({
				grant_type: 'refresh_token',
				scope: 'https://outlook.office.com/IMAP.AccessAsUser.All offline_access',
			});
			expect(stored).toContain(redemption.form.refresh_token);
			expect(redemption.form.refresh_token).not.toBe(initialRefresh);
		}
		const last = redemptions[redemptions.length - 1];
		expect(last.form.refresh_token).toBe(
			(n8n.credential().oauthTokenData as IDataObject).refresh_token,
		);
	} finally {
		await run.close();
	}
}, 30_000);

test('a token about to expire: the trigger reconnects on its own before it does', async () => {
	rig.standIns.idp.accessTokenLifetimeSeconds = 3;
	const n8n = rig.harness();
	const run = await n8n.activateTrigger(TYPE, { parameters: rig.parameters() });
	try {
		await waitFor(() => run.staticData.imapCursor, 10_000, 'the cursor baseline');
		const tokensBefore = imapTokens(rig.standIns).length;
		// Lifetime 3 s: the trigger reconnects at half of it, so two more tokens within ~4 s.
		await waitFor(
			() => imapTokens(rig.standIns).length >= tokensBefore + 2,
			8_000,
			'two proactive reconnects',
		);
		await rig.dovecot.appendMessage(textMessage('still listening'));
		await waitFor(
			() => run.emitted.some((item) => item.json.subject === 'still listening'),
			5_000,
			'the message',
		);
		expect(run.errors).toEqual([]);
	} finally {
		rig.standIns.idp.accessTokenLifetimeSeconds = 3600;
		await run.close();
	}
}, 30_000);

test('a revoked refresh token: emitError with the reconnect message, and no retry loop', async () => {
	const n8n = rig.harness();
	const run = await n8n.activateTrigger(TYPE, { parameters: rig.parameters() });
	try {
		await waitFor(() => run.staticData.imapCursor, 10_000, 'the cursor baseline');
		rig.standIns.idp.revokeRefreshTokens();
		await rig.dovecot.kick();
		await waitFor(() => run.errors.length > 0, 10_000, 'the error');
		const tokenRequests = rig.standIns.idp.requests.length;
		await sleep(3_000);
		expect(run.errors).toHaveLength(1);
		expect(run.errors[0].message).toMatch(/needs to be reconnected/);
		expect(run.errors[0].message).toMatch(/Reconnect/);
		// No tight loop: not one more token request after the error.
		expect(rig.standIns.idp.requests.length).toBe(tokenRequests);
		expect(await rig.dovecot.who()).toEqual([]);
		const text = JSON.stringify({
			message: run.errors[0].message,
			description: (run.errors[0] as { description?: string }).description,
		});
		for (const secret of rig.standIns.idp.secrets()) expect(text).not.toContain(secret);
	} finally {
		await run.close();
	}
}, 30_000);

test('100 activate/deactivate cycles leave no session on the server and no handle behind', async () => {
	const handles = () =>
		(process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length;
	const n8n = rig.harness();
	const cycle = async (i: number) => {
		const run = await n8n.activateTrigger(TYPE, { parameters: rig.parameters() });
		// Half the cycles close once connected, half right away (mid-login).
		if (i % 2 === 0) await waitFor(() => run.staticData.imapCursor, 10_000, 'the connection');
		await run.close();
		expect(run.errors).toEqual([]);
	};
	for (let i = 0; i < 10; i++) await cycle(i);
	await noSessionLeft();
	const warm = handles();
	for (let i = 10; i < 100; i++) await cycle(i);
	await noSessionLeft();
	await sleep(200);
	expect(handles()).toBeLessThanOrEqual(warm + 2);
}, 120_000);
