import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';

import { resources as calendarResources } from '../../nodes/OutlookCalendar/actions/router';
import { OutlookCalendar } from '../../nodes/OutlookCalendar/OutlookCalendar.node';
import { resources as mailResources } from '../../nodes/OutlookMail/actions/router';
import { OutlookMail } from '../../nodes/OutlookMail/OutlookMail.node';
import type { OperationModule } from '../../nodes/shared/router';
import { declaredFields, type OperationDeclaration } from '../../nodes/shared/declarations';
import {
	defineResource,
	resourceMap,
	resourceProperty,
	type Resource,
} from '../../nodes/shared/resources';
import { withBooleanValidation } from '../../nodes/shared/parameters';

const nodes: Array<[string, string, Resource[], INodeTypeDescription]> = [
	['OutlookMail', 'nodes/OutlookMail/actions', mailResources, new OutlookMail().description],
	[
		'OutlookCalendar',
		'nodes/OutlookCalendar/actions',
		calendarResources,
		new OutlookCalendar().description,
	],
];

const root = join(__dirname, '../..');
const fakeModule = (
	name: string,
	declaration: OperationDeclaration = { does: 'read' },
): OperationModule => ({
	description: [{ displayName: name, name, type: 'string', default: '' }],
	declaration,
	execute: async () => ({}),
});

/** Every field path of an operation's fields, into collections and fixed collections. */
function fieldPaths(properties: INodeProperties[], prefix = ''): string[] {
	return properties.flatMap((p) => {
		const path = `${prefix}${p.name}`;
		const children = (p.options ?? []).flatMap((option) =>
			'values' in option && Array.isArray(option.values)
				? option.values
				: 'type' in option
					? [option as INodeProperties]
					: [],
		);
		return [path, ...fieldPaths(children, `${path}.`)];
	});
}

/**
 * Field names that choose whom mail reaches or comes from, by what Graph calls them
 * (toRecipients, ccRecipients, bccRecipients, replyTo, from, attendees, a rule's forwardTo and
 * redirectTo). A field so named must be in its operation's declaration.
 */
const ADDRESSING =
	/(recipients|attendees|^replyto$|^from$|forward(as(attachment)?)?to|redirectto)$/i;

describe.each(nodes)(
	'%s: one list builds the dropdowns, the fields and the router',
	(_n, dir, resources, description) => {
		it('every resource folder is a resource of the node, and the node offers each one once', () => {
			const folders = readdirSync(join(root, dir), { withFileTypes: true })
				.filter((e) => e.isDirectory())
				.map((e) => e.name)
				.sort();
			expect(resources.map((r) => r.option.value).sort()).toEqual(folders);
			const field = description.properties.filter((p) => p.name === 'resource');
			expect(field).toHaveLength(1);
			expect((field[0].options as Array<{ value: string }>).map((o) => o.value).sort()).toEqual(
				folders,
			);
		});

		it('every operation declares what it does, and every field that addresses mail is in its declaration', () => {
			for (const resource of resources) {
				for (const [operation, module] of Object.entries(resource.operations)) {
					const where = `${resource.option.value} → ${operation}`;
					expect([where, ['read', 'change', 'draft', 'send']]).toEqual([
						where,
						expect.arrayContaining([module.declaration.does]),
					]);
					// In an operation that only reads, such fields filter (Get Many → Filters → From).
					if (module.declaration.does === 'read') continue;
					const declared = declaredFields(module.declaration);
					const addressing = fieldPaths(module.description).filter((path) =>
						ADDRESSING.test(path.split('.').pop()!),
					);
					const undeclared = addressing.filter((path) => !declared.includes(path));
					expect({ where, undeclared }).toEqual({ where, undeclared: [] });
				}
			}
		});

		it('every *.operation.ts file of a resource is offered, with a handler, an action and fields for it alone', () => {
			for (const resource of resources) {
				const files = readdirSync(join(root, dir, resource.option.value))
					.filter((f) => f.endsWith('.operation.ts'))
					.map((f) => f.replace('.operation.ts', ''))
					.sort();
				const modules = Object.values(resource.operations);
				// Each file's module is offered exactly once (file names may differ from values: delete → del).
				expect(modules).toHaveLength(files.length);
				expect(new Set(modules).size).toBe(files.length);

				const [operationField] = resource.description;
				expect(operationField).toMatchObject({
					name: 'operation',
					displayOptions: { show: { resource: [resource.option.value] } },
				});
				const options = operationField.options as Array<{
					value: string;
					action: string;
					name: string;
				}>;
				expect(options.map((o) => o.value).sort()).toEqual(Object.keys(resource.operations).sort());
				expect(options.map((o) => o.name)).toEqual([...options.map((o) => o.name)].sort());
				for (const option of options) {
					expect(option.action).toBeTruthy();
					const handler = resource.operations[option.value];
					expect(handler.execute ?? handler.executeAll).toEqual(expect.any(Function));
					for (const field of handler.description) {
						expect(field.displayOptions?.show).toMatchObject({
							resource: [resource.option.value],
							operation: [option.value],
						});
					}
				}
				// The node carries exactly these fields for the resource (its booleans validated, as
				// every node's: nodes/shared/parameters.ts).
				const onNode = description.properties.filter(
					(p: INodeProperties) =>
						p.displayOptions?.show?.resource?.includes(resource.option.value) === true,
				);
				expect(onNode).toEqual(withBooleanValidation(resource.description));
			}
		});
	},
);

