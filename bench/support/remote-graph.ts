/**
 * The client side of graph-server.ts: starts the stand-ins in a child process and talks to it over
 * IPC. `credential()` is a connected Outlook credential pointing at them, as in the node tests.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { ALL_GRAPH_PERMISSIONS } from '../../test/support/fixtures';
import { resolveCredential } from '../../test/support/n8n-harness';
import type { ServerSpec, ServerStats } from './graph-server';

interface Started {
	graphUrl: string;
	authority: string;
	clientId: string;
	clientSecret: string;
}

export class RemoteGraph {
	private next = 1;

	private pending = new Map<
		number,
		{ resolve: (v: unknown) => void; reject: (e: Error) => void }
	>();

	private constructor(
		private readonly child: ChildProcess,
		public info: Started = { graphUrl: '', authority: '', clientId: '', clientSecret: '' },
	) {
		child.on('message', (message: { id: number; result?: unknown; error?: string }) => {
			const waiter = this.pending.get(message.id);
			this.pending.delete(message.id);
			if (message.error) waiter?.reject(new Error(`graph-server: ${message.error}`));
			else waiter?.resolve(message.result);
		});
		child.on('exit', (code) => {
			for (const waiter of this.pending.values())
				waiter.reject(new Error(`graph-server exited (${code})`));
			this.pending.clear();
		});
	}

	static async start(spec: ServerSpec): Promise<RemoteGraph> {
		const child = fork(join(__dirname, 'graph-server.js'), [], {
			stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
			env: process.env,
		});
		const remote = new RemoteGraph(child);
		remote.info = (await remote.call({ type: 'start', spec })) as Started;
		return remote;
	}

	private async call(command: Record<string, unknown>): Promise<unknown> {
		const id = this.next++;
		return await new Promise((resolve, reject) => {
			this.pending.set(id, { resolve, reject });
			this.child.send({ ...command, id });
		});
	}

	/** A connected Outlook OAuth2 credential at the stand-ins (as test/support/fixtures.ts builds it). */
	async credential(): Promise<ICredentialDataDecryptedObject> {
		const fields: ICredentialDataDecryptedObject = {
			clientId: this.info.clientId,
			clientSecret: this.info.clientSecret,
			environment: 'custom',
			customAuthorityUrl: this.info.authority,
			customGraphUrl: this.info.graphUrl,
			customImapHost: '127.0.0.1',
			accountType: 'organizations',
			permissions: ALL_GRAPH_PERMISSIONS,
			prompt: 'none',
			retryMode: 'statusCodes',
			retryStatusCodes: '429|503|504',
			maxRetries: 5,
			retryBaseWaitSeconds: 0.01,
			retryBackoffDoubles: true,
		};
		const scope = resolveCredential('outlookOAuth2Api', fields).scope as string;
		const oauthTokenData = (await this.call({ type: 'token', scope })) as IDataObject;
		return { ...fields, oauthTokenData };
	}

	async reset(): Promise<void> {
		await this.call({ type: 'reset' });
	}

	async stats(): Promise<ServerStats> {
		return (await this.call({ type: 'stats' })) as ServerStats;
	}

	async close(): Promise<void> {
		await this.call({ type: 'close' }).catch(() => undefined);
	}
}
