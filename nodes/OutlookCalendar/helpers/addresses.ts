/**
 * Email address lists typed by users ("a@x.com, Bea Ruiz <bea@x.com>; c@x.com") or passed by
 * expressions (arrays of strings or { address, name }), turned into Graph `emailAddress` objects.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

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

/** Splits on commas, semicolons and newlines outside quotes and angle brackets. */
function splitList(text: string): string[] {
	const parts: string[] = [];
	let current = '';
	let quoted = false;
	let angled = false;
	for (const ch of text) {
		if (ch === '"') quoted = !quoted;
		else if (ch === '<' && !quoted) angled = true;
		else if (ch === '>' && !quoted) angled = false;
		if (!quoted && !angled && (ch === ',' || ch === ';' || ch === '\n')) {
			parts.push(current);
			current = '';
		} else {
			current += ch;
		}
	}
	parts.push(current);
	return parts.map((p) => p.trim()).filter(Boolean);
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
	const entries: Array<string | EmailAddress> = [];
	if (Array.isArray(value)) {
		for (const v of value) {
			if (typeof v === 'string') entries.push(...splitList(v));
			else if (v && typeof v === 'object') entries.push(v as EmailAddress);
		}
	} else if (typeof value === 'string') {
		entries.push(...splitList(value));
	} else if (value !== undefined && value !== null && value !== '') {
		entries.push(String(value));
	}
	return entries.map((entry) => {
		if (typeof entry === 'object') {
			const address = String(entry.address ?? '').trim();
			if (!ADDRESS.test(address)) {
				throw new NodeOperationError(
					ctx.getNode(),
					`"${address}" in the field ${field} is not an email address`,
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
