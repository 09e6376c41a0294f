/**
 * Contact and Contact Folder through n8n-core against the stand-in (test/support/graph-contacts.ts):
 * the requests each operation makes, what the mailbox holds afterwards, the items returned, and
 * the errors (403 naming the permission, 404 saying what to do, bad input before any request).
 */
import { ALL_GRAPH_PERMISSIONS } from '../../support/fixtures';
import { ContactsStore, DEFAULT_CONTACTS_FOLDER } from '../../support/graph-contacts';
import { graphError } from '../../support/graph-standin';
import { rl, useMailNode } from '../message/setup';

const SHARED = { mailbox: 'other', mailboxId: 'shared@contoso.com' };
const SHARED_ROOT = '/users/shared%40contoso.com';
const enc = encodeURIComponent;

const PERMISSIONS = [...ALL_GRAPH_PERMISSIONS, 'contactsReadWrite', 'contactsShared'];

describe('Contact → Create, Get, Update, Delete', () => {
	const t = useMailNode({ permissions: PERMISSIONS });
	let store: ContactsStore;
	beforeEach(() => {
		store = new ContactsStore().install(t.s.graph);
	});

	it('creates a contact in Contacts with names, addresses, phones, categories and birthday; the mailbox holds it', async () => {
		const [item] = await t.run({
			resource: 'contact',
			operation: 'create',
			givenName: 'Ana',
			surname: 'Ruiz',
			emailAddresses: 'ana@contoso.com, Ana Ruiz <ana.ruiz@fabrikam.com>',
			additionalFields: {
				companyName: 'Contoso',
				businessPhones: '+34 600 000 000, +34 911 111 111',
				categories: ['Customers', 'VIP'],
				birthday: '1990-04-23T00:00:00',
				businessAddress: {
					address: { street: 'Gran Vía 1', city: 'Madrid', countryOrRegion: 'Spain' },
				},
			},
		});
		const [call] = t.s.graph.calls();
		expect(call).toMatchObject({ method: 'POST', path: '/me/contacts' });
		expect(call.body).toEqual({
			givenName: 'Ana',
			surname: 'Ruiz',
			companyName: 'Contoso',
			businessPhones: ['+34 600 000 000', '+34 911 111 111'],
			categories: ['Customers', 'VIP'],
			birthday: '1990-04-23T00:00:00Z',
			businessAddress: { street: 'Gran Vía 1', city: 'Madrid', countryOrRegion: 'Spain' },
			emailAddresses: [
				{ address: 'ana@contoso.com', name: 'ana@contoso.com' },
				{ address: 'ana.ruiz@fabrikam.com', name: 'Ana Ruiz' },
			],
		});
		const [stored] = store.contacts.values();
		expect(stored.folderId).toBe(DEFAULT_CONTACTS_FOLDER);
		expect(item.json).toMatchObject({
			id: stored.data.id,
			displayName: 'Ana Ruiz',
			email: 'ana@contoso.com',
			emails: ['ana@contoso.com', 'ana.ruiz@fabrikam.com'],
			companyName: 'Contoso',
			businessAddress: 'Gran Vía 1, Madrid, Spain',
			categories: ['Customers', 'VIP'],
		});
	});

	it('creates a contact in a contact folder of a shared mailbox (Contacts.ReadWrite.Shared)', async () => {
		const shared = new ContactsStore().install(t.s.graph, SHARED_ROOT);
		const folder = shared.addFolder('Suppliers');
		await t.run({
			resource: 'contact',
			operation: 'create',
			...SHARED,
			givenName: 'Bea',
			contactFolderId: rl(folder),
		});
		expect(t.s.graph.calls().map((c) => c.path)).toEqual([
			`${SHARED_ROOT}/contactFolders/${enc(folder)}/contacts`,
		]);
		expect([...shared.contacts.values()].map((c) => c.folderId)).toEqual([folder]);
		expect(store.contacts.size).toBe(0);
	});

	it('refuses a contact with neither name nor address, and a bad address, before any request', async () => {
		const empty = await t.fail({ resource: 'contact', operation: 'create' });
		expect(empty.message).toBe('The contact has no name and no email address');
		const bad = await t.fail({
			resource: 'contact',
			operation: 'create',
			givenName: 'Ana',
			emailAddresses: 'ana(at)contoso.com',
		});
		expect(bad.message).toMatch(/ana\(at\)contoso\.com.*Email Addresses/);
		expect(t.s.graph.calls()).toEqual([]);
	});

	it('gets a contact simplified (with $select), raw, or with the fields chosen', async () => {
		const { id } = store.addContact({
			givenName: 'Ana',
			surname: 'Ruiz',
			emailAddresses: [{ address: 'ana@contoso.com', name: 'Ana' }],
			personalNotes: 'Met at the fair',
			spouseName: 'Luis',
		});
		const [simple] = await t.run({
			resource: 'contact',
			operation: 'get',
			contactId: rl(String(id)),
		});
		expect(simple.json).toMatchObject({
			id,
			displayName: 'Ana Ruiz',
			email: 'ana@contoso.com',
			notes: 'Met at the fair',
		});
		expect(simple.json).not.toHaveProperty('spouseName');
		expect(t.s.graph.calls()[0].query.$select).toContain('emailAddresses');

		const [raw] = await t.run({
			resource: 'contact',
			operation: 'get',
			contactId: rl(String(id)),
			output: 'raw',
		});
		expect(raw.json).toMatchObject({ spouseName: 'Luis', changeKey: expect.any(String) });

		const [some] = await t.run({
			resource: 'contact',
			operation: 'get',
			contactId: rl(String(id)),
			output: 'fields',
			fields: ['spouseName'],
		});
		expect(some.json).toEqual({ id, spouseName: 'Luis' });
		expect(t.s.graph.calls()[2].query.$select).toBe('id,spouseName');

		// Fields from an expression: a list, or text separated by commas.
		const [typed] = await t.run({
			resource: 'contact',
			operation: 'get',
			contactId: rl(String(id)),
			output: 'fields',
			fields: '={{ "spouseName, personalNotes" }}',
		});
		expect(typed.json).toEqual({ id, spouseName: 'Luis', personalNotes: 'Met at the fair' });
		expect(t.s.graph.calls()[3].query.$select).toBe('id,spouseName,personalNotes');
	});

	it('updates only the fields given; a list replaces the list; the mailbox holds the change', async () => {
		const { id } = store.addContact({ givenName: 'Ana', categories: ['Old'], mobilePhone: '1' });
		const [item] = await t.run({
			resource: 'contact',
			operation: 'update',
			contactId: rl(String(id)),
			updateFields: { jobTitle: 'CFO', categories: 'New, Other' },
		});
		expect(t.s.graph.calls()).toEqual([
			expect.objectContaining({
				method: 'PATCH',
				path: `/me/contacts/${enc(String(id))}`,
				body: { jobTitle: 'CFO', categories: ['New', 'Other'] },
			}),
		]);
		expect(store.contacts.get(String(id))!.data).toMatchObject({
			jobTitle: 'CFO',
			categories: ['New', 'Other'],
			mobilePhone: '1',
		});
		expect(item.json).toMatchObject({ jobTitle: 'CFO' });
		const none = await t.fail({
			resource: 'contact',
			operation: 'update',
			contactId: rl(String(id)),
		});
		expect(none.message).toBe('No field to update: add one under Update Fields');
	});

	it('deletes a contact; one that is gone is a 404 that says what to do', async () => {
		const { id } = store.addContact({ givenName: 'Ana' });
		const [item] = await t.run({
			resource: 'contact',
			operation: 'delete',
			contactId: rl(String(id)),
		});
		expect(item.json).toEqual({ id, deleted: true });
		expect(store.contacts.size).toBe(0);
		const gone = await t.fail({
			resource: 'contact',
			operation: 'delete',
			contactId: rl(String(id)),
		});
		expect(gone.message).toContain('404 ErrorItemNotFound');
		expect(gone.description).toMatch(
			/No contact with this ID in the mailbox.*Pick the contact from the list/,
		);
	});

	it('a 403 names the permission for what the operation does, in this mailbox or another', async () => {
		const denied = graphError(
			403,
			'ErrorAccessDenied',
			'Access is denied. Check credentials and try again.',
		);
		t.s.graph.on('GET', '/me/contacts/:id', denied);
		t.s.graph.on('DELETE', `${SHARED_ROOT}/contacts/:id`, denied);
		const read = await t.fail({ resource: 'contact', operation: 'get', contactId: rl('AAMk1=') });
		expect(read.description).toMatch(/^Contacts\.Read is needed to read contacts/);
		expect(read.description).toMatch(/holds it/);
		const shared = await t.fail({
			resource: 'contact',
			operation: 'delete',
			...SHARED,
			contactId: rl('AAMk1='),
		});
		expect(shared.description).toMatch(/^Contacts\.ReadWrite\.Shared is needed to delete contacts/);
	});

	it('a 403 with a credential that lacks Contacts: add "Read and Write Contacts" and reconnect', async () => {
		t.n8n.setCredential({
			...t.n8n.credential(),
			oauthTokenData: t.s.idp.oauthTokenData('User.Read Mail.ReadWrite offline_access'),
		});
		t.s.graph.on(
			'POST',
			'/me/contacts',
			graphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.'),
		);
		const error = await t.fail({ resource: 'contact', operation: 'create', givenName: 'Ana' });
		expect(error.description).toBe(
			"Contacts.ReadWrite is needed to create contacts, and the credential's granted permissions do not include it. Add *Read and Write Contacts* to the credential's permissions, grant it in the app registration, and reconnect.",
		);
	});

	it('continueOnFail: a missing contact is an error item, the next item still runs', async () => {
		const { id } = store.addContact({ givenName: 'Ana' });
		const out = await t.run(
			{ resource: 'contact', operation: 'get', contactId: '={{ $json.id }}' },
			{
				items: [{ json: { id: 'AAMkGone=' } }, { json: { id: String(id) } }],
				continueOnFail: true,
			},
		);
		expect(out.map((o) => [o.json.error ?? o.json.id, o.pairedItem])).toEqual([
			[expect.stringContaining('404'), { item: 0 }],
			[id, { item: 1 }],
		]);
	});
});

