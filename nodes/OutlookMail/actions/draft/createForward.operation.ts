import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/descriptions';
import { createReplyDraft, replyDraftProperties } from '../../helpers/replyDraft';
import type { OperationDeclaration } from '../../../shared/declarations';

export const declaration: OperationDeclaration = {
	does: 'draft',
	reaches: [
		{ field: 'toRecipients', label: 'To' },
		{ field: 'additionalFields.ccRecipients', label: 'CC' },
		{ field: 'additionalFields.bccRecipients', label: 'BCC' },
	],
	from: ['additionalFields.from'],
};

export const description = updateDisplayOptions(
	{ show: { resource: ['draft'], operation: ['createForward'] } },
	replyDraftProperties('createForward'),
);

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	return await createReplyDraft(this, i, 'createForward');
}
