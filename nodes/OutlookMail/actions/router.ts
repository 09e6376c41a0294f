import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { routeItems } from '../../shared/router';
import { resourceMap, type Resource } from '../../shared/resources';
import * as attachment from './attachment/Attachment.resource';
import * as draft from './draft/Draft.resource';
import * as folder from './folder/Folder.resource';
import * as mailbox from './mailbox/Mailbox.resource';
import * as message from './message/Message.resource';
import * as thread from './thread/Thread.resource';

/** The node's resources: the Resource field, the fields and the router are built from this list. */
export const resources: Resource[] = [
	message.resource,
	draft.resource,
	attachment.resource,
	folder.resource,
	mailbox.resource,
	thread.resource,
];

const map = resourceMap(resources);

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await routeItems.call(this, map);
}
