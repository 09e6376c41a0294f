/**
 * Boolean fields as n8n reads them when an expression fills them: every boolean field of every
 * node in package.json (also inside collections) declares `validateType: 'boolean'`
 * (nodes/shared/parameters.ts withBooleanValidation), so n8n turns "false" into false instead of
 * handing on a truthy text. Generated from the package: a node or field added tomorrow is covered.
 */
import type { INodeProperties, INodePropertyCollection } from 'n8n-workflow';
import { listValue } from '../../nodes/shared/parameters';
import { packageNodes, sourceLinesMatching } from '../support/package-sources';

const nodes = packageNodes();

/** Every boolean field, by its path, with what it declares. */
function booleans(properties: INodeProperties[], path = ''): Array<[string, unknown]> {
	return properties.flatMap((property) => {
		const at = `${path}${property.name}`;
		if (property.type === 'boolean')
			return [[at, property.validateType]] as Array<[string, unknown]>;
		if (property.type === 'collection')
			return booleans((property.options ?? []) as INodeProperties[], `${at}.`);
		if (property.type === 'fixedCollection')
			return ((property.options ?? []) as INodePropertyCollection[]).flatMap((group) =>
				booleans(group.values, `${at}.${group.name}.`),
			);
		return [];
	});
}

describe.each(nodes)('%s', (_name, node) => {
	test('every boolean field declares validateType: boolean', () => {
		const found = booleans(node.description.properties);
		expect(found.length).toBeGreaterThan(0);
		expect(found.filter(([, declared]) => declared !== 'boolean').map(([at]) => at)).toEqual([]);
	});
});

describe('list fields are read as lists whatever an expression gives', () => {
	it('listValue takes an array or text separated by commas', () => {
		expect(listValue(['a', ' b ', ''])).toEqual(['a', 'b']);
		expect(listValue('subject, from,,isRead ')).toEqual(['subject', 'from', 'isRead']);
		expect(listValue(undefined)).toEqual([]);
		expect(listValue('')).toEqual([]);
	});

	it('no node casts a parameter to a list: an expression may give text ("a, b"), and .filter or .join on it failed the item with a TypeError', () => {
		expect(
			sourceLinesMatching(
				/getNodeParameter\([^;]*\)\s*as\s*(string\[\]|Array<string>|readonly string\[\])/,
			),
		).toEqual([]);
	});
});
