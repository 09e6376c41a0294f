import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/descriptions';
import { respond, respondProperties } from '../../helpers/respond';
import type { OperationDeclaration } from '../../../shared/declarations';

export const declaration: OperationDeclaration = {
	does: 'send',
	reaches: [
		{ implicit: 'replyAllTargets' },
		{ field: 'additionalFields.toRecipients', label: 'Extra To' },
		{ field: 'additionalFields.ccRecipients', label: 'CC' },
		{ field: 'additionalFields.bccRecipients', label: 'BCC' },
	],
	from: ['additionalFields.from'],
	asDraft: { resource: 'draft', operation: 'createReplyAll' },
};

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['replyAll'] } },
	respondProperties('replyAll'),
);

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	return await respond(this, i, 'replyAll');
}
