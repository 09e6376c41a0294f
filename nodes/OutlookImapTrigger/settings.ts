/**
 * The node's parameters, checked and turned into what the connection needs. Bad input becomes a
 * NodeOperationError naming the field, before any connection is made.
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INode,
	INodeParameterResourceLocator,
	ITriggerFunctions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { resolveEnvironment, type ResolvedEnvironment } from '../shared/auth/environments';
import { GraphTransport, type GraphCallingContext } from '../shared/graph/client';
import {
	checkConnectionSecurity,
	checkImapHost,
	CONNECTION_SECURITY,
	ImapHostError,
	type ConnectionSecurity,
	type ImapEndpoint,
} from '../shared/imap/client';
import type { StartOptions } from './cursor';
import { parseRawSearch, searchArguments, searchCriteria, type SearchFilters } from './search';
import type { ReceiveMode } from './session';
import type { AfterEmit } from './sync';
import { IMAP_PORT, IMAPS_PORT } from './description';
import type { OutputOptions } from './messages';
import { idTokenUser } from './token';

export interface TriggerSettings {
	endpoint: Omit<ImapEndpoint, 'user'> & { user?: string };
	folder: string;
	start: StartOptions;
	filters: SearchFilters;
	afterEmit: AfterEmit;
	output: OutputOptions;
	receive: ReceiveMode;
	/** Report after this long without a working connection; 0 = never. */
	alertAfterMs: number;
}

/** Default of "Alert After No Connection (Minutes)". */
export const DEFAULT_ALERT_AFTER_MINUTES = 15;

/**
 * Where the IMAP token goes: the credential's own IMAP host (its cloud's, or the Custom
 * environment's IMAP Host field), the port and security from the node's options. Shared by the
 * trigger and the folder picker.
 */
export function readEndpoint(
	node: INode,
	options: IDataObject,
	credential: ICredentialDataDecryptedObject,
): Omit<ImapEndpoint, 'user'> {
	const fail = (message: string) =>
		new NodeOperationError(node, message, {
			description:
				'Leave "IMAP Host" empty to use the IMAP host of the credential. With the Custom environment, set the IMAP Host in the credential.',
		});
	let host: string;
	let environment: ResolvedEnvironment;
	try {
		environment = resolveEnvironment(credential);
		host = checkImapHost(environment.imapHost, String(options.host ?? ''));
	} catch (error) {
		throw fail(
			error instanceof ImapHostError
				? error.message
				: `The credential's environment is not usable: ${(error as Error).message}`,
		);
	}
	const security = String(options.security ?? 'tls') as ConnectionSecurity;
	if (!CONNECTION_SECURITY.includes(security))
		throw fail(`"${security}" in the option "Connection Security" is not a choice`);
	// Without an "IMAP Port" the port follows the security, as its choices say: STARTTLS (and a
	// plaintext test server) on 143, where the session starts unencrypted; TLS on 993.
	const defaultPort = security === 'starttls' || security === 'plain' ? IMAP_PORT : IMAPS_PORT;
	const port = Number(options.port ?? defaultPort);
	if (!Number.isInteger(port) || port < 1 || port > 65535)
		throw fail('The option "IMAP Port" must be a whole number from 1 to 65535');
	try {
		// The credential decides whether a test-only choice may be used (shared/imap/client.ts).
		checkConnectionSecurity(security, environment);
	} catch (error) {
		throw new NodeOperationError(node, (error as Error).message, {
			description:
				'Choose "TLS" (port 993) or "STARTTLS" (port 143) under Connection Security. For a test server without a trusted certificate, use a credential with the Custom environment and that server as its IMAP Host.',
		});
	}
	return { host, port, security };
}