describe('Contact → Get Many', () => {
	const t = useMailNode({ permissions: PERMISSIONS });
	let store: ContactsStore;
	beforeEach(() => {
		store = new ContactsStore().install(t.s.graph);
	});

	it('lists Contacts by name, up to the limit', async () => {
		for (const name of ['Carla', 'ana', 'Bea', 'Dora']) store.addContact({ givenName: name });
		const out = await t.run({ resource: 'contact', operation: 'getAll', limit: 3 });
		expect(out.map((o) => o.json.displayName)).toEqual(['ana', 'Bea', 'Carla']);
		expect(t.s.graph.calls()).toEqual([
			expect.objectContaining({
				path: '/me/contacts',
				query: expect.objectContaining({ $orderby: 'displayName', $top: '3' }),
			}),
		]);
	});

	it('finds contacts by email address and name prefix (the filters Graph allows on contacts)', async () => {
		store.addContact({ givenName: 'Ana', emailAddresses: [{ address: 'Ana@Contoso.com' }] });
		store.addContact({ givenName: 'Anabel', emailAddresses: [{ address: 'anabel@contoso.com' }] });
		store.addContact({ givenName: "O'Brien", emailAddresses: [{ address: 'ob@contoso.com' }] });
		const byEmail = await t.run({
			resource: 'contact',
			operation: 'getAll',
			filters: { emailAddress: 'ana@contoso.com' },
		});
		expect(byEmail.map((o) => o.json.displayName)).toEqual(['Ana']);
		expect(t.s.graph.calls()[0].query).toMatchObject({
			$filter: "emailAddresses/any(a:a/address eq 'ana@contoso.com')",
		});
		expect(t.s.graph.calls()[0].query.$orderby).toBeUndefined();
		const byName = await t.run({
			resource: 'contact',
			operation: 'getAll',
			filters: { nameStartsWith: "O'B" },
		});
		expect(byName.map((o) => o.json.displayName)).toEqual(["O'Brien"]);
		expect(t.s.graph.calls()[1].query.$filter).toBe("startswith(displayName,'O''B')");
		const bad = await t.fail({
			resource: 'contact',
			operation: 'getAll',
			filters: { emailAddress: 'ana' },
		});
		expect(bad.message).toBe('"ana" in the filter Email Address is not an email address');
	});

	it('Return All of a large folder reads date ranges side by side: each contact once, by name, in fewer round trips than one page after another', async () => {
		const folder = store.addFolder('CRM');
		const start = Date.parse('2024-01-01T00:00:00Z');
		for (let n = 0; n < 4500; n++) {
			store.now = () => new Date(start + n * 60_000);
			store.addContact({ givenName: `Contact ${String(n).padStart(4, '0')}` }, folder);
		}
		t.s.graph.exchangeLimits({ serviceMs: 2 });
		const out = await t.run({
			resource: 'contact',
			operation: 'getAll',
			contactFolderId: rl(folder),
			returnAll: true,
		});
		expect(out).toHaveLength(4500);
		expect(new Set(out.map((o) => o.json.id)).size).toBe(4500);
		expect(out.slice(0, 2).map((o) => o.json.displayName)).toEqual([
			'Contact 0000',
			'Contact 0001',
		]);
		expect(out.every((o) => !('created' in o.json) || o.json.created)).toBe(true);
		// One page after another: 5 round trips. Both ends at once, then the middle in 4 ranges: 2;
		// a worker that finishes first may split the range with the most left (slices.ts), which
		// depends on which answer the process reads first: at most one round more.
		expect(t.s.graph.limitStats.rounds.me).toBeGreaterThanOrEqual(2);
		expect(t.s.graph.limitStats.rounds.me).toBeLessThanOrEqual(3);
		expect(t.s.graph.limitStats.throttled).toBe(0);
		const paths = new Set(t.s.graph.calls().map((c) => c.path));
		expect(paths).toEqual(new Set([`/me/contactFolders/${enc(folder)}/contacts`]));
	});

	it('Selected Fields sorted by name: the name is read to sort, and only the fields asked come out', async () => {
		for (const [name, company] of [
			['Carla', 'C Ltd'],
			['Ana', 'A Ltd'],
			['Bea', 'B Ltd'],
		])
			store.addContact({ givenName: name, companyName: company });
		const out = await t.run({
			resource: 'contact',
			operation: 'getAll',
			returnAll: true,
			output: 'fields',
			fields: ['companyName'],
		});
		expect(out.map((o) => o.json)).toEqual([
			{ id: expect.any(String), companyName: 'A Ltd' },
			{ id: expect.any(String), companyName: 'B Ltd' },
			{ id: expect.any(String), companyName: 'C Ltd' },
		]);
		expect(t.s.graph.calls()[0].query.$select).toBe('id,companyName,createdDateTime,displayName');
	});

	it('a folder that is gone: 404 saying to pick the folder', async () => {
		const error = await t.fail({
			resource: 'contact',
			operation: 'getAll',
			contactFolderId: rl('AAMkGone='),
		});
		expect(error.description).toMatch(/^No contact folder with this ID/);
	});
});

