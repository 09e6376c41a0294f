/**
 * The calendar operations' default time zone is the mailbox's (GET mailboxSettings, once per
 * execution and mailbox), and the workflow's (Europe/Madrid in the harness) with a hint in the
 * output pane when the credential may not read mailbox settings, never an error.
 */
import { OutlookCalendar } from '../../../nodes/OutlookCalendar/OutlookCalendar.node';
import {
	ALL_GRAPH_PERMISSIONS,
	connectedCredential,
	expectGraphContractKept,
	startStandIns,
	type StandIns,
} from '../../support/fixtures';
import { graphError } from '../../support/graph-standin';
import { N8nHarness } from '../../support/n8n-harness';

const TYPE = 'outlookCalendar';
let s: StandIns;

beforeAll(async () => {
	s = await startStandIns();
});
afterAll(async () => await s.close());
beforeEach(() => s.graph.reset());
afterEach(() => expectGraphContractKept(s.graph));

function harness(permissions = ALL_GRAPH_PERMISSIONS) {
	return new N8nHarness({ [TYPE]: new OutlookCalendar() }, connectedCredential(s, { permissions }));
}

function echoCreated() {
	let n = 0;
	return (request: { body: unknown }) => ({
		status: 201,
		body: { id: `AAMk${++n}=`, ...(request.body as object) },
	});
}

const createTwo = {
	resource: 'event',
	operation: 'create',
	subject: 'Standup',
	start: '2026-03-30T09:00:00',
	end: '2026-03-30T09:30:00',
};
const twoItems = [{ json: {} }, { json: {} }];

function hints(n8n: N8nHarness): string[] {
	return (n8n.lastContext?.hints ?? []).map((h) => h.message);
}

describe('Calendar operations default to the mailbox’s time zone', () => {
	it('a Windows zone in the mailbox settings: read once for two items, sent to Graph and reported in the output', async () => {
		s.graph.on('GET', '/me/mailboxSettings', { body: { timeZone: 'Pacific Standard Time' } });
		s.graph.on('POST', '/me/events', echoCreated());
		const n8n = harness();
		const [out] = await n8n.execute(TYPE, { parameters: createTwo, items: twoItems });
		const calls = s.graph.calls().map((c) => `${c.method} ${c.path}`);
		expect(calls).toEqual(['GET /me/mailboxSettings', 'POST /me/events', 'POST /me/events']);
		expect(s.graph.calls()[1].body).toMatchObject({
			start: { dateTime: '2026-03-30T09:00:00', timeZone: 'Pacific Standard Time' },
		});
		expect(out.map((i) => i.json)).toEqual([
			expect.objectContaining({
				start: '2026-03-30T09:00:00-07:00',
				timeZone: 'America/Los_Angeles',
			}),
			expect.objectContaining({ start: '2026-03-30T09:00:00-07:00' }),
		]);
		expect(hints(n8n)).toEqual([]);
	});

	it('an IANA zone in the mailbox settings works too, for Get Many’s From/To', async () => {
		s.graph.on('GET', '/me/mailboxSettings', { body: { timeZone: 'Asia/Tokyo' } });
		s.graph.collection('GET', '/me/calendarView', () => []);
		const n8n = harness();
		await n8n.execute(TYPE, {
			parameters: {
				resource: 'event',
				operation: 'getAll',
				from: '2026-03-30T00:00:00',
				to: '2026-03-31T00:00:00',
				returnAll: true,
			},
		});
		const view = s.graph.calls().find((c) => c.path === '/me/calendarView');
		expect(view?.query).toMatchObject({
			startDateTime: '2026-03-30T00:00:00+09:00',
			endDateTime: '2026-03-31T00:00:00+09:00',
		});
	});

	it('a Time Zone set on the node wins: no mailboxSettings request', async () => {
		s.graph.on('POST', '/me/events', echoCreated());
		const n8n = harness();
		await n8n.execute(TYPE, {
			parameters: { ...createTwo, additionalFields: { timeZone: 'Europe/Berlin' } },
		});
		expect(s.graph.calls().map((c) => c.path)).toEqual(['/me/events']);
		expect(s.graph.calls()[0].body).toMatchObject({
			start: { timeZone: 'W. Europe Standard Time' },
		});
	});

	it('Graph refuses the mailbox settings (403): the workflow’s zone, one hint, no error', async () => {
		s.graph.on(
			'GET',
			'/me/mailboxSettings',
			graphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.'),
		);
		s.graph.on('POST', '/me/events', echoCreated());
		const n8n = harness();
		const [out] = await n8n.execute(TYPE, { parameters: createTwo, items: twoItems });
		expect(s.graph.calls().filter((c) => c.path === '/me/mailboxSettings')).toHaveLength(1);
		expect(out.map((i) => i.json.start)).toEqual([
			'2026-03-30T09:00:00+02:00',
			'2026-03-30T09:00:00+02:00',
		]);
		expect(hints(n8n)).toEqual([
			expect.stringMatching(/workflow's time zone Europe\/Madrid.*MailboxSettings\.Read/),
		]);
	});

	it('a credential without Mailbox Settings: the workflow’s zone and a hint naming the permission, without asking Graph', async () => {
		s.graph.on('POST', '/me/events', echoCreated());
		const n8n = harness(ALL_GRAPH_PERMISSIONS.filter((p) => p !== 'mailboxSettings'));
		const [out] = await n8n.execute(TYPE, { parameters: createTwo });
		expect(s.graph.calls().map((c) => c.path)).toEqual(['/me/events']);
		expect(out[0].json).toMatchObject({
			start: '2026-03-30T09:00:00+02:00',
			timeZone: 'Europe/Madrid',
		});
		expect(hints(n8n)).toEqual([
			expect.stringMatching(/Read Mailbox Settings permission \(MailboxSettings\.Read\)/),
		]);
	});

	it('another mailbox’s zone is read from /users/{id}/mailboxSettings', async () => {
		s.graph.on('GET', '/users/:user/mailboxSettings', { body: { timeZone: 'UTC' } });
		s.graph.on('POST', '/users/:user/events', echoCreated());
		const n8n = harness();
		const [out] = await n8n.execute(TYPE, {
			parameters: { ...createTwo, mailbox: 'other', mailboxId: 'room@contoso.test' },
		});
		expect(s.graph.calls().map((c) => c.path)).toEqual([
			`/users/${encodeURIComponent('room@contoso.test')}/mailboxSettings`,
			`/users/${encodeURIComponent('room@contoso.test')}/events`,
		]);
		expect(out[0].json).toMatchObject({ start: '2026-03-30T09:00:00Z', timeZone: 'UTC' });
	});
});
