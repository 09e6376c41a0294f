/**
 * 9. The App-Only credential (outlookAppOnlyApi, client credentials with a secret) in a real n8n:
 * Outlook Mail and Outlook Calendar read a shared mailbox with the app's Graph token, and the
 * Outlook IMAP Trigger logs in to Dovecot as the mailbox the app was granted with its IMAP token;
 * the Outlook Trigger (Graph delta) polls the shared mailbox with the app's Graph token.
 * msal-node's token cache lives in n8n's process, so the identity-provider stand-in sees one
 * client-credentials request per resource for several executions and reconnects (one token
 * lifetime: an hour).
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Dovecot } from '../../support/dovecot';
import { dovecotInstalled, startDovecot } from '../../support/dovecot';
import type { E2eEnvironment } from '../support/environment';
import {
	createAppOnlyCredential,
	hasNode,
	nodeType,
	packedNodeNames,
} from '../support/environment';
import { DeltaMailbox } from '../../support/graph-delta';
import { e2eEnvironment } from '../support/n8n';
import type { CreatedWorkflow } from '../support/executions';
import {
	chain,
	createWorkflow,
	listExecutions,
	readExecution,
	runWorkflow,
} from '../support/executions';

const APP_ID = '5e7b6f0c-3a1d-4f7e-9b2c-8d4a6e1f0c3b';
const TENANT = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const SHARED = 'support@example.test';
const GRAPH_ROLES = ['Mail.ReadWrite', 'Mail.Send', 'Calendars.ReadWrite'];
const MANUAL = {
	name: 'Manual Trigger',
	type: 'n8n-nodes-base.manualTrigger',
	typeVersion: 1,
	parameters: {},
};
const RUNS = 3;

async function waitFor<T>(
	probe: () => Promise<T | undefined | false> | T | undefined | false,
	timeoutMs: number,
	what: string,
): Promise<T> {
	const until = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value) return value;
		if (Date.now() > until) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 100));
	}
}

export function appOnlyScenario(env: E2eEnvironment) {
	const graphReady = hasNode('OutlookMail') && hasNode('OutlookCalendar');
	const imapReady = hasNode('OutlookImapTrigger') && dovecotInstalled();
	const secret = `app-secret.${randomBytes(24).toString('base64url')}`;
	let credential: { id: string; name: string };
	let dovecot: Dovecot | undefined;

	/** Client-credentials requests answered with a token for one resource (graph or IMAP). */
	const issued = (resource: RegExp) =>
		env.idp.clientCredentialRequests.filter(
			(r) => r.clientId === APP_ID && r.outcome === 'issued' && resource.test(r.scope),
		).length;
	const GRAPH_SCOPE = /graph\.microsoft\.com/;
	const IMAP_SCOPE = /outlook\.office/;

	beforeAll(async () => {
		if (!graphReady && !imapReady) return;
		if (imapReady) dovecot = await startDovecot({ idpUrl: env.idp.url });
		env.idp.registerApp({
			clientId: APP_ID,
			secrets: [secret],
			roles: { graph: GRAPH_ROLES, imap: ['IMAP.AccessAsApp'] },
			// Exchange's Add-MailboxPermission for the app's service principal.
			...(dovecot ? { imapMailboxes: [dovecot.user] } : {}),
		});
		// RBAC for Applications: the app may open the shared mailbox only.
		env.graph.limitAppToMailboxes(APP_ID, [SHARED]);
		credential = await createAppOnlyCredential(env, 'Outlook app-only e2e', {
			tenantId: TENANT,
			clientId: APP_ID,
			clientSecret: secret,
		});
	}, 60_000);

	afterAll(async () => {
		if (dovecot) {
			// Into the run folder, which test/run.sh's secrets check covers.
			writeFileSync(join(e2eEnvironment().runDir, 'dovecot-app-only.log'), dovecot.log());
			await dovecot.stop();
		}
	});

	const app = (name: string, type: string, parameters: Record<string, unknown>) => ({
		name,
		type,
		typeVersion: 1,
		parameters: { authentication: 'appOnly', ...parameters },
		credentials: { outlookAppOnlyApi: credential },
	});

	(graphReady ? test : test.skip)(
		`Outlook Mail and Outlook Calendar read the shared mailbox with the app's token, ${RUNS} runs, one token request`,
		async () => {
			const before = issued(GRAPH_SCOPE);
			const workflow = await createWorkflow(
				env.rest,
				'App-only: mail and calendar',
				chain([
					MANUAL,
					app('Get Messages', nodeType('outlookMail'), {
						resource: 'message',
						operation: 'getAll',
						mailboxId: SHARED,
						returnAll: true,
						output: 'raw',
					}),
					app('Get Events', nodeType('outlookCalendar'), {
						resource: 'event',
						operation: 'getAll',
						mailboxId: SHARED,
						from: '2020-01-01T00:00:00',
						to: '2030-01-01T00:00:00',
						returnAll: true,
					}),
				]),
				{ timezone: 'Europe/Berlin' },
			);
			for (let run = 1; run <= RUNS; run++) {
				env.graph.requests.length = 0;
				const execution = await runWorkflow(env.rest, workflow);
				expect(execution.error('Get Messages')).toBeUndefined();
				expect(execution.error('Get Events')).toBeUndefined();
				expect(execution.status).toBe('success');
				expect(execution.output('Get Messages').map((i) => i.json.id)).toEqual(
					env.mailbox.messages.map((m) => m.id),
				);
				expect(execution.output('Get Events').length).toBeGreaterThan(0);
				const root = `/users/${encodeURIComponent(SHARED)}`;
				const paths = env.graph.requests.map((r) => r.path);
				expect(paths).toEqual(
					expect.arrayContaining([`${root}/messages`, expect.stringMatching(/calendarView$/)]),
				);
				expect(paths.filter((p) => p.startsWith('/me'))).toEqual([]);
				for (const request of env.graph.requests)
					expect(request.app).toEqual({ appId: APP_ID, roles: GRAPH_ROLES });
			}
			// msal-node's cache in n8n's process: one token for every run (it lives an hour).
			expect(issued(GRAPH_SCOPE) - before).toBe(1);
			expect(env.graph.violations).toEqual([]);
		},
		180_000,
	);

	(graphReady ? test : test.skip)(
		'a mailbox outside the app’s scope fails with the Exchange command that grants it',
		async () => {
			const workflow = await createWorkflow(
				env.rest,
				'App-only: mailbox outside the scope',
				chain([
					MANUAL,
					app('Get Messages', nodeType('outlookMail'), {
						resource: 'message',
						operation: 'getAll',
						mailboxId: 'ceo@example.test',
						limit: 5,
					}),
				]),
			);
			const execution = await runWorkflow(env.rest, workflow);
			const error = execution.error('Get Messages');
			expect(error).toBeDefined();
			expect(`${error?.message} ${error?.description}`).toMatch(/New-ManagementRoleAssignment/);
			expect(JSON.stringify(execution.raw)).not.toContain(secret);
		},
		120_000,
	);

	(imapReady ? test : test.skip)(
		'the IMAP trigger logs in as the granted mailbox with the app token and emits new mail; reconnects reuse the token',
		async () => {
			const before = issued(IMAP_SCOPE);
			const box = dovecot!;
			const workflow: CreatedWorkflow = await createWorkflow(env.rest, 'App-only: IMAP trigger', {
				nodes: [
					{
						...app('New Mail', nodeType('outlookImapTrigger'), {
							mailbox: box.user,
							folder: { __rl: true, mode: 'path', value: 'INBOX' },
							startFrom: 'new',
							receiveMode: 'idle',
							output: 'headers',
							options: { host: box.host, port: box.port, security: 'tlsUnverified' },
						}),
						position: [0, 0],
					},
				],
				connections: {},
			});
			const activated = await env.rest.request('POST', `/rest/workflows/${workflow.id}/activate`, {
				versionId: workflow.versionId,
			});
			expect(activated.status).toBe(200);
			const sessions = await waitFor(
				async () => {
					const who = await box.who();
					return who.length > 0 && who;
				},
				20_000,
				'an IMAP session',
			);
			expect(sessions.map((s) => s.username)).toEqual([box.user]);
			// "New mail only": the baseline is written once the folder is open.
			await new Promise((r) => setTimeout(r, 1000));
			await box.appendMessage(
				[
					'From: "Bob Sender" <bob@example.test>',
					`To: <${box.user}>`,
					'Subject: App-only invoice',
					'Message-ID: <app-only-1@example.test>',
					'Date: Mon, 16 Nov 2026 10:00:00 +0000',
					'MIME-Version: 1.0',
					'Content-Type: text/plain; charset=utf-8',
					'',
					'Sent to the mailbox the app was granted.',
				].join('\r\n'),
			);
			const executions = await waitFor(
				async () => {
					const list = await listExecutions(env.rest, workflow.id);
					return list.some((e) => e.status === 'success') && list;
				},
				30_000,
				'a finished execution',
			);
			expect(executions).toHaveLength(1);
			const execution = await readExecution(env.rest, executions[0].id);
			expect(execution.output('New Mail').map((i) => i.json.subject)).toEqual(['App-only invoice']);
			// A dropped connection: the trigger logs in again with the cached token.
			const logins = () => box.log().split(`Login: user=<${box.user}>`).length - 1;
			const loginsBefore = logins();
			await waitFor(async () => (await box.kick()) > 0, 15_000, 'the session to kick');
			await waitFor(() => logins() > loginsBefore, 30_000, 'a new login after the kick');
			expect(issued(IMAP_SCOPE) - before).toBe(1);
			const deactivated = await env.rest.request(
				'POST',
				`/rest/workflows/${workflow.id}/deactivate`,
				{},
			);
			expect(deactivated.status).toBe(200);
			await waitFor(async () => (await box.who()).length === 0, 10_000, 'the session to close');
		},
		180_000,
	);

	const pollReady = packedNodeNames().includes('OutlookTrigger');
	(pollReady ? test : test.skip)(
		'the Outlook Trigger polls the shared mailbox’s delta with the app’s token and emits new mail once',
		async () => {
			// A mailbox of its own on the stand-in (the demo mailbox has no delta routes), in the app's scope.
			const address = 'invoices@example.test';
			const root = `/users/${encodeURIComponent(address)}`;
			env.graph.limitAppToMailboxes(APP_ID, [SHARED, address]);
			const mailbox = new DeltaMailbox(root).install(env.graph);
			const deltas = () =>
				env.graph.requests.filter((r) => r.path.startsWith(root) && r.path.endsWith('/delta'));
			const before = issued(GRAPH_SCOPE);
			const workflow = await createWorkflow(env.rest, 'App-only: Outlook Trigger', {
				nodes: [
					{
						...app('New Mail', nodeType('outlookTrigger'), {
							mailboxId: address,
							event: 'messageReceived',
							folders: { folder: [{ folder: { __rl: true, mode: 'id', value: 'inbox' } }] },
							pollTimes: { item: [{ mode: 'everyMinute' }] },
						}),
						position: [0, 0],
					},
				],
				connections: {},
			});
			const activated = await env.rest.request('POST', `/rest/workflows/${workflow.id}/activate`, {
				versionId: workflow.versionId,
			});
			expect(activated.status).toBe(200);
			await waitFor(() => deltas().length > 0, 20_000, 'the first delta request');
			const id = mailbox.deliver('inbox', { subject: 'App-only delta' });
			const executions = await waitFor(
				async () => {
					const list = await listExecutions(env.rest, workflow.id);
					return list.some((e) => e.status === 'success') && list;
				},
				90_000,
				'an execution from the next poll',
			);
			expect(executions).toHaveLength(1);
			const execution = await readExecution(env.rest, executions[0].id);
			expect(execution.output('New Mail').map((i) => [i.json.id, i.json.subject])).toEqual([
				[id, 'App-only delta'],
			]);
			for (const request of deltas())
				expect(request.app).toEqual({ appId: APP_ID, roles: GRAPH_ROLES });
			// The Graph token of the earlier runs is still valid: no new token request.
			expect(issued(GRAPH_SCOPE) - before).toBeLessThanOrEqual(graphReady ? 0 : 1);
			await env.rest.request('POST', `/rest/workflows/${workflow.id}/deactivate`, {});
			expect(env.graph.violations).toEqual([]);
		},
		150_000,
	);

	if (!graphReady) test.todo('app-only Graph workflows skipped: a Graph node is not built');
	if (!imapReady) test.todo('app-only trigger skipped: no IMAP trigger or no Dovecot');
}
