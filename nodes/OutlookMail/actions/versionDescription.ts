import type { INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { withAuthentication } from '../../shared/auth/authenticationDescription';
import { mailboxProperties } from '../../shared/descriptions';
import { operationSubtitle, resourceProperties } from '../../shared/resources';
import { toolDescriptionProperty, toolSafetyProperties } from '../helpers/toolSafety';
import { resources } from './router';

export const versionDescription: INodeTypeDescription = {
	displayName: 'Outlook Mail',
	name: 'outlookMail',
	icon: { light: 'file:outlook.svg', dark: 'file:outlook.dark.svg' },
	group: ['transform'],
	version: 1,
	// The words the Resource and Operation dropdowns show ("Get Many: Message").
	subtitle: operationSubtitle(resources),
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
		// Only on the AI-tool variant (helpers/toolSafety.ts).
		toolDescriptionProperty,
		...toolSafetyProperties,
	],
};
