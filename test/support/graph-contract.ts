/**
 * Checks a Graph request against Microsoft's own OpenAPI description of the mail and calendar
 * endpoints (test/support/graph/, validation variant; see its README for source and licence), with the harness quirks that document lists:
 * PascalCase action parameters, `delta()` paths, `$value`/`$count` path parameters, and `$batch`
 * (not described there: unwrapped and each inner request checked).
 */
import Ajv from 'ajv';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { OpenAPIBackend } from 'openapi-backend';
import type { Document, Operation } from 'openapi-backend';

export interface ContractRequest {
	method: string;
	/** Path under /v1.0, with no query. */
	path: string;
	query: Record<string, string>;
	body?: unknown;
	headers?: Record<string, string>;
}

type JsonSchema = Record<string, unknown> & { properties?: Record<string, unknown> };

export function openApiPath(): string {
	const candidates = [
		process.env.GRAPH_OPENAPI,
		// The copy kept in the repository (next to this file when run by ts-jest; from the clone's
		// root when compiled elsewhere, as the benches are).
		resolve(__dirname, 'graph', 'graph-v1.0-mail-calendar.validation.openapi.json'),
		resolve(
			process.cwd(),
			'test',
			'support',
			'graph',
			'graph-v1.0-mail-calendar.validation.openapi.json',
		),
	].filter((p): p is string => Boolean(p));
	const found = candidates.find((p) => existsSync(p));
	if (!found)
		throw new Error(
			`Microsoft's Graph OpenAPI description was not found (looked in ${candidates.join(', ')})`,
		);
	return found;
}

let shared: Promise<GraphContract> | undefined;

/**
 * `GET …/messages/{id}/attachments/{id}/$value`: documented by Microsoft (the raw bytes of a file
 * attachment, the MIME of an item attachment) but missing from the OpenAPI description, so it is
 * allowed here as a documented exception: GET only, no query options.
 * https://learn.microsoft.com/graph/api/attachment-get#get-the-raw-contents-of-a-file-or-item-attachment
 */
const ATTACHMENT_VALUE =
	/^\/(me|users\/[^/]+)(\/mailFolders\/[^/]+)?\/messages\/[^/]+\/attachments\/[^/]+\/\$value$/;

function checkAttachmentValue(request: ContractRequest): string[] {
	if (request.method.toUpperCase() !== 'GET')
		return [`${request.method} ${request.path}: method not allowed`];
	const query = Object.keys(request.query);
	return query.length
		? [`GET ${request.path}: no query options allowed (${query.join(', ')})`]
		: [];
}

/**
 * The places type casts as the description spells them. Microsoft Learn writes
 * `microsoft.graph.roomlist` in lower case as well (place-list), Graph matches type names
 * case-insensitively, and its short alias `graph.room` is accepted too.
 */
export function placesTypeCast(path: string): string {
	return path.replace(
		/^(\/places(?:\/[^/]+)?)\/(?:microsoft\.)?graph\.(room|roomlist)(?=\/|$)/i,
		(_match, head: string, type: string) =>
			`${head}/microsoft.graph.${type.toLowerCase() === 'room' ? 'room' : 'roomList'}`,
	);
}

/**
 * `POST …/messages/{id}/permanentDelete`: a v1.0 action Microsoft added after the OpenAPI snapshot
 * kept here (2024-10), so it is allowed as a documented exception: POST only, no query options, no
 * request body ("Don't supply a request body for this method").
 * https://learn.microsoft.com/graph/api/message-permanentdelete
 */
const PERMANENT_DELETE =
	/^\/(me|users\/[^/]+)(\/mailFolders\/[^/]+)?\/messages\/[^/]+\/permanentDelete$/;

function checkPermanentDelete(request: ContractRequest): string[] {
	if (request.method.toUpperCase() !== 'POST')
		return [`${request.method} ${request.path}: method not allowed`];
	const errors: string[] = [];
	const query = Object.keys(request.query);
	if (query.length)
		errors.push(`POST ${request.path}: no query options allowed (${query.join(', ')})`);
	const empty =
		request.body === undefined ||
		request.body === null ||
		(typeof request.body === 'object' &&
			!Buffer.isBuffer(request.body) &&
			Object.keys(request.body).length === 0);
	if (!empty) errors.push(`POST ${request.path}: no request body allowed`);
	return errors;
}

