/**
 * The one way both Graph nodes read a resource locator (from a list, by ID, by URL) into a Graph
 * ID, with one ID rule. The caller encodes the ID with `segment()` when it builds a path.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * Graph REST IDs (and immutable IDs) are URL-safe base64: letters, digits, `-`, `_`, `=`. EWS IDs,
 * which Outlook on the web puts in its links, use the standard alphabet (`+`, `/`) for the same
 * bytes; both are accepted and EWS IDs converted. https://learn.microsoft.com/graph/outlook-immutable-id
 */
export const GRAPH_ID_TEXT = /^[A-Za-z0-9_=+/-]+$/;

/** An EWS ID in Graph's REST form: `/` → `-`, `+` → `_`. https://learn.microsoft.com/graph/api/user-translateexchangeids */
export function ewsToRestId(id: string): string {
	return id.replace(/\//g, '-').replace(/\+/g, '_');
}

/** Decodes a percent-encoded ID taken from a link; undefined when it is not properly encoded. */
export function decodeLinkId(raw: string): string | undefined {
	try {
		return decodeURIComponent(raw);
	} catch {
		return undefined;
	}
}

export interface LocatorValue {
	mode: string;
	value?: unknown;
}

/** A resource locator parameter as `{ mode, value }`; a plain string (older workflows, expressions) is an ID. */
export function readLocator(
	ctx: Pick<IExecuteFunctions, 'getNodeParameter'>,
	name: string,
	itemIndex: number,
): LocatorValue {
	const raw = ctx.getNodeParameter(name, itemIndex, undefined) as
		| LocatorValue
		| string
		| undefined
		| null;
	if (raw === undefined || raw === null) return { mode: 'id', value: '' };
	if (typeof raw === 'string') return { mode: 'id', value: raw };
	return raw;
}

export interface GraphIdField {
	/** Parameter name, e.g. `messageId`. */
	name: string;
	/** Field label in messages, e.g. `Message`. */
	label: string;
	/** What the ID names, e.g. `message`, `event`. */
	kind: string;
	/** The (decoded) ID in a link, or undefined when it holds none. */
	fromUrl(url: string): string | undefined;
	/** Said when the field is empty. */
	emptyHelp?: string;
	/** Said when the link holds no ID. */
	urlHelp?: string;
	/** An empty field gives undefined instead of an error. */
	optional?: boolean;
}

/**
 * The Graph ID in the item's locator field: the value of By ID / From List, or the ID in a link
 * (By URL, or any value starting with http). Empty, a link without an ID, or characters Graph IDs
 * never have are errors naming the field and the item.
 */
export function readGraphId(
	ctx: Pick<IExecuteFunctions, 'getNodeParameter' | 'getNode'>,
	itemIndex: number,
	field: GraphIdField & { optional: true },
): string | undefined;
export function readGraphId(
	ctx: Pick<IExecuteFunctions, 'getNodeParameter' | 'getNode'>,
	itemIndex: number,
	field: GraphIdField,
): string;
export function readGraphId(
	ctx: Pick<IExecuteFunctions, 'getNodeParameter' | 'getNode'>,
	itemIndex: number,
	field: GraphIdField,
): string | undefined {
	const { mode, value } = readLocator(ctx, field.name, itemIndex);
	const text = String(value ?? '').trim();
	if (!text) {
		if (field.optional) return undefined;
		throw new NodeOperationError(ctx.getNode(), `The field ${field.label} is empty`, {
			itemIndex,
			description: field.emptyHelp,
		});
	}
	let id = text;
	if (mode === 'url' || /^https?:\/\//i.test(text)) {
		const fromUrl = field.fromUrl(text);
		if (!fromUrl) {
			throw new NodeOperationError(
				ctx.getNode(),
				`The URL in the field ${field.label} holds no ${field.kind} ID`,
				{ itemIndex, description: field.urlHelp },
			);
		}
		id = fromUrl;
	}
	if (!GRAPH_ID_TEXT.test(id)) {
		throw new NodeOperationError(
			ctx.getNode(),
			`"${id.slice(0, 80)}" in the field ${field.label} is not ${/^[aeiou]/i.test(field.kind) ? 'an' : 'a'} ${field.kind} ID`,
			{
				itemIndex,
				description:
					'Graph IDs contain only letters, digits, "-", "_", "=" (or "+" and "/" in links).',
			},
		);
	}
	return ewsToRestId(id);
}

/**
 * Folder names Graph accepts in place of a folder ID.
 * https://learn.microsoft.com/graph/api/resources/mailfolder (well-known folder names)
 */
export const WELL_KNOWN_FOLDERS = [
	'archive',
	'clutter',
	'conflicts',
	'conversationhistory',
	'deleteditems',
	'drafts',
	'inbox',
	'junkemail',
	'localfailures',
	'msgfolderroot',
	'outbox',
	'recoverableitemsdeletions',
	'scheduled',
	'searchfolders',
	'sentitems',
	'serverfailures',
	'syncissues',
] as const;
