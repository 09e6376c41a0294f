/**
 * The demo mailbox's contacts, contact folders, categories and inbox rules, and the demo
 * organisation's rooms and room lists, served by the same stand-ins the tests use
 * (test/support/graph-contacts.ts, graph-categories.ts, graph-rules.ts, graph-places.ts), for
 * `npm run dev -- --demo` and the e2e runs. The mailbox is one: `/me` and `/users/{anyone}` share
 * the same contacts, categories and rules, as the demo's messages and events do.
 */
import { CategoryList } from '../../support/graph-categories';
import { ContactsStore } from '../../support/graph-contacts';
import { PlaceDirectory } from '../../support/graph-places';
import { RuleList } from '../../support/graph-rules';
import type { GraphStandIn } from '../../support/graph-standin';

export interface DemoDirectory {
	contacts: ContactsStore;
	categories: CategoryList;
	rules: RuleList;
	places: PlaceDirectory;
}

export function demoDirectory(): DemoDirectory {
	const contacts = new ContactsStore();
	const suppliers = contacts.addFolder('Suppliers');
	contacts.addContact({
		givenName: 'Bob',
		surname: 'Example',
		emailAddresses: [{ address: 'bob@example.test', name: 'Bob Example' }],
		companyName: 'Example Ltd',
		jobTitle: 'Buyer',
		businessPhones: ['+1 555 0100'],
		categories: ['Customers'],
	});
	contacts.addContact({
		givenName: 'Carol',
		surname: 'Sample',
		emailAddresses: [{ address: 'carol@example.test', name: 'Carol Sample' }],
		mobilePhone: '+1 555 0101',
	});
	contacts.addContact(
		{
			companyName: 'Shop Supplies',
			emailAddresses: [{ address: 'shop@example.test', name: 'Shop Supplies' }],
		},
		suppliers,
	);

	const categories = new CategoryList();
	categories.add('Customers', 'preset7');
	categories.add('Invoices', 'preset3');
	categories.add('Red category', 'preset0');

	const rules = new RuleList();
	rules.add({
		displayName: 'Invoices to Archive',
		sequence: 1,
		conditions: { subjectContains: ['Invoice'] },
		actions: {
			assignCategories: ['Invoices'],
			moveToFolder: 'folder-archive',
			stopProcessingRules: true,
		},
	});

	const places = new PlaceDirectory();
	places.roomLists.push({
		id: 'demo-roomlist-1',
		emailAddress: 'building1@example.test',
		displayName: 'Building 1',
	});
	places.rooms.push(
		{
			id: 'demo-room-1',
			emailAddress: 'room1@example.test',
			displayName: 'Room 1',
			capacity: 8,
			building: '1',
			floorNumber: 1,
			bookingType: 'standard',
			roomList: 'building1@example.test',
		},
		{
			id: 'demo-room-2',
			emailAddress: 'boardroom@example.test',
			displayName: 'Boardroom',
			capacity: 16,
			building: '1',
			floorNumber: 2,
			bookingType: 'standard',
			roomList: 'building1@example.test',
		},
	);
	return { contacts, categories, rules, places };
}

/** Registers the demo directory on the stand-in, for `/me` and for `/users/{anyone}`. */
export function addDemoDirectory(
	graph: GraphStandIn,
	directory: DemoDirectory = demoDirectory(),
): DemoDirectory {
	for (const root of ['/me', '/users/:user']) {
		directory.contacts.install(graph, root);
		directory.categories.install(graph, root);
		directory.rules.install(graph, root);
	}
	directory.places.install(graph);
	return directory;
}