/** One operation of the description, its path template compiled once (see GraphContract.match). */
interface CompiledOperation {
	operation: Operation;
	method: string;
	path: string;
	pattern: RegExp;
	/** The template's length without its `{parameters}`: longer is more specific. */
	specificity: number;
}

export class GraphContract {
	/** The description's operations, most specific template first (as openapi-backend orders them). */
	private readonly operations: CompiledOperation[];

	/** Operations already matched, by method and path. */
	private readonly matched = new Map<string, Operation | undefined>();

	private constructor(
		private readonly api: OpenAPIBackend,
		private readonly definition: Document,
	) {
		const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
		this.operations = api.router
			.getOperations()
			.map((operation) => ({
				operation,
				method: operation.method,
				path: operation.path,
				pattern: new RegExp(
					`^${operation.path
						.replace(/\{[^}]+\}/g, '\0')
						.split('\0')
						.map(escape)
						.join('[^/]+')}$`,
				),
				specificity: operation.path.replace(/\{.*?\}/g, '').length,
			}))
			.map((compiled, index) => ({ compiled, index }))
			.sort((a, b) => b.compiled.specificity - a.compiled.specificity || a.index - b.index)
			.map(({ compiled }) => compiled);
	}

	/**
	 * openapi-backend's `router.matchOperation` with the same rules (an exact path first, then the
	 * most specific template with the method), but with the templates compiled once: the router
	 * lists every operation and compiles a RegExp per template on every call, which made contract
	 * checking the largest CPU cost of the Graph stand-in (about 5 ms a request).
	 */
	private match(req: { method: string; path: string }): Operation | undefined {
		const normalized = this.api.router.normalizeRequest(req as never);
		const path = this.api.router.normalizePath(normalized.path);
		const method = normalized.method;
		const key = `${method} ${path}`;
		if (this.matched.has(key)) return this.matched.get(key);
		const exact = this.operations.find((op) => op.path === path && op.method === method);
		const found =
			exact ?? this.operations.find((op) => op.method === method && op.pattern.test(path));
		this.matched.set(key, found?.operation);
		if (this.matched.size > 10_000) this.matched.clear();
		return found?.operation;
	}

	/** One validator per process: loading and compiling the description takes about a second. */
	static async load(): Promise<GraphContract> {
		shared ??= (async () => {
			const definition = JSON.parse(readFileSync(openApiPath(), 'utf8')) as Document;
			// Action bodies: no unknown top-level keys (typo detection), as the description's notes suggest.
			for (const item of Object.values(definition.paths ?? {})) {
				for (const op of Object.values(item as Record<string, Record<string, unknown>>)) {
					if (op?.['x-ms-docs-operation-type'] !== 'action') continue;
					const schema = (
						op.requestBody as { content?: Record<string, { schema?: JsonSchema }> } | undefined
					)?.content?.['application/json']?.schema;
					if (schema?.properties) schema.additionalProperties = false;
				}
			}
			const api = new OpenAPIBackend({
				definition,
				quick: true,
				validate: true,
				ajvOpts: { strict: false, validateFormats: false },
				// openapi-backend splits explode:false query values into arrays; let ajv unwrap 1-item arrays.
				customizeAjv: (ajv, opts, ctx) =>
					ctx === 'paramsValidator' ? new Ajv({ ...opts, coerceTypes: 'array' }) : ajv,
			});
			await api.init();
			return new GraphContract(api, definition);
		})();
		return await shared;
	}