describe('defineResource', () => {
	it('refuses an operation listed twice and a default that is not listed', () => {
		const entry = (value: string) => ({
			option: { name: value, value, description: value, action: value },
			module: fakeModule(value),
		});
		expect(() => defineResource({ name: 'R', value: 'r' }, [entry('a'), entry('a')], 'a')).toThrow(
			'operation a listed twice',
		);
		expect(() => defineResource({ name: 'R', value: 'r' }, [entry('a')], 'b')).toThrow(
			'default operation b not listed',
		);
		const r = defineResource({ name: 'R', value: 'r' }, [entry('b'), entry('a')], 'b');
		expect((r.description[0].options as Array<{ value: string }>).map((o) => o.value)).toEqual([
			'a',
			'b',
		]);
		expect(r.description.slice(1).map((p) => p.name)).toEqual(['b', 'a']);
		expect(() => resourceProperty([r], 'x')).toThrow('Default resource x not listed');
	});

	it('refuses an operation that does not declare what it does, or declares it wrongly', () => {
		const entry = (value: string, module: OperationModule) => ({
			option: { name: value, value, description: value, action: value },
			module,
		});
		const undeclared = { ...fakeModule('a') } as Partial<OperationModule>;
		delete undeclared.declaration;
		expect(() =>
			defineResource({ name: 'R', value: 'r' }, [entry('a', undeclared as OperationModule)], 'a'),
		).toThrow('Resource r, operation a: it declares nothing');
		const define = (declaration: OperationDeclaration) => () =>
			defineResource({ name: 'R', value: 'r' }, [entry('a', fakeModule('a', declaration))], 'a');
		expect(define({ does: 'send' })).toThrow('it sends but names no recipients');
		expect(define({ does: 'draft', reaches: [] })).toThrow(
			'it saves drafts but names no recipients',
		);
		expect(define({ does: 'read', reaches: [{ implicit: 'replyTargets' }] })).toThrow(
			'it reaches recipients but declares "read"',
		);
		expect(define({ does: 'send', reaches: [{ field: 'to', label: 'To' }] })).toThrow(
			'it names fields it does not have: to',
		);
		expect(define({ does: 'send', reaches: [{ field: 'a', label: 'A' }], from: ['b'] })).toThrow(
			'it names fields it does not have: b',
		);
		expect(define({ does: 'change', asDraft: { resource: 'draft', operation: 'create' } })).toThrow(
			'sendsOnlyWhenReaching and asDraft apply to operations that send',
		);
		expect(define({ does: 'send', reaches: [{ field: 'a', label: 'A' }] })).not.toThrow();
		// Implicit recipients need the fields their resolver reads (nodes/shared/toolPolicy/resolvers.ts).
		expect(define({ does: 'send', reaches: [{ implicit: 'replyTargets' }] })).toThrow(
			'it names fields it does not have: messageId',
		);
		expect(
			define({ does: 'send', reaches: [{ implicit: 'nobodyKnows' as 'replyTargets' }] }),
		).toThrow('it names an unknown source of recipients: nobodyKnows');
		expect(
			define({
				does: 'send',
				reaches: [
					{ field: 'a', label: 'A' },
					{ implicit: 'eventOrganizer', when: 'a' },
				],
			}),
		).toThrow('it names fields it does not have: eventId');
		expect(
			define({ does: 'send', reaches: [{ field: 'a', label: 'A', role: 'cc' as 'replyTo' }] }),
		).toThrow('the field a has an unknown role cc');
		// A Calendar field chooses whose calendar, and so whom a meeting is sent as: an operation that
		// sends with one must have its owner read (calendarOwner), or a shared calendar goes unchecked.
		const withCalendar = (declaration: OperationDeclaration) => () =>
			defineResource(
				{ name: 'R', value: 'r' },
				[entry('calendar', fakeModule('calendar', declaration))],
				'calendar',
			);
		const attendees = { field: 'calendar', label: 'A' } as const;
		expect(withCalendar({ does: 'send', reaches: [attendees] })).toThrow(
			'its field calendar chooses whom it sends as, and it does not name calendarOwner',
		);
		expect(
			withCalendar({ does: 'send', reaches: [attendees, { implicit: 'calendarOwner' }] }),
		).not.toThrow();
		expect(withCalendar({ does: 'change' })).not.toThrow();
	});

	it('refuses an asDraft that does not name an operation saving a draft', () => {
		const sending = defineResource(
			{ name: 'M', value: 'message' },
			[
				{
					option: { name: 'a', value: 'a', description: 'a', action: 'Send a' },
					module: fakeModule('a', {
						does: 'send',
						reaches: [{ field: 'a', label: 'A' }],
						asDraft: { resource: 'draft', operation: 'create' },
					}),
					toolAction: 'Write a',
				},
			],
			'a',
		);
		const drafts = (declaration: OperationDeclaration) =>
			defineResource(
				{ name: 'D', value: 'draft' },
				[
					{
						option: { name: 'create', value: 'create', description: 'c', action: 'c' },
						module: fakeModule('create', declaration),
					},
				],
				'create',
			);
		expect(() => resourceMap([sending])).toThrow(
			'asDraft names draft → create, which is not an operation that saves a draft',
		);
		expect(() => resourceMap([sending, drafts({ does: 'change' })])).toThrow(
			'which is not an operation that saves a draft',
		);
		expect(() =>
			resourceMap([
				sending,
				drafts({ does: 'draft', reaches: [{ field: 'create', label: 'To' }] }),
			]),
		).not.toThrow();
		// Its tool may run as the draft: the tool's title must not say it sends.
		const untitled = { ...sending, toolActions: {} };
		expect(() =>
			resourceMap([
				untitled,
				drafts({ does: 'draft', reaches: [{ field: 'create', label: 'To' }] }),
			]),
		).toThrow("its AI tool's title needs a toolAction that does not say it sends");
	});
});

describe('docs/outlook-mail.md: the operations table', () => {
	it('names each resource’s operations as the Operation dropdown does, every one of them', () => {
		const doc = readFileSync(join(root, 'docs/outlook-mail.md'), 'utf8');
		const table = doc.slice(doc.indexOf('| Resource | Operation |'));
		const rows = table
			.slice(0, table.indexOf('\n\n'))
			.split('\n')
			.slice(2)
			.map((row) => row.split('|').map((cell) => cell.trim()));
		const documented = new Map<string, string[]>();
		for (const [, resource, operations] of rows)
			documented.set(resource, [
				...(documented.get(resource) ?? []),
				...operations.split(',').map((name) => name.trim()),
			]);
		const offered = new Map(
			mailResources.map((resource) => {
				const operation = resource.description.find((p) => p.name === 'operation');
				const names = (operation?.options ?? []).map((option) => (option as { name: string }).name);
				return [String(resource.option.name), names];
			}),
		);
		expect([...documented.keys()].sort()).toEqual([...offered.keys()].sort());
		for (const [resource, names] of offered)
			expect({ resource, operations: [...documented.get(resource)!].sort() }).toEqual({
				resource,
				operations: [...names].sort(),
			});
	});
});
