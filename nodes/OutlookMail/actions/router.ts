import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { routeItems, type ResourceMap } from '../../shared/router';
import * as attachment from './attachment/Attachment.resource';
import * as draft from './draft/Draft.resource';
import * as folder from './folder/Folder.resource';
import * as message from './message/Message.resource';
import { toolSafeResources } from '../helpers/toolSafety';

export const resources: ResourceMap = {
	message: message.operations,
	draft: draft.operations,
	attachment: attachment.operations,
	folder: folder.operations,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	// As an AI tool, the operation runs inside the limits the author set (helpers/toolSafety.ts).
	return await routeItems.call(this, toolSafeResources(this, resources, draft.operations.create));
}
