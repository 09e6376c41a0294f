import { readdirSync } from 'fs';
import { join } from 'path';
import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';

import { resources as calendarResources } from '../../nodes/OutlookCalendar/actions/router';
import { OutlookCalendar } from '../../nodes/OutlookCalendar/OutlookCalendar.node';
import { resources as mailResources } from '../../nodes/OutlookMail/actions/router';
import { OutlookMail } from '../../nodes/OutlookMail/OutlookMail.node';
import type { OperationModule } from '../../nodes/shared/router';
import { defineResource, resourceProperty, type Resource } from '../../nodes/shared/resources';

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
const fakeModule = (name: string): OperationModule => ({
	description: [{ displayName: name, name, type: 'string', default: '' }],
	execute: async () => ({}),
});

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
				// The node carries exactly these fields for the resource.
				const onNode = description.properties.filter(
					(p: INodeProperties) =>
						p.displayOptions?.show?.resource?.includes(resource.option.value) === true,
				);
				expect(onNode).toEqual(resource.description);
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
});
