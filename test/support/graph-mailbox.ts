/**
 * A message list on the Graph stand-in that answers the query options Graph applies to
 * `GET …/messages`: `$filter` (date comparisons on receivedDateTime and `prop eq true|false`,
 * joined by `and`), `$orderby` (receivedDateTime asc|desc), `$top`, `$count=true`
 * (`@odata.count`), `$select`, and an opaque `@odata.nextLink` that, like Graph's for messages,
 * carries an offset into the result (so a message that arrives mid-paging shifts later pages).
 * https://learn.microsoft.com/graph/api/user-list-messages, /graph/paging
 */
import { randomUUID } from 'node:crypto';

import type { GraphRequestRecord, GraphStandIn } from './graph-standin';
import { graphError } from './graph-standin';

type Item = Record<string, unknown>;

const COMPARISON = /^(\w+) (ge|gt|le|lt|eq) (\S+)$/;

/** A predicate for the `and`-joined comparisons the node sends; anything else is refused loudly. */
export function parseFilter(filter: string | undefined): (item: Item) => boolean {
	if (!filter) return () => true;
	const parts = filter
		.replace(/^\((.*)\)$/, '$1')
		.split(' and ')
		.map((part) => part.trim().replace(/^\((.*)\)$/, '$1'));
	const tests = parts.map((part) => {
		const match = COMPARISON.exec(part);
		if (!match) throw new Error(`graph-mailbox: unsupported $filter part "${part}"`);
		const [, property, op, literal] = match;
		if (literal === 'true' || literal === 'false') {
			const wanted = literal === 'true';
			return (item: Item) => (op === 'eq' ? item[property] === wanted : false);
		}
		const bound = Date.parse(literal);
		if (Number.isNaN(bound)) throw new Error(`graph-mailbox: "${literal}" is not a date`);
		return (item: Item) => {
			const value = Date.parse(String(item[property]));
			if (op === 'ge') return value >= bound;
			if (op === 'gt') return value > bound;
			if (op === 'le') return value <= bound;
			if (op === 'lt') return value < bound;
			return value === bound;
		};
	});
	return (item) => tests.every((test) => test(item));
}

export interface MailboxOptions {
	maxPageSize?: number;
	/** Called before each list request is answered (e.g. to deliver a message mid-run). */
	beforeAnswer?: (request: GraphRequestRecord) => void;
}

/** Serves `items()` (the mailbox's current messages) at `pattern` with Graph's query semantics. */
export function serveMessages(
	graph: GraphStandIn,
	pattern: string,
	items: () => Item[],
	options: MailboxOptions = {},
): void {
	const cursors = new Map<string, { query: Record<string, string>; skip: number }>();
	graph.on('GET', pattern, (request) => {
		options.beforeAnswer?.(request);
		let query = request.query;
		let skip = 0;
		if (query.$skiptoken) {
			const cursor = cursors.get(query.$skiptoken);
			if (!cursor) return graphError(400, 'BadRequest', 'Invalid $skiptoken');
			({ query, skip } = cursor);
		}
		let list: Item[];
		try {
			list = items().filter(parseFilter(query.$filter));
		} catch (error) {
			return graphError(400, 'BadRequest', (error as Error).message);
		}
		const order = /^receivedDateTime (asc|desc)$/.exec(query.$orderby ?? '');
		if (query.$orderby && !order)
			return graphError(400, 'BadRequest', `unsupported $orderby ${query.$orderby}`);
		const sign = order?.[1] === 'asc' ? 1 : -1;
		list = [...list].sort(
			(a, b) =>
				sign * (Date.parse(String(a.receivedDateTime)) - Date.parse(String(b.receivedDateTime))),
		);
		const top = Math.min(Number(query.$top ?? 10), options.maxPageSize ?? 1000);
		const page = list.slice(skip, skip + top);
		const select = query.$select?.split(',');
		const value = select
			? page.map((item) => Object.fromEntries(select.map((key) => [key, item[key]])))
			: page;
		const body: Record<string, unknown> = { value };
		if (query.$count === 'true') body['@odata.count'] = list.length;
		if (skip + top < list.length) {
			const token = randomUUID();
			cursors.set(token, { query, skip: skip + top });
			const next = new URL(`${graph.url}/v1.0${request.path}`);
			next.searchParams.set('$skiptoken', token);
			body['@odata.nextLink'] = next.toString();
		}
		return { body };
	});
}
