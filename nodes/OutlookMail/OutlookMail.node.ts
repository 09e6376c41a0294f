import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeBaseDescription,
	INodeTypeDescription,
	IVersionedNodeType,
} from 'n8n-workflow';
import { VersionedNodeType } from 'n8n-workflow';

import { outlookAppOnlyApiTest } from '../shared/auth/appOnlyCredentialTest';
import { router } from './actions/router';
import { versionDescription } from './actions/versionDescription';
import { listSearch, loadOptions } from './methods';

/** Version 1 of the node: its description and the router. A v2 adds a sibling class and a map entry. */
export class OutlookMailV1 implements INodeType {
	description: INodeTypeDescription = {
		...versionDescription,
		icon: { light: 'file:outlook.svg', dark: 'file:outlook.dark.svg' },
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		usableAsTool: true,
	};

	methods = { listSearch, loadOptions, credentialTest: { outlookAppOnlyApiTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}

export class OutlookMail extends VersionedNodeType {
	constructor() {
		const baseDescription: INodeTypeBaseDescription = {
			displayName: 'Outlook Mail',
			name: 'outlookMail',
			icon: { light: 'file:outlook.svg', dark: 'file:outlook.dark.svg' },
			group: ['transform'],
			subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
			description: 'Send, read and organise Outlook and Microsoft 365 mail through Microsoft Graph',
			defaultVersion: 1,
			usableAsTool: true,
		};
		const nodeVersions: IVersionedNodeType['nodeVersions'] = {
			1: new OutlookMailV1(),
		};
		super(nodeVersions, baseDescription);
	}
}
