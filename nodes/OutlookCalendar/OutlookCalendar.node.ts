import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { outlookAppOnlyApiTest } from '../shared/auth/appOnlyCredentialTest';
import { withAuthentication } from '../shared/auth/authenticationDescription';
import { mailboxProperties } from '../shared/descriptions';
import { operationSubtitle, resourceProperties } from '../shared/resources';
import { resources, router } from './actions/router';
import { listSearch, loadOptions } from './methods';

export class OutlookCalendar implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Outlook Calendar',
		name: 'outlookCalendar',
		icon: { light: 'file:outlook.svg', dark: 'file:outlook.dark.svg' },
		group: ['transform'],
		// A later v2 adds its number here and branches on this.getNode().typeVersion.
		version: [1],
		defaultVersion: 1,
		// The words the Resource and Operation dropdowns show ("Get Many: Event").
		subtitle: operationSubtitle(resources),
		description:
			'Create, read and answer Outlook and Microsoft 365 calendar events through Microsoft Graph',
		defaults: { name: 'Outlook Calendar' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		// Authentication chooses the credential (nodes/shared/auth/authenticationDescription.ts).
		credentials: [
			{
				name: 'outlookOAuth2Api',
				required: true,
				displayOptions: { show: { authentication: ['oAuth2'] } },
			},
			{
				name: 'outlookAppOnlyApi',
				required: true,
				displayOptions: { show: { authentication: ['appOnly'] } },
				testedBy: 'outlookAppOnlyApiTest',
			},
		],
		properties: [
			...withAuthentication(mailboxProperties('calendar')),
			...resourceProperties(resources, 'event'),
		],
	};

	methods = { listSearch, loadOptions, credentialTest: { outlookAppOnlyApiTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