/** RFC 9051 §2.3.2: system flags, or a keyword atom (kept to a safe subset of atom characters). */
const SYSTEM_FLAGS = ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft'];
const KEYWORD = /^[A-Za-z0-9_.$-]{1,64}$/;
/** RFC 5321 §4.1.2 mailbox, loosely: local@domain without spaces or control characters. */
const ADDRESS = /^[^\s@<>()",;:\\[\]]+@[^\s@<>()",;:\\[\]]+\.[^\s@<>()",;:\\[\]]+$/;
const BYTES_PER_MB = 1024 * 1024;

function folderPath(value: unknown): string {
	if (typeof value === 'string') return value.trim();
	const locator = value as INodeParameterResourceLocator | undefined;
	return String(locator?.value ?? '').trim();
}

export function readSettings(
	ctx: ITriggerFunctions,
	credential: ICredentialDataDecryptedObject,
): TriggerSettings {
	const node = ctx.getNode();
	const fail = (message: string, description?: string) =>
		new NodeOperationError(node, message, { description });
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	const filters = ctx.getNodeParameter('filters', {}) as IDataObject;

	const mailbox = String(ctx.getNodeParameter('mailbox', '') ?? '').trim();
	if (mailbox && !ADDRESS.test(mailbox))
		throw fail(`"${mailbox}" in the field "Mailbox" is not an email address`);

	const folder = folderPath(ctx.getNodeParameter('folder', 'INBOX', { extractValue: true }));
	if (!folder) throw fail('The field "Folder" is empty: pick a folder or type INBOX');
	if (/[\r\n\0]/.test(folder)) throw fail('The field "Folder" must not contain line breaks');

	const endpoint = readEndpoint(node, options, credential);

	const alertMinutes = Number(options.alertAfterMinutes ?? DEFAULT_ALERT_AFTER_MINUTES);
	if (!Number.isFinite(alertMinutes) || alertMinutes < 0)
		throw fail('The option "Alert After No Connection (Minutes)" must be 0 or more');

	const startFrom = ctx.getNodeParameter('startFrom', 'new') as StartOptions['startFrom'];
	const start: StartOptions = { startFrom };
	if (startFrom === 'sinceDate') {
		const since = String(ctx.getNodeParameter('since', '') ?? '');
		const date = new Date(since);
		if (!since || Number.isNaN(date.getTime()))
			throw fail(`"${since}" in the field "Since" is not a date`);
		start.since = date.toISOString();
	}

	const rawSearch = String(filters.rawSearch ?? '').trim();
	if (rawSearch) {
		try {
			parseRawSearch(rawSearch);
		} catch (error) {
			throw fail(`The filter "Raw IMAP Search" is not valid: ${(error as Error).message}`);
		}
	}
	const searchFilters: SearchFilters = {
		unreadOnly: filters.unreadOnly === true,
		from: String(filters.from ?? '').trim() || undefined,
		subjectContains: String(filters.subjectContains ?? '').trim() || undefined,
		hasAttachments: filters.hasAttachments === true,
		rawSearch: rawSearch || undefined,
	};
	if (rawSearch) {
		// A CHARSET in the raw search that cannot go with non-ASCII text, before any connection.
		try {
			const { criteria, extra } = searchCriteria(searchFilters);
			searchArguments({ enabled: new Set(), capabilities: new Map() }, '1:*', criteria, extra);
		} catch (error) {
			throw fail(`The filter "Raw IMAP Search" is not valid: ${(error as Error).message}`);
		}
	}

	const action = ctx.getNodeParameter('afterEmit', 'nothing') as AfterEmit['action'];
	let afterEmit: AfterEmit = { action: 'nothing' };
	if (action === 'markRead') afterEmit = { action };
	else if (action === 'move') {
		const folderTo = String(ctx.getNodeParameter('moveTo', '') ?? '').trim();
		if (!folderTo || /[\r\n\0]/.test(folderTo))
			throw fail('The field "Move To Folder" needs a folder path');
		afterEmit = { action, folder: folderTo };
	} else if (action === 'flag') {
		const flag = String(ctx.getNodeParameter('flag', '\\Flagged') ?? '').trim();
		const system = SYSTEM_FLAGS.find((f) => f.toLowerCase() === flag.toLowerCase());
		if (!system && !KEYWORD.test(flag)) {
			throw fail(
				`"${flag}" in the field "Flag or Keyword" is not a flag`,
				'Use a system flag (\\Flagged, \\Seen, \\Answered, \\Draft) or a keyword of letters, digits and . _ - $',
			);
		}
		afterEmit = { action, flag: system ?? flag };
	}

	const maxMb = Number(options.maxAttachmentSizeMb ?? 0);
	if (!Number.isFinite(maxMb) || maxMb < 0)
		throw fail('The option "Max Attachment Size (MB)" must be 0 or more');
	const prefix = String(options.attachmentPrefix ?? 'attachment_');
	if (!/^[A-Za-z0-9_-]{0,64}$/.test(prefix))
		throw fail(
			'The option "Attachment Property Prefix" may hold only letters, digits, "_" and "-"',
		);
	const output: OutputOptions = {
		format: ctx.getNodeParameter('output', 'parsed') as OutputOptions['format'],
		attachmentPrefix: prefix,
		maxAttachmentBytes: Math.floor(maxMb * BYTES_PER_MB),
		downloadAttachments: options.downloadAttachments !== false,
		onUnreadable: options.onUnreadable === 'skip' ? 'skip' : 'emitWithError',
	};

	const receiveMode = ctx.getNodeParameter('receiveMode', 'idle') as ReceiveMode['mode'];
	let receive: ReceiveMode = { mode: 'idle' };
	if (receiveMode === 'poll') {
		const seconds = Number(ctx.getNodeParameter('pollIntervalSeconds', 60));
		if (!Number.isFinite(seconds) || seconds < 1)
			throw fail('The field "Poll Interval (Seconds)" must be at least 1');
		receive = { mode: 'poll', intervalMs: Math.round(seconds * 1000) };
	}

	return {
		endpoint: { ...endpoint, user: mailbox || undefined },
		folder,
		start,
		filters: searchFilters,
		afterEmit,
		output,
		receive,
		alertAfterMs: Math.round(alertMinutes * 60_000),
	};
}

/**
 * The login name of the connected account: from the ID token Microsoft returned with the
 * credential (openid scope), else Graph's /me (User.Read is always granted).
 */
export async function signedInUser(
	ctx: GraphCallingContext,
	credential: ICredentialDataDecryptedObject,
): Promise<string> {
	const fromIdToken = idTokenUser(credential);
	if (fromIdToken) return fromIdToken;
	try {
		const transport = await GraphTransport.create(ctx);
		const me = await transport.request<{ userPrincipalName?: string; mail?: string }>({
			method: 'GET',
			path: '/me',
			query: { $select: 'userPrincipalName,mail' },
			action: 'find the signed-in mailbox',
		});
		const user = me.userPrincipalName || me.mail;
		if (user) return user;
	} catch (error) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Could not find out which mailbox the credential signs in to: ${(error as Error).message}`,
			{
				description: 'Enter the mailbox address in the field "Mailbox".',
			},
		);
	}
	throw new NodeOperationError(
		ctx.getNode(),
		'Could not find out which mailbox the credential signs in to',
		{
			description: 'Enter the mailbox address in the field "Mailbox".',
		},
	);
}
