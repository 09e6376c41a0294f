import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { outlookAppOnlyApiTest } from '../shared/auth/appOnlyCredentialTest';
import { router } from './actions/router';
import {
	SEND_AND_WAIT_WAITING_TOOLTIP,
	sendAndWaitWebhook,
	sendAndWaitWebhooks,
} from './helpers/sendAndWait';
import { versionDescription } from './actions/versionDescription';
import { listSearch, loadOptions } from './methods';

/**
 * Light versioning, as the Calendar node and n8n's node starter: one class, `version` lists every
 * version (versionDescription.ts); fields that differ carry `@version` displayOptions, and code
 * branches on `this.getNode().typeVersion` where it must. 1.1: an AI tool's description is Set
 * Automatically by default.
 */
export class OutlookMail implements INodeType {
	description: INodeTypeDescription = {
		...versionDescription,
		icon: { light: 'file:outlook.svg', dark: 'file:outlook.dark.svg' },
		// The words the Resource and Operation dropdowns show (versionDescription.ts).
		subtitle: versionDescription.subtitle,
		usableAsTool: versionDescription.usableAsTool,
		// Message → Send and Wait for Response resumes through these (helpers/sendAndWait.ts).
		webhooks: sendAndWaitWebhooks,
		waitingNodeTooltip: SEND_AND_WAIT_WAITING_TOOLTIP,
	};

	methods = { listSearch, loadOptions, credentialTest: { outlookAppOnlyApiTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await sendAndWaitWebhook.call(this);
	}
}
