import type { INodeTypeDescription } from 'n8n-workflow';

import { OutlookTrigger } from './OutlookTrigger.node';

/**
 * The Outlook Trigger under its first type name, `outlookTrigger`, so that workflows saved before
 * it became `outlookMailTrigger` (to be listed among Outlook Mail's triggers in n8n's node panel)
 * still open and run. Hidden from the node panel; everything else is the Outlook Trigger's.
 */
export class OutlookTriggerLegacy extends OutlookTrigger {
	description: INodeTypeDescription = {
		...new OutlookTrigger().description,
		name: 'outlookTrigger',
		hidden: true,
	};
}
