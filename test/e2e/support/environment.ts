/**
 * Everything the e2e scenarios share: the stand-ins (in this process, on fixed ports n8n can reach),
 * one real n8n with a fresh user folder, its owner signed in, and helpers to make credentials.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { GraphStandIn } from '../../support/graph-standin';
import { IdentityProviderStandIn } from '../../support/identity-provider';
import { addDemoData } from './demo-data';
import type { DemoMailbox } from './demo-data';
import { N8nRest, N8nServer, e2eEnvironment, REPO_ROOT } from './n8n';

export const PACKAGE_NAME = 'n8n-nodes-outlook-oauth';
export const IDP_PORT = Number(process.env.E2E_IDP_PORT ?? 18090);
export const GRAPH_PORT = Number(process.env.E2E_GRAPH_PORT ?? 18091);
export const N8N_PORT = Number(process.env.E2E_N8N_PORT ?? 5678);

/** The node files the packed tarball lists (a node still being written is left out by scripts/pack.sh). */
export function packedNodeNames(): string[] {
	const e2e = e2eEnvironment();
	const listing = JSON.parse(readFileSync(join(e2e.runDir, 'packed-package.json'), 'utf8')) as {
		n8n: { nodes: string[] };
	};
	return listing.n8n.nodes.map((file) => /\/([^/]+)\.node\.js$/.exec(file)![1]);
}

/**
 * Each node's `name` (its type in n8n is `${PACKAGE_NAME}.${name}`), by the node's folder. The
 * Outlook Trigger's name files it under Outlook Mail in n8n's node panel (see its node class).
 */
export const NODE_NAMES = {
	outlookMail: 'outlookMail',
	outlookCalendar: 'outlookCalendar',
	outlookImapTrigger: 'outlookImapTrigger',
	outlookTrigger: 'outlookMailTrigger',
} as const;

/** The node type name n8n gives a node of this package, e.g. n8n-nodes-outlook-oauth.outlookMail. */
export function nodeType(node: keyof typeof NODE_NAMES): string {
	return `${PACKAGE_NAME}.${NODE_NAMES[node]}`;
}

export function hasNode(
	className: 'OutlookMail' | 'OutlookCalendar' | 'OutlookImapTrigger',
): boolean {
	return packedNodeNames().includes(className);
}

export interface CredentialFields {
	[key: string]: unknown;
}

/**
 * Saves an App-Only credential (client secret, Custom environment pointed at the stand-ins) through
 * the REST API, as the editor's credential modal does. Regular and queue-mode scenarios share it.
 */
export async function createAppOnlyCredential(
	stands: { rest: N8nRest; idp: IdentityProviderStandIn; graph: GraphStandIn },
	name: string,
	app: { tenantId: string; clientId: string; clientSecret: string },
): Promise<{ id: string; name: string }> {
	const created = await stands.rest.data<{ id: string; name: string }>(
		'POST',
		'/rest/credentials',
		{
			name,
			type: 'outlookAppOnlyApi',
			data: {
				environment: 'custom',
				customAuthorityUrl: stands.idp.authority,
				customGraphUrl: stands.graph.url,
				customImapHost: '127.0.0.1',
				tenantId: app.tenantId,
				clientId: app.clientId,
				authMethod: 'secret',
				clientSecret: app.clientSecret,
			},
		},
	);
	return { id: created.id, name: created.name };
}

export class E2eEnvironment {
	idp!: IdentityProviderStandIn;

	graph!: GraphStandIn;

	server!: N8nServer;

	rest!: N8nRest;

	/** The demo mailbox behind the Graph stand-in (test/e2e/support/demo-data.ts). */
	mailbox!: DemoMailbox;

	private credentialCount = 0;

	async start(): Promise<void> {
		this.idp = await IdentityProviderStandIn.start({ port: IDP_PORT });
		this.graph = await GraphStandIn.start(this.idp, GRAPH_PORT);
		this.mailbox = addDemoData(this.graph);
		this.server = await N8nServer.prepare({ port: N8N_PORT, logName: 'n8n.log' });
		await this.server.start();
		this.rest = new N8nRest(this.server.url);
		await this.rest.setUpOwnerAndLogin();
	}

	async stop(): Promise<void> {
		await this.server?.stop();
		await this.graph?.close();
		await this.idp?.close();
	}

	/** Credential fields as a user fills them in for the Custom environment at the stand-ins. */
	credentialFields(overrides: CredentialFields = {}): CredentialFields {
		return {
			clientId: this.idp.clientId,
			clientSecret: this.idp.clientSecret,
			environment: 'custom',
			customAuthorityUrl: this.idp.authority,
			customGraphUrl: this.graph.url,
			customImapHost: '127.0.0.1',
			accountType: 'organizations',
			permissions: ['mailReadWrite', 'mailSend', 'calendarsReadWrite'],
			prompt: 'select_account',
			...overrides,
		};
	}

	/** Saves a credential through the REST API, as the editor's credential modal does. */
	async createCredential(
		overrides: CredentialFields = {},
		name?: string,
	): Promise<{ id: string; name: string }> {
		this.credentialCount++;
		const created = await this.rest.data<{ id: string; name: string }>(
			'POST',
			'/rest/credentials',
			{
				name: name ?? `Outlook e2e ${this.credentialCount}`,
				type: 'outlookOAuth2Api',
				data: this.credentialFields(overrides),
			},
		);
		return { id: created.id, name: created.name };
	}

	/** n8n's authorize URL for a credential (what the Connect button opens). */
	async authorizeUrl(credentialId: string): Promise<URL> {
		return new URL(
			await this.rest.data<string>(
				'GET',
				`/rest/oauth2-credential/auth?id=${encodeURIComponent(credentialId)}`,
			),
		);
	}

	/**
	 * The connect flow without a browser: the authorize URL from n8n, the identity-provider
	 * stand-in's redirect, and n8n's callback (which redeems the code and stores the tokens).
	 * Returns the callback page's status and text.
	 */
	async connect(
		credentialId: string,
	): Promise<{ authorizeUrl: URL; callback: URL; status: number; page: string }> {
		const authorizeUrl = await this.authorizeUrl(credentialId);
		const authorize = await fetch(authorizeUrl, { redirect: 'manual' });
		const location = authorize.headers.get('location');
		if (authorize.status !== 302 || !location)
			throw new Error(`the identity provider answered ${authorize.status} to the authorize URL`);
		const callback = new URL(location);
		const page = await this.rest.request('GET', `${callback.pathname}${callback.search}`);
		return { authorizeUrl, callback, status: page.status, page: page.text };
	}

	/** A credential created and connected through n8n's OAuth2 flow. */
	async connectedCredential(
		overrides: CredentialFields = {},
		name?: string,
	): Promise<{ id: string; name: string }> {
		const credential = await this.createCredential(overrides, name);
		const result = await this.connect(credential.id);
		if (result.status !== 200 || !result.page.includes('Connection successful')) {
			throw new Error(
				`connecting the credential failed (${result.status}): ${/<h4>([^<]*)<\/h4>/.exec(result.page)?.[1] ?? 'no message'}`,
			);
		}
		return credential;
	}
}

export { REPO_ROOT };
