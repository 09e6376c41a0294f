/**
 * A recipient field's value as entries, read the same way by both Graph nodes (Outlook Mail's
 * recipients, Outlook Calendar's attendees and rooms) and by the AI-tool limits
 * (toolPolicy/addresses.ts), so the address a limit checks is the address a node sends to:
 * - text is split on `,` `;` and line breaks outside a quoted display name or angle brackets;
 * - an array is read entry by entry;
 * - an object is Graph's recipient (`{ emailAddress: { address, name } }`) or its inner
 *   `{ address, name }`.
 */
import type { IDataObject } from 'n8n-workflow';

export type AddressEntry =
	| string
	/** An object: its address and name as given (not checked), and the object itself. */
	| { address: unknown; name: unknown; object: IDataObject };

/** Splits on `,` `;` and line breaks outside a quoted display name or angle brackets. */
function splitEntries(text: string): string[] {
	const parts: string[] = [];
	let current = '';
	let quoted = false;
	let angled = false;
	for (const char of text) {
		if (char === '"') quoted = !quoted;
		else if (char === '<' && !quoted) angled = true;
		else if (char === '>' && !quoted) angled = false;
		if (!quoted && !angled && (char === ',' || char === ';' || char === '\n' || char === '\r')) {
			parts.push(current);
			current = '';
		} else {
			current += char;
		}
	}
	parts.push(current);
	return parts.map((part) => part.trim()).filter((part) => part !== '');
}

export function addressEntries(value: unknown): AddressEntry[] {
	if (value === undefined || value === null || value === '') return [];
	if (Array.isArray(value)) return value.flatMap((entry) => addressEntries(entry));
	if (typeof value === 'object') {
		const object = value as IDataObject;
		const inner =
			object.emailAddress && typeof object.emailAddress === 'object'
				? (object.emailAddress as IDataObject)
				: object;
		return [{ address: inner.address, name: inner.name, object }];
	}
	return splitEntries(String(value));
}
