/**
 * Category (the mailbox's master list) through n8n-core against the stand-in
 * (test/support/graph-categories.ts), and the Categories fields that offer the list.
 */
import { OutlookCalendar } from '../../../nodes/OutlookCalendar/OutlookCalendar.node';
import { getCategories } from '../../../nodes/shared/categories';
import { ALL_GRAPH_PERMISSIONS, connectedCredential } from '../../support/fixtures';
import { CategoryList } from '../../support/graph-categories';
import { graphError } from '../../support/graph-standin';
import { N8nHarness } from '../../support/n8n-harness';
import { MAIL, rl, useMailNode } from '../message/setup';

const PERMISSIONS = [...ALL_GRAPH_PERMISSIONS, 'mailboxSettingsReadWrite'];

describe('Category', () => {
	const t = useMailNode({ permissions: PERMISSIONS });
	let list: CategoryList;
	beforeEach(() => {
		list = new CategoryList().install(t.s.graph);
	});

	it("lists the mailbox's categories with each colour's Outlook name", async () => {
		list.add('Invoices', 'preset7');
		list.add('No colour', 'none');
		const out = await t.run({ resource: 'category', operation: 'getAll' });
		expect(out.map((o) => o.json)).toEqual([
			{ id: expect.any(String), displayName: 'Invoices', color: 'preset7', colorName: 'Blue' },
			{ id: expect.any(String), displayName: 'No colour', color: 'none', colorName: 'No Color' },
		]);
		expect(t.s.graph.calls()).toEqual([
			expect.objectContaining({ method: 'GET', path: '/me/outlook/masterCategories', query: {} }),
		]);
	});

	it('creates a category with a preset colour; the list holds it', async () => {
		const [item] = await t.run({
			resource: 'category',
			operation: 'create',
			displayName: ' Project X ',
			color: 'preset19',
		});
		expect(t.s.graph.calls()[0].body).toEqual({ displayName: 'Project X', color: 'preset19' });
		expect(list.categories).toEqual([
			{ id: item.json.id, displayName: 'Project X', color: 'preset19' },
		]);
		expect(item.json.colorName).toBe('Dark Green');
	});

	it('changes the colour of a category chosen by name (whatever its case) or by ID', async () => {
		const invoices = list.add('Invoices', 'preset0');
		await t.run({
			resource: 'category',
			operation: 'update',
			categoryId: rl('invoices', 'name'),
			color: 'preset4',
		});
		expect(t.s.graph.calls().map((c) => [c.method, c.path, c.body])).toEqual([
			['GET', '/me/outlook/masterCategories', undefined],
			['PATCH', `/me/outlook/masterCategories/${invoices.id}`, { color: 'preset4' }],
		]);
		expect(invoices.color).toBe('preset4');
		await t.run({
			resource: 'category',
			operation: 'update',
			categoryId: rl(invoices.id),
			color: 'preset5',
		});
		expect(invoices.color).toBe('preset5');
	});

	it('a name not in the list is refused with the names it holds; an ID that is gone is a 404 with the fix', async () => {
		list.add('Invoices');
		const byName = await t.fail({
			resource: 'category',
			operation: 'delete',
			categoryId: rl('Receipts', 'name'),
		});
		expect(byName.message).toBe('No category named "Receipts" in the mailbox\'s category list');
		expect(byName.description).toMatch(/^The list holds: Invoices\. Create it first/);
		const gone = await t.fail({
			resource: 'category',
			operation: 'delete',
			categoryId: rl('5f0c7a4e-0000-4000-8000-000000000000'),
		});
		expect(gone.message).toContain('404');
		expect(gone.description).toMatch(/^No category with this ID .*By Name/);
	});

	it('deletes a category', async () => {
		const invoices = list.add('Invoices');
		const [item] = await t.run({
			resource: 'category',
			operation: 'delete',
			categoryId: rl(invoices.id),
		});
		expect(item.json).toEqual({ id: invoices.id, deleted: true });
		expect(list.categories).toEqual([]);
	});

	it('a delete that Graph did before answering 504 is repeated, finds the category gone, and counts as deleted; a 404 after a 429 is not', async () => {
		const invoices = list.add('Invoices');
		const receipts = list.add('Receipts');
		// Graph removes the category, then the gateway times out: the retry finds nothing.
		let timedOut = false;
		t.s.graph.on('DELETE', '/me/outlook/masterCategories/:id', (_request, { id }) => {
			const index = list.categories.findIndex((c) => c.id === id);
			if (index < 0)
				return graphError(
					404,
					'ErrorItemNotFound',
					'The specified object was not found in the store.',
				);
			list.categories.splice(index, 1);
			if (timedOut) return { status: 204 };
			timedOut = true;
			return graphError(504, 'UnknownError', 'Gateway Timeout');
		});
		const [item] = await t.run({
			resource: 'category',
			operation: 'delete',
			categoryId: rl(invoices.id),
		});
		expect(item.json).toEqual({ id: invoices.id, deleted: true });
		expect(t.s.graph.calls().map((c) => c.method)).toEqual(['DELETE', 'DELETE']);
		expect(list.categories).toEqual([receipts]);

		// A 429 says Graph did nothing: the 404 after it is the ID's own.
		t.s.graph.reset();
		list.install(t.s.graph);
		t.s.graph.throttle('DELETE', '/me/outlook/masterCategories/:id', 1, { retryAfter: '0' });
		const gone = await t.fail({
			resource: 'category',
			operation: 'delete',
			categoryId: rl(invoices.id),
		});
		expect(gone.message).toContain('404');
		expect(gone.description).toMatch(/^No category with this ID/);
	});

	it('a 403 names MailboxSettings.ReadWrite for a change and MailboxSettings.Read for the list', async () => {
		const denied = graphError(
			403,
			'ErrorAccessDenied',
			'Access is denied. Check credentials and try again.',
		);
		t.s.graph.on('POST', '/me/outlook/masterCategories', denied);
		t.s.graph.on('GET', '/me/outlook/masterCategories', denied);
		const create = await t.fail({ resource: 'category', operation: 'create', displayName: 'X' });
		expect(create.description).toMatch(
			/^MailboxSettings\.ReadWrite is needed to create categories/,
		);
		const read = await t.fail({ resource: 'category', operation: 'getAll' });
		expect(read.description).toMatch(/^MailboxSettings\.Read is needed to list categories/);
	});
});

