import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { routeItems } from '../../shared/router';
import { resourceMap, type Resource } from '../../shared/resources';
import * as attachment from './attachment/Attachment.resource';
import * as category from './category/Category.resource';
import * as contact from './contact/Contact.resource';
import * as contactFolder from './contactFolder/ContactFolder.resource';
import * as draft from './draft/Draft.resource';
import * as folder from './folder/Folder.resource';
import * as inboxRule from './inboxRule/InboxRule.resource';
import * as mailbox from './mailbox/Mailbox.resource';
import * as message from './message/Message.resource';
import * as thread from './thread/Thread.resource';
import { toolSafeResources } from '../helpers/toolSafety';

/** The node's resources: the Resource field, the fields and the router are built from this list. */
export const resources: Resource[] = [
	message.resource,
	draft.resource,
	attachment.resource,
	folder.resource,
	mailbox.resource,
	thread.resource,
	// Contacts live in the mailbox, as in n8n's built-in Microsoft Outlook node (resource Contact);
	// categories and inbox rules are the mailbox's settings.
	contact.resource,
	contactFolder.resource,
	category.resource,
	inboxRule.resource,
];

const map = resourceMap(resources);

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	// As an AI tool, the operation runs inside the limits the author set (helpers/toolSafety.ts).
	return await routeItems.call(this, toolSafeResources(this, map));
}
