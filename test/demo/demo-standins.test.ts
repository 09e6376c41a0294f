/**
 * The demo of `npm run dev -- --demo` (issues #15, #26): Outlook Calendar with the calendar picked
 * from the list, demo events whose isAllDay is set, and one demo world in which a mail delivered
 * through the demo's endpoint (scripts/demo-mail.js) reaches Dovecot (the Outlook IMAP Trigger)
 * and Graph with its delta (the Outlook Trigger). Every operation: test/demo/every-operation.test.ts.
 */
import { execFile } from 'node:child_process';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

import type { INodeParameters } from 'n8n-workflow';

import { OutlookCalendar } from '../../nodes/OutlookCalendar/OutlookCalendar.node';
import { OutlookImapTrigger } from '../../nodes/OutlookImapTrigger/OutlookImapTrigger.node';
import { OutlookTrigger } from '../../nodes/OutlookTrigger/OutlookTrigger.node';
import { DEMO_CALENDAR, addDemoData, type DemoMailbox } from '../e2e/support/demo-data';
import { startImapDemo, startMailEndpoint, type ImapDemo } from '../e2e/support/demo-standins';
import { waitFor } from '../OutlookImapTrigger/support';
import { PollRunner } from '../OutlookTrigger/support';
import { dovecotInstalled } from '../support/dovecot';
import {
	ALL_GRAPH_PERMISSIONS,
	connectedCredential,
	expectGraphContractKept,
	startStandIns,
	type StandIns,
} from '../support/fixtures';
import { initBinaryData, N8nHarness, type TriggerRun } from '../support/n8n-harness';

const execFileAsync = promisify(execFile);

let s: StandIns;
let mailbox: DemoMailbox;
beforeAll(async () => {
	s = await startStandIns();
	mailbox = addDemoData(s.graph);
});
afterAll(async () => await s.close());
afterEach(() => expectGraphContractKept(s.graph));

const calendar = async (parameters: INodeParameters) => {
	const n8n = new N8nHarness({ outlookCalendar: new OutlookCalendar() }, connectedCredential(s));
	const [out] = await n8n.execute('outlookCalendar', { parameters });
	return out.map((item) => item.json);
};

describe('Outlook Calendar on the demo Graph stand-in', () => {
	it('Event -> Create with the calendar picked from the list ("Calendar") creates the event there', async () => {
		const before = mailbox.events.length;
		const [created] = await calendar({
			resource: 'event',
			operation: 'create',
			calendar: { __rl: true, mode: 'list', value: DEMO_CALENDAR.id, cachedResultName: 'Calendar' },
			subject: 'Planning',
			start: '2026-12-03T09:00:00Z',
			end: '2026-12-03T10:00:00Z',
		});
		expect(s.graph.calls().map((c) => `${c.method} ${c.path}`)).toContain(
			`POST /me/calendars/${DEMO_CALENDAR.id}/events`,
		);
		expect(mailbox.events).toHaveLength(before + 1);
		// Graph fills in isAllDay when the request leaves it out; the demo did not.
		expect(created).toMatchObject({ subject: 'Planning', isAllDay: false });
	});

	it('Event -> Get Many in the picked calendar reads its calendarView, every event with isAllDay set', async () => {
		const events = await calendar({
			resource: 'event',
			operation: 'getAll',
			calendarScope: 'one',
			simplify: false,
			calendar: { __rl: true, mode: 'list', value: DEMO_CALENDAR.id },
			returnAll: true,
			from: new Date(Date.now() - 86_400_000).toISOString(),
			to: new Date(Date.now() + 30 * 86_400_000).toISOString(),
		});
		expect(
			s.graph.calls().some((c) => c.path === `/me/calendars/${DEMO_CALENDAR.id}/calendarView`),
		).toBe(true);
		expect(events.length).toBeGreaterThan(0);
		for (const event of events) expect(typeof event.isAllDay).toBe('boolean');
	});
});

const imapIt = dovecotInstalled() ? it : it.skip;

