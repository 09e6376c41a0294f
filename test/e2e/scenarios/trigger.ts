/**
 * 5. The trigger in a real n8n: a workflow with Outlook IMAP Trigger is activated (published); a
 * message appended to Dovecot (XOAUTH2, tokens checked against the identity-provider stand-in)
 * produces a finished execution with the parsed mail; deactivating leaves no IMAP session open.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Dovecot } from '../../support/dovecot';
import { dovecotInstalled, startDovecot } from '../../support/dovecot';
import type { E2eEnvironment } from '../support/environment';
import { hasNode, nodeType } from '../support/environment';
import { e2eEnvironment } from '../support/n8n';
import { createWorkflow, listExecutions, readExecution } from '../support/executions';
import type { CreatedWorkflow } from '../support/executions';

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

function message(subject: string): string {
	return [
		'From: "Bob Sender" <bob@example.test>',
		'To: "Alice" <alice@example.test>',
		`Subject: ${subject}`,
		'Message-ID: <e2e-trigger-1@example.test>',
		'Date: Mon, 16 Nov 2026 10:00:00 +0000',
		'MIME-Version: 1.0',
		'Content-Type: text/plain; charset=utf-8',
		'',
		'Hello Alice, from the e2e test.',
	].join('\r\n');
}

export function triggerScenario(env: E2eEnvironment) {
	const ready = hasNode('OutlookImapTrigger') && dovecotInstalled();
	const it = ready ? test : test.skip;
	let dovecot: Dovecot;
	let workflow: CreatedWorkflow;

	beforeAll(async () => {
		if (!ready) return;
		dovecot = await startDovecot({ idpUrl: env.idp.url });
		const credential = await env.connectedCredential(
			{ permissions: ['mailRead', 'imap'] },
			'IMAP trigger',
		);
		workflow = await createWorkflow(env.rest, 'Trigger: new mail', {
			nodes: [
				{
					name: 'New Mail',
					type: nodeType('outlookImapTrigger'),
					typeVersion: 1,
					position: [0, 0],
					parameters: {
						mailbox: dovecot.user,
						folder: { __rl: true, mode: 'path', value: 'INBOX' },
						startFrom: 'new',
						receiveMode: 'idle',
						output: 'parsed',
						// Dovecot's certificate is self-signed.
						options: { host: dovecot.host, port: dovecot.port, security: 'tlsUnverified' },
					},
					credentials: { outlookOAuth2Api: credential },
				},
			],
			connections: {},
		});
	}, 60_000);

	afterAll(async () => {
		// Into the run folder, which test/run.sh's secrets check covers.
		if (dovecot) writeFileSync(join(e2eEnvironment().runDir, 'dovecot.log'), dovecot.log());
		await dovecot?.stop();
	});

	it('activating the workflow opens one IMAP session for the mailbox', async () => {
		const activated = await env.rest.request('POST', `/rest/workflows/${workflow.id}/activate`, {
			versionId: workflow.versionId,
		});
		expect(activated.status).toBe(200);
		const sessions = await waitFor(
			async () => {
				const who = await dovecot.who();
				return who.length > 0 && who;
			},
			20_000,
			'an IMAP session',
		);
		expect(sessions.map((s) => s.username)).toEqual([dovecot.user]);
	});

	it('a message appended to Dovecot gives a finished execution with the parsed mail', async () => {
		// "New mail only": the trigger writes its baseline once the folder is open; give it a moment.
		await new Promise((r) => setTimeout(r, 1000));
		await dovecot.appendMessage(message('Invoice 42'));
		const executions = await waitFor(
			async () => {
				const list = await listExecutions(env.rest, workflow.id);
				return list.some((e) => e.status === 'success') && list;
			},
			30_000,
			'a finished execution',
		);
		expect(executions).toHaveLength(1);
		expect(executions[0]).toMatchObject({ status: 'success', mode: 'trigger' });
		const execution = await readExecution(env.rest, executions[0].id);
		const items = execution.output('New Mail').map((i) => i.json);
		expect(items).toEqual([
			expect.objectContaining({
				uid: 1,
				subject: 'Invoice 42',
				messageId: '<e2e-trigger-1@example.test>',
				from: { name: 'Bob Sender', address: 'bob@example.test' },
				to: [{ name: 'Alice', address: 'alice@example.test' }],
				text: 'Hello Alice, from the e2e test.',
			}),
		]);
	});

	it('deactivating the workflow leaves no IMAP session open', async () => {
		const deactivated = await env.rest.request(
			'POST',
			`/rest/workflows/${workflow.id}/deactivate`,
			{},
		);
		expect(deactivated.status).toBe(200);
		await waitFor(
			async () => (await dovecot.who()).length === 0,
			10_000,
			'the IMAP session to close',
		);
		expect(await dovecot.who()).toEqual([]);
	});

	if (!ready) {
		test.todo(
			`trigger scenario skipped: ${hasNode('OutlookImapTrigger') ? 'Dovecot is not installed' : 'the Outlook IMAP Trigger is not built'}`,
		);
	}
}
