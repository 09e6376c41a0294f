/**
 * n8n's own Microsoft Outlook node (v2, loaded from the n8n 2.41.1 install the tests cache:
 * `bash scripts/n8n-install.sh` prints it) in the same n8n-core harness as Outlook Mail, with the
 * credential n8n would hand it (Microsoft OAuth2 with Graph at the stand-in).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INodeType,
	IVersionedNodeType,
} from 'n8n-workflow';

import { OutlookMail } from '../../nodes/OutlookMail/OutlookMail.node';
import { N8nHarness, type RunOptions } from '../../test/support/n8n-harness';

export const BUILTIN_CREDENTIAL = 'cred-builtin-outlook';

/** The n8n install the tests cache (n8n-nodes-base is in its node_modules). */
export function n8nHome(): string {
	const fromEnv = process.env.BUILTIN_N8N_HOME;
	if (fromEnv) return fromEnv;
	const run = spawnSync('bash', [resolve(process.cwd(), 'scripts', 'n8n-install.sh')], {
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const folder = run.stdout.trim().split('\n').pop() ?? '';
	if (run.status !== 0 || !existsSync(folder))
		throw new Error(`bench: scripts/n8n-install.sh did not print the n8n folder (${folder})`);
	return folder;
}

export function loadBuiltinOutlook(home: string): INodeType | IVersionedNodeType {
	const file = join(
		home,
		'node_modules',
		'n8n-nodes-base',
		'dist',
		'nodes',
		'Microsoft',
		'Outlook',
		'MicrosoftOutlook.node.js',
	);
	// The compiled node from n8n's install, as n8n itself loads it (CommonJS).
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const module = require(file) as { MicrosoftOutlook: new () => INodeType | IVersionedNodeType };
	return new module.MicrosoftOutlook();
}

export interface StandInAddresses {
	authority: string;
	clientId: string;
	clientSecret: string;
	graphUrl: string;
}

/** The built-in node's credential as n8n would hand it over: Microsoft OAuth2, Graph at the stand-in. */
export function builtinCredential(
	at: StandInAddresses,
	ours: ICredentialDataDecryptedObject,
): ICredentialDataDecryptedObject {
	return {
		grantType: 'authorizationCode',
		authUrl: `${at.authority}/organizations/oauth2/v2.0/authorize`,
		accessTokenUrl: `${at.authority}/organizations/oauth2/v2.0/token`,
		clientId: at.clientId,
		clientSecret: at.clientSecret,
		scope: String((ours.oauthTokenData as IDataObject).scope ?? ''),
		authentication: 'body',
		graphApiBaseUrl: at.graphUrl,
		useShared: false,
		oauthTokenData: ours.oauthTokenData,
	} as ICredentialDataDecryptedObject;
}

/** The harness with the built-in node's credential type (microsoftOutlookOAuth2Api → oAuth2Api). */
class BenchHarness extends N8nHarness {
	makeNode(type: string, options: RunOptions) {
		const node = super.makeNode(type, options);
		if (type === 'builtin') {
			node.typeVersion = 2;
			node.credentials = {
				microsoftOutlookOAuth2Api: { id: BUILTIN_CREDENTIAL, name: 'Microsoft Outlook account' },
			};
		}
		return node;
	}
}

/** Outlook Mail as `outlookMail` and the built-in node as `builtin`, each with its credential. */
export function harnessWithBuiltin(
	at: StandInAddresses,
	ours: ICredentialDataDecryptedObject,
	home: string,
): N8nHarness {
	const n8n = new BenchHarness(
		{ outlookMail: new OutlookMail(), builtin: loadBuiltinOutlook(home) },
		ours,
	);
	const helper = n8n.credentialsHelper;
	helper.store.set(BUILTIN_CREDENTIAL, {
		type: 'microsoftOutlookOAuth2Api',
		data: builtinCredential(at, ours),
	});
	const parents = helper.getParentTypes.bind(helper);
	helper.getParentTypes = (name: string) =>
		name === 'microsoftOutlookOAuth2Api' ? ['microsoftOAuth2Api', 'oAuth2Api'] : parents(name);
	const decrypted = helper.getDecrypted.bind(helper);
	helper.getDecrypted = async (...args: Parameters<typeof helper.getDecrypted>) =>
		args[1].id === BUILTIN_CREDENTIAL
			? structuredClone(helper.store.get(BUILTIN_CREDENTIAL)!.data)
			: await decrypted(...args);
	return n8n;
}
