import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { withAuthentication } from '../../shared/auth/authenticationDescription';
import { mailboxProperties } from '../../shared/descriptions';
import { operationSubtitle, resourceProperties } from '../../shared/resources';
import { toolDescriptionProperties } from '../../shared/toolPolicy/describe';
import { toolLimitProperties } from '../../shared/toolPolicy/limits';
import { usableAsToolWithTitles } from '../../shared/toolPolicy/variant';
import { resources } from './router';
import { withBooleanValidation } from '../../shared/parameters';

const description =
	'Send, read and organise Outlook and Microsoft 365 mail through Microsoft Graph';

/**
 * From 1.1 on, a tool's description is Set Automatically by default (the operation and its limits,
 * nodes/shared/toolPolicy/describe.ts); a saved 1.0 tool keeps the one text field it had.
 */
export const AUTOMATIC_TOOL_DESCRIPTION_VERSION = 1.1;

const properties: INodeProperties[] = withBooleanValidation([
	...withAuthentication(mailboxProperties('mailbox')),
	...resourceProperties(resources, 'message'),
	// Only on the AI-tool variant (nodes/shared/toolPolicy/).
	...toolDescriptionProperties('mail', resources, description, AUTOMATIC_TOOL_DESCRIPTION_VERSION),
	...toolLimitProperties('mail'),
]);

export const versionDescription: INodeTypeDescription = {
	displayName: 'Outlook Mail',
	name: 'outlookMail',
	icon: { light: 'file:outlook.svg', dark: 'file:outlook.dark.svg' },
	group: ['transform'],
	version: [1, AUTOMATIC_TOOL_DESCRIPTION_VERSION],
	defaultVersion: AUTOMATIC_TOOL_DESCRIPTION_VERSION,
	// The words the Resource and Operation dropdowns show ("Get Many: Message").
	subtitle: operationSubtitle(resources),
	description,
	defaults: { name: 'Outlook Mail' },
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	// The tool variant's titles say "Write a message" where Drafts Only may save a draft.
	usableAsTool: usableAsToolWithTitles(properties, resources),
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
	properties,
};
