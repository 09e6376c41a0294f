/**
 * Contact Created / Updated / Deleted through n8n-core's PollContext against the contacts stand-in
 * (test/support/graph-contacts.ts, a contacts delta as contact-delta documents it): each change
 * once, nothing for what existed at activation, across restarts, bursts and a lost sync state.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { ContactsStore } from '../support/graph-contacts';
import { graphError } from '../support/graph-standin';
import { deltaCalls, loseSyncStateAfterFirstPage, useTrigger } from './support';

const rl = (value: string, mode = 'id') => ({ __rl: true, mode, value });
const ids = (items: IDataObject[]) => items.map((i) => String(i.id));

describe('Outlook Trigger: contacts', () => {
	const t = useTrigger();
	let store: ContactsStore;
	beforeEach(() => {
		store = new ContactsStore().install(t.s.graph);
	});
	const runner = (event: string, extra: INodeParameters = {}) => t.runner({ event, ...extra });

	it('Created, Updated and Deleted each emit their change once; what existed at activation is only learned', async () => {
		const existing = String(store.addContact({ givenName: 'Old' }).id);
		const created = runner('contactCreated');
		const updated = runner('contactUpdated');
		const deleted = runner('contactDeleted');
		for (const r of [created, updated, deleted]) expect(await r.poll()).toEqual([]);

		const ana = String(
			store.addContact({ givenName: 'Ana', emailAddresses: [{ address: 'ana@contoso.com' }] }).id,
		);
		store.updateContact(existing, { jobTitle: 'CFO' });
		expect(await created.poll()).toEqual([
			expect.objectContaining({ id: ana, displayName: 'Ana', email: 'ana@contoso.com' }),
		]);
		expect(await updated.poll()).toEqual([
			expect.objectContaining({ id: existing, jobTitle: 'CFO' }),
		]);
		expect(await deleted.poll()).toEqual([]);

		store.updateContact(ana, { mobilePhone: '600' });
		store.deleteContact(existing);
		expect(await created.poll()).toEqual([]);
		expect(ids(await updated.poll())).toEqual([ana]);
		expect(await deleted.poll()).toEqual([{ id: existing, change: 'deleted', reason: 'deleted' }]);
		for (const r of [created, updated, deleted]) expect(await r.poll()).toEqual([]);

		const first = deltaCalls(t)[0];
		expect(first.path).toBe('/me/contacts/delta');
		expect(t.s.graph.requests.find((r) => r.path.endsWith('/delta'))!.headers.prefer).toContain(
			'odata.maxpagesize=500',
		);
	});

	it('a contact created and changed between two polls is created once, not updated', async () => {
		const created = runner('contactCreated');
		const updated = runner('contactUpdated');
		await created.poll();
		await updated.poll();
		const id = String(store.addContact({ givenName: 'Bea' }).id);
		store.updateContact(id, { surname: 'Ruiz' });
		expect(await created.poll()).toEqual([expect.objectContaining({ id, surname: 'Ruiz' })]);
		expect(await updated.poll()).toEqual([]);
	});

	it('watches a picked contact folder; a contact moved out of it is deleted from it', async () => {
		const suppliers = store.addFolder('Suppliers');
		const inside = String(store.addContact({ givenName: 'Vendor' }, suppliers).id);
		const deleted = runner('contactDeleted', { contactFolder: rl(suppliers) });
		await deleted.poll();
		store.moveContact(inside, store.addFolder('Elsewhere'));
		expect(await deleted.poll()).toEqual([{ id: inside, change: 'deleted', reason: 'deleted' }]);
		expect(deltaCalls(t)[0].path).toBe(
			`/me/contactFolders/${encodeURIComponent(suppliers)}/contacts/delta`,
		);
	});

	it('a burst larger than Max Items per Poll is emitted over several polls, each contact once; a restart continues from what n8n saved', async () => {
		const created = runner('contactCreated', { options: { maxItemsPerPoll: 10 } });
		await created.poll();
		const added: string[] = [];
		for (let n = 0; n < 1200; n++) added.push(String(store.addContact({ givenName: `C${n}` }).id));
		const emitted: string[] = [];
		emitted.push(...ids(await created.poll()));
		created.restart();
		for (let poll = 0; poll < 5 && emitted.length < added.length; poll++)
			emitted.push(...ids(await created.poll()));
		// Pages of 500 stop at the first page that reaches the cap: 500 + 500 + 200.
		expect(created.polls.map((items) => items?.length ?? 0)).toEqual([0, 500, 500, 200]);
		expect(emitted.sort()).toEqual(added.sort());
		expect(await created.poll()).toEqual([]);
	});

	it('after Graph lost the sync state, the folder is compared: what changed meanwhile is emitted once', async () => {
		const keep = String(store.addContact({ givenName: 'Keep' }).id);
		const change = String(store.addContact({ givenName: 'Change' }).id);
		const gone = String(store.addContact({ givenName: 'Gone' }).id);
		const created = runner('contactCreated');
		const updated = runner('contactUpdated');
		const deleted = runner('contactDeleted');
		for (const r of [created, updated, deleted]) await r.poll();

		store.expireSyncStates();
		const fresh = String(store.addContact({ givenName: 'Fresh' }).id);
		store.updateContact(change, { jobTitle: 'New job' });
		store.deleteContact(gone);
		expect(ids(await created.poll())).toEqual([fresh]);
		expect(ids(await updated.poll())).toEqual([change]);
		expect(await deleted.poll()).toEqual([
			{ idHash: expect.any(String), change: 'deleted', reason: 'deleted' },
		]);
		for (const r of [created, updated, deleted]) expect(await r.poll()).toEqual([]);
		expect(store.contacts.has(keep)).toBe(true);
	});

	it('a first listing that loses its sync state is listed again: nothing from before the start is created or updated', async () => {
		// More than one delta page (500 per page): created, or changed, in the hour before the start.
		const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
		for (let i = 0; i < 600; i++)
			store.addContact(
				i % 2
					? { givenName: `New ${i}`, createdDateTime: minutesAgo(30) }
					: {
							givenName: `Changed ${i}`,
							createdDateTime: '2024-01-01T00:00:00Z',
							lastModifiedDateTime: minutesAgo(10),
						},
			);
		for (const event of ['contactCreated', 'contactUpdated']) {
			const r = runner(event);
			const lost = loseSyncStateAfterFirstPage(t, '/me/contacts/delta', () =>
				store.expireSyncStates(),
			);
			expect(await r.poll()).toEqual([]);
			expect(lost()).toBe(true);
			expect(await r.poll()).toEqual([]);
		}
	});

	it('raw output with Simplify off, another mailbox, and a 403 naming the permission', async () => {
		const shared = new ContactsStore().install(t.s.graph, '/users/boss%40contoso.com');
		const trigger = runner('contactCreated', {
			mailbox: 'other',
			mailboxId: 'boss@contoso.com',
			simplify: false,
		});
		await trigger.poll();
		const id = String(shared.addContact({ givenName: 'Raw', spouseName: 'Luis' }).id);
		expect(await trigger.poll()).toEqual([
			expect.objectContaining({ id, spouseName: 'Luis', changeKey: expect.any(String) }),
		]);

		t.s.graph.on(
			'GET',
			'/me/contacts/delta',
			graphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.'),
		);
		const error = (await runner('contactUpdated').failingPoll()) as Error & {
			description?: string;
		};
		expect(error.message).toContain('403');
		expect(error.description).toMatch(/^Contacts\.Read is needed to read contacts/);
	});

	it('a manual run shows the newest contacts; Contact Deleted has none to show', async () => {
		const base = Date.parse('2026-01-01T00:00:00Z');
		for (let n = 0; n < 5; n++) {
			store.now = () => new Date(base + n * 60_000);
			store.addContact({ givenName: `N${n}` });
		}
		const items = await runner('contactCreated').manual();
		expect(items?.map((i) => i.json.displayName)).toEqual(['N4', 'N3', 'N2']);
		expect(await runner('contactDeleted').manual()).toBeNull();
	});
});
