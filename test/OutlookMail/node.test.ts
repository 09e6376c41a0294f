import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';

import { OutlookMail } from '../../nodes/OutlookMail/OutlookMail.node';
import { resources } from '../../nodes/OutlookMail/actions/router';
import { resourceMap } from '../../nodes/shared/resources';

function v1(): INodeTypeDescription {
	return new OutlookMail().description;
}

describe('Outlook Mail node description', () => {
	it('is a node named outlookMail (light versioning, versions 1 and 1.1), usable as a tool, with the Outlook credential', () => {
		const node = new OutlookMail();
		expect(node.description).toMatchObject({
			name: 'outlookMail',
			displayName: 'Outlook Mail',
			defaultVersion: 1.1,
		});
		const description = v1();
		expect(description).toMatchObject({
			name: 'outlookMail',
			version: [1, 1.1],
			// Usable as a tool; the editor's tool variant gets its titles (nodes/shared/toolPolicy/variant.ts).
			usableAsTool: { replacements: { properties: expect.any(Array) } },
			credentials: [
				{ name: 'outlookOAuth2Api', required: true },
				{ name: 'outlookAppOnlyApi', required: true, testedBy: 'outlookAppOnlyApiTest' },
			],
			icon: { light: 'file:outlook.svg', dark: 'file:outlook.dark.svg' },
		});
		expect(description.subtitle).toContain('operation');
	});

	it('starts with Authentication, the Mailbox fields of each credential, then Resource', () => {
		const names = v1().properties.map((p) => p.name);
		// App-only has its own address field and writes nothing into the OAuth2 Mailbox choice.
		expect(names.slice(0, 5)).toEqual([
			'authentication',
			'mailbox',
			'mailboxId',
			'mailboxId',
			'resource',
		]);
	});

	it('has a module for every operation offered, and an option for every module', () => {
		const properties = v1().properties;
		for (const resource of ['message', 'draft']) {
			const field = properties.find(
				(p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes(resource),
			) as INodeProperties;
			const offered = (field.options as Array<{ value: string; action?: string }>)
				.map((o) => o.value)
				.sort();
			expect(offered).toEqual(Object.keys(resourceMap(resources)[resource]).sort());
			for (const option of field.options as Array<{ action?: string }>)
				expect(option.action).toBeTruthy();
		}
	});

	it('shows each operation field only for its resource and operation', () => {
		for (const [resource, operations] of Object.entries(resourceMap(resources))) {
			for (const [operation, module] of Object.entries(operations)) {
				for (const property of module.description) {
					expect(property.displayOptions?.show).toMatchObject({
						resource: [resource],
						operation: [operation],
					});
				}
			}
		}
	});

	it('uses the shared parameter names messageId and folderId as resource locators', () => {
		const properties = v1().properties;
		const message = properties.find((p) => p.name === 'messageId') as INodeProperties;
		expect(message.type).toBe('resourceLocator');
		expect(message.modes?.map((m) => m.name)).toEqual(['list', 'id', 'url']);
		expect(message.modes?.[0].typeOptions?.searchListMethod).toBe('searchMessages');
		const folder = properties.find((p) => p.name === 'folderId') as INodeProperties;
		expect(folder.modes?.[0].typeOptions?.searchListMethod).toBe('searchFolders');
	});
});
