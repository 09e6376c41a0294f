import type { ILoadOptionsFunctions } from 'n8n-workflow';

import { OutlookCalendar } from '../../nodes/OutlookCalendar/OutlookCalendar.node';
import { ALL_GRAPH_PERMISSIONS, connectedCredential } from '../support/fixtures';
import { graphError } from '../support/graph-standin';
import { calendarSuite, graphEvent, TYPE } from './setup';

const t = calendarSuite();
const node = new OutlookCalendar();

function context(parameters: Record<string, unknown> = {}): ILoadOptionsFunctions {
	return t.n8n.loadOptionsContext(TYPE, {
		parameters: { resource: 'event', operation: 'get', ...parameters } as never,
	}) as unknown as ILoadOptionsFunctions;
}

describe('list search', () => {
	it('searchCalendars lists the calendars, filters by name and passes the next link on', async () => {
		t.s.graph.collection(
			'GET',
			'/me/calendars',
			() => [
				{ id: 'C1', name: 'Work' },
				{ id: 'C2', name: 'Family' },
				{ id: 'C3', name: 'Homework' },
			],
			{ maxPageSize: 2 },
		);
		const first = await node.methods.listSearch.searchCalendars.call(context(), 'work');
		expect(first.results).toEqual([{ name: 'Work', value: 'C1' }]);
		expect(first.paginationToken).toMatch(/skiptoken=/);
		const second = await node.methods.listSearch.searchCalendars.call(
			context(),
			'work',
			first.paginationToken as string,
		);
		expect(second.results).toEqual([{ name: 'Homework', value: 'C3' }]);
		expect(second.paginationToken).toBeUndefined();
		expect(t.s.graph.calls()[0].query).toMatchObject({ $select: 'id,name,owner,isRemovable' });
	});

	it('searchRemovableCalendars (Calendar → Delete) leaves out the calendars Graph says cannot be removed', async () => {
		t.s.graph.collection('GET', '/me/calendars', () => [
			{ id: 'C0', name: 'Calendar', isRemovable: false },
			{ id: 'C1', name: 'Work', isRemovable: true },
			{ id: 'C2', name: 'Birthdays', isRemovable: false },
		]);
		const found = await node.methods.listSearch.searchRemovableCalendars.call(context());
		expect(found.results).toEqual([{ name: 'Work', value: 'C1' }]);
	});

	it('searchCalendars looks in the mailbox the Mailbox field names', async () => {
		t.s.graph.on('GET', '/users/:user/calendars', {
			body: { value: [{ id: 'C9', name: 'Boss' }] },
		});
		const found = await node.methods.listSearch.searchCalendars.call(
			context({ mailbox: 'other', mailboxId: 'boss@contoso.com' }),
		);
		expect(found.results).toEqual([{ name: 'Boss', value: 'C9' }]);
		expect(t.s.graph.calls()[0].path).toBe('/users/boss%40contoso.com/calendars');
	});

	it('searchEvents without a filter lists the latest events with their local start', async () => {
		t.s.graph.on('GET', '/me/events', {
			body: {
				value: [
					graphEvent('E1', '2026-03-29T09:00:00', '2026-03-29T10:00:00', 'Romance Standard Time', {
						subject: 'Standup',
					}),
				],
			},
		});
		const found = await node.methods.listSearch.searchEvents.call(context());
		expect(t.s.graph.calls()[0].query).toEqual({
			$select: 'id,subject,start,end,webLink',
			$orderby: 'start/dateTime desc',
			$top: '50',
		});
		expect(found.results).toEqual([
			{
				name: 'Standup (2026-03-29 09:00)',
				value: 'E1',
				url: 'https://outlook.office365.com/owa/?itemid=E1&exvsurl=1&path=/calendar/item',
			},
		]);
	});

	it('searchEvents filters by subject on the server with a quoted OData literal', async () => {
		t.s.graph.on('GET', '/me/events', {
			body: {
				value: [
					{
						id: 'e1',
						subject: "Lunch with O'Brien",
						start: { dateTime: '2026-03-29T09:00:00.0000000', timeZone: 'UTC' },
						webLink: 'https://outlook.office.com/calendar/item/e1',
					},
				],
			},
		});
		const result = await node.methods.listSearch.searchEvents.call(context(), "O'Brien");
		expect(t.s.graph.calls()[0].query).toEqual({
			$select: 'id,subject,start,end,webLink',
			$orderby: 'start/dateTime desc',
			$top: '50',
			$filter: "contains(subject,'O''Brien')",
		});
		expect(result.results).toHaveLength(1);
		expect(result.results[0]).toMatchObject({ value: 'e1' });
		expect(String(result.results[0].name)).toContain("Lunch with O'Brien");
	});

	it('a 403 while listing surfaces as an error', async () => {
		t.s.graph.on('GET', '/me/calendars', graphError(403, 'ErrorAccessDenied', 'Access is denied.'));
		await expect(node.methods.listSearch.searchCalendars.call(context())).rejects.toThrow(/403/);
	});
});