describe('Contact Folder', () => {
	const t = useMailNode({ permissions: PERMISSIONS });
	let store: ContactsStore;
	beforeEach(() => {
		store = new ContactsStore().install(t.s.graph);
	});

	it('creates folders in Contacts and inside another, lists, renames and deletes them', async () => {
		const [top] = await t.run({
			resource: 'contactFolder',
			operation: 'create',
			displayName: 'Suppliers',
		});
		const topId = String(top.json.id);
		const [child] = await t.run({
			resource: 'contactFolder',
			operation: 'create',
			displayName: 'Europe',
			location: 'child',
			parentFolderId: rl(topId),
		});
		expect(t.s.graph.calls().map((c) => [c.method, c.path, c.body])).toEqual([
			['POST', '/me/contactFolders', { displayName: 'Suppliers' }],
			['POST', `/me/contactFolders/${enc(topId)}/childFolders`, { displayName: 'Europe' }],
		]);
		expect(store.folders.get(String(child.json.id))).toMatchObject({ parentFolderId: topId });

		const listed = await t.run({ resource: 'contactFolder', operation: 'getAll', returnAll: true });
		expect(listed.map((o) => o.json.displayName)).toEqual(['Suppliers']);
		const children = await t.run({
			resource: 'contactFolder',
			operation: 'getAll',
			location: 'child',
			parentFolderId: rl(topId),
		});
		expect(children.map((o) => o.json.displayName)).toEqual(['Europe']);

		await t.run({
			resource: 'contactFolder',
			operation: 'update',
			contactFolderId: rl(topId),
			displayName: 'Vendors',
		});
		expect(store.folders.get(topId)).toMatchObject({ displayName: 'Vendors' });
		const [got] = await t.run({
			resource: 'contactFolder',
			operation: 'get',
			contactFolderId: rl(topId),
		});
		expect(got.json).toMatchObject({ id: topId, displayName: 'Vendors' });

		store.addContact({ givenName: 'Inside' }, String(child.json.id));
		await t.run({ resource: 'contactFolder', operation: 'delete', contactFolderId: rl(topId) });
		expect(store.folders.size).toBe(0);
		expect(store.contacts.size).toBe(0);
	});

	it('refuses an empty name, and says what to do about a folder that is gone', async () => {
		const empty = await t.fail({
			resource: 'contactFolder',
			operation: 'create',
			displayName: ' ',
		});
		expect(empty.message).toBe('The field Name is empty');
		const gone = await t.fail({
			resource: 'contactFolder',
			operation: 'get',
			contactFolderId: rl('AAMkGone='),
		});
		expect(gone.description).toMatch(
			/^No contact folder with this ID .*Pick the folder from the list/,
		);
	});
});
