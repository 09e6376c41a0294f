/**
 * The trigger with the App-Only credential against a real Dovecot: the app's IMAP token (client
 * credentials, msal-node) logs in as the mailbox it was granted and is refused for another one;
 * one token serves every reconnect until it is near expiry; the folder picker works with it.
 *
 * Dovecot's oauth2 passdb compares the login user with the introspection's `username`
 * (username_attribute); the identity-provider stand-in answers an app token with the mailbox the
 * app is granted now (`registerApp({ imapMailboxes })`), as Exchange checks the grant at login.
 */
import type { INodeParameters } from 'n8n-workflow';

import { OutlookImapTrigger } from '../../nodes/OutlookImapTrigger/OutlookImapTrigger.node';
import { searchFolders } from '../../nodes/OutlookImapTrigger/methods/listSearch';
import { clearAppOnlyClients } from '../../nodes/shared/auth/appOnly';
import { appOnlyImapLoginFix } from '../../nodes/shared/auth/appOnlyErrors';
import { APP_ID, AppOnlyHarness, appOnlyFields, newSecret } from '../appOnly/support';
import { sleep, startImapRig, subjects, textMessage, TYPE, waitFor, type ImapRig } from './support';

const OTHER_MAILBOX = 'bob@example.test';

let rig: ImapRig;
let secret: string;
/** Token requests and Dovecot logins before the running test. */
let baseline = 0;
let loginBaseline = 0;

beforeAll(async () => {
	rig = await startImapRig();
	secret = newSecret();
}, 30_000);
afterAll(async () => {
	await rig?.close();
});
beforeEach(() => {
	// msal's cache is per process: each test starts without a token.
	clearAppOnlyClients();
	rig.standIns.idp.accessTokenLifetimeSeconds = 3600;
	grant(rig.dovecot.user);
	baseline = issuedImapTokens();
	loginBaseline = allLogins();
});

/** Successful IMAP logins Dovecot logged as the granted mailbox. */
function allLogins(): number {
	return rig.dovecot.log().split(`Login: user=<${rig.dovecot.user}>`).length - 1;
}

function logins(): number {
	return allLogins() - loginBaseline;
}

function grant(mailbox: string) {
	rig.standIns.idp.registerApp({
		clientId: APP_ID,
		secrets: [secret],
		roles: { graph: [], imap: ['IMAP.AccessAsApp'] },
		imapMailboxes: [mailbox],
	});
}

function harness(): AppOnlyHarness {
	return new AppOnlyHarness(
		{ [TYPE]: new OutlookImapTrigger() },
		appOnlyFields(rig.standIns, { secret }, { customImapHost: rig.dovecot.host }),
	);
}

function parameters(extra: INodeParameters = {}): INodeParameters {
	return rig.parameters({ authentication: 'appOnly', ...extra });
}

function issuedImapTokens(): number {
	return rig.standIns.idp.clientCredentialRequests.filter(
		(request) => request.outcome === 'issued' && /outlook\.office/.test(request.scope),
	).length;
}

/** Client-credentials requests for the IMAP resource answered with a token, in this test. */
function imapTokenRequests(): number {
	return issuedImapTokens() - baseline;
}

/** Kicks the trigger's session and waits until it logged in again (connection `n + 1`). */
async function kickAndWaitForLogin(n: number): Promise<void> {
	await waitFor(() => logins() >= n, 15_000, `login ${n}`);
	await waitFor(async () => (await rig.dovecot.kick()) > 0, 15_000, `session ${n} to kick`);
	await waitFor(() => logins() >= n + 1, 15_000, `login ${n + 1}`);
}

