import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/descriptions';
import { respond, respondProperties } from '../../helpers/respond';

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['reply'] } },
	respondProperties('reply'),
);

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	return await respond(this, i, 'reply');
}
