import type { INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { withAuthentication } from '../../shared/auth/authenticationDescription';
import { mailboxProperties } from '../../shared/descriptions';
import { resourceProperties } from '../../shared/resources';
import { resources } from './router';

export const versionDescription: INodeTypeDescription = {
	displayName: 'Outlook Mail',
	name: 'outlookMail',
	icon: { light: 'file:outlook.svg', dark: 'file:outlook.dark.svg' },
	group: ['transform'],
	version: 1,
	subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
	description: 'Send, read and organise Outlook and Microsoft 365 mail through Microsoft Graph',
	defaults: { name: 'Outlook Mail' },
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	usableAsTool: true,
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
		...withAuthentication(mailboxProperties('mailbox')),
		...resourceProperties(resources, 'message'),
	],
};