describe('Outlook IMAP Trigger with the App-Only credential (Dovecot)', () => {
	test('the granted mailbox: new mail is emitted, and one IMAP token serves three reconnects', async () => {
		const run = await harness().activateTrigger(TYPE, { parameters: parameters() });
		try {
			await waitFor(() => run.staticData.imapCursor, 10_000, 'the cursor baseline');
			await rig.dovecot.appendMessage(textMessage('App-only 1'));
			await waitFor(() => run.emitted.length >= 1, 5_000, 'the first mail');
			for (let kick = 1; kick <= 3; kick++) await kickAndWaitForLogin(kick);
			await rig.dovecot.appendMessage(textMessage('App-only 2'));
			await waitFor(() => run.emitted.length >= 2, 10_000, 'the second mail');
			expect(subjects(run)).toEqual(['App-only 1', 'App-only 2']);
			expect(run.errors).toEqual([]);
			expect(logins()).toBe(4);
			// Four connections, one token request: msal's cache answers every reconnect.
			expect(imapTokenRequests()).toBe(1);
		} finally {
			await run.response?.closeFunction?.();
		}
	});

	test('a token near expiry is not reused: every reconnect inside the renewal window asks again', async () => {
		// 240 s is inside msal-node's 5-minute renewal window, so each acquisition is a new token.
		rig.standIns.idp.accessTokenLifetimeSeconds = 240;
		const run = await harness().activateTrigger(TYPE, { parameters: parameters() });
		try {
			await waitFor(() => run.staticData.imapCursor, 10_000, 'the cursor baseline');
			await kickAndWaitForLogin(1);
			await kickAndWaitForLogin(2);
			expect(logins()).toBe(3);
			expect(imapTokenRequests()).toBe(3);
			expect(run.errors).toEqual([]);
		} finally {
			await run.response?.closeFunction?.();
		}
	});

	test('another mailbox: activation fails with the Add-MailboxPermission fix after one retry with a new token', async () => {
		const n8n = harness();
		const activation = n8n.activateTrigger(TYPE, {
			parameters: parameters({ mailbox: OTHER_MAILBOX }),
		});
		await expect(activation).rejects.toThrow(
			`The IMAP server ${rig.dovecot.host} refused to log in as ${OTHER_MAILBOX} with a fresh token`,
		);
		const error = (await activation.catch((e: unknown) => e)) as { description?: string };
		expect(error.description).toBe(appOnlyImapLoginFix(OTHER_MAILBOX, APP_ID));
		expect(error.description).toContain(`Add-MailboxPermission -Identity ${OTHER_MAILBOX}`);
		// The cached token, then once more with a newly issued one: two requests, no more.
		expect(imapTokenRequests()).toBe(2);
	});

	test('grant removed while running: reported through emitError with the fix, a new token per refused login', async () => {
		const run = await harness().activateTrigger(TYPE, { parameters: parameters() });
		try {
			await waitFor(() => run.staticData.imapCursor, 10_000, 'the cursor baseline');
			expect(imapTokenRequests()).toBe(1);
			// An Exchange admin moves the app's grant to another mailbox, then the session drops.
			grant(OTHER_MAILBOX);
			await rig.dovecot.kick();
			await waitFor(() => run.errors.length > 0, 25_000, 'the reported failure');
			await sleep(500);
			expect(run.errors).toHaveLength(1);
			const [error] = run.errors as Array<Error & { description?: string }>;
			expect(error.message).toContain(`refused to log in as ${rig.dovecot.user}`);
			expect(error.description).toBe(appOnlyImapLoginFix(rig.dovecot.user, APP_ID));
			// Three refused attempts (the policy's limit for logins), each retried once with a new token.
			expect(imapTokenRequests()).toBe(1 + 3);
			expect(JSON.stringify(run.errors)).not.toContain(secret);
		} finally {
			await run.response?.closeFunction?.();
		}
	}, 40_000);

	test('a wrong client secret fails the activation at once with the AADSTS cause and fix, once', async () => {
		const n8n = new AppOnlyHarness(
			{ [TYPE]: new OutlookImapTrigger() },
			appOnlyFields(rig.standIns, { secret: newSecret() }, { customImapHost: rig.dovecot.host }),
		);
		const before = rig.standIns.idp.clientCredentialRequests.length;
		const activation = n8n.activateTrigger(TYPE, { parameters: parameters() });
		await expect(activation).rejects.toThrow(/AADSTS7000215/);
		const error = (await activation.catch((e: unknown) => e)) as { description?: string };
		expect(error.description).toMatch(/secret/i);
		// Refused credentials are final: one request, no retry with a forced refresh.
		expect(rig.standIns.idp.clientCredentialRequests.length - before).toBe(1);
		expect(logins()).toBe(0);
	});

	test('the mailbox is required with the App-Only credential; no token is asked for', async () => {
		await expect(
			harness().activateTrigger(TYPE, { parameters: parameters({ mailbox: '' }) }),
		).rejects.toThrow(/The field "Mailbox" is empty: with the App-Only credential/);
		expect(imapTokenRequests()).toBe(0);
	});

	test('the IMAP token goes only to the credential IMAP host (node option checked), trigger and picker', async () => {
		const n8n = harness();
		const other = parameters({ options: { host: 'localhost', port: rig.dovecot.port } });
		await expect(n8n.activateTrigger(TYPE, { parameters: other })).rejects.toThrow(
			/"IMAP Host" \(localhost\) is not the IMAP host of the credential/,
		);
		await expect(
			searchFolders.call(n8n.loadOptionsContext(TYPE, { parameters: other })),
		).rejects.toThrow(/"IMAP Host"/);
		expect(imapTokenRequests()).toBe(0);
	});

	test('the folder picker lists the granted mailbox with the app token, and explains a refused one', async () => {
		const n8n = harness();
		const listed = await searchFolders.call(
			n8n.loadOptionsContext(TYPE, { parameters: parameters() }),
		);
		expect(listed.results.map((r) => r.value)).toContain('INBOX');
		const refused = searchFolders.call(
			n8n.loadOptionsContext(TYPE, { parameters: parameters({ mailbox: OTHER_MAILBOX }) }),
		);
		await expect(refused).rejects.toThrow(`Could not list the folders of ${OTHER_MAILBOX}`);
		const error = (await refused.catch((e: unknown) => e)) as { description?: string };
		expect(error.description).toBe(appOnlyImapLoginFix(OTHER_MAILBOX, APP_ID));
	});
});

describe('Outlook IMAP Trigger description', () => {
	const { description } = new OutlookImapTrigger();

	test('Authentication comes first and defaults to OAuth2, so saved workflows keep their credential', () => {
		expect(description.properties[0]).toMatchObject({ name: 'authentication', default: 'oAuth2' });
		expect(description.credentials).toEqual([
			{
				name: 'outlookOAuth2Api',
				required: true,
				displayOptions: { show: { authentication: ['oAuth2'] } },
			},
			{
				name: 'outlookAppOnlyApi',
				required: true,
				displayOptions: { show: { authentication: ['appOnly'] } },
				testedBy: 'outlookAppOnlyApiTest',
			},
		]);
		expect(new OutlookImapTrigger().methods.credentialTest.outlookAppOnlyApiTest).toBeInstanceOf(
			Function,
		);
	});

	test('with App-Only the Mailbox field is required and says why', () => {
		const mailboxes = description.properties.filter((p) => p.name === 'mailbox');
		const appOnly = mailboxes.find(
			(p) => p.displayOptions?.show?.authentication?.[0] === 'appOnly',
		);
		const oAuth2 = mailboxes.find((p) => p.displayOptions?.show?.authentication?.[0] === 'oAuth2');
		expect(appOnly).toMatchObject({ required: true });
		expect(appOnly?.description).toMatch(/Required with the app-only credential/);
		expect(oAuth2?.required).toBeUndefined();
	});
});
