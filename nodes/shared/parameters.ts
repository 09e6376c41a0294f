import type { IExecuteFunctions, INodeProperties, INodePropertyCollection } from 'n8n-workflow';
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

/**
 * The properties with every boolean field (also inside collections) declaring
 * `validateType: 'boolean'`, so that n8n converts what an expression gives it ("true", "false",
 * 1, 0) to a boolean, and refuses anything else with an error naming the field and the item.
 * Without it n8n hands the expression's value on as it is: the text "false" is truthy, and Delete
 * Permanently would purge the message. Every node's property list goes through this
 * (test/shared/parameters.test.ts checks all of them), so a field added tomorrow is covered.
 */
/**
 * A list field's value (multiOptions, or a list of names): n8n hands over what an expression
 * returns, so an array or text such as "a, b" (the form people write and Graph's own lists take);
 * empty entries are dropped. Every list a node reads goes through this rather than a cast.
 */
export function listValue(value: unknown): string[] {
	if (value === undefined || value === null || value === '') return [];
	const list = Array.isArray(value) ? value.map(String) : String(value).split(',');
	return list.map((entry) => entry.trim()).filter((entry) => entry !== '');
}

export function withBooleanValidation(properties: INodeProperties[]): INodeProperties[] {
	return properties.map((property) => validatingBoolean(property));
}

function validatingBoolean(property: INodeProperties): INodeProperties {
	if (property.type === 'boolean') return { ...property, validateType: 'boolean' };
	if (property.type === 'collection' && Array.isArray(property.options))
		return {
			...property,
			options: (property.options as INodeProperties[]).map((option) => validatingBoolean(option)),
		};
	if (property.type === 'fixedCollection' && Array.isArray(property.options))
		return {
			...property,
			options: (property.options as INodePropertyCollection[]).map((group) => ({
				...group,
				values: group.values.map((value) => validatingBoolean(value)),
			})),
		};
	return property;
}
