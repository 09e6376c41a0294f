/**
 * Every option list and list search a field names (at any depth: inside collections and fixed
 * collections too) exists on its node, for every node of the package; a picker whose method is
 * missing shows an empty list in the editor and fails nowhere else.
 */
import type { INodeProperties, INodeType } from 'n8n-workflow';

import { OutlookCalendar } from '../../nodes/OutlookCalendar/OutlookCalendar.node';
import { OutlookMail } from '../../nodes/OutlookMail/OutlookMail.node';
import { OutlookTrigger } from '../../nodes/OutlookTrigger/OutlookTrigger.node';

function children(property: INodeProperties): INodeProperties[] {
	return (property.options ?? []).flatMap((option) =>
		'values' in option && Array.isArray(option.values)
			? option.values
			: 'type' in option
				? [option as INodeProperties]
				: [],
	);
}

function methodsNamed(properties: INodeProperties[]): { search: string[]; load: string[] } {
	const search: string[] = [];
	const load: string[] = [];
	const walk = (list: INodeProperties[]) => {
		for (const property of list) {
			for (const mode of property.modes ?? [])
				if (typeof mode.typeOptions?.searchListMethod === 'string')
					search.push(mode.typeOptions.searchListMethod);
			if (typeof property.typeOptions?.loadOptionsMethod === 'string')
				load.push(property.typeOptions.loadOptionsMethod);
			walk(children(property));
		}
	};
	walk(properties);
	return { search: [...new Set(search)].sort(), load: [...new Set(load)].sort() };
}

describe.each<[string, INodeType]>([
	['Outlook Mail', new OutlookMail()],
	['Outlook Calendar', new OutlookCalendar()],
	['Outlook Trigger', new OutlookTrigger()],
])('%s', (_name, node) => {
	it('has every list search and option list its fields name', () => {
		const { search, load } = methodsNamed(node.description.properties);
		const methods = node.methods as {
			listSearch?: Record<string, unknown>;
			loadOptions?: Record<string, unknown>;
		};
		for (const name of search)
			expect([name, methods.listSearch?.[name]]).toEqual([name, expect.any(Function)]);
		for (const name of load)
			expect([name, methods.loadOptions?.[name]]).toEqual([name, expect.any(Function)]);
	});

	it('offers the mailbox categories wherever a Categories field is', () => {
		const { load } = methodsNamed(node.description.properties);
		expect(load).toContain('getCategories');
	});
});