describe('the demo mailbox: one mail for IMAP and Graph', () => {
	let imap: ImapDemo | undefined;
	let endpoint: http.Server | undefined;
	let run: TriggerRun | undefined;
	afterEach(async () => {
		await run?.close();
		run = undefined;
		endpoint?.closeAllConnections();
		endpoint?.close();
		endpoint = undefined;
		await imap?.dovecot?.stop();
		imap = undefined;
	});

	imapIt(
		'scripts/demo-mail.js delivers one mail that starts the Outlook IMAP Trigger (Dovecot) and the Outlook Trigger (Graph delta)',
		async () => {
			await initBinaryData('default');
			s.graph.reset();
			mailbox = addDemoData(s.graph);
			imap = await startImapDemo(s.idp.url, undefined, mailbox);
			expect(imap.unavailable).toBeUndefined();
			const dovecot = imap.dovecot!;
			const inbox = () =>
				mailbox.messages.filter((m) => m.parentFolderId === mailbox.mailbox.folderId('inbox'));
			// Dovecot starts with the same Inbox as Graph.
			expect((await dovecot.status()).messages).toBe(inbox().length);

			const n8n = new N8nHarness(
				{ outlookImapTrigger: new OutlookImapTrigger(), outlookTrigger: new OutlookTrigger() },
				connectedCredential(s, { permissions: [...ALL_GRAPH_PERMISSIONS, 'imap'] }),
			);
			// The IMAP trigger, published on the demo's Dovecot (as the demo workflow sets it up), a
			// moment after the demo started: "New Mail Only" counts mail received from its start on,
			// to the second (IMAP's INTERNALDATE).
			await new Promise((resolve) => setTimeout(resolve, 1100));
			run = await n8n.activateTrigger('outlookImapTrigger', {
				parameters: {
					mailbox: dovecot.user,
					folder: { __rl: true, mode: 'path', value: 'INBOX' },
					options: { host: dovecot.host, port: dovecot.port, security: 'tlsUnverified' },
				},
			});
			await waitFor(async () => (await dovecot.who()).length > 0, 20_000, 'the IMAP session');
			// The Graph trigger, published with its defaults (Message Received in the Inbox).
			const graphTrigger = new PollRunner(n8n, { event: 'messageReceived' });
			expect(await graphTrigger.poll()).toEqual([]);

			endpoint = await startMailEndpoint(mailbox, 0, dovecot);
			const port = (endpoint.address() as AddressInfo).port;
			const { stdout } = await execFileAsync(
				process.execPath,
				[
					join(__dirname, '../../scripts/demo-mail.js'),
					'Invoice 42',
					'--from',
					'carol@example.test',
				],
				{ env: { ...process.env, OUTLOOK_DEMO_MAIL_PORT: String(port) } },
			);
			expect(stdout).toMatch(
				/delivered "Invoice 42" to alice@example.test: Graph \(Outlook Trigger\) and IMAP \(Outlook IMAP Trigger\)/,
			);
			expect((await dovecot.status()).messages).toBe(inbox().length);

			const fromImap = await waitFor(
				() => run!.emitted.find((item) => item.json.subject === 'Invoice 42'),
				20_000,
				'the IMAP trigger to emit the mail',
			);
			expect(fromImap.json).toMatchObject({
				from: expect.objectContaining({ address: 'carol@example.test' }),
			});
			expect(run.emitted).toHaveLength(1);
			const fromGraph = await graphTrigger.poll();
			expect(fromGraph).toEqual([
				expect.objectContaining({ subject: 'Invoice 42', from: 'carol@example.test' }),
			]);
			expect(await graphTrigger.poll()).toEqual([]);
		},
		90_000,
	);

	it('without Dovecot the mail still reaches Graph, and the demo says why the IMAP trigger is left out', async () => {
		process.env.OUTLOOK_DEMO_IMAP = '0';
		try {
			s.graph.reset();
			mailbox = addDemoData(s.graph);
			imap = await startImapDemo(s.idp.url, undefined, mailbox);
			expect(imap).toEqual({ unavailable: 'turned off (OUTLOOK_DEMO_IMAP=0)' });
			endpoint = await startMailEndpoint(mailbox, 0);
			const port = (endpoint.address() as AddressInfo).port;
			const { stdout } = await execFileAsync(
				process.execPath,
				[join(__dirname, '../../scripts/demo-mail.js'), 'Graph only'],
				{ env: { ...process.env, OUTLOOK_DEMO_MAIL_PORT: String(port) } },
			);
			expect(stdout).toMatch(
				/delivered "Graph only" to alice@example.test: Graph \(Outlook Trigger\) only/,
			);
			expect(mailbox.messages[0]).toMatchObject({ subject: 'Graph only', isRead: false });
		} finally {
			delete process.env.OUTLOOK_DEMO_IMAP;
		}
	});

	it('demo-mail.js says what to do when the demo is not running', async () => {
		const failed = await execFileAsync(
			process.execPath,
			[join(__dirname, '../../scripts/demo-mail.js')],
			{
				env: { ...process.env, OUTLOOK_DEMO_MAIL_PORT: '9' },
			},
		).catch((e: { stderr: string }) => e);
		expect((failed as { stderr: string }).stderr).toMatch(/Is `npm run dev -- --demo` running/);
	});
});
