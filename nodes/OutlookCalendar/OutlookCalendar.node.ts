import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { outlookAppOnlyApiTest } from '../shared/auth/appOnlyCredentialTest';
import { withAuthentication } from '../shared/auth/authenticationDescription';
import { mailboxProperties } from '../shared/descriptions';
import { operationSubtitle, resourceProperties } from '../shared/resources';
import { toolDescriptionProperties } from '../shared/toolPolicy/describe';
import { CALENDAR_LIMITS_VERSION, toolLimitProperties } from '../shared/toolPolicy/limits';
import { usableAsToolWithTitles } from '../shared/toolPolicy/variant';
import { resources, router } from './actions/router';
import { listSearch, loadOptions } from './methods';
import { withBooleanValidation } from '../shared/parameters';

const description =
	'Create, read and answer Outlook and Microsoft 365 calendar events through Microsoft Graph';

const properties: INodeProperties[] = withBooleanValidation([
	...withAuthentication(mailboxProperties('calendar')),
	...resourceProperties(resources, 'event'),
	// Only on the AI-tool variant (nodes/shared/toolPolicy/). Before these, n8n added its own
	// Tool Description fields (Set Automatically / Set Manually) under the same names.
	...toolDescriptionProperties('calendar', resources, description, 1),
	...toolLimitProperties('calendar'),
]);

/**
 * Light versioning: fields that differ carry `@version` displayOptions, and code branches on
 * `this.getNode().typeVersion` where it must. 1.1: an AI tool starts with No Invitations on
 * (1.0 tools had no limits and keep running as they were).
 */
export class OutlookCalendar implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Outlook Calendar',
		name: 'outlookCalendar',
		icon: { light: 'file:outlook.svg', dark: 'file:outlook.dark.svg' },
		group: ['transform'],
		version: [1, CALENDAR_LIMITS_VERSION],
		defaultVersion: CALENDAR_LIMITS_VERSION,
		// The words the Resource and Operation dropdowns show ("Get Many: Event").
		subtitle: operationSubtitle(resources),
		description,
		defaults: { name: 'Outlook Calendar' },
		usableAsTool: usableAsToolWithTitles(properties, resources),
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
		properties,
	};

	methods = { listSearch, loadOptions, credentialTest: { outlookAppOnlyApiTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
