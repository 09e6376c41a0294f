import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * A text parameter that must not be blank, trimmed. Blank (or only spaces) is an error naming the
 * field as the node shows it ("The field Name is empty") and the item, with what to enter.
 */
export function requiredText(
	ctx: IExecuteFunctions,
	itemIndex: number,
	parameter: string,
	field: string,
	description: string,
): string {
	const value = String(ctx.getNodeParameter(parameter, itemIndex, '') ?? '').trim();
	if (!value) {
		throw new NodeOperationError(ctx.getNode(), `The field ${field} is empty`, {
			itemIndex,
			description,
		});
	}
	return value;
}
