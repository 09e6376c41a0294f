/**
 * Building Graph paths and queries from user input. Every path segment that comes from an item is
 * URL-encoded, and every OData string literal has its single quotes doubled (OData ABNF,
 * `SQUOTE-in-string = SQUOTE SQUOTE`), so an ID or a name can never change which resource is
 * addressed or what a filter means.
 */
export type QueryValue = string | number | boolean | undefined | null;
export type GraphQuery = Record<string, QueryValue>;

export class UnsafePathSegmentError extends Error {}

/** One path segment: encoded; `.` and `..` (which URL parsers would collapse) are refused. */
export function segment(value: string | number): string {
	const text = String(value);
	if (text === '' || /^\.+$/.test(text)) {
		throw new UnsafePathSegmentError(`"${text}" is not a valid ID`);
	}
	return encodeURIComponent(text);
}

/** A quoted OData string literal. */
export function odataString(value: string): string {
	return `'${value.replace(/'/g, "''")}'`;
}

/** A query string with encoded values; keys such as `$filter` keep their `$`. Undefined values are left out. */
export function buildQueryString(query: GraphQuery | undefined): string {
	if (!query) return '';
	const parts = Object.entries(query)
		.filter(([, value]) => value !== undefined && value !== null && value !== '')
		.map(
			([key, value]) =>
				`${encodeURIComponent(key).replace(/^%24/, '$')}=${encodeURIComponent(String(value))}`,
		);
	return parts.length ? `?${parts.join('&')}` : '';
}

/** The Graph root of a mailbox: the signed-in user, or another user's mailbox by address or ID. */
export function mailboxRoot(mailbox: string | undefined): string {
	if (!mailbox || mailbox === 'me') return '/me';
	return `/users/${segment(mailbox)}`;
}
