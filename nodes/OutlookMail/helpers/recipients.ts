/**
 * Recipient lists as users type them ("a@x.com, Bob <b@y.com>; c@z.com", or an array from an
 * expression) → Graph `recipient` objects. Every address is checked here, before any request, so
 * a typo fails the item with the field's name instead of a Graph 400 (or, worse, a bounce).
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

export interface GraphRecipient extends IDataObject {
	emailAddress: { address: string; name?: string };
}

/**
 * A practical addr-spec check (RFC 5322 §3.4.1 without quoted local parts or domain literals,
 * which Exchange Online does not accept for recipients either): local@domain.tld, no spaces,
 * no angle brackets, no consecutive or edge dots in the domain.
 */
const ADDRESS =
	/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

export function isEmailAddress(value: string): boolean {
	return (
		ADDRESS.test(value) &&
		!value.startsWith('.') &&
		!value.includes('..') &&
		value.split('@')[0].length <= 64
	);
}

/** Splits on `,` and `;` that are not inside a quoted display name or angle brackets. */
function splitList(text: string): string[] {
	const parts: string[] = [];
	let current = '';
	let quoted = false;
	let angle = false;
	for (const char of text) {
		if (char === '"') quoted = !quoted;
		else if (char === '<' && !quoted) angle = true;
		else if (char === '>' && !quoted) angle = false;
		if ((char === ',' || char === ';') && !quoted && !angle) {
			parts.push(current);
			current = '';
		} else {
			current += char;
		}
	}
	parts.push(current);
	return parts.map((part) => part.trim()).filter((part) => part !== '');
}

/** `Name <address>` or a bare address → { name, address }. */
function parseOne(entry: string): { address: string; name?: string } {
	const match = /^(.*)<([^<>]*)>$/.exec(entry);
	if (!match) return { address: entry };
	const name = match[1]
		.trim()
		.replace(/^"(.*)"$/, '$1')
		.trim();
	return { address: match[2].trim(), ...(name ? { name } : {}) };
}

/** Turns a field's value (string, list of strings, or recipient objects from an expression) into entries. */
function entriesOf(value: unknown): string[] {
	if (value === undefined || value === null || value === '') return [];
	if (Array.isArray(value)) return value.flatMap((entry) => entriesOf(entry));
	if (typeof value === 'object') {
		const record = value as IDataObject;
		const inner = (record.emailAddress ?? record) as IDataObject;
		if (typeof inner.address === 'string')
			return [inner.name ? `${String(inner.name)} <${inner.address}>` : inner.address];
	}
	return splitList(String(value));
}

/**
 * Graph recipients for one field; throws a NodeOperationError naming the field, the bad address
 * and the item.
 */
export function parseRecipients(
	ctx: IExecuteFunctions,
	itemIndex: number,
	fieldLabel: string,
	value: unknown,
): GraphRecipient[] {
	return entriesOf(value).map((entry) => {
		const { address, name } = parseOne(entry);
		if (!isEmailAddress(address)) {
			throw new NodeOperationError(
				ctx.getNode(),
				`"${entry.slice(0, 120)}" in the field ${fieldLabel} is not an email address`,
				{
					itemIndex,
					description:
						'Separate several addresses with commas, e.g. alice@contoso.com, Bob <bob@contoso.com>',
				},
			);
		}
		return { emailAddress: { address, ...(name ? { name } : {}) } };
	});
}

/** A single address field (e.g. the From filter of Get Many). */
export function parseAddress(
	ctx: IExecuteFunctions,
	itemIndex: number,
	fieldLabel: string,
	value: unknown,
): string {
	const list = parseRecipients(ctx, itemIndex, fieldLabel, value);
	if (list.length !== 1) {
		throw new NodeOperationError(
			ctx.getNode(),
			`The field ${fieldLabel} must hold exactly one email address`,
			{ itemIndex },
		);
	}
	return list[0].emailAddress.address;
}
