/**
 * Recipient lists as users type them ("a@x.com, Bob <b@y.com>; c@z.com", or an array from an
 * expression) → Graph `recipient` objects. Every address is checked here, before any request, so
 * a typo fails the item with the field's name instead of a Graph 400 (or, worse, a bounce).
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { addressEntries } from '../../shared/addressEntries';

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
	return addressEntries(value).map((entry) => {
		if (typeof entry === 'string') return entry;
		if (typeof entry.address !== 'string') return JSON.stringify(entry.object);
		return entry.name ? `${String(entry.name)} <${entry.address}>` : entry.address;
	});
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
