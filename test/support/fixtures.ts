/**
 * Starting the stand-ins and a connected credential pointing at them (Custom environment), the
 * way every node test begins.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { GraphStandIn } from './graph-standin';
import { IdentityProviderStandIn } from './identity-provider';
import { resolveCredential } from './n8n-harness';

export interface StandIns {
	idp: IdentityProviderStandIn;
	graph: GraphStandIn;
	close(): Promise<void>;
}

export async function startStandIns(): Promise<StandIns> {
	const idp = await IdentityProviderStandIn.start();
	const graph = await GraphStandIn.start(idp);
	return {
		idp,
		graph,
		async close() {
			await graph.close();
			await idp.close();
		},
	};
}

export const ALL_GRAPH_PERMISSIONS = [
	'mailReadWrite',
	'mailSend',
	'mailShared',
	'calendarsReadWrite',
	'calendarsShared',
	'mailboxSettings',
];

/**
 * A credential as the user would save it (Custom environment at the stand-ins), already
 * connected: `oauthTokenData` holds tokens the identity-provider stand-in issued for its scope.
 */
export function connectedCredential(
	standIns: Pick<StandIns, 'idp' | 'graph'>,
	overrides: ICredentialDataDecryptedObject = {},
): ICredentialDataDecryptedObject {
	const fields: ICredentialDataDecryptedObject = {
		clientId: standIns.idp.clientId,
		clientSecret: standIns.idp.clientSecret,
		environment: 'custom',
		customAuthorityUrl: standIns.idp.authority,
		customGraphUrl: standIns.graph.url,
		customImapHost: '127.0.0.1',
		accountType: 'organizations',
		permissions: ALL_GRAPH_PERMISSIONS,
		prompt: 'none',
		retryMode: 'statusCodes',
		retryStatusCodes: '429|503|504',
		maxRetries: 5,
		retryBaseWaitSeconds: 0.01,
		retryBackoffDoubles: true,
		...overrides,
	};
	const scope = resolveCredential('outlookOAuth2Api', fields).scope as string;
	return { ...fields, oauthTokenData: standIns.idp.oauthTokenData(scope) };
}

/** Asserts the Graph stand-in saw no request outside Microsoft's description and nothing unstubbed. */
export function expectGraphContractKept(graph: GraphStandIn) {
	expect(graph.violations).toEqual([]);
	expect(graph.unhandled).toEqual([]);
}
