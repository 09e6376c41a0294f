/**
 * A credential that was never connected, and a sign-in Microsoft refuses for missing consent,
 * each fail with their own message and fix (nodes/shared/auth/credential-state.ts), through
 * n8n-core's real httpRequestWithAuthentication.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	credentialStateFailure,
	NOT_CONNECTED_MESSAGE,
} from '../../../nodes/shared/auth/credential-state';
import { adminConsentUrl } from '../../../nodes/shared/auth/microsoft-errors';
import { connectedCredential, startStandIns, type StandIns } from '../../support/fixtures';
import { N8nHarness } from '../../support/n8n-harness';
import { GraphProbe, PROBE_NODE_TYPE } from '../../support/probe-node';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

let s: StandIns;
beforeAll(async () => (s = await startStandIns()));
afterAll(async () => await s.close());
beforeEach(() => s.graph.reset());

async function failure(n8n: N8nHarness): Promise<NodeOperationError> {
	return (await n8n.execute(PROBE_NODE_TYPE, { parameters: { path: '/me' } }).then(
		() => {
			throw new Error('expected the node to fail');
		},
		(e: unknown) => e,
	)) as NodeOperationError;
}

describe('a credential that was never connected', () => {
	it('says so and says to click Connect, instead of "Could not reach Microsoft Graph"', async () => {
		// Saved without Connect: n8n hands the node `oauthTokenData: {}` (the harness does as n8n).
		const { oauthTokenData: _never, ...unconnected } = connectedCredential(s);
		const n8n = new N8nHarness({ [PROBE_NODE_TYPE]: new GraphProbe() }, unconnected);
		const error = await failure(n8n);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(
			/^The credential ".+" was never connected to a Microsoft account: open the credential and click Connect$/,
		);
		expect(error.message).not.toMatch(/Could not reach/);
		expect(error.description).toMatch(/click Connect/);
		// Nothing was sent to Graph: n8n refuses before the request.
		expect(s.graph.requests).toEqual([]);
	});

	it("is recognised from n8n-core's errors wrapped in a NodeApiError cause", () => {
		const node = { name: 'Mail', credentials: {} } as unknown as INode;
		// n8n 2.41.1 with oauthTokenData {} (what it really throws), and without token data at all.
		for (const message of ['Unable to sign without access token', NOT_CONNECTED_MESSAGE]) {
			const wrapped = { message: 'wrapped', cause: new Error(message) };
			expect(credentialStateFailure(wrapped, node, 'outlookOAuth2Api')?.message).toBe(
				'The credential selected for this node was never connected to a Microsoft account: open the credential and click Connect',
			);
		}
		expect(
			credentialStateFailure(new Error('ECONNREFUSED'), node, 'outlookOAuth2Api'),
		).toBeUndefined();
	});
});

describe('consent missing (AADSTS65001)', () => {
	let authority: http.Server;
	let authorityUrl: string;
	beforeAll(async () => {
		// The token endpoint as Microsoft answers a refresh when consent was never given or was withdrawn.
		authority = http.createServer((req, res) => {
			req.resume();
			req.on('end', () => {
				res.writeHead(400, { 'content-type': 'application/json' });
				res.end(
					JSON.stringify({
						error: 'interaction_required',
						error_description:
							"AADSTS65001: The user or administrator has not consented to use the application with ID '00000000-0000-4000-8000-00000000c1d0' named 'n8n'. Send an interactive authorization request for this user and resource.\r\nTrace ID: 1",
						error_codes: [65001],
						suberror: 'consent_required',
					}),
				);
			});
		});
		await new Promise<void>((resolve) => authority.listen(0, '127.0.0.1', resolve));
		authorityUrl = `http://127.0.0.1:${(authority.address() as AddressInfo).port}`;
	});
	afterAll(async () => await new Promise((resolve) => authority.close(resolve)));

	it('names the missing consent and gives the admin-consent URL with the real tenant and client ID', async () => {
		const credential = connectedCredential(s, {
			customAuthorityUrl: authorityUrl,
			accountType: 'singleTenant',
			tenantId: TENANT,
		});
		const n8n = new N8nHarness({ [PROBE_NODE_TYPE]: new GraphProbe() }, credential);
		// The stored access token is refused, so n8n refreshes it at the token endpoint above.
		s.idp.expireAccessTokens();
		const error = await failure(n8n);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(
			/^Microsoft has no consent for the permissions the credential ".+" asks for \(AADSTS65001\)$/,
		);
		expect(error.description).toContain(
			adminConsentUrl(authorityUrl, TENANT, String(credential.clientId)),
		);
		expect(error.description).toMatch(/Grant admin consent/);
	});
});
