import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { outlookAppOnlyApiTest } from '../shared/auth/appOnlyCredentialTest';
import { router } from './actions/router';
import { versionDescription } from './actions/versionDescription';
import { listSearch, loadOptions } from './methods';

/**
 * Light versioning, as the Calendar node and n8n's node starter: one class, `version` lists every
 * version (saved workflows hold typeVersion 1). A v2 adds its number here and branches on
 * `this.getNode().typeVersion` where it differs.
 */
export class OutlookMail implements INodeType {
	description: INodeTypeDescription = {
		...versionDescription,
		version: [1],
		defaultVersion: 1,
		icon: { light: 'file:outlook.svg', dark: 'file:outlook.dark.svg' },
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		usableAsTool: true,
	};

	methods = { listSearch, loadOptions, credentialTest: { outlookAppOnlyApiTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
