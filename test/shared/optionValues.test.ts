/**
 * `options` values as operations read them (nodes/shared/optionValues.ts): generated from the
 * resource tables, so a field added tomorrow is covered. Every static options field of every
 * operation, at the top level or inside a collection or fixed collection, read by its path: a value
 * in another case or with spaces around is the option's value; a value that names no option fails
 * naming the field. Then through the node: the router hands operations the checked context.
 */
import type {
	INode,
	INodeProperties,
	INodePropertyCollection,
	INodePropertyOptions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { resources as calendarResources } from '../../nodes/OutlookCalendar/actions/router';
import { resources as mailResources } from '../../nodes/OutlookMail/actions/router';
import { checkedParameter } from '../../nodes/shared/optionValues';
import type { Resource } from '../../nodes/shared/resources';
import { useMailNode } from '../OutlookMail/message/setup';

const node: INode = {
	id: '1',
	name: 'Outlook',
	type: 'outlookMail',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};
const ctx = { getNode: () => node };

interface OptionField {
	path: string;
	property: INodeProperties;
}

function optionFields(properties: INodeProperties[], prefix = ''): OptionField[] {
	return properties.flatMap((property): OptionField[] => {
		const path = `${prefix}${property.name}`;
		if (property.type === 'options') {
			if (property.typeOptions?.loadOptionsMethod) return [];
			return [{ path, property }];
		}
		if (property.type === 'collection')
			return optionFields((property.options ?? []) as INodeProperties[], `${path}.`);
		if (property.type === 'fixedCollection')
			return ((property.options ?? []) as INodePropertyCollection[]).flatMap((group) =>
				optionFields(group.values, `${path}.${group.name}.`),
			);
		return [];
	});
}

const cases = (
	[
		['OutlookMail', mailResources],
		['OutlookCalendar', calendarResources],
	] as Array<[string, Resource[]]>
).flatMap(([nodeName, resources]) =>
	resources.flatMap((resource) =>
		Object.entries(resource.operations).flatMap(([operation, module]) =>
			optionFields(module.description).map(
				({ path, property }) =>
					[
						`${nodeName} ${resource.option.value} → ${operation}: ${path}`,
						module.description,
						path,
						property,
					] as const,
			),
		),
	),
);

describe('every static options field of every operation', () => {
	it('there are such fields (so the table below means something)', () => {
		expect(cases.length).toBeGreaterThan(50);
	});

	it.each(cases)('%s', (_label, description, path, property) => {
		const read = (value: unknown) => checkedParameter(ctx, description, path, 0, value);
		for (const option of property.options as INodePropertyOptions[]) {
			expect(read(option.value)).toBe(option.value);
			if (typeof option.value !== 'string') continue;
			const clash = (property.options as INodePropertyOptions[]).filter(
				(o) => String(o.value).toLowerCase() === option.value.toString().toLowerCase(),
			);
			if (clash.length === 1) {
				expect(read(` ${option.value.toUpperCase()} `)).toBe(option.value);
			}
		}
		expect(read('')).toBe('');
		expect(read(undefined)).toBeUndefined();
		let error: unknown;
		try {
			read('no such option ✗');
		} catch (caught) {
			error = caught;
		}
		expect(error).toBeInstanceOf(NodeOperationError);
		// Named as the editor shows it; a fixed collection's fields with its name ("Recurrence Frequency").
		expect((error as Error).message).toMatch(
			new RegExp(
				`^"no such option ✗" in the field (\\S.* )?${property.displayName.replace(/[()]/g, '\\$&')} is not one of its options$`,
			),
		);
	});

	it('a collection read whole has its options checked too', () => {
		const [, description, path, property] = cases.find(
			([, , p]) => p === 'additionalFields.importance',
		)!;
		expect(property.displayName).toBe('Importance');
		expect(
			checkedParameter(ctx, description, path.split('.')[0], 0, { importance: 'High' }),
		).toEqual({ importance: 'high' });
	});
});

describe('through the node: the router hands operations the checked context', () => {
	const t = useMailNode();
	const send = (importance: string) => ({
		resource: 'message',
		operation: 'send',
		toRecipients: 'bob@contoso.com',
		subject: 'Report',
		bodyContentType: 'text',
		bodyContent: 'Hi',
		additionalFields: { importance },
	});

	it('Importance "High" from an expression is sent as Graph\'s "high"', async () => {
		t.s.graph.on('POST', '/me/sendMail', { status: 202 });
		await t.run(send('High'));
		expect(t.s.graph.calls()[0].body).toMatchObject({ message: { importance: 'high' } });
	});

	it('Importance "urgent" fails the item naming the field, before any request', async () => {
		const error = await t.fail(send('urgent'));
		expect(error.message).toBe('"urgent" in the field Importance is not one of its options');
		expect(t.s.graph.calls()).toEqual([]);
	});
});
