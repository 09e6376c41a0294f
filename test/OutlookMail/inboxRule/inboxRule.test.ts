/**
 * Inbox Rule through n8n-core against the stand-in (test/support/graph-rules.ts): conditions,
 * actions and exceptions as Graph names them, what the Inbox holds afterwards, and the errors.
 */
import { resources } from '../../../nodes/OutlookMail/actions/router';
import { ALL_GRAPH_PERMISSIONS } from '../../support/fixtures';
import { graphError } from '../../support/graph-standin';
import { RuleList } from '../../support/graph-rules';
import { rl, useMailNode } from '../message/setup';

const PERMISSIONS = [...ALL_GRAPH_PERMISSIONS, 'mailboxSettingsReadWrite'];

describe('Inbox Rule', () => {
	const t = useMailNode({ permissions: PERMISSIONS });
	let rules: RuleList;
	beforeEach(() => {
		rules = new RuleList().install(t.s.graph);
		t.s.graph.on('GET', '/me/mailFolders/:id', (_request, { id }) => ({
			body: { id: `AAMk-${id}=`, displayName: id },
		}));
	});

	it('creates a rule with conditions, actions and exceptions as Graph names them; well-known folders become IDs', async () => {
		const [item] = await t.run({
			resource: 'inboxRule',
			operation: 'create',
			displayName: 'Invoices to accounting',
			sequence: 2,
			conditions: {
				subjectContains: 'invoice, receipt',
				fromAddresses: 'billing@fabrikam.com',
				hasAttachments: true,
				importance: 'high',
				withinSizeRange: { range: { minimumSize: 10, maximumSize: 0 } },
			},
			actions: {
				moveToFolder: rl('archive'),
				assignCategories: ['Invoices'],
				forwardTo: 'Accounting <accounting@contoso.com>',
				markAsRead: true,
				stopProcessingRules: true,
			},
			exceptions: { senderContains: 'noreply' },
		});
		const post = t.s.graph.calls().find((c) => c.method === 'POST')!;
		expect(post.path).toBe('/me/mailFolders/inbox/messageRules');
		expect(post.body).toEqual({
			displayName: 'Invoices to accounting',
			sequence: 2,
			isEnabled: true,
			conditions: {
				subjectContains: ['invoice', 'receipt'],
				hasAttachments: true,
				importance: 'high',
				fromAddresses: [{ emailAddress: { address: 'billing@fabrikam.com' } }],
				withinSizeRange: { minimumSize: 10 },
			},
			actions: {
				markAsRead: true,
				stopProcessingRules: true,
				assignCategories: ['Invoices'],
				forwardTo: [{ emailAddress: { address: 'accounting@contoso.com', name: 'Accounting' } }],
				moveToFolder: 'AAMk-archive=',
			},
			exceptions: { senderContains: ['noreply'] },
		});
		expect(rules.rules).toEqual([expect.objectContaining({ id: item.json.id, hasError: false })]);
	});

	it('refuses a rule without an action, a bad forward address and an inverted size range, before any request', async () => {
		const base = { resource: 'inboxRule', operation: 'create', displayName: 'R', sequence: 1 };
		expect((await t.fail({ ...base, conditions: { isVoicemail: true } })).message).toBe(
			'The rule has no action',
		);
		expect((await t.fail({ ...base, actions: { redirectTo: 'not an address' } })).message).toMatch(
			/not an address.*Actions → Redirect To/,
		);
		expect(
			(
				await t.fail({
					...base,
					actions: { delete: true },
					conditions: { withinSizeRange: { range: { minimumSize: 50, maximumSize: 10 } } },
				})
			).message,
		).toBe('In Conditions → Size Range (KB), Maximum Size (10) is below Minimum Size (50)');
		// Sizes from an expression: "ten" is not a size (it went out as null), nor is -5.
		for (const [range, message] of [
			[
				{ minimumSize: '={{ "ten" }}' },
				'In Exceptions → Size Range (KB), Minimum Size must be a whole number of 0 or more (got "ten")',
			],
			[
				{ minimumSize: 1, maximumSize: '={{ -5 }}' },
				'In Exceptions → Size Range (KB), Maximum Size must be a whole number of 0 or more (got -5)',
			],
		] as const)
			expect(
				(
					await t.fail({
						...base,
						actions: { delete: true },
						exceptions: { withinSizeRange: { range } },
					})
				).message,
			).toBe(message);
		expect(t.s.graph.calls()).toEqual([]);
	});

	it("a list left empty is no condition and no action: Create without another action is refused, Update keeps the rule's conditions", async () => {
		const base = { resource: 'inboxRule', operation: 'create', displayName: 'R', sequence: 1 };
		const noAction = await t.fail({
			...base,
			conditions: { subjectContains: 'invoice' },
			actions: { assignCategories: [] },
		});
		expect(noAction.message).toBe('The rule has no action');
		expect(t.s.graph.calls()).toEqual([]);

		const rule = rules.add({
			displayName: 'Invoices',
			sequence: 1,
			conditions: { subjectContains: ['invoice'] },
			actions: { delete: true },
		});
		await t.run({
			resource: 'inboxRule',
			operation: 'update',
			ruleId: rl(String(rule.id)),
			updateFields: { displayName: 'Invoices (old)' },
			// An expression that gives nothing for this item, and fields added but left empty.
			conditions: { subjectContains: '={{ "" }}', fromAddresses: '', categories: [] },
		});
		expect(t.s.graph.calls()[0].body).toEqual({ displayName: 'Invoices (old)' });
		expect(rule.conditions).toEqual({ subjectContains: ['invoice'] });
	});

	it('lists the rules in the order they run', async () => {
		rules.add({ displayName: 'Second', sequence: 2, actions: { markAsRead: true } });
		rules.add({ displayName: 'First', sequence: 1, actions: { delete: true } });
		const out = await t.run({ resource: 'inboxRule', operation: 'getAll' });
		expect(out.map((o) => o.json.displayName)).toEqual(['First', 'Second']);
	});

	it("an update changes what is given; actions given replace the rule's actions", async () => {
		const rule = rules.add({
			displayName: 'Old',
			sequence: 1,
			conditions: { senderContains: ['x'] },
			actions: { markAsRead: true, delete: true },
		});
		await t.run({
			resource: 'inboxRule',
			operation: 'update',
			ruleId: rl(String(rule.id)),
			updateFields: { isEnabled: false, displayName: 'New' },
			actions: { redirectTo: 'desk@contoso.com' },
		});
		expect(t.s.graph.calls()).toEqual([
			expect.objectContaining({
				method: 'PATCH',
				path: `/me/mailFolders/inbox/messageRules/${encodeURIComponent(String(rule.id))}`,
				body: {
					displayName: 'New',
					isEnabled: false,
					actions: { redirectTo: [{ emailAddress: { address: 'desk@contoso.com' } }] },
				},
			}),
		]);
		expect(rule).toMatchObject({
			displayName: 'New',
			isEnabled: false,
			conditions: { senderContains: ['x'] },
			actions: { redirectTo: [{ emailAddress: { address: 'desk@contoso.com' } }] },
		});
		const nothing = await t.fail({
			resource: 'inboxRule',
			operation: 'update',
			ruleId: rl(String(rule.id)),
		});
		expect(nothing.message).toBe('Nothing to update');
	});

	it('deletes a rule; one that is gone is a 404 that says to pick it from the list', async () => {
		const rule = rules.add({ displayName: 'R', sequence: 1, actions: { delete: true } });
		await t.run({ resource: 'inboxRule', operation: 'delete', ruleId: rl(String(rule.id)) });
		expect(rules.rules).toEqual([]);
		const gone = await t.fail({
			resource: 'inboxRule',
			operation: 'delete',
			ruleId: rl(String(rule.id)),
		});
		expect(gone.description).toMatch(/^No inbox rule with this ID .*Pick the rule from the list/);
	});

	it('a 403 names MailboxSettings.ReadWrite (a rule that forwards needs no Mail.Send)', async () => {
		t.s.graph.on(
			'POST',
			'/me/mailFolders/inbox/messageRules',
			graphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.'),
		);
		const error = await t.fail({
			resource: 'inboxRule',
			operation: 'create',
			displayName: 'R',
			sequence: 1,
			actions: { forwardTo: 'a@contoso.com' },
		});
		expect(error.description).toMatch(
			/^MailboxSettings\.ReadWrite is needed to create inbox rules/,
		);
	});

	it("declares a rule that can forward or redirect as sending, to those fields (Update also to the rule's own forwarding)", () => {
		const rule = resources.find((r) => r.option.value === 'inboxRule')!;
		const fields = [
			{ field: 'actions.forwardTo', label: 'Forward To' },
			{ field: 'actions.forwardAsAttachmentTo', label: 'Forward as Attachment To' },
			{ field: 'actions.redirectTo', label: 'Redirect To' },
		];
		expect(rule.operations.create.declaration).toEqual({
			does: 'send',
			sendsOnlyWhenReaching: true,
			reaches: fields,
		});
		expect(rule.operations.update.declaration).toEqual({
			does: 'send',
			sendsOnlyWhenReaching: true,
			reaches: [{ implicit: 'ruleForwardTargets' }, ...fields],
		});
		expect(rule.operations.delete.declaration).toEqual({ does: 'change' });
		expect(rule.operations.getAll.declaration).toEqual({ does: 'read' });
	});
});