describe("Categories fields offer the mailbox's categories", () => {
	const t = useMailNode({ permissions: PERMISSIONS });

	it('Outlook Mail and Outlook Calendar list the names, sorted, with their colours, from the chosen mailbox', async () => {
		new CategoryList().install(t.s.graph, '/users/shared%40contoso.com');
		const list = new CategoryList().install(t.s.graph);
		list.add('Red category', 'preset0');
		list.add('Blue category', 'preset7');
		const mail = t.n8n.loadOptionsContext(MAIL, {
			parameters: { resource: 'message', operation: 'update' },
		});
		expect(await getCategories.call(mail)).toEqual([
			{ name: 'Blue category', value: 'Blue category', description: 'Blue' },
			{ name: 'Red category', value: 'Red category', description: 'Red' },
		]);
		const calendar = new N8nHarness(
			{ outlookCalendar: new OutlookCalendar() },
			connectedCredential(t.s, { permissions: PERMISSIONS }),
		).loadOptionsContext('outlookCalendar', {
			parameters: { mailbox: 'other', mailboxId: 'shared@contoso.com', resource: 'event' },
		});
		expect(await getCategories.call(calendar)).toEqual([]);
		expect(t.s.graph.calls().map((c) => c.path)).toEqual([
			'/me/outlook/masterCategories',
			'/users/shared%40contoso.com/outlook/masterCategories',
		]);
	});

	it('Message → Update sets the categories chosen from the list; names from an expression still work', async () => {
		t.s.graph.on('PATCH', '/me/messages/:id', (request) => ({
			body: { id: 'AAMk1=', ...(request.body as object) },
		}));
		await t.run({
			resource: 'message',
			operation: 'update',
			messageId: rl('AAMk1='),
			updateFields: { categories: ['Red category', 'Blue category'] },
		});
		await t.run({
			resource: 'message',
			operation: 'update',
			messageId: rl('AAMk1='),
			updateFields: { categories: '={{ "Red category, Project X" }}' },
		});
		expect(t.s.graph.calls().map((c) => (c.body as { categories: string[] }).categories)).toEqual([
			['Red category', 'Blue category'],
			['Red category', 'Project X'],
		]);
	});
});
