/**
 * A hostile token endpoint (the identity-provider stand-in's hostile mode: a Custom environment's
 * authority or a proxy that repeats the request's client secret, client assertion, refresh token
 * and code in every field of every error) on every token path of both credentials: n8n-core's
 * OAuth2 refresh, the IMAP token, the app-only secret and certificate (msal-node) and the app-only
 * credential test; through all four nodes and their folder pickers. Nothing any of them throws,
 * returns as an error item, shows in the credential test or logs carries any of those secrets
 * (nodes/shared/redact.ts). The stand-in records what it echoed, so test/run.sh's secrets check
 * greps the whole run for it as well.
 */
import { CredentialTestContext } from 'n8n-core';
import type { ICredentialDataDecryptedObject, INodeParameters } from 'n8n-workflow';

import { OutlookCalendar } from '../../nodes/OutlookCalendar/OutlookCalendar.node';
import { OutlookImapTrigger } from '../../nodes/OutlookImapTrigger/OutlookImapTrigger.node';
import { OutlookMail } from '../../nodes/OutlookMail/OutlookMail.node';
import { OutlookTrigger } from '../../nodes/OutlookTrigger/OutlookTrigger.node';
import { clearAppOnlyClients } from '../../nodes/shared/auth/appOnly';
import { outlookAppOnlyApiTest } from '../../nodes/shared/auth/appOnlyCredentialTest';
import {
	APP_ID,
	AppOnlyHarness,
	appOnlyFields,
	makeCertificate,
	newSecret,
	SHARED,
	type TestCertificate,
} from '../appOnly/support';
import { captureLogs } from '../OutlookImapTrigger/support';
import { PollRunner } from '../OutlookTrigger/support';
import {
	ALL_GRAPH_PERMISSIONS,
	connectedCredential,
	startStandIns,
	type StandIns,
} from '../support/fixtures';
import { N8nHarness } from '../support/n8n-harness';

const MAIL = 'outlookMail';
const CALENDAR = 'outlookCalendar';
const IMAP = 'outlookImapTrigger';
const TRIGGER = 'outlookTrigger';

let s: StandIns;
let cert: TestCertificate;
const appSecret = newSecret();
let logs: ReturnType<typeof captureLogs>;
/** Every error and text that left a node in this test, for the final check. */
let exposed: string[];

beforeAll(async () => {
	s = await startStandIns();
	cert = makeCertificate();
});
afterAll(async () => await s?.close());
beforeEach(() => {
	clearAppOnlyClients();
	exposed = [];
	s.idp.registerApp({
		clientId: APP_ID,
		secrets: [appSecret],
		certificates: [cert.certPem],
		roles: { graph: ['Mail.ReadWrite', 'Calendars.ReadWrite'], imap: ['IMAP.AccessAsApp'] },
		imapMailboxes: [SHARED],
	});
	s.idp.hostile = () => true;
	logs = captureLogs();
});
afterEach(() => logs.restore());

/** Everything of an error a user, a log or a support ticket could see. */
function visible(error: unknown): string {
	const e = error as Error & { description?: unknown; context?: unknown; cause?: unknown };
	return [
		e?.message,
		String(e?.description ?? ''),
		String(e?.stack ?? ''),
		JSON.stringify(error),
		JSON.stringify(e?.context ?? null),
		e?.cause instanceof Error
			? `${e.cause.message} ${e.cause.stack ?? ''}`
			: JSON.stringify(e?.cause ?? null),
	].join('\n');
}

async function failure(run: Promise<unknown>): Promise<Error> {
	const error = await run.then(
		() => undefined,
		(e: unknown) => e as Error,
	);
	if (!error) throw new Error('expected a failure');
	exposed.push(visible(error));
	return error;
}

/** The secrets the stand-in echoed and every secret of the credentials, in no text at all. */
function expectNothingLeaked(fields: ICredentialDataDecryptedObject[] = []) {
	const secrets = new Set([
		...s.idp.secrets(),
		appSecret,
		cert.pfxPassword,
		...cert.keyPem.split('\n').filter((line) => line.length >= 16 && !line.startsWith('-----')),
	]);
	for (const credential of fields) {
		for (const value of [credential.clientSecret, credential.pfxPassword])
			if (typeof value === 'string') secrets.add(value);
		const tokens = credential.oauthTokenData as Record<string, string> | undefined;
		for (const value of Object.values(tokens ?? {}))
			if (typeof value === 'string') secrets.add(value);
	}
	// The stand-in did echo something (the test is only as good as the hostility).
	expect(s.idp.echoed.size).toBeGreaterThan(0);
	const texts = [...exposed, ...logs.lines.map((line) => line.message)];
	expect(exposed.length).toBeGreaterThan(0);
	for (const text of texts) {
		for (const secret of secrets) {
			if (secret.length >= 8 && text.includes(secret))
				throw new Error(`a secret (${secret.slice(0, 6)}…) leaked into: ${text.slice(0, 300)}`);
		}
		// No client assertion (a JWT) and no bearer value of any shape.
		expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\./);
		expect(text).not.toMatch(/Bearer\s+(?!\[redacted\])[A-Za-z0-9]/);
	}
}

