/**
 * The demo's contacts, contact folders, categories, inbox rules, rooms and room lists
 * (test/e2e/support/demo-directory.ts, issue #27) as an area of the demo world, and what makes the
 * Outlook Trigger's contact events happen.
 */
import type { GraphStandIn } from '../../../support/graph-standin';
import { addDemoDirectory } from '../demo-directory';
import type { DemoWorld } from './world';

export function addDemoDirectoryArea(graph: GraphStandIn, world: DemoWorld): void {
	const directory = addDemoDirectory(graph, world.directory);
	world.directory = directory;
	const { contacts } = directory;
	world.happenings.set('contactCreated', () => {
		contacts.addContact({
			givenName: 'Dan',
			surname: 'New',
			emailAddresses: [{ address: 'dan@example.test', name: 'Dan New' }],
		});
	});
	world.happenings.set('contactUpdated', () => {
		contacts.updateContact(String([...contacts.contacts.keys()][0]), { jobTitle: 'Head buyer' });
	});
	// Both on a contact of the default Contacts folder, which the trigger watches.
	world.happenings.set('contactDeleted', () => {
		contacts.deleteContact(String([...contacts.contacts.keys()][0]));
	});
}
