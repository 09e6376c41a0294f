/**
 * 11. Contacts and categories in a real n8n: a workflow creates a contact and a category, tags
 * the demo's first message with that category, and finds the contact again by its address; the
 * editor's option list of the Categories field (n8n's /rest/dynamic-node-parameters, as the node
 * panel calls it) offers the mailbox's categories, the new one included. Asserts the executions'
 * output and what the Graph stand-in holds afterwards.
 */
import type { E2eEnvironment } from '../support/environment';
import { hasNode, nodeType } from '../support/environment';
import { chain, createWorkflow, runWorkflow } from '../support/executions';

const MANUAL = {
	name: 'Manual Trigger',
	type: 'n8n-nodes-base.manualTrigger',
	typeVersion: 1,
	parameters: {},
};
const rl = (value: string, mode = 'id') => ({ __rl: true, mode, value });

export function contactsCategoriesScenario(env: E2eEnvironment) {
	let credential: { id: string; name: string };
	const outlook = (name: string, parameters: Record<string, unknown>) => ({
		name,
		type: nodeType('outlookMail'),
		typeVersion: 1,
		parameters,
		credentials: { outlookOAuth2Api: credential },
	});
	const mailTest = hasNode('OutlookMail') ? test : test.skip;

	beforeAll(async () => {
		credential = await env.connectedCredential(
			{ permissions: ['mailReadWrite', 'contactsReadWrite', 'mailboxSettingsReadWrite'] },
			'Contacts and categories',
		);
	});

	beforeEach(() => {
		env.graph.requests.length = 0;
	});

	afterEach(() => {
		expect(env.graph.violations).toEqual([]);
		expect(env.graph.unhandled).toEqual([]);
	});

	mailTest(
		'a workflow creates a contact and a category, tags a message with it, and finds the contact by address',
		async () => {
			const directory = env.mailbox.directory!;
			const message = env.mailbox.messages[0];
			const workflow = await createWorkflow(
				env.rest,
				'Contacts and categories',
				chain([
					MANUAL,
					outlook('Create Contact', {
						resource: 'contact',
						operation: 'create',
						givenName: 'Dana',
						surname: 'Lee',
						emailAddresses: 'Dana Lee <dana@example.test>',
						additionalFields: { companyName: 'Fabrikam', categories: ['Customers'] },
					}),
					outlook('Create Category', {
						resource: 'category',
						operation: 'create',
						displayName: 'Partners',
						color: 'preset4',
					}),
					outlook('Tag Message', {
						resource: 'message',
						operation: 'update',
						messageId: rl(message.id),
						updateFields: { categories: ['Partners', 'Customers'] },
					}),
					outlook('Find Contact', {
						resource: 'contact',
						operation: 'getAll',
						filters: { emailAddress: 'dana@example.test' },
					}),
				]),
			);
			const execution = await runWorkflow(env.rest, workflow);
			for (const node of ['Create Contact', 'Create Category', 'Tag Message', 'Find Contact'])
				expect([node, execution.error(node)]).toEqual([node, undefined]);
			expect(execution.status).toBe('success');

			const [contact] = execution.output('Create Contact').map((i) => i.json);
			expect(contact).toMatchObject({
				displayName: 'Dana Lee',
				email: 'dana@example.test',
				companyName: 'Fabrikam',
				categories: ['Customers'],
			});
			expect(execution.output('Create Category').map((i) => i.json)).toEqual([
				expect.objectContaining({ displayName: 'Partners', color: 'preset4', colorName: 'Green' }),
			]);
			expect(execution.output('Find Contact').map((i) => i.json.id)).toEqual([contact.id]);

			// What the stand-in holds: the contact, the category, the message's categories.
			expect(directory.contacts.contacts.get(String(contact.id))?.data).toMatchObject({
				givenName: 'Dana',
				emailAddresses: [{ address: 'dana@example.test', name: 'Dana Lee' }],
			});
			expect(directory.categories.categories).toEqual(
				expect.arrayContaining([
					expect.objectContaining({ displayName: 'Partners', color: 'preset4' }),
				]),
			);
			expect(message.categories).toEqual(['Partners', 'Customers']);
			expect(env.graph.calls().map((c) => `${c.method} ${c.path}`)).toEqual(
				expect.arrayContaining([
					'POST /me/contacts',
					'POST /me/outlook/masterCategories',
					`PATCH /me/messages/${encodeURIComponent(message.id)}`,
					'GET /me/contacts',
				]),
			);
		},
	);

	mailTest(
		"the Categories field's option list in the editor offers the mailbox's categories",
		async () => {
			const options = await env.rest.data<
				Array<{ name: string; value: string; description?: string }>
			>('POST', '/rest/dynamic-node-parameters/options', {
				path: 'parameters.updateFields.categories',
				methodName: 'getCategories',
				nodeTypeAndVersion: { name: nodeType('outlookMail'), version: 1 },
				currentNodeParameters: {
					authentication: 'oAuth2',
					mailbox: 'me',
					resource: 'message',
					operation: 'update',
					messageId: rl(''),
					updateFields: {},
				},
				credentials: { outlookOAuth2Api: credential },
			});
			expect(options.map((o) => o.name)).toEqual(
				expect.arrayContaining(['Customers', 'Invoices', 'Partners']),
			);
			expect(options.find((o) => o.name === 'Customers')).toEqual({
				name: 'Customers',
				value: 'Customers',
				description: 'Blue',
			});
			expect(env.graph.calls().map((c) => `${c.method} ${c.path}`)).toEqual([
				'GET /me/outlook/masterCategories',
			]);
		},
	);
}
