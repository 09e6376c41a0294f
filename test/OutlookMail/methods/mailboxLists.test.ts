/** The Contact, Contact Folder, Category and Rule pickers, read from the mailbox the node is set to. */
import type { INodeParameters } from 'n8n-workflow';

import { listSearch } from '../../../nodes/OutlookMail/methods';
import { ALL_GRAPH_PERMISSIONS } from '../../support/fixtures';
import { CategoryList } from '../../support/graph-categories';
import { ContactsStore } from '../../support/graph-contacts';
import { RuleList } from '../../support/graph-rules';
import { MAIL, useMailNode } from '../message/setup';

describe('pickers of contacts, contact folders, categories and rules', () => {
	const t = useMailNode({ permissions: [...ALL_GRAPH_PERMISSIONS, 'contactsShared'] });
	const context = (parameters: INodeParameters = {}) =>
		t.n8n.loadOptionsContext(MAIL, { parameters: { resource: 'contact', ...parameters } });

	it('contacts by name (with the first address), a name prefix filter, and the next page by link', async () => {
		const store = new ContactsStore().install(t.s.graph);
		store.addContact({ givenName: 'Ana', emailAddresses: [{ address: 'ana@contoso.com' }] });
		store.addContact({ companyName: 'Fabrikam' });
		for (let n = 0; n < 60; n++)
			store.addContact({ givenName: `Zed ${String(n).padStart(2, '0')}` });
		const first = await listSearch.searchContacts.call(context());
		expect(first.results.slice(0, 2)).toEqual([
			{ name: 'Ana (ana@contoso.com)', value: expect.any(String) },
			{ name: 'Fabrikam', value: expect.any(String) },
		]);
		expect(first.results).toHaveLength(50);
		const second = await listSearch.searchContacts.call(
			context(),
			undefined,
			first.paginationToken,
		);
		expect(second.results).toHaveLength(12);
		expect(second.paginationToken).toBeUndefined();
		const filtered = await listSearch.searchContacts.call(context(), 'an');
		expect(filtered.results.map((r) => r.name)).toEqual(['Ana (ana@contoso.com)']);
		expect(t.s.graph.calls()[2].query).toMatchObject({ $filter: "startswith(displayName,'an')" });
	});

	it('contact folders with their path, child folders included, in a shared mailbox', async () => {
		const store = new ContactsStore().install(t.s.graph, '/users/shared%40contoso.com');
		const suppliers = store.addFolder('Suppliers');
		store.addFolder('Europe', suppliers);
		store.addFolder('Family');
		const result = await listSearch.searchContactFolders.call(
			context({ mailbox: 'other', mailboxId: 'shared@contoso.com' }),
			'sup',
		);
		expect(result.results.map((r) => r.name)).toEqual(['Suppliers', 'Suppliers / Europe']);
	});

	it('categories (valued by ID, shown with their colour) and rules in the order they run', async () => {
		const categories = new CategoryList().install(t.s.graph);
		const red = categories.add('Red category', 'preset0');
		categories.add('Blue category', 'preset7');
		expect((await listSearch.searchCategories.call(context(), 'red')).results).toEqual([
			{ name: 'Red category (Red)', value: red.id },
		]);
		const rules = new RuleList().install(t.s.graph);
		rules.add({ displayName: 'Later', sequence: 5, isEnabled: false, actions: { delete: true } });
		rules.add({ displayName: 'First', sequence: 1, actions: { delete: true } });
		expect((await listSearch.searchInboxRules.call(context())).results.map((r) => r.name)).toEqual([
			'First',
			'Later (off)',
		]);
	});
});
