/**
 * Contacts, categories, inbox rules and rooms with the app-only credential: the chosen mailbox
 * (there is no /me), the app's token, and a 403 naming the application permission to add.
 */
import type { INodeParameters } from 'n8n-workflow';

import { clearAppOnlyClients } from '../../nodes/shared/auth/appOnly';
import { OutlookCalendar } from '../../nodes/OutlookCalendar/OutlookCalendar.node';
import { OutlookMail } from '../../nodes/OutlookMail/OutlookMail.node';
import { expectGraphContractKept, startStandIns, type StandIns } from '../support/fixtures';
import { CategoryList } from '../support/graph-categories';
import { ContactsStore } from '../support/graph-contacts';
import { PlaceDirectory } from '../support/graph-places';
import { RuleList } from '../support/graph-rules';
import {
	APP_ID,
	AppOnlyHarness,
	appOnlyFields,
	makeCertificate,
	SHARED,
	type TestCertificate,
} from './support';

let s: StandIns;
let cert: TestCertificate;
const SHARED_ROOT = `/users/${encodeURIComponent(SHARED)}`;
const types = { outlookMail: new OutlookMail(), outlookCalendar: new OutlookCalendar() };
const app = (extra: INodeParameters): INodeParameters => ({
	authentication: 'appOnly',
	mailboxId: SHARED,
	...extra,
});

function harness(roles: string[]): AppOnlyHarness {
	clearAppOnlyClients();
	s.idp.registerApp({
		clientId: APP_ID,
		certificates: [cert.certPem],
		roles: { graph: roles, imap: [] },
	});
	return new AppOnlyHarness(types, appOnlyFields(s, { cert }));
}

async function failure(promise: Promise<unknown>) {
	try {
		await promise;
	} catch (error) {
		return error as Error & { description?: string };
	}
	throw new Error('expected the node to fail');
}

beforeAll(async () => {
	s = await startStandIns();
	cert = makeCertificate();
});
afterAll(async () => await s.close());
beforeEach(() => s.graph.reset());
afterEach(() => expectGraphContractKept(s.graph));

describe('contacts, categories, rules and rooms with the app-only credential', () => {
	it('creates and lists contacts of the chosen mailbox with Contacts.ReadWrite', async () => {
		const store = new ContactsStore().install(s.graph, SHARED_ROOT);
		const n8n = harness(['Contacts.ReadWrite']);
		await n8n.execute('outlookMail', {
			parameters: app({ resource: 'contact', operation: 'create', givenName: 'Ana' }),
		});
		const [out] = await n8n.execute('outlookMail', {
			parameters: app({ resource: 'contact', operation: 'getAll' }),
		});
		expect(out.map((o) => o.json.displayName)).toEqual(['Ana']);
		expect(store.contacts.size).toBe(1);
		expect(s.graph.requests.every((r) => r.app?.roles.includes('Contacts.ReadWrite'))).toBe(true);
	});

	it('an app without a Contacts permission: the 403 names the application permission', async () => {
		new ContactsStore().install(s.graph, SHARED_ROOT);
		const n8n = harness(['Mail.ReadWrite']);
		const error = await failure(
			n8n.execute('outlookMail', { parameters: app({ resource: 'contact', operation: 'getAll' }) }),
		);
		expect(error.description).toMatch(
			/no Contacts\.Read application permission .*its token grants: Mail\.ReadWrite/,
		);
	});

	it('categories and inbox rules with MailboxSettings.ReadWrite; without it the 403 names it', async () => {
		new CategoryList().install(s.graph, SHARED_ROOT);
		const rules = new RuleList().install(s.graph, SHARED_ROOT);
		const n8n = harness(['MailboxSettings.ReadWrite']);
		await n8n.execute('outlookMail', {
			parameters: app({
				resource: 'category',
				operation: 'create',
				displayName: 'Invoices',
				color: 'preset3',
			}),
		});
		await n8n.execute('outlookMail', {
			parameters: app({
				resource: 'inboxRule',
				operation: 'create',
				displayName: 'R',
				sequence: 1,
				actions: { markAsRead: true },
			}),
		});
		expect(rules.rules).toHaveLength(1);
		const without = harness(['Mail.ReadWrite']);
		const error = await failure(
			without.execute('outlookMail', {
				parameters: app({ resource: 'inboxRule', operation: 'getAll' }),
			}),
		);
		expect(error.description).toMatch(/no MailboxSettings\.Read application permission/);
	});

	it('rooms with Place.Read.All; without it the 403 names Place.Read.All', async () => {
		const places = new PlaceDirectory().install(s.graph);
		places.rooms.push({ id: 'R1', emailAddress: 'room1@contoso.com', displayName: 'Room 1' });
		const n8n = harness(['Place.Read.All', 'Calendars.Read']);
		const [out] = await n8n.execute('outlookCalendar', {
			parameters: app({ resource: 'room', operation: 'getAll' }),
		});
		expect(out.map((o) => o.json.emailAddress)).toEqual(['room1@contoso.com']);
		const without = harness(['Calendars.Read']);
		const error = await failure(
			without.execute('outlookCalendar', {
				parameters: app({ resource: 'room', operation: 'getAll' }),
			}),
		);
		expect(error.description).toMatch(/no Place\.Read\.All application permission/);
	});
});
