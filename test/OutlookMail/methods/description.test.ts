import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';

import * as attachment from '../../../nodes/OutlookMail/actions/attachment/Attachment.resource';
import * as folder from '../../../nodes/OutlookMail/actions/folder/Folder.resource';
import { OutlookMail } from '../../../nodes/OutlookMail/OutlookMail.node';

function searchMethodsUsed(properties: INodeProperties[]): string[] {
	return properties.flatMap((p) =>
		(p.modes ?? [])
			.map((mode) => mode.typeOptions?.searchListMethod)
			.filter((m): m is string => typeof m === 'string'),
	);
}

describe('Attachment and Folder descriptions', () => {
	it.each([
		['attachment', attachment],
		['folder', folder],
	])(
		'%s: one operation field, every option has a module, every other field shows only for its resource and operation',
		(resource, module) => {
			const [operationField, ...fields] = module.description;
			expect(operationField).toMatchObject({
				name: 'operation',
				type: 'options',
				displayOptions: { show: { resource: [resource] } },
			});
			const values = (operationField.options as Array<{ value: string; action: string }>).map(
				(o) => o.value,
			);
			expect(values.sort()).toEqual(Object.keys(module.operations).sort());
			for (const field of fields) {
				expect(field.displayOptions?.show?.resource).toEqual([resource]);
				expect(values).toEqual(
					expect.arrayContaining(field.displayOptions?.show?.operation as string[]),
				);
			}
			for (const value of values) {
				expect(module.operations[value].execute).toEqual(expect.any(Function));
			}
		},
	);

	it('every list-search method a field of the node names exists on the node', () => {
		const v1 = new OutlookMail();
		const description: INodeTypeDescription = v1.description;
		const used = new Set(searchMethodsUsed(description.properties));
		expect([...used].sort()).toEqual([
			'searchCategories',
			'searchContactFolders',
			'searchContacts',
			'searchDrafts',
			'searchFolders',
			'searchInboxRules',
			'searchMessages',
			'searchOwnFolders',
		]);
		for (const name of used)
			expect((v1.methods.listSearch as Record<string, unknown>)[name]).toEqual(
				expect.any(Function),
			);
	});
});

describe('versioning', () => {
	it('light versioning like the Calendar node: same type name, saved workflows keep version 1, new nodes get 1.1', () => {
		const node = new OutlookMail();
		expect(node.description.name).toBe('outlookMail');
		expect(node.description.version).toEqual([1, 1.1]);
		expect(node.description.defaultVersion).toBe(1.1);
		expect('nodeVersions' in node).toBe(false);
	});
});

describe('binary property fields', () => {
	/** Every field, collections' options included. */
	const everyField = (properties: INodeProperties[]): INodeProperties[] =>
		properties.flatMap((p) => [
			p,
			...everyField(
				((p.options ?? []) as Array<INodeProperties | { values?: INodeProperties[] }>).flatMap(
					(o) => ('values' in o && Array.isArray(o.values) ? o.values : 'type' in o ? [o] : []),
				) as INodeProperties[],
			),
		]);

	it('Binary Attachments and every binary property name default to `data`, as n8n nodes name it', () => {
		const fields = everyField(new OutlookMail().description.properties).filter(
			(p) => p.displayName === 'Binary Attachments' || p.name === 'binaryPropertyName',
		);
		expect(fields.length).toBeGreaterThan(5);
		for (const field of fields)
			expect([field.displayName, field.default]).toEqual([field.displayName, 'data']);
	});
});
