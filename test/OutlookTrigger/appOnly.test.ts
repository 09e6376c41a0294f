/**
 * The Outlook Trigger with the App-Only credential: Authentication first (OAuth2 by default, so
 * saved workflows keep their credential), the mailbox address required; the delta polls go to
 * /users/{mailbox} with the app's token, and one token serves every poll of its lifetime.
 */
import type { INodeProperties } from 'n8n-workflow';

import { clearAppOnlyClients } from '../../nodes/shared/auth/appOnly';
import { outlookAppOnlyApiTest } from '../../nodes/shared/auth/appOnlyCredentialTest';
import { OutlookTrigger } from '../../nodes/OutlookTrigger/OutlookTrigger.node';
import { APP_ID, AppOnlyHarness, appOnlyFields, newSecret, SHARED } from '../appOnly/support';
import { expectGraphContractKept, startStandIns, type StandIns } from '../support/fixtures';
import { ContactsStore } from '../support/graph-contacts';
import { DeltaMailbox } from '../support/graph-delta';
import { PollRunner, TRIGGER } from './support';

let s: StandIns;
const secret = newSecret();

beforeAll(async () => {
	s = await startStandIns();
});
afterAll(async () => await s.close());
beforeEach(() => {
	clearAppOnlyClients();
	s.graph.reset();
	s.idp.clientCredentialRequests.length = 0;
	s.idp.registerApp({
		clientId: APP_ID,
		secrets: [secret],
		roles: { graph: ['Mail.Read'], imap: [] },
	});
	s.graph.limitAppToMailboxes(APP_ID, [SHARED]);
});
afterEach(() => expectGraphContractKept(s.graph));

const parameters = {
	authentication: 'appOnly',
	mailboxId: SHARED,
	event: 'messageReceived',
	folders: { folder: [{ folder: { __rl: true, mode: 'id', value: 'inbox' } }] },
	output: 'raw',
};

it('polls the chosen mailbox’s delta with the app’s token; one token for every poll', async () => {
	const root = `/users/${encodeURIComponent(SHARED)}`;
	const mailbox = new DeltaMailbox(root).install(s.graph);
	const n8n = new AppOnlyHarness({ [TRIGGER]: new OutlookTrigger() }, appOnlyFields(s, { secret }));
	const runner = new PollRunner(n8n, parameters);
	expect(await runner.poll()).toEqual([]);
	const a = mailbox.deliver('inbox', { subject: 'Invoice 1' });
	const b = mailbox.deliver('inbox', { subject: 'Invoice 2' });
	expect((await runner.poll()).map((m) => m.id)).toEqual([a, b]);
	expect(await runner.poll()).toEqual([]);
	const deltas = s.graph.requests.filter((r) => r.path.endsWith('/delta'));
	expect(deltas).toHaveLength(3);
	for (const request of deltas) {
		expect(request.path.startsWith(`${root}/mailFolders/`)).toBe(true);
		expect(request.app).toEqual({ appId: APP_ID, roles: ['Mail.Read'] });
	}
	expect(s.idp.clientCredentialRequests.filter((r) => r.outcome === 'issued')).toHaveLength(1);
});

it('a mailbox outside the app’s scope fails the poll with the Exchange command that grants it', async () => {
	new DeltaMailbox(`/users/${encodeURIComponent('ceo@contoso.test')}`).install(s.graph);
	const n8n = new AppOnlyHarness({ [TRIGGER]: new OutlookTrigger() }, appOnlyFields(s, { secret }));
	const error = await new PollRunner(n8n, {
		...parameters,
		mailboxId: 'ceo@contoso.test',
	}).failingPoll();
	expect(`${error.message} ${(error as { description?: string }).description}`).toMatch(
		/New-ManagementRoleAssignment/,
	);
});

it('Contact Created with an app holding Contacts.Read: a mailbox outside its scope names Contacts.Read, not Contacts.ReadWrite', async () => {
	// contact-delta documents Contacts.Read as the application permission; the app holds it, so
	// Exchange's mailbox scope refused, and the role to assign there is Application Contacts.Read.
	s.idp.registerApp({
		clientId: APP_ID,
		secrets: [secret],
		roles: { graph: ['Contacts.Read'], imap: [] },
	});
	new ContactsStore().install(s.graph, `/users/${encodeURIComponent('ceo@contoso.test')}`);
	const n8n = new AppOnlyHarness({ [TRIGGER]: new OutlookTrigger() }, appOnlyFields(s, { secret }));
	const error = (await new PollRunner(n8n, {
		authentication: 'appOnly',
		mailboxId: 'ceo@contoso.test',
		event: 'contactCreated',
	}).failingPoll()) as Error & { description?: string };
	expect(error.description).toMatch(/^The app holds Contacts\.Read to read contacts/);
	expect(error.description).toContain('-Role "Application Contacts.Read"');
});

it('offers Authentication first (OAuth2 by default), both credentials, and a required mailbox for App-Only', () => {
	const node = new OutlookTrigger();
	const { properties, credentials } = node.description;
	expect(properties[0]).toMatchObject({ name: 'authentication', default: 'oAuth2' });
	expect(credentials).toEqual([
		expect.objectContaining({
			name: 'outlookOAuth2Api',
			displayOptions: { show: { authentication: ['oAuth2'] } },
		}),
		expect.objectContaining({
			name: 'outlookAppOnlyApi',
			testedBy: 'outlookAppOnlyApiTest',
			displayOptions: { show: { authentication: ['appOnly'] } },
		}),
	]);
	expect(node.methods.credentialTest.outlookAppOnlyApiTest).toBe(outlookAppOnlyApiTest);
	const appMailbox = properties.find(
		(p: INodeProperties) =>
			p.name === 'mailboxId' && p.displayOptions?.show?.authentication?.[0] === 'appOnly',
	);
	expect(appMailbox).toMatchObject({ required: true });
});
