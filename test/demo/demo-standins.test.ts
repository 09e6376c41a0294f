/**
 * The demo of `npm run dev -- --demo` covers all three nodes (issue #15): Outlook Calendar with
 * the calendar picked from the list, demo events whose isAllDay is set, and the IMAP trigger's
 * Dovecot mailbox fed through the demo's delivery endpoint (scripts/demo-mail.js).
 */
import { execFile } from 'node:child_process';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

import type { INodeParameters } from 'n8n-workflow';

import { OutlookCalendar } from '../../nodes/OutlookCalendar/OutlookCalendar.node';
import { DEMO_CALENDAR, addDemoData, type DemoMailbox } from '../e2e/support/demo-data';
import { startImapDemo, startMailEndpoint, type ImapDemo } from '../e2e/support/demo-standins';
import { dovecotInstalled } from '../support/dovecot';
import {
	connectedCredential,
	expectGraphContractKept,
	startStandIns,
	type StandIns,
} from '../support/fixtures';
import { N8nHarness } from '../support/n8n-harness';

const run = promisify(execFile);

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

describe('the demo IMAP mailbox', () => {
	let imap: ImapDemo;
	let endpoint: http.Server | undefined;
	afterAll(async () => {
		endpoint?.closeAllConnections();
		endpoint?.close();
		await imap?.dovecot?.stop();
	});

	imapIt(
		'starts with the demo messages, and scripts/demo-mail.js delivers a new one',
		async () => {
			imap = await startImapDemo(s.idp.url);
			expect(imap.unavailable).toBeUndefined();
			const dovecot = imap.dovecot!;
			expect((await dovecot.status()).messages).toBe(mailbox.messages.length);
			endpoint = await startMailEndpoint(dovecot, 0);
			const port = (endpoint.address() as AddressInfo).port;
			const { stdout } = await run(
				process.execPath,
				[
					join(__dirname, '../../scripts/demo-mail.js'),
					'Invoice 42',
					'--from',
					'carol@example.test',
				],
				{ env: { ...process.env, OUTLOOK_DEMO_MAIL_PORT: String(port) } },
			);
			expect(stdout).toMatch(/delivered "Invoice 42" to alice@example.test/);
			const status = await dovecot.status();
			expect(status.messages).toBe(mailbox.messages.length + 1);
			expect(status.unseen).toBeGreaterThan(0);
		},
		60_000,
	);

	it('without Dovecot the demo says why the trigger is left out', async () => {
		process.env.OUTLOOK_DEMO_IMAP = '0';
		try {
			expect(await startImapDemo(s.idp.url)).toEqual({
				unavailable: 'turned off (OUTLOOK_DEMO_IMAP=0)',
			});
		} finally {
			delete process.env.OUTLOOK_DEMO_IMAP;
		}
	});

	it('demo-mail.js says what to do when the demo is not running', async () => {
		const failed = await run(process.execPath, [join(__dirname, '../../scripts/demo-mail.js')], {
			env: { ...process.env, OUTLOOK_DEMO_MAIL_PORT: '9' },
		}).catch((e: { stderr: string }) => e);
		expect((failed as { stderr: string }).stderr).toMatch(/Is `npm run dev -- --demo` running/);
	});
});
