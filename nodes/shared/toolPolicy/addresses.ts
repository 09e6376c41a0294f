/**
 * Addresses as the tool limits read them: from a field's value (what a model filled in) and from
 * the author's lists (Allowed Recipients, Allowed Send-As Mailboxes).
 *
 * The entries are the ones both nodes send to (shared/addressEntries.ts: the same splitting and
 * the same reading of objects). The reading fails closed: each node checks an entry's address
 * with its own rules, so an entry this reader cannot take apart into exactly one address is
 * reported as unreadable (and the call refused) instead of being skipped. Whatever address an
 * operation sends to is therefore one this reader saw.
 */
import { addressEntries } from '../addressEntries';

export interface ReadAddresses {
	/** Lower-cased addresses, in the order found. */
	addresses: string[];
	/** Entries that are not one address (shown in refusals, cut to 120 characters). */
	unreadable: string[];
}

/**
 * `Name <a@b.c>` or `a@b.c` → `a@b.c`; undefined unless it is exactly one address. The address is
 * in the last angle brackets, whatever the name holds (`a>b <x@y.z>`, `a<b <x@y.z>`), as the
 * more permissive of the nodes' parsers reads it.
 */
function addressOf(entry: string): string | undefined {
	const named = /^(.*)<([^<>]*)>$/s.exec(entry.trim());
	const address = (named ? named[2] : entry).trim();
	// One @, something on both sides, no spaces, quotes or brackets that could hide a second one.
	if (!/^[^\s@<>"(),;:]+@[^\s@<>"(),;:]+$/.test(address)) return undefined;
	return address.toLowerCase();
}

function collect(value: unknown, into: ReadAddresses): void {
	for (const entry of addressEntries(value)) {
		const text = typeof entry === 'string' ? entry : entry.address;
		const address = typeof text === 'string' ? addressOf(text) : undefined;
		if (address) into.addresses.push(address);
		else
			into.unreadable.push(
				(typeof entry === 'string' ? entry : JSON.stringify(entry.object)).slice(0, 120),
			);
	}
}

/** The addresses in a field's value: a string list, an array, or Graph recipient objects. */
export function readAddresses(value: unknown): ReadAddresses {
	const read: ReadAddresses = { addresses: [], unreadable: [] };
	collect(value, read);
	return read;
}

/**
 * An author's list (`contoso.com, partner@fabrikam.com`): lower-cased addresses and domains, a
 * leading `@` and a trailing dot dropped.
 */
export function parseAllowList(text: unknown): string[] {
	return String(text ?? '')
		.split(/[,;\s]+/)
		.map((entry) => entry.trim().toLowerCase().replace(/^@/, '').replace(/\.$/, ''))
		.filter((entry) => entry !== '');
}

/**
 * Whether an allow-list admits an address: an entry with `@` only that address; a domain that
 * domain and its subdomains (`contoso.com` admits `eu.contoso.com`, never `contoso.com.evil.test`
 * or `notcontoso.com`). The domain is what follows the last `@`.
 */
export function isAllowed(address: string, allowList: string[]): boolean {
	const lower = address.toLowerCase();
	const at = lower.lastIndexOf('@');
	if (at <= 0) return false;
	const domain = lower.slice(at + 1);
	return allowList.some((entry) =>
		entry.includes('@') ? entry === lower : domain === entry || domain.endsWith(`.${entry}`),
	);
}
