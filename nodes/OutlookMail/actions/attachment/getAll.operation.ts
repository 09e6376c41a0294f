import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import {
	getMailboxRoot,
	updateDisplayOptions,
	returnAllOrLimit,
} from '../../../shared/descriptions';
import { GraphTransport } from '../../../shared/graph/client';
import { graphCollect } from '../../../shared/graph/paging';
import { segment } from '../../../shared/graph/request';
import { getMessageId, messageLocator } from '../../descriptions/locators';
import { mailPermission } from '../../helpers/permissions';
import { ATTACHMENT_METADATA_FIELDS, attachmentMetadata } from './shared';
import type { OperationDeclaration } from '../../../shared/declarations';

const properties: INodeProperties[] = [messageLocator(), ...returnAllOrLimit];

export const declaration: OperationDeclaration = { does: 'read' };

export const description = updateDisplayOptions(
	{ show: { resource: ['attachment'], operation: ['getAll'] } },
	properties,
);

/** The attachments' metadata (name, type, size…), without their content. https://learn.microsoft.com/graph/api/message-list-attachments */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const messageId = getMessageId(this, i);
	const returnAll = this.getNodeParameter('returnAll', i, false) as boolean;
	const limit = this.getNodeParameter('limit', i, 50) as number;
	const root = getMailboxRoot(this, i);
	const transport = await GraphTransport.create(this, i);
	const attachments = await graphCollect(
		transport,
		{
			method: 'GET',
			path: `${root}/messages/${segment(messageId)}/attachments`,
			query: { $select: ATTACHMENT_METADATA_FIELDS.join(',') },
			itemIndex: i,
			...mailPermission(this, i, 'read', 'list attachments'),
		},
		{ returnAll, limit },
	);
	return attachments.map((attachment) => ({ messageId, ...attachmentMetadata(attachment) }));
}
