import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/descriptions';
import { respond, respondProperties } from '../../helpers/respond';
import type { OperationDeclaration } from '../../../shared/declarations';

export const declaration: OperationDeclaration = {
	does: 'send',
	reaches: [
		{ field: 'toRecipients', label: 'To' },
		{ field: 'additionalFields.ccRecipients', label: 'CC' },
		{ field: 'additionalFields.bccRecipients', label: 'BCC' },
	],
	from: ['additionalFields.from'],
	asDraft: { resource: 'draft', operation: 'createForward' },
};

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['forward'] } },
	respondProperties('forward'),
);

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	return await respond(this, i, 'forward');
}