describe('load options', () => {
	it("getTimeZones names its empty entry after the zone the node then uses: the mailbox's, read from its settings", async () => {
		t.n8n.setCredential(connectedCredential(t.s, { permissions: ALL_GRAPH_PERMISSIONS }));
		t.s.graph.on('GET', '/me/mailboxSettings', {
			body: { timeZone: 'W. Europe Standard Time' },
		});
		const zones = await node.methods.loadOptions.getTimeZones.call(context());
		// Not "Workflow Time Zone (Europe/Madrid)": the event is created in the mailbox's zone.
		expect(zones[0]).toEqual({
			name: 'Mailbox Time Zone (Europe/Berlin)',
			value: '',
			description: "The time zone of the mailbox's Outlook settings (W. Europe Standard Time)",
		});
		expect(t.s.graph.calls().map((c) => c.path)).toEqual(['/me/mailboxSettings']);
		// The run uses the zone the label names.
		t.s.graph.on('POST', '/me/events', (request) => ({ status: 201, body: request.body }));
		await t.run({
			resource: 'event',
			operation: 'create',
			subject: 'Planning',
			start: '2026-12-03T09:00:00',
			end: '2026-12-03T10:00:00',
		});
		expect(t.s.graph.calls().find((c) => c.method === 'POST')?.body).toMatchObject({
			start: { dateTime: '2026-12-03T09:00:00', timeZone: 'W. Europe Standard Time' },
		});
	});

	it('getTimeZones: without Read Mailbox Settings the empty entry is the workflow zone, and says why', async () => {
		const zones = await node.methods.loadOptions.getTimeZones.call(context());
		expect(zones[0]).toMatchObject({ name: 'Workflow Time Zone (Europe/Madrid)', value: '' });
		expect(zones[0].description).toMatch(/no Read Mailbox Settings permission/);
		expect(t.s.graph.calls()).toEqual([]);
	});

	it('getTimeZones lists IANA zones with their Windows names', async () => {
		const zones = await node.methods.loadOptions.getTimeZones.call(context());
		expect(zones.find((z) => z.value === 'Asia/Kolkata')).toEqual({
			name: 'Asia/Kolkata',
			value: 'Asia/Kolkata',
			description: 'Outlook: India Standard Time',
		});
		expect(zones[1]).toMatchObject({ value: 'UTC' });
		expect(zones.length).toBeGreaterThan(300);
	});

	it('getCalendarGroups lists the groups', async () => {
		t.s.graph.on('GET', '/me/calendarGroups', {
			body: { value: [{ id: 'G1', name: 'My Calendars' }] },
		});
		expect(await node.methods.loadOptions.getCalendarGroups.call(context())).toEqual([
			{ name: 'None', value: '' },
			{ name: 'My Calendars', value: 'G1' },
		]);
	});
});

describe('node description', () => {
	it('is a versioned, tool-usable node whose first fields are Authentication and the shared Mailbox field', () => {
		const d = node.description;
		expect(d).toMatchObject({
			name: 'outlookCalendar',
			displayName: 'Outlook Calendar',
			usableAsTool: { replacements: { properties: expect.any(Array) } },
			version: [1, 1.1],
			defaultVersion: 1.1,
		});
		expect(d.credentials?.map((c) => [c.name, c.displayOptions?.show?.authentication])).toEqual([
			['outlookOAuth2Api', ['oAuth2']],
			['outlookAppOnlyApi', ['appOnly']],
		]);
		expect(d.properties.slice(0, 2).map((p) => p.name)).toEqual(['authentication', 'mailbox']);
		const resource = d.properties.find((p) => p.name === 'resource');
		expect(resource?.options?.map((o) => (o as { value: string }).value).sort()).toEqual([
			'availability',
			'calendar',
			'event',
			'room',
		]);
	});

	it('every operation the UI offers has an implementation', async () => {
		const { operations: event } = await import(
			'../../nodes/OutlookCalendar/actions/event/Event.resource'
		);
		const { operations: calendar } = await import(
			'../../nodes/OutlookCalendar/actions/calendar/Calendar.resource'
		);
		const { operations: availability } = await import(
			'../../nodes/OutlookCalendar/actions/availability/Availability.resource'
		);
		const { operations: room } = await import(
			'../../nodes/OutlookCalendar/actions/room/Room.resource'
		);
		const modules: Record<string, Record<string, unknown>> = {
			event,
			calendar,
			availability,
			room,
		};
		const selectors = node.description.properties.filter((p) => p.name === 'operation');
		for (const selector of selectors) {
			const resource = (selector.displayOptions?.show?.resource as string[])[0];
			const offered = (selector.options ?? []).map((o) => (o as { value: string }).value).sort();
			expect(Object.keys(modules[resource]).sort()).toEqual(offered);
		}
		expect(selectors).toHaveLength(4);
	});
});
