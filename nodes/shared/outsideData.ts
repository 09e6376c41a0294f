/**
 * Objects keyed by outside data: mail header names, Graph response headers and property names,
 * form answers keyed by their labels, parameter values that pick an entry of a table.
 *
 * A plain `{}` gives such keys meaning: `out['__proto__'] = [..]` replaces the object's prototype,
 * and afterwards `out['map']` reads `Array.prototype.map`; `out['constructor']` is `Object` before
 * anything was stored under it. These helpers make every such name an ordinary key:
 * - `dataRecord()` builds a null-prototype object (no inherited names, `__proto__` is a plain own
 *   key; JSON.stringify and n8n's copies read its own keys as usual);
 * - `ownValue()` reads a table only through its own keys, so a parameter value such as
 *   "constructor" finds nothing instead of `Object`.
 * https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/Object#null-prototype_objects
 */

/** A null-prototype object, optionally filled from entries (later entries win). */
export function dataRecord<T = unknown>(
	entries?: Iterable<readonly [string, T]>,
): Record<string, T> {
	const out = Object.create(null) as Record<string, T>;
	if (entries) for (const [key, value] of entries) out[key] = value;
	return out;
}

/** `record[key]` when it is the record's own property; undefined for inherited names. */
export function ownValue<T>(
	record: Readonly<Record<string, T>> | undefined,
	key: string,
): T | undefined {
	if (record === undefined || record === null) return undefined;
	return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

/**
 * Adds a value under a name that may repeat (mail headers): the first as it is, then a list in
 * the order they came.
 */
export function appendValue(record: Record<string, unknown>, key: string, value: string): void {
	const previous = ownValue(record, key);
	if (previous === undefined) record[key] = value;
	else
		record[key] = Array.isArray(previous) ? [...(previous as string[]), value] : [previous, value];
}