describe('the OAuth2 credential: n8n-core refreshes the expired token at the hostile endpoint', () => {
	const oauth = () => connectedCredential(s, { permissions: [...ALL_GRAPH_PERMISSIONS, 'imap'] });

	test('Outlook Mail (thrown and as an error item), Outlook Calendar and the folder picker', async () => {
		const credential = oauth();
		s.idp.expireAccessTokens();
		const mail = new OutlookMail();
		const n8n = new N8nHarness({ [MAIL]: mail, [CALENDAR]: new OutlookCalendar() }, credential);
		const getMany: INodeParameters = { resource: 'message', operation: 'getAll', limit: 2 };
		const thrown = await failure(n8n.execute(MAIL, { parameters: getMany }));
		expect(thrown.message).toMatch(
			/^Microsoft refused to refresh the access token: invalid_client/,
		);
		const [items] = await n8n.execute(MAIL, { parameters: getMany, continueOnFail: true });
		exposed.push(JSON.stringify(items));
		expect(String(items[0].json.error)).toMatch(/refresh the access token/);
		await failure(
			n8n.execute(CALENDAR, { parameters: { resource: 'calendar', operation: 'getAll' } }),
		);
		const picker = n8n.loadOptionsContext(MAIL, {
			parameters: { resource: 'folder', operation: 'get' },
		});
		await failure(mail.methods.listSearch.searchFolders.call(picker));
		expectNothingLeaked([credential]);
	});

	test('Outlook Trigger: the poll fails without a secret', async () => {
		const credential = oauth();
		s.idp.expireAccessTokens();
		const n8n = new N8nHarness({ [TRIGGER]: new OutlookTrigger() }, credential);
		const runner = new PollRunner(n8n, {
			event: 'messageReceived',
			folders: { folder: [{ folder: { __rl: true, mode: 'id', value: 'inbox' } }] },
			output: 'raw',
		});
		exposed.push(visible(await runner.failingPoll()));
		expectNothingLeaked([credential]);
	});

	test('Outlook IMAP Trigger: n8n’s refresh refused (step 1), and the IMAP token refused (step 2); the folder picker too', async () => {
		const parameters = {
			mailbox: 'alice@example.test',
			folder: { __rl: true, mode: 'path', value: 'INBOX' },
			options: { host: '127.0.0.1', port: 1, security: 'tlsUnverified' },
		};
		const trigger = new OutlookImapTrigger();
		for (const hostile of [
			() => true,
			(form: Record<string, string>) => /IMAP/.test(form.scope ?? ''),
		]) {
			s.idp.hostile = hostile;
			const credential = oauth();
			const n8n = new N8nHarness({ [IMAP]: trigger }, credential);
			await failure(n8n.activateTrigger(IMAP, { parameters }));
			const picker = n8n.loadOptionsContext(IMAP, { parameters });
			await failure(trigger.methods.listSearch.searchFolders.call(picker));
			expectNothingLeaked([credential, n8n.credential()]);
		}
	});
});

describe('the app-only credential (msal-node) at the hostile endpoint', () => {
	const proofs = () => [
		{ name: 'client secret', fields: appOnlyFields(s, { secret: appSecret }) },
		{ name: 'certificate (client assertion)', fields: appOnlyFields(s, { cert }) },
		{ name: 'PFX (client assertion)', fields: appOnlyFields(s, { cert, pfx: true }) },
	];

	test('Outlook Mail, Outlook Calendar, Outlook Trigger and the folder picker', async () => {
		for (const { fields } of proofs()) {
			clearAppOnlyClients();
			const mail = new OutlookMail();
			const n8n = new AppOnlyHarness(
				{ [MAIL]: mail, [CALENDAR]: new OutlookCalendar(), [TRIGGER]: new OutlookTrigger() },
				fields,
			);
			const app = { authentication: 'appOnly', mailbox: 'other', mailboxId: SHARED };
			const thrown = await failure(
				n8n.execute(MAIL, {
					parameters: { ...app, resource: 'message', operation: 'getAll', limit: 2 },
				}),
			);
			expect(thrown.message).toMatch(/^Microsoft refused the app-only token request/);
			const [items] = await n8n.execute(MAIL, {
				parameters: { ...app, resource: 'message', operation: 'getAll', limit: 2 },
				continueOnFail: true,
			});
			exposed.push(JSON.stringify(items));
			await failure(
				n8n.execute(CALENDAR, {
					parameters: { ...app, resource: 'calendar', operation: 'getAll' },
				}),
			);
			const picker = n8n.loadOptionsContext(MAIL, {
				parameters: { ...app, resource: 'folder', operation: 'get' },
			});
			await failure(mail.methods.listSearch.searchFolders.call(picker));
			const runner = new PollRunner(n8n, {
				authentication: 'appOnly',
				mailboxId: SHARED,
				event: 'messageReceived',
				folders: { folder: [{ folder: { __rl: true, mode: 'id', value: 'inbox' } }] },
				output: 'raw',
			});
			exposed.push(visible(await runner.failingPoll()));
			expectNothingLeaked([fields]);
		}
	});

	test('Outlook IMAP Trigger: the app’s IMAP token refused', async () => {
		for (const { fields } of proofs()) {
			clearAppOnlyClients();
			const n8n = new AppOnlyHarness({ [IMAP]: new OutlookImapTrigger() }, fields);
			await failure(
				n8n.activateTrigger(IMAP, {
					parameters: {
						authentication: 'appOnly',
						mailbox: SHARED,
						folder: { __rl: true, mode: 'path', value: 'INBOX' },
						options: { host: '127.0.0.1', port: 1, security: 'tlsUnverified' },
					},
				}),
			);
			expectNothingLeaked([fields]);
		}
	});

	test('the credential test', async () => {
		for (const { name, fields } of proofs()) {
			clearAppOnlyClients();
			const result = await outlookAppOnlyApiTest.call(new CredentialTestContext(), {
				id: 'c1',
				name,
				type: 'outlookAppOnlyApi',
				data: fields as never,
			});
			expect(result.status).toBe('Error');
			expect(result.message).toMatch(/^Microsoft refused the app-only token request/);
			exposed.push(result.message);
			expectNothingLeaked([fields]);
		}
	});
});
