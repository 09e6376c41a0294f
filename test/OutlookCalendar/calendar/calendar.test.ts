import { graphError } from '../../support/graph-standin';
import { byId, byUrl, calendarSuite } from '../setup';

const t = calendarSuite();

describe('Calendar resource', () => {
	it('creates a calendar with a color', async () => {
		t.s.graph.on('POST', '/me/calendars', (req) => ({
			status: 201,
			body: { id: 'CALNEW', ...(req.body as object) },
		}));
		const out = await t.json({
			resource: 'calendar',
			operation: 'create',
			name: 'Projects',
			options: { color: 'lightTeal' },
		});
		expect(t.s.graph.calls()[0]).toMatchObject({
			method: 'POST',
			path: '/me/calendars',
			body: { name: 'Projects', color: 'lightTeal' },
		});
		expect(out).toEqual([{ id: 'CALNEW', name: 'Projects', color: 'lightTeal' }]);
	});

	it('creates a calendar in a calendar group', async () => {
		t.s.graph.on('POST', '/me/calendarGroups/:group/calendars', (req) => ({
			status: 201,
			body: { id: 'CALNEW', ...(req.body as object) },
		}));
		await t.run({
			resource: 'calendar',
			operation: 'create',
			name: 'Team',
			options: { calendarGroup: 'GROUP/1' },
		});
		expect(t.s.graph.calls()[0].path).toBe('/me/calendarGroups/GROUP%2F1/calendars');
	});

	it('refuses an empty name', async () => {
		await expect(t.run({ resource: 'calendar', operation: 'create', name: '  ' })).rejects.toThrow(
			/The field Name is empty/,
		);
		expect(t.s.graph.requests).toHaveLength(0);
	});

	it('gets a calendar by ID and by Graph URL', async () => {
		t.s.graph.on('GET', '/me/calendars/:id', (_req, params) => ({
			body: { id: params.id, name: 'Work' },
		}));
		expect(
			await t.json({ resource: 'calendar', operation: 'get', calendar: byId('AAMkC=') }),
		).toEqual([{ id: 'AAMkC=', name: 'Work' }]);
		await t.run({
			resource: 'calendar',
			operation: 'get',
			calendar: byUrl('https://graph.microsoft.com/v1.0/me/calendars/AAMkD%3D?$select=name'),
		});
		expect(t.s.graph.calls().map((c) => c.path)).toEqual([
			'/me/calendars/AAMkC%3D',
			'/me/calendars/AAMkD%3D',
		]);
	});

	it('lists calendars with Return All (paging) and with Limit', async () => {
		const calendars = Array.from({ length: 25 }, (_, n) => ({
			id: `CAL${n}`,
			name: `Calendar ${n}`,
		}));
		t.s.graph.collection('GET', '/me/calendars', () => calendars, { maxPageSize: 10 });
		expect(
			await t.json({ resource: 'calendar', operation: 'getAll', returnAll: true }),
		).toHaveLength(25);
		expect(t.s.graph.calls()).toHaveLength(3);
		t.s.graph.reset();
		t.s.graph.collection('GET', '/me/calendars', () => calendars, { maxPageSize: 10 });
		expect(await t.json({ resource: 'calendar', operation: 'getAll', limit: 3 })).toHaveLength(3);
		expect(t.s.graph.calls()[0].query.$top).toBe('3');
	});

	it('lists the calendars of a group', async () => {
		t.s.graph.on('GET', '/me/calendarGroups/:group/calendars', { body: { value: [{ id: 'C1' }] } });
		expect(
			await t.json({ resource: 'calendar', operation: 'getAll', options: { calendarGroup: 'G1' } }),
		).toEqual([{ id: 'C1' }]);
	});

	it('renames and recolors', async () => {
		t.s.graph.on('PATCH', '/me/calendars/:id', (req) => ({
			body: { id: 'C1', ...(req.body as object) },
		}));
		await t.run({
			resource: 'calendar',
			operation: 'update',
			calendar: byId('C1'),
			updateFields: { name: 'Renamed', color: 'lightRed' },
		});
		expect(t.s.graph.calls()[0]).toMatchObject({
			method: 'PATCH',
			path: '/me/calendars/C1',
			body: { name: 'Renamed', color: 'lightRed' },
		});
	});

	it('refuses an update with nothing to change', async () => {
		await expect(
			t.run({ resource: 'calendar', operation: 'update', calendar: byId('C1'), updateFields: {} }),
		).rejects.toThrow(/Update Fields is empty/);
		expect(t.s.graph.requests).toHaveLength(0);
	});

	it("deletes, in another user's mailbox, and a 403 names Calendars.ReadWrite.Shared", async () => {
		t.s.graph.on('DELETE', '/users/:user/calendars/:id', { status: 204 });
		const out = await t.json({
			mailbox: 'other',
			mailboxId: 'boss@contoso.com',
			resource: 'calendar',
			operation: 'delete',
			calendar: byId('C1'),
		});
		expect(t.s.graph.calls()[0].path).toBe('/users/boss%40contoso.com/calendars/C1');
		expect(out).toEqual([{ id: 'C1', deleted: true }]);
		t.s.graph.on(
			'DELETE',
			'/users/:user/calendars/:id',
			graphError(403, 'ErrorAccessDenied', 'Access is denied.'),
		);
		const error = await t
			.run({
				mailbox: 'other',
				mailboxId: 'boss@contoso.com',
				resource: 'calendar',
				operation: 'delete',
				calendar: byId('C2'),
			})
			.catch((e: Error) => e);
		expect((error as { description?: string }).description).toMatch(
			/Calendars\.ReadWrite\.Shared is needed to delete calendars/,
		);
	});
});
