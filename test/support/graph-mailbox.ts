/**
 * A message list on the Graph stand-in that answers the query options Graph applies to
 * `GET …/messages`: `$filter` (date comparisons on receivedDateTime, `prop eq true|false` and
 * `prop eq 'string'` without spaces, joined by `and`), `$orderby` (receivedDateTime asc|desc), `$top`, `$count=true`
 * (`@odata.count`), `$select`, `$skip`, and an opaque `@odata.nextLink` that, like Graph's for messages,
 * carries an offset into the result (so a message that arrives mid-paging shifts later pages).
 * https://learn.microsoft.com/graph/api/user-list-messages, /graph/paging
 *
 * Where public reports disagree with (or add to) Microsoft's pages, `MailboxOptions` has a switch
 * for each behaviour, so that tests run the node under both readings (see GRAPH_AS_DOCUMENTED
 * and GRAPH_AS_OBSERVED).
 */
import { randomUUID } from 'node:crypto';

import type { GraphReply, GraphRequestRecord, GraphStandIn } from './graph-standin';
import { graphError } from './graph-standin';
// `$search` (cap, order) and `$expand` of extended properties as documented: graph-mail-rules.ts.
import { expandedProperties, searchMessages } from './graph-mail-rules';

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
		if (op === 'eq' && /^'.*'$/.test(literal)) {
			// An OData string literal, its quotes doubled (e.g. conversationId eq 'AAQk…').
			const wanted = literal.slice(1, -1).replace(/''/g, "'");
			return (item: Item) => item[property] === wanted;
		}
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
	/**
	 * How `receivedDateTime` is kept. 'asShown': what Graph shows is what `$filter` compares
	 * (Microsoft's pages show and filter whole seconds, e.g. "2016-10-19T10:37:00Z" in
	 * https://learn.microsoft.com/graph/api/resources/message). 'milliseconds': Exchange stores
	 * milliseconds and Graph shows the time cut to the second, so `le <shown second>` leaves out the
	 * same second's later messages (reported, issue 30 point 7). Items carry the stored time.
	 */
	dates?: 'asShown' | 'milliseconds';
	/**
	 * `@odata.count` with `$filter`. 'exact' (Microsoft's $count page,
	 * https://learn.microsoft.com/graph/query-parameters#count-parameter) or 'minusOne': -1 when a
	 * filter is set, as reported for /messages (https://github.com/microsoftgraph/microsoft-graph-docs/issues/4870,
	 * https://github.com/microsoftgraph/microsoft-graph-docs/issues/3848).
	 */
	countWithFilter?: 'exact' | 'minusOne';
	/**
	 * A page of more than this many messages with their full payload (`body` or `uniqueBody`,
	 * which Graph returns when `$select` is absent) answers 504: "returning a page with hundreds of
	 * messages each with a full response payload may trigger the gateway timeout (HTTP 504)"
	 * (https://learn.microsoft.com/graph/api/user-list-messages). Undefined: never.
	 */
	fullPayloadPageLimit?: number;
	/**
	 * The mailbox does not change (a bench's): the same query is answered with the same reply,
	 * whose JSON the stand-in makes once. Its own CPU time per request (a page's JSON and gzip) is
	 * not Graph's, and on a busy machine it delays the next request's arrival as the model sees it.
	 */
	unchanging?: boolean;
}

/** The switches as Microsoft's pages describe Graph. */
export const GRAPH_AS_DOCUMENTED: MailboxOptions = {
	dates: 'asShown',
	countWithFilter: 'exact',
	// "Hundreds of messages each with a full response payload": from 200 on, in this reading.
	fullPayloadPageLimit: 200,
};

/** The switches as public reports describe Graph. */
export const GRAPH_AS_OBSERVED: MailboxOptions = {
	dates: 'milliseconds',
	countWithFilter: 'minusOne',
	fullPayloadPageLimit: undefined,
};

/** A time as Graph shows it: to the second. */
function shownToTheSecond(value: unknown): unknown {
	return typeof value === 'string' ? value.replace(/\.\d+Z$/, 'Z') : value;
}

