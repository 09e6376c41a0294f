import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/descriptions';
import { createReplyDraft, replyDraftProperties } from '../../helpers/replyDraft';

export const description = updateDisplayOptions(
	{ show: { resource: ['draft'], operation: ['createReplyAll'] } },
	replyDraftProperties('createReplyAll'),
);

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	return await createReplyDraft(this, i, 'createReplyAll');
}
