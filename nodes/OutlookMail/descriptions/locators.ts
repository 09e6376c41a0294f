/**
 * The message and folder pickers every Outlook Mail operation shares (resource locators), and the
 * readers that turn what the user picked, typed or pasted into a raw Graph ID. The caller encodes
 * the ID with `segment()` when it builds a path.
 */
import type { IExecuteFunctions, INodeProperties, INodePropertyMode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	decodeLinkId,
	ewsToRestId,
	GRAPH_ID_TEXT,
	readGraphId,
	readLocator,
	WELL_KNOWN_FOLDERS,
} from '../../shared/locators';

export { WELL_KNOWN_FOLDERS };

/**
 * Outlook on the web links carry the item's EWS ID either as `/id/<ID>` (new Outlook:
 * outlook.office.com/mail/inbox/id/AAMk…) or as `?ItemID=<ID>` (classic OWA). EWS IDs use the
 * standard base64 alphabet; Graph's REST form swaps `/`→`-` and `+`→`_`.
 * https://learn.microsoft.com/graph/api/user-translateexchangeids
 */
const OWA_ID_IN_PATH = /\/id\/([^/?#]+)/i;
const OWA_ID_IN_QUERY = /[?&]itemid=([^&#]+)/i;

/** The message ID in an Outlook on the web link, or undefined if the link holds none. */
export function messageIdFromUrl(url: string): string | undefined {
	const match = OWA_ID_IN_PATH.exec(url) ?? OWA_ID_IN_QUERY.exec(url);
	const raw = match ? decodeLinkId(match[1]) : undefined;
	return raw === undefined ? undefined : ewsToRestId(raw);
}

/**
 * Outlook on the web folder links: `/mail/<folder>` after an optional account index
 * (outlook.live.com/mail/0/inbox), where <folder> is a well-known name or the folder's EWS ID.
 */
const OWA_FOLDER = /\/mail\/(?:\d+\/)?([^/?#]+)/i;

/** The folder ID (or well-known name) in an Outlook on the web link, or undefined if it holds none. */
export function folderIdFromUrl(url: string): string | undefined {
	const match = OWA_FOLDER.exec(url);
	// Only an account index (outlook.live.com/mail/0/, Outlook's landing address): no folder.
	if (!match || /^\d+$/.test(match[1])) return undefined;
	const raw = decodeLinkId(match[1]);
	return raw === undefined ? undefined : ewsToRestId(raw);
}

// No `validation` regex on the URL modes: n8n evaluates mode validations at every execution start
// (WorkflowExecute.checkReadyForExecution) in a vm with a 250 ms watchdog, which fails the execution
// when the process is busy (test/package/no-regex.test.ts). readFolder and readGraphId refuse a link
// without an ID at run time, naming the field.
const folderUrlMode: INodePropertyMode = {
	displayName: 'By URL',
	name: 'url',
	type: 'string',
	placeholder: 'e.g. https://outlook.office.com/mail/inbox',
};

const messageUrlMode: INodePropertyMode = {
	displayName: 'By URL',
	name: 'url',
	type: 'string',
	placeholder: 'e.g. https://outlook.office.com/mail/inbox/id/AAMkAGI2…',
};

export function messageLocator(overrides: Partial<INodeProperties> = {}): INodeProperties {
	return {
		displayName: 'Message',
		name: 'messageId',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: 'The message to work on',
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchMessages', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. AAMkAGI2TG93AAA=',
			},
			messageUrlMode,
		],
		...overrides,
	};
}

export function folderLocator(overrides: Partial<INodeProperties> = {}): INodeProperties {
	return {
		displayName: 'Folder',
		name: 'folderId',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description:
			'A mail folder, or a well-known folder name such as inbox, sentitems, drafts, deleteditems, archive or junkemail',
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchFolders', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. inbox or AAMkAGI2TG93AAA=',
			},
			folderUrlMode,
		],
		...overrides,
	};
}

/** `locator` with another list behind its From List mode (drafts only, own folders only). */
function listedBy(locator: INodeProperties, searchListMethod: string): INodeProperties {
	return {
		...locator,
		modes: locator.modes?.map((mode) =>
			mode.type === 'list'
				? { ...mode, typeOptions: { ...mode.typeOptions, searchListMethod } }
				: mode,
		),
	};
}

/** The Draft field of Draft → Update, Send and Delete: its list offers the drafts in Drafts. */
export function draftLocator(overrides: Partial<INodeProperties> = {}): INodeProperties {
	return listedBy(messageLocator({ displayName: 'Draft', ...overrides }), 'searchDrafts');
}

/**
 * The Folder field of Folder → Rename, Move and Delete: its list offers the user's own folders,
 * since Exchange refuses those operations on the well-known ones.
 */
export function ownFolderLocator(overrides: Partial<INodeProperties> = {}): INodeProperties {
	return listedBy(folderLocator(overrides), 'searchOwnFolders');
}

/** The raw message ID of the item's Message field (parameter `name`, `messageId` by default). */
export function getMessageId(
	ctx: IExecuteFunctions,
	itemIndex: number,
	name = 'messageId',
	label = 'Message',
): string {
	return readGraphId(ctx, itemIndex, {
		name,
		label,
		kind: 'message',
		fromUrl: messageIdFromUrl,
		emptyHelp: 'Pick a message, or enter its ID or Outlook on the web link.',
		urlHelp:
			'Open the message in Outlook on the web (in its own window) and copy the link; it contains /id/… or ItemID=….',
	});
}

/** The raw folder ID (or well-known name, lower-cased) of the item's Folder field. */
export function getFolderId(
	ctx: IExecuteFunctions,
	itemIndex: number,
	name = 'folderId',
	label = 'Folder',
): string {
	const { mode, value } = readLocator(ctx, name, itemIndex);
	let text = String(value ?? '').trim();
	if (!text) {
		throw new NodeOperationError(ctx.getNode(), `The field ${label} is empty`, {
			itemIndex,
			description: 'Pick a folder, or enter its ID or a well-known name such as inbox.',
		});
	}
	if (mode === 'url' || /^https?:\/\//i.test(text)) {
		const fromUrl = folderIdFromUrl(text);
		if (!fromUrl) {
			throw new NodeOperationError(
				ctx.getNode(),
				`The link in the field ${label} holds no folder`,
				{
					itemIndex,
					description:
						'Open the folder in Outlook on the web and copy the link; it contains /mail/<folder>.',
				},
			);
		}
		text = fromUrl;
	}
	text = ewsToRestId(text);
	const wellKnown = text.toLowerCase().replace(/\s+/g, '');
	if ((WELL_KNOWN_FOLDERS as readonly string[]).includes(wellKnown)) return wellKnown;
	// Folder IDs are base64 (always with digits or padding); a plain word is a display name typed
	// where Graph wants an ID or a well-known name, which Graph would answer with a 400/404.
	if (!GRAPH_ID_TEXT.test(text) || /^[A-Za-z]+$/.test(text)) {
		throw new NodeOperationError(
			ctx.getNode(),
			`"${text.slice(0, 80)}" in the field ${label} is not a folder ID or a well-known folder name`,
			{
				itemIndex,
				description: `Pick the folder from the list, or use one of: ${WELL_KNOWN_FOLDERS.join(', ')}.`,
			},
		);
	}
	return text;
}
