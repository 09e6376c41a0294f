import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { createImapClient } from '../../shared/imap/client';
import { redact, redactOpaque, tokenForms } from '../../shared/redact';
import { readEndpoint, signedInUser } from '../settings';
import {
	APP_ONLY_MAILBOX_REQUIRED,
	ImapTokenError,
	imapTokenSource,
	triggerAuthentication,
} from '../token';

/** The picker answers within this time or says why not (the editor waits for it). */
const PICKER_TIMEOUTS = {
	socketTimeoutMs: 30_000,
	maxIdleMs: 60_000,
	connectionTimeoutMs: 15_000,
	greetingTimeoutMs: 10_000,
};

/** The folders of the mailbox, from IMAP LIST, for the "Folder" picker. */
export async function searchFolders(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const node = this.getNode();
	const authentication = triggerAuthentication(this.getNodeParameter('authentication', 'oAuth2'));
	const source = await imapTokenSource(this, authentication);
	const { credential } = source;
	const options = (this.getNodeParameter('options', {}) ?? {}) as IDataObject;
	// The same host check as the trigger: the token goes only to the credential's IMAP host.
	const endpoint = readEndpoint(node, options, credential);
	const typed = String(this.getNodeParameter('mailbox', '') ?? '').trim();
	if (!typed && authentication === 'appOnly')
		throw new NodeOperationError(node, APP_ONLY_MAILBOX_REQUIRED);
	const user = typed || (await signedInUser(this, credential));
	let token;
	try {
		token = await source.getToken();
	} catch (error) {
		// The token endpoint's answer may echo what it was sent: shown redacted.
		const description = error instanceof ImapTokenError ? error.description : undefined;
		throw new NodeOperationError(node, redactOpaque((error as Error).message), {
			description: description === undefined ? undefined : redactOpaque(description),
		});
	}
	const secrets = tokenForms(user, token.accessToken);
	const client = createImapClient({ ...endpoint, user }, token.accessToken, PICKER_TIMEOUTS);
	try {
		await client.connect();
		const folders = await client.list();
		const wanted = (filter ?? '').toLowerCase();
		return {
			results: folders
				.filter(
					(folder) => !folder.flags.has('\\Noselect') && folder.path.toLowerCase().includes(wanted),
				)
				.sort((a, b) =>
					a.path === 'INBOX' ? -1 : b.path === 'INBOX' ? 1 : a.path.localeCompare(b.path),
				)
				.map((folder) => ({ name: folder.path, value: folder.path })),
		};
	} catch (error) {
		const e = error as {
			responseText?: string;
			message?: string;
			authenticationFailed?: boolean;
			serverResponseCode?: string;
		};
		const loginRefused = e.authenticationFailed || e.serverResponseCode === 'AUTHENTICATIONFAILED';
		throw new NodeOperationError(
			node,
			`Could not list the folders of ${user}: ${redact(e.responseText ?? e.message ?? 'IMAP error', secrets)}`,
			{ description: loginRefused ? source.loginFix(user) : undefined },
		);
	} finally {
		await client.logout().catch(() => client.close());
	}
}
