/**
 * The Graph stand-in's delta (test/support/graph-delta.ts) behaves as Graph documents it, so the
 * trigger's tests mean something: rounds, links, @removed, changeType, 410, and the contract.
 */
import { DateTime } from 'luxon';

import { DeltaMailbox } from '../support/graph-delta';
import { useTrigger } from './support';

type Page = {
	value: Array<Record<string, unknown>>;
	'@odata.nextLink'?: string;
	'@odata.deltaLink'?: string;
};

describe('Graph stand-in: delta queries', () => {
	const t = useTrigger();
	let token: string;

	beforeEach(() => {
		token = String(t.s.idp.oauthTokenData('https://graph.microsoft.com/Mail.Read').access_token);
	});

	async function get(url: string, prefer?: string): Promise<{ status: number; body: Page }> {
		const response = await fetch(url.startsWith('http') ? url : `${t.s.graph.url}/v1.0${url}`, {
			headers: { authorization: `Bearer ${token}`, ...(prefer ? { prefer } : {}) },
		});
		return { status: response.status, body: (await response.json()) as Page };
	}

	/** Every item of a round and the deltaLink that ends it. */
	async function round(url: string, prefer?: string) {
		const items: Array<Record<string, unknown>> = [];
		let next = url;
		let pages = 0;
		for (;;) {
			const { status, body } = await get(next, prefer);
			expect(status).toBe(200);
			pages++;
			items.push(...body.value);
			if (body['@odata.deltaLink']) return { items, pages, deltaLink: body['@odata.deltaLink'] };
			next = body['@odata.nextLink']!;
		}
	}

	it('messages: initial round in pages, then each change once, @removed for moved and deleted', async () => {
		const ids = Array.from({ length: 25 }, () => t.mailbox.deliver('inbox'));
		const first = await round('/me/mailFolders/inbox/messages/delta?$select=subject');
		expect(first.pages).toBe(3); // Graph's default page of 10
		expect(first.items.map((m) => m.id)).toEqual(ids);
		expect(Object.keys(first.items[0]).sort()).toEqual(['id', 'subject']);
		t.mailbox.updateMessage(ids[0], { subject: 'one' });
		t.mailbox.updateMessage(ids[0], { subject: 'two' });
		t.mailbox.moveMessage(ids[1], 'archive');
		t.mailbox.deleteMessage(ids[2]);
		const second = await round(first.deltaLink);
		expect(second.items).toEqual([
			{ id: ids[0], subject: 'two' },
			{ id: ids[1], '@removed': { reason: 'deleted' } },
			{ id: ids[2], '@removed': { reason: 'deleted' } },
		]);
		expect((await round(second.deltaLink)).items).toEqual([]);
	});

	it('messages: changeType=created in the first request filters the later rounds', async () => {
		const old = t.mailbox.deliver('inbox');
		const first = await round(
			'/me/mailFolders/inbox/messages/delta?changeType=created',
			'odata.maxpagesize=1000',
		);
		expect(first.items.map((m) => m.id)).toEqual([old]); // the initial round lists everything
		t.mailbox.updateMessage(old, { isRead: true });
		const fresh = t.mailbox.deliver('inbox');
		const moved = t.mailbox.deliver('archive');
		t.mailbox.moveMessage(moved, 'inbox');
		const second = await round(first.deltaLink);
		expect(second.items.map((m) => m.id)).toEqual([fresh, moved]);
	});

	it('answers 410 syncStateNotFound for a link whose sync state was dropped', async () => {
		t.mailbox.deliver('inbox');
		const first = await round('/me/mailFolders/inbox/messages/delta');
		t.mailbox.expireSyncStates();
		const { status, body } = await get(first.deltaLink);
		expect(status).toBe(410);
		expect(body).toMatchObject({ error: { code: 'syncStateNotFound' } });
	});

	it('mailFolders: top-level folders, then new ones', async () => {
		const first = await round('/me/mailFolders/delta');
		expect(first.items.map((f) => f.displayName)).toEqual(
			expect.arrayContaining(['Inbox', 'Archive', 'Deleted Items', 'Sent Items']),
		);
		const id = t.mailbox.addFolder({ displayName: 'Receipts' });
		t.mailbox.addFolder({ displayName: 'Nested', parentFolderId: 'inbox' }); // not top-level
		expect((await round(first.deltaLink)).items).toEqual([
			expect.objectContaining({ id, displayName: 'Receipts' }),
		]);
	});

	it('calendarView and events: the window in the first request, times in the preferred zone', async () => {
		const start = DateTime.fromISO('2027-03-29T09:00:00', { zone: 'Europe/Madrid' });
		const { occurrences } = t.mailbox.addWeeklySeries('Weekly', start, 30, 3);
		const single = t.mailbox.addInstance({
			subject: 'Single',
			start,
			end: start.plus({ hours: 1 }),
		});
		const window = 'startDateTime=2027-03-01T00:00:00Z&endDateTime=2027-04-20T00:00:00Z';
		const view = await round(
			`/me/calendarView/delta?${window}`,
			'outlook.timezone="Romance Standard Time"',
		);
		expect(view.items.map((e) => e.id)).toEqual([...occurrences, single]);
		expect(view.items[0].start).toEqual({
			dateTime: '2027-03-29T09:00:00.0000000',
			timeZone: 'Romance Standard Time',
		});
		const events = await round(`/me/events/delta?${window}`);
		expect(events.items.map((e) => e.id)).toEqual([single]);
		t.mailbox.deleteInstance(occurrences[1]);
		expect((await round(view.deltaLink)).items).toEqual([
			{ id: occurrences[1], '@removed': { reason: 'deleted' } },
		]);
	});

	const window = 'startDateTime=2027-03-01T00:00:00Z&endDateTime=2027-04-20T00:00:00Z';

	it('calendarView: events moved out of the window or added outside it come as @removed (event-delta.md)', async () => {
		const at = DateTime.fromISO('2027-03-10T09:00:00Z');
		const moved = t.mailbox.addInstance({
			subject: 'Moved',
			start: at,
			end: at.plus({ hours: 1 }),
		});
		const first = await round(`/me/calendarView/delta?${window}`);
		expect(first.items.map((e) => e.id)).toEqual([moved]);
		const later = DateTime.fromISO('2027-06-01T09:00:00Z');
		t.mailbox.updateInstance(moved, { start: later, end: later.plus({ hours: 1 }) });
		const outside = t.mailbox.addInstance({
			subject: 'Far',
			start: later,
			end: later.plus({ hours: 1 }),
		});
		const second = await round(first.deltaLink);
		expect(second.items).toEqual([
			{ id: moved, '@removed': { reason: 'deleted' } },
			{ id: outside, '@removed': { reason: 'deleted' } },
		]);
		// Both still exist: GET /events/{id} answers them.
		expect((await get(`/me/events/${encodeURIComponent(moved)}`)).body).toMatchObject({
			subject: 'Moved',
		});
	});

	it('calendarView, observed reading: occurrence stubs, the master, and no @removed for a deleted occurrence', async () => {
		const observed = new DeltaMailbox('/me', { series: 'observed' }).install(t.s.graph);
		const start = DateTime.fromISO('2027-03-08T09:00:00Z');
		const { masterId, occurrences } = observed.addWeeklySeries('Weekly', start, 30, 3);
		const first = await round(`/me/calendarView/delta?${window}`);
		expect(first.items[0]).toEqual({
			'@odata.type': '#microsoft.graph.event',
			'@odata.etag': expect.any(String),
			id: occurrences[0],
			seriesMasterId: masterId,
			type: 'occurrence',
			start: { dateTime: '2027-03-08T09:00:00.0000000', timeZone: 'UTC' },
			end: { dateTime: '2027-03-08T09:30:00.0000000', timeZone: 'UTC' },
		});
		expect(first.items.map((e) => e.id)).toEqual([...occurrences, masterId]);
		expect(first.items[3]).toMatchObject({ type: 'seriesMaster', subject: 'Weekly' });
		observed.deleteInstance(occurrences[1]);
		const second = await round(first.deltaLink);
		expect(second.items).toEqual([expect.objectContaining({ id: masterId, type: 'seriesMaster' })]);
		// The series' instances are complete, and the deleted one is gone from them.
		const instances = await get(
			`/me/events/${encodeURIComponent(masterId)}/instances?${window}&$top=10`,
		);
		expect(instances.body.value.map((e) => [e.id, e.subject])).toEqual([
			[occurrences[0], 'Weekly'],
			[occurrences[2], 'Weekly'],
		]);
	});

	it("calendarView delta of another user's calendar: refused to a delegated token unless allowed", async () => {
		const root = `/users/${encodeURIComponent('shared@contoso.com')}`;
		new DeltaMailbox(root).install(t.s.graph);
		const refused = await get(`${root}/calendarView/delta?${window}`);
		expect(refused.status).toBe(403);
		expect(refused.body).toMatchObject({ error: { code: 'ErrorAccessDenied' } });
		expect((await get(`${root}/calendarView?${window}`)).status).toBe(200);
		new DeltaMailbox(root, { sharedCalendarDelta: 'allowed' }).install(t.s.graph);
		expect((await get(`${root}/calendarView/delta?${window}`)).status).toBe(200);
	});
});
