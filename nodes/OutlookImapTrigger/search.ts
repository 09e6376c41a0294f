/**
 * Which UIDs to look at: the node's filters as IMAP SEARCH criteria (raw criteria through the
 * imapflow shim), UID sets, and the attachment test on a body structure.
 */
import type { ImapFlow, MessageStructureObject, SearchObject } from 'imapflow';

import { compileSearch, rawUidSearch, type ImapAttributes } from '../shared/imap/imapflow';

export interface SearchFilters {
	unreadOnly?: boolean;
	from?: string;
	subjectContains?: string;
	hasAttachments?: boolean;
	/** IMAP SEARCH criteria typed by the user (RFC 9051 §6.4.4), ANDed with the rest. */
	rawSearch?: string;
}

/**
 * Splits raw IMAP SEARCH criteria into atoms, quoted strings and parenthesised lists, so they go
 * to the server as IMAP syntax built by imapflow's compiler (no line breaks, no literal injection).
 */
export function parseRawSearch(raw: string): ImapAttributes {
	if (/[\r\n\0]/.test(raw)) throw new Error('The raw IMAP search must be on one line');
	const stack: ImapAttributes[] = [[]];
	let i = 0;
	while (i < raw.length) {
		const c = raw[i];
		if (c === ' ' || c === '\t') {
			i++;
		} else if (c === '(') {
			const list: ImapAttributes = [];
			stack[stack.length - 1].push(list);
			stack.push(list);
			i++;
		} else if (c === ')') {
			if (stack.length === 1) throw new Error('Unbalanced ")" in the raw IMAP search');
			stack.pop();
			i++;
		} else if (c === '"') {
			let value = '';
			i++;
			while (i < raw.length && raw[i] !== '"') {
				if (raw[i] === '\\' && i + 1 < raw.length) i++;
				value += raw[i++];
			}
			if (raw[i] !== '"') throw new Error('Unterminated quoted string in the raw IMAP search');
			i++;
			stack[stack.length - 1].push({ type: 'STRING', value });
		} else {
			let value = '';
			while (i < raw.length && !/[\s()"]/.test(raw[i])) value += raw[i++];
			if (/[{}]/.test(value))
				throw new Error(
					`"${value}" is not allowed in the raw IMAP search (literals are not supported)`,
				);
			stack[stack.length - 1].push({ type: 'ATOM', value });
		}
	}
	if (stack.length !== 1) throw new Error('Unbalanced "(" in the raw IMAP search');
	return stack[0];
}

/** Compact UID set: 1,2,3,7 → "1:3,7" (RFC 9051 §9 sequence-set). */
export function uidSet(uids: number[]): string {
	const sorted = [...uids].sort((a, b) => a - b);
	const parts: string[] = [];
	for (let i = 0; i < sorted.length; ) {
		let j = i;
		while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
		parts.push(i === j ? String(sorted[i]) : `${sorted[i]}:${sorted[j]}`);
		i = j + 1;
	}
	return parts.join(',');
}

/**
 * True when a body structure has a part that is an attachment (disposition or a named non-text
 * part). A part's own disposition counts before its children: imapflow gives a message/rfc822 part
 * the encapsulated message's structure as childNodes. A message/rfc822 part is an attachment, as
 * the parsed item lists it, unless it is inline and readable as is (7bit, 8bit or binary): then
 * mailparser reads the message inside, and so does this test.
 */
export function hasAttachment(node: MessageStructureObject | undefined): boolean {
	if (!node) return false;
	const disposition = node.disposition?.toLowerCase();
	if (disposition === 'attachment') return true;
	const readInside = disposition === 'inline' && /^(7bit|8bit|binary)?$/i.test(node.encoding ?? '');
	if (node.type?.toLowerCase() === 'message/rfc822' && !readInside) return true;
	if (node.childNodes?.length) return node.childNodes.some((child) => hasAttachment(child));
	const named = Boolean(node.dispositionParameters?.filename ?? node.parameters?.name);
	return (
		named &&
		!/^text\/(plain|html)$/i.test(node.type) &&
		node.disposition?.toLowerCase() !== 'inline'
	);
}

/** The filters as a SEARCH object plus raw criteria. */
export function searchCriteria(filters: SearchFilters): {
	criteria: SearchObject;
	extra: ImapAttributes;
} {
	const { unreadOnly, from, subjectContains, rawSearch } = filters;
	const criteria: SearchObject = {};
	if (unreadOnly) criteria.seen = false;
	if (from) criteria.from = from;
	if (subjectContains) criteria.subject = subjectContains;
	return { criteria, extra: rawSearch ? parseRawSearch(rawSearch) : [] };
}

// eslint-disable-next-line no-control-regex -- ASCII is the range outside which text needs a charset
const NON_ASCII = /[^\x00-\x7f]/;

/** A leading CHARSET and its argument, apart from the rest of the criteria. */
function takeCharset(attributes: ImapAttributes): {
	charset?: string;
	rest: ImapAttributes;
} {
	const [first, second] = attributes;
	if (Array.isArray(first) || first?.type !== 'ATOM' || first.value.toUpperCase() !== 'CHARSET')
		return { rest: attributes };
	if (!second || Array.isArray(second) || second.type === 'LITERAL')
		throw new Error('CHARSET in the raw IMAP search must be followed by a charset name');
	return { charset: second.value, rest: attributes.slice(2) };
}

function hasLiteral(attributes: ImapAttributes): boolean {
	return attributes.some((a) => (Array.isArray(a) ? hasLiteral(a) : a.type === 'LITERAL'));
}

/** The criteria with non-ASCII atoms and strings as UTF-8 literals, and whether there were any. */
function asLiterals(attributes: ImapAttributes): { attributes: ImapAttributes; nonAscii: boolean } {
	let nonAscii = false;
	const walk = (list: ImapAttributes): ImapAttributes =>
		list.map((attribute) => {
			if (Array.isArray(attribute)) return walk(attribute);
			if (attribute.type === 'LITERAL' || !NON_ASCII.test(attribute.value)) return attribute;
			nonAscii = true;
			return { type: 'LITERAL', value: Buffer.from(attribute.value, 'utf8') };
		});
	const result = walk(attributes);
	return { attributes: result, nonAscii };
}

/**
 * The arguments of UID SEARCH for a UID range, the filters and the raw criteria. A CHARSET goes
 * first with its argument: RFC 9051 §6.4.4 allows it nowhere else (imapflow's compiler puts
 * CHARSET UTF-8 at the start of the filters when From or Subject Contains is not ASCII). Non-ASCII
 * text in the raw criteria goes as UTF-8 literals, with CHARSET UTF-8 unless the server has
 * enabled UTF8=ACCEPT: sent as 8-bit atoms or strings it would be outside IMAP's syntax.
 */
export function searchArguments(
	client: unknown,
	range: string,
	criteria: SearchObject,
	extra: ImapAttributes,
): ImapAttributes {
	const filters = takeCharset(compileSearch(client, criteria));
	const raw = takeCharset(extra);
	const text = asLiterals(raw.rest);
	const utf8Accepted = (client as { enabled?: Set<string> }).enabled?.has('UTF8=ACCEPT') === true;
	const utf8 = filters.charset !== undefined || (text.nonAscii && !utf8Accepted);
	const filtersNonAscii = asLiterals(filters.rest).nonAscii || hasLiteral(filters.rest);
	if (raw.charset && raw.charset.toUpperCase() !== 'UTF-8' && (filtersNonAscii || text.nonAscii))
		throw new Error(
			`The raw IMAP search names CHARSET ${raw.charset}, but non-ASCII search text is sent as UTF-8: remove the CHARSET or make it UTF-8`,
		);
	const charset = utf8 ? 'UTF-8' : raw.charset;
	return [
		...(charset
			? [{ type: 'ATOM', value: 'CHARSET' } as const, { type: 'ATOM', value: charset } as const]
			: []),
		{ type: 'ATOM', value: 'UID' },
		{ type: 'SEQUENCE', value: range },
		...filters.rest,
		...text.attributes,
	];
}

/** UID SEARCH in a UID range, sorted; a refused search is an error, not "nothing". */
export async function uidSearch(
	client: Pick<ImapFlow, 'search'>,
	folder: string,
	range: string,
	criteria: SearchObject,
	extra: ImapAttributes = [],
): Promise<number[]> {
	let found: number[];
	if (!extra.length) {
		const result = await client.search({ ...criteria, uid: range }, { uid: true });
		if (!Array.isArray(result)) throw new Error(`The server refused the search in "${folder}"`);
		found = result;
	} else {
		found = await rawUidSearch(client, searchArguments(client, range, criteria, extra));
	}
	return found.filter((uid) => Number.isInteger(uid) && uid > 0).sort((a, b) => a - b);
}
