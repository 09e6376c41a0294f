/**
 * Email address lists typed by users ("a@x.com, Bea Ruiz <bea@x.com>; c@x.com") or passed by
 * expressions (arrays of strings or { address, name }), turned into Graph `emailAddress` objects.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { addressEntries } from '../../shared/addressEntries';

export interface EmailAddress {
	address: string;
	name?: string;
}

/** addr-spec, loosely (RFC 5322 §3.4.1): one @, no spaces, a dot in the domain. */
const ADDRESS = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;

/** Whether `text` is one email address (as the address fields check them). */
export function isEmailAddress(text: string): boolean {
	return ADDRESS.test(text);
}

function parseOne(entry: string): EmailAddress | undefined {
	const named = /^(.*?)\s*<([^>]+)>$/.exec(entry);
	if (named) {
		const address = named[2].trim();
		const name = named[1]
			.trim()
			.replace(/^"(.*)"$/, '$1')
			.trim();
		return ADDRESS.test(address) ? { address, ...(name ? { name } : {}) } : undefined;
	}
	return ADDRESS.test(entry) ? { address: entry } : undefined;
}

/** The addresses of a field; any entry that is not an address is an error naming the field. */
export function parseAddresses(
	ctx: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
	field: string,
): EmailAddress[] {
	return addressEntries(value).map((entry) => {
		if (typeof entry === 'object') {
			const address = String(entry.address ?? '').trim();
			if (!ADDRESS.test(address)) {
				throw new NodeOperationError(
					ctx.getNode(),
					`"${address || JSON.stringify(entry.object).slice(0, 120)}" in the field ${field} is not an email address`,
					{ itemIndex },
				);
			}
			return entry.name ? { address, name: String(entry.name) } : { address };
		}
		const parsed = parseOne(entry);
		if (!parsed) {
			throw new NodeOperationError(
				ctx.getNode(),
				`"${entry}" in the field ${field} is not an email address`,
				{
					itemIndex,
					description:
						'Separate addresses with commas, e.g. ana@contoso.com, Bea Ruiz <bea@contoso.com>',
				},
			);
		}
		return parsed;
	});
}