/** Serves `items()` (the mailbox's current messages) at `pattern` with Graph's query semantics. */
export function serveMessages(
	graph: GraphStandIn,
	pattern: string,
	items: () => Item[],
	options: MailboxOptions = {},
): void {
	const cursors = new Map<string, { query: Record<string, string>; skip: number }>();
	// The filtered, sorted list per query while the mailbox is unchanged (same array, same length).
	const memo = new Map<string, { source: Item[]; length: number; list: Item[] }>();
	// With `unchanging`: the replies per list and query.
	const replies = new WeakMap<Item[], Map<string, GraphReply>>();
	graph.on('GET', pattern, (request) => {
		options.beforeAnswer?.(request);
		let query = request.query;
		// `$skip` as the list-messages endpoint declares it (and as Graph's own next links for
		// messages carry it): an offset into the list as it is when the request is answered.
		let skip = Math.max(0, Number(query.$skip ?? 0) || 0);
		if (query.$skiptoken) {
			const cursor = cursors.get(query.$skiptoken);
			if (!cursor) return graphError(400, 'BadRequest', 'Invalid $skiptoken');
			({ query, skip } = cursor);
		}
		const source = items();
		const key = `${query.$filter ?? ''}|${query.$orderby ?? ''}|${query.$search ?? ''}`;
		const cached = memo.get(key);
		let list: Item[];
		if (cached && cached.source === source && cached.length === source.length) {
			list = cached.list;
		} else if (query.$search) {
			const found = searchMessages(source, query);
			if (!Array.isArray(found)) return found;
			list = found;
			memo.set(key, { source, length: source.length, list });
		} else {
			try {
				list = source.filter(parseFilter(query.$filter));
			} catch (error) {
				return graphError(400, 'BadRequest', (error as Error).message);
			}
			const order = /^receivedDateTime (asc|desc)$/.exec(query.$orderby ?? '');
			if (query.$orderby && !order)
				return graphError(400, 'BadRequest', `unsupported $orderby ${query.$orderby}`);
			// Graph's default order for messages is newest first.
			const sign = order?.[1] === 'asc' ? 1 : -1;
			const time = (item: Item) => Date.parse(String(item.receivedDateTime));
			list = list
				.map((item) => ({ item, t: time(item) }))
				.sort((a, b) => sign * (a.t - b.t))
				.map(({ item }) => item);
			memo.set(key, { source, length: source.length, list });
		}
		const replyKey = JSON.stringify([query, skip]);
		const known = options.unchanging ? replies.get(list)?.get(replyKey) : undefined;
		if (known) return known;
		const top = Math.min(Number(query.$top ?? 10), options.maxPageSize ?? 1000);
		const page = list.slice(skip, skip + top);
		const select = query.$select?.split(',');
		const fullPayload = !select || select.includes('body') || select.includes('uniqueBody');
		if (
			fullPayload &&
			options.fullPayloadPageLimit !== undefined &&
			page.length > options.fullPayloadPageLimit
		) {
			return graphError(504, 'GatewayTimeout', 'The gateway did not receive a timely response.');
		}
		let value = (
			select
				? page.map((item) => Object.fromEntries(select.map((key) => [key, item[key]])))
				: page.map(({ singleValueExtendedProperties: _hidden, ...item }) => item)
		).map((item, n) => ({ ...item, ...expandedProperties(page[n], query.$expand) }));
		if (options.dates === 'milliseconds')
			value = value.map((item) =>
				'receivedDateTime' in item
					? { ...item, receivedDateTime: shownToTheSecond(item.receivedDateTime) }
					: item,
			);
		const body: Record<string, unknown> = { value };
		if (query.$count === 'true')
			body['@odata.count'] =
				query.$filter && options.countWithFilter === 'minusOne' ? -1 : list.length;
		if (skip + top < list.length) {
			const token = randomUUID();
			cursors.set(token, { query, skip: skip + top });
			const next = new URL(`${graph.url}/v1.0${request.path}`);
			next.searchParams.set('$skiptoken', token);
			body['@odata.nextLink'] = next.toString();
		}
		const reply: GraphReply = { body, unchanging: options.unchanging };
		if (options.unchanging) {
			if (!replies.has(list)) replies.set(list, new Map());
			replies.get(list)!.set(replyKey, reply);
		}
		return reply;
	});
}

/** An attachment the stand-in holds: Graph's metadata plus its bytes (a file's content, an item's MIME). */
export interface StoredAttachment {
	'@odata.type': string;
	id: string;
	name: string;
	contentType?: string;
	size?: number;
	isInline?: boolean;
	content?: Buffer;
	/** For tests of the fallback: `/$value` answers this instead of the bytes. */
	valueReply?: GraphReply;
}

/**
 * Serves attachments of messages under `root` (`/me` or `/users/:mailbox`) as Graph does: the list
 * and one attachment as JSON (a file with base64 `contentBytes` unless `$select` leaves it out),
 * and the raw bytes at `…/$value` (an item attachment's MIME; 405 for a cloud link).
 * https://learn.microsoft.com/graph/api/attachment-get#get-the-raw-contents-of-a-file-or-item-attachment
 */
export function serveAttachments(
	graph: GraphStandIn,
	root: string,
	attachments: (messageId: string) => StoredAttachment[],
): void {
	const json = (attachment: StoredAttachment, select: string | undefined) => {
		const { content, valueReply: _reply, ...metadata } = attachment;
		const out: Record<string, unknown> = {
			...metadata,
			size: metadata.size ?? content?.length ?? 0,
		};
		if (!select && /fileAttachment$/.test(attachment['@odata.type']) && content)
			out.contentBytes = content.toString('base64');
		if (!select) return out;
		const keep = new Set(['@odata.type', ...select.split(',')]);
		return Object.fromEntries(Object.entries(out).filter(([key]) => keep.has(key)));
	};
	const find = (params: Record<string, string>) =>
		attachments(params.id).find((a) => a.id === params.attachmentId);
	const notFound = () =>
		graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
	graph.on('GET', `${root}/messages/:id/attachments`, (request, params) => ({
		body: { value: attachments(params.id).map((a) => json(a, request.query.$select)) },
	}));
	graph.on('GET', `${root}/messages/:id/attachments/:attachmentId`, (request, params) => {
		const attachment = find(params);
		return attachment ? { body: json(attachment, request.query.$select) } : notFound();
	});
	graph.on('GET', `${root}/messages/:id/attachments/:attachmentId/$value`, (_request, params) => {
		const attachment = find(params);
		if (!attachment) return notFound();
		if (attachment.valueReply) return attachment.valueReply;
		if (/referenceAttachment$/.test(attachment['@odata.type']))
			return graphError(405, 'ErrorInvalidRequest', 'The $value of a reference attachment.');
		const item = /itemAttachment$/.test(attachment['@odata.type']);
		return {
			body: attachment.content ?? Buffer.alloc(0),
			headers: {
				'content-type': item
					? 'message/rfc822'
					: (attachment.contentType ?? 'application/octet-stream'),
			},
		};
	});
}
