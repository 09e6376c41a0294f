import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/descriptions';
import { createReplyDraft, replyDraftProperties } from '../../helpers/replyDraft';
import type { OperationDeclaration } from '../../../shared/declarations';

export const declaration: OperationDeclaration = {
	does: 'draft',
	reaches: [
		{ implicit: 'replyAllTargets' },
		{ field: 'additionalFields.toRecipients', label: 'Extra To' },
		{ field: 'additionalFields.ccRecipients', label: 'CC' },
		{ field: 'additionalFields.bccRecipients', label: 'BCC' },
	],
	from: ['additionalFields.from'],
};

export const description = updateDisplayOptions(
	{ show: { resource: ['draft'], operation: ['createReplyAll'] } },
	replyDraftProperties('createReplyAll'),
);

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	return await createReplyDraft(this, i, 'createReplyAll');
}
