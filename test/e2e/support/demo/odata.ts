/**
 * The OData query options the demo's message and event lists answer, evaluated on the demo's
 * items: `$filter` (comparisons joined by `and`: `eq ne ge gt le lt` on a property path with a
 * string, date, number or boolean literal; `contains(prop,'text')`; `categories/any(c:c eq 'X')`),
 * `$search` (KQL `subject:word` or free words, as word prefixes), and `$orderby`.
 * https://learn.microsoft.com/graph/filter-query-parameter, /graph/search-query-parameter
 * A clause the demo does not evaluate is refused with Graph's 400 for a filter it cannot apply,
 * naming the clause, rather than ignored: a list that silently ignores a filter would mislead.
 */
type Json = Record<string, unknown>;

export class UnsupportedQuery extends Error {}

/** The value at a property path (`from/emailAddress/address`). */
function valueAt(item: Json, path: string): unknown {
	let value: unknown = item;
	for (const key of path.split('/')) {
		if (value === null || typeof value !== 'object') return undefined;
		value = (value as Json)[key];
	}
	return value;
}

function literal(text: string): unknown {
	if (text === 'true' || text === 'false') return text === 'true';
	if (text === 'null') return null;
	const quoted = /^'((?:[^']|'')*)'$/.exec(text);
	if (quoted) return quoted[1].replace(/''/g, "'");
	if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
	if (!Number.isNaN(Date.parse(text))) return new Date(text);
	throw new UnsupportedQuery(`the literal ${text}`);
}

function compare(actual: unknown, op: string, expected: unknown): boolean {
	if (expected instanceof Date) {
		const a = Date.parse(String(actual));
		const b = expected.getTime();
		if (Number.isNaN(a)) return false;
		return op === 'eq'
			? a === b
			: op === 'ne'
				? a !== b
				: op === 'ge'
					? a >= b
					: op === 'gt'
						? a > b
						: op === 'le'
							? a <= b
							: a < b;
	}
	if (typeof expected === 'string' && typeof actual === 'string') {
		const [a, b] = [actual.toLowerCase(), expected.toLowerCase()];
		return op === 'eq' ? a === b : op === 'ne' ? a !== b : false;
	}
	if (op === 'eq') return actual === expected;
	if (op === 'ne') return actual !== expected;
	const [a, b] = [Number(actual), Number(expected)];
	return op === 'ge' ? a >= b : op === 'gt' ? a > b : op === 'le' ? a <= b : a < b;
}

/** Splits on ` and ` outside parentheses and quotes. */
function splitAnd(filter: string): string[] {
	const parts: string[] = [];
	let depth = 0;
	let quoted = false;
	let start = 0;
	for (let i = 0; i < filter.length; i++) {
		const c = filter[i];
		if (c === "'") quoted = !quoted;
		else if (!quoted && c === '(') depth++;
		else if (!quoted && c === ')') depth--;
		else if (!quoted && depth === 0 && filter.startsWith(' and ', i)) {
			parts.push(filter.slice(start, i));
			start = i + 5;
			i += 4;
		}
	}
	parts.push(filter.slice(start));
	return parts.map((p) => p.trim());
}

function unwrap(part: string): string {
	let text = part.trim();
	while (text.startsWith('(') && text.endsWith(')') && splitAnd(text.slice(1, -1)).length >= 1) {
		// Only strip parentheses that enclose the whole clause.
		let depth = 0;
		let whole = true;
		for (let i = 0; i < text.length - 1; i++) {
			if (text[i] === '(') depth++;
			else if (text[i] === ')') depth--;
			if (depth === 0) {
				whole = false;
				break;
			}
		}
		if (!whole) break;
		text = text.slice(1, -1).trim();
	}
	return text;
}

/** A predicate for `$filter`; throws UnsupportedQuery for a clause it does not evaluate. */
export function filterOf(filter: string | undefined): (item: Json) => boolean {
	if (!filter?.trim()) return () => true;
	const tests = splitAnd(unwrap(filter)).map((raw) => {
		const part = unwrap(raw);
		if (splitAnd(part).length > 1) return filterOf(part);
		const comparison = /^([\w/]+) (eq|ne|ge|gt|le|lt) (.+)$/.exec(part);
		if (comparison) {
			const [, path, op, text] = comparison;
			const expected = literal(text.trim());
			return (item: Json) => compare(valueAt(item, path), op, expected);
		}
		const contains = /^contains\(([\w/]+),\s*('(?:[^']|'')*')\)$/.exec(part);
		if (contains) {
			const wanted = String(literal(contains[2])).toLowerCase();
			return (item: Json) =>
				String(valueAt(item, contains[1]) ?? '')
					.toLowerCase()
					.includes(wanted);
		}
		const any = /^([\w/]+)\/any\((\w+):\s*\2 eq ('(?:[^']|'')*')\)$/.exec(part);
		if (any) {
			const wanted = String(literal(any[3])).toLowerCase();
			return (item: Json) => {
				const list = valueAt(item, any[1]);
				return Array.isArray(list) && list.some((v) => String(v).toLowerCase() === wanted);
			};
		}
		throw new UnsupportedQuery(`the clause ${part}`);
	});
	return (item) => tests.every((test) => test(item));
}

/**
 * A predicate for `$search` on messages: KQL `subject:word`, `from:word` or free words, each
 * matching a word (or word prefix) of the subject, sender or body, as Outlook's search does.
 */
export function searchOf(search: string | undefined): (item: Json) => boolean {
	if (!search?.trim()) return () => true;
	const terms = search
		.replace(/^"|"$/g, '')
		.split(/\s+/)
		.filter(Boolean)
		.map((term) => {
			const scoped = /^(\w+):(.*)$/.exec(term);
			return scoped
				? { field: scoped[1].toLowerCase(), word: scoped[2].toLowerCase() }
				: { field: '', word: term.toLowerCase() };
		});
	const words = (text: unknown) =>
		String(text ?? '')
			.toLowerCase()
			.split(/[^\p{L}\p{N}]+/u);
	return (item) =>
		terms.every(({ field, word }) => {
			const subject = words(item.subject);
			const from = words(valueAt(item, 'from/emailAddress/address')).concat(
				words(valueAt(item, 'from/emailAddress/name')),
			);
			const body = words(valueAt(item, 'body/content'));
			const pool =
				field === 'subject'
					? subject
					: field === 'from'
						? from
						: field === ''
							? [...subject, ...from, ...body]
							: [];
			return pool.some((w) => w.startsWith(word));
		});
}

/** Sorts by `$orderby` (`prop[/sub] asc|desc`, comma-separated); undefined keeps the order. */
export function orderOf(orderby: string | undefined): ((a: Json, b: Json) => number) | undefined {
	if (!orderby?.trim()) return undefined;
	const keys = orderby.split(',').map((part) => {
		const [path, direction = 'asc'] = part.trim().split(/\s+/);
		return { path, sign: direction.toLowerCase() === 'desc' ? -1 : 1 };
	});
	const key = (value: unknown): number | string => {
		if (typeof value === 'number') return value;
		const time = typeof value === 'string' ? Date.parse(value) : NaN;
		return Number.isNaN(time) ? String(value ?? '') : time;
	};
	return (a, b) => {
		for (const { path, sign } of keys) {
			const [x, y] = [key(valueAt(a, path)), key(valueAt(b, path))];
			if (x < y) return -sign;
			if (x > y) return sign;
		}
		return 0;
	};
}
