import { ImapFlow } from 'imapflow';
import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { resolveEnvironment } from '../../shared/auth/environments';
import type { ConnectionSecurity } from '../connection';
import { IMAPS_PORT } from '../description';
import { signedInUser } from '../settings';
import { CREDENTIAL_TYPE, fetchImapToken, ImapTokenError } from '../token';

/** The folders of the mailbox, from IMAP LIST, for the "Folder" picker. */
export async function searchFolders(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const credential = await this.getCredentials(CREDENTIAL_TYPE);
	const options = (this.getNodeParameter('options', {}) ?? {}) as IDataObject;
	const user =
		String(this.getNodeParameter('mailbox', '') ?? '').trim() ||
		(await signedInUser(this, credential));
	const host = String(options.host ?? '').trim() || resolveEnvironment(credential).imapHost;
	const security = String(options.security ?? 'tls') as ConnectionSecurity;
	let token;
	try {
		token = await fetchImapToken(this);
	} catch (error) {
		throw new NodeOperationError(this.getNode(), (error as Error).message, {
			description: error instanceof ImapTokenError ? error.description : undefined,
		});
	}
	const client = new ImapFlow({
		host,
		port: Number(options.port ?? IMAPS_PORT),
		secure: security !== 'plain',
		...(security === 'plain' ? { doSTARTTLS: false } : {}),
		tls: { rejectUnauthorized: security !== 'tlsUnverified' },
		auth: { user, accessToken: token.accessToken },
		logger: false,
		disableAutoIdle: true,
		socketTimeout: 30_000,
	});
	client.on('error', () => undefined);
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
		const e = error as { responseText?: string; message?: string };
		throw new NodeOperationError(
			this.getNode(),
			`Could not list the folders of ${user}: ${e.responseText ?? e.message ?? 'IMAP error'}`,
		);
	} finally {
		await client.logout().catch(() => client.close());
	}
}
