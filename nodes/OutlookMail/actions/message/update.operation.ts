import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { categoriesField } from '../../../shared/categories';
import {
	getMailboxRoot,
	importanceField,
	updateDisplayOptions,
} from '../../../shared/descriptions';
import { segment } from '../../../shared/graph/request';
import type { OperationResult } from '../../../shared/router';
import { getMessageId, messageLocator } from '../../descriptions/locators';
import { runBatched } from '../../helpers/bulk';
import { splitList } from '../../helpers/compose';
import { mailPermission } from '../../helpers/permissions';
import { simplifyMessage } from '../../helpers/simplify';
import type { OperationDeclaration } from '../../../shared/declarations';

const properties: INodeProperties[] = [
	messageLocator(),
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			categoriesField({
				description:
					'Replaces the message\'s categories (none chosen clears them). Choose from the mailbox\'s list, or specify names using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			}),
			{
				displayName: 'Flag',
				name: 'flagStatus',
				type: 'options',
				default: 'flagged',
				options: [
					{ name: 'Flagged', value: 'flagged' },
					{ name: 'Complete', value: 'complete' },
					{ name: 'Not Flagged', value: 'notFlagged' },
				],
			},
			importanceField,
			{
				displayName: 'Is Read',
				name: 'isRead',
				type: 'boolean',
				default: true,
				description: 'Whether to mark the message read (on) or unread (off)',
			},
		],
	},
];

export const declaration: OperationDeclaration = { does: 'change' };

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['update'] } },
	properties,
);

/** The PATCH body of Message → Update. https://learn.microsoft.com/graph/api/message-update */
function updateBody(ctx: IExecuteFunctions, i: number): IDataObject {
	const fields = ctx.getNodeParameter('updateFields', i, {}) as IDataObject;
	const body: IDataObject = {};
	if (fields.isRead !== undefined) body.isRead = fields.isRead === true;
	if (fields.categories !== undefined) body.categories = splitList(fields.categories);
	if (fields.importance !== undefined) body.importance = fields.importance;
	if (fields.flagStatus !== undefined) body.flag = { flagStatus: fields.flagStatus };
	if (!Object.keys(body).length) {
		throw new NodeOperationError(ctx.getNode(), 'No field to update: add one under Update Fields', {
			itemIndex: i,
		});
	}
	return body;
}

export async function executeAll(
	this: IExecuteFunctions,
	itemIndexes: number[],
): Promise<Array<OperationResult | Error>> {
	return await runBatched(this, itemIndexes, (i) => {
		const root = getMailboxRoot(this, i);
		const messageId = getMessageId(this, i);
		return {
			request: {
				method: 'PATCH',
				path: `${root}/messages/${segment(messageId)}`,
				body: updateBody(this, i),
				itemIndex: i,
				...mailPermission(this, i, 'write', 'update messages'),
			},
			output: (message) => simplifyMessage(message ?? { id: messageId }),
		};
	});
}