	/** Violations of the description for one request; [] when it is allowed. */
	check(request: ContractRequest): string[] {
		if (request.method.toUpperCase() === 'POST' && request.path === '/$batch')
			return this.checkBatch(request.body);
		if (ATTACHMENT_VALUE.test(request.path)) return checkAttachmentValue(request);
		if (PERMANENT_DELETE.test(request.path)) return checkPermanentDelete(request);
		let path = request.path;
		// $skiptoken/$deltatoken only ever appear in links Graph itself issued (@odata.nextLink,
		// @odata.deltaLink); they are opaque paging state, not parameters the description declares.
		const query = { ...request.query };
		// A delta round's later requests carry only the token: the initial request's parameters
		// (calendarView's required startDateTime/endDateTime) are encoded in it.
		const continued = /\/delta$/.test(path) && Boolean(query.$skiptoken || query.$deltatoken);
		delete query.$skiptoken;
		delete query.$deltatoken;
		// openapi-backend splits explode:false query values on commas; $filter and $search are single
		// OData strings whose function calls (contains(subject,'x')) contain commas.
		for (const key of ['$filter', '$search'])
			if (query[key]?.includes(',')) query[key] = query[key].replace(/,/g, ' ');
		// Graph's description spells delta functions `delta()`; without it the path matches `{message-id}`.
		path = path.replace(/\/delta$/, '/delta()');
		path = placesTypeCast(path);
		const req = {
			method: request.method.toLowerCase(),
			path,
			query,
			headers: { 'content-type': 'application/json', ...(request.headers ?? {}) },
			body: request.body,
		};
		const operation = this.match(req);
		if (!operation)
			return [
				`${request.method} ${request.path} is not an operation in Microsoft's Graph description`,
			];
		if (operation.method !== req.method)
			return [`${request.method} ${request.path}: method not allowed`];
		const opDef = operation as unknown as Record<string, unknown>;
		if (
			opDef['x-ms-docs-operation-type'] === 'action' &&
			request.body &&
			typeof request.body === 'object'
		) {
			req.body = this.renameActionKeys(operation as never, request.body as Record<string, unknown>);
		}
		const result = this.api.validateRequest(req as never, operation);
		const errors = (result.errors ?? []).filter((error) => {
			// bath-es5 cannot parse `$value`/`$count` templates with a path parameter (harness limitation).
			const text = JSON.stringify(error);
			if (continued && /query/.test(text) && /required/.test(text)) return false;
			// Nor `delta()` templates: the router matched the operation, so its path parameters are there.
			if (/\/delta$/.test(request.path) && /path/.test(text) && /required/.test(text)) return false;
			return !(/\$(value|count)/.test(request.path) && /path/.test(text) && /required/.test(text));
		});
		return errors.map((error) =>
			`${request.method} ${request.path}: ${error.instancePath || ''} ${error.message ?? ''} ${JSON.stringify(error.params ?? {})}`.trim(),
		);
	}

	/** Action parameters are PascalCase in the description; Graph matches them case-insensitively. */
	private renameActionKeys(
		operation: { requestBody?: { content?: Record<string, { schema?: JsonSchema }> } },
		body: Record<string, unknown>,
	) {
		const properties = Object.keys(
			operation.requestBody?.content?.['application/json']?.schema?.properties ?? {},
		);
		const renamed: Record<string, unknown> = {};
		for (const [key, value] of Object.entries(body)) {
			renamed[properties.find((p) => p.toLowerCase() === key.toLowerCase()) ?? key] = value;
		}
		return renamed;
	}

	private checkBatch(body: unknown): string[] {
		const requests = (body as { requests?: Array<Record<string, unknown>> } | undefined)?.requests;
		if (!Array.isArray(requests)) return ['POST /$batch: body has no requests array'];
		const errors: string[] = [];
		if (requests.length > 20)
			errors.push(`POST /$batch: ${requests.length} requests, Graph allows 20`);
		const ids = new Set<string>();
		for (const inner of requests) {
			const id = String(inner.id ?? '');
			if (!id || ids.has(id)) errors.push(`POST /$batch: request id "${id}" missing or repeated`);
			ids.add(id);
			const url = new URL(String(inner.url ?? ''), 'http://graph.invalid/v1.0/');
			if (!String(inner.url ?? '').startsWith('/'))
				errors.push(`POST /$batch: url "${String(inner.url)}" must be relative and start with /`);
			errors.push(
				...this.check({
					method: String(inner.method ?? 'GET'),
					path: url.pathname.replace(/^\/v1\.0/, ''),
					query: Object.fromEntries(url.searchParams),
					body: inner.body,
					headers: inner.headers as Record<string, string> | undefined,
				}).map((e) => `$batch[${id}] ${e}`),
			);
		}
		return errors;
	}

	get document(): Document {
		return this.definition;
	}
}
