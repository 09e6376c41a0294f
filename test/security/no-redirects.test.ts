/**
 * No request of the package follows a redirect (nodes/shared/outbound.ts): a 307/308 would carry
 * its body (a refresh token and client secret) and its headers (a bearer token) on to whatever
 * host the answer names. The package calls n8n's HTTP helpers only there (checked over the
 * sources below), and the IMAP token request, the one path that once missed it, is run against a
 * token endpoint that redirects.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import type { IHttpRequestOptions } from 'n8n-workflow';

import { OutlookImapTrigger } from '../../nodes/OutlookImapTrigger/OutlookImapTrigger.node';
import { send, sendWithCredential } from '../../nodes/shared/outbound';
import { TYPE } from '../OutlookImapTrigger/support';
import {
	ALL_GRAPH_PERMISSIONS,
	connectedCredential,
	startStandIns,
	type StandIns,
} from '../support/fixtures';
import { N8nHarness } from '../support/n8n-harness';
import { sourceLinesMatching } from '../support/package-sources';

async function listen(server: http.Server): Promise<string> {
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('the IMAP token request at a token endpoint that redirects', () => {
	let s: StandIns;
	let otherHost: string;
	let signInHost: string;
	const otherHostSaw: string[] = [];
	const servers: http.Server[] = [];

	beforeAll(async () => {
		s = await startStandIns();
		// Another host: records what reaches it.
		const other = http.createServer((req, res) => {
			let body = '';
			req.on('data', (chunk) => (body += chunk));
			req.on('end', () => {
				otherHostSaw.push(`${req.method} ${req.url} ${body}`);
				res.writeHead(400, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ error: 'invalid_request' }));
			});
		});
		otherHost = await listen(other);
		// The credential's sign-in host (a Custom authority): passes everything on to the identity
		// provider stand-in, but answers the IMAP token request with a 307 to the other host.
		const idp = new URL(s.idp.url);
		const proxy = http.createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (chunk: Buffer) => chunks.push(chunk));
			req.on('end', () => {
				const body = Buffer.concat(chunks);
				const form = new URLSearchParams(body.toString());
				if (req.method === 'POST' && /IMAP/.test(form.get('scope') ?? '')) {
					res.writeHead(307, { location: `${otherHost}/collect` });
					res.end();
					return;
				}
				const upstream = http.request(
					{
						host: idp.hostname,
						port: idp.port,
						method: req.method,
						path: req.url,
						headers: { ...req.headers, host: idp.host },
					},
					(answer) => {
						res.writeHead(answer.statusCode ?? 502, answer.headers);
						answer.pipe(res);
					},
				);
				upstream.end(body);
			});
		});
		signInHost = await listen(proxy);
		servers.push(other, proxy);
	});
	afterAll(async () => {
		for (const server of servers) {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
		await s.close();
	});

	test('the client secret and refresh token stay with the sign-in host; the picker says what the endpoint answered', async () => {
		const n8n = new N8nHarness(
			{ [TYPE]: new OutlookImapTrigger() },
			connectedCredential(s, {
				permissions: [...ALL_GRAPH_PERMISSIONS, 'imap'],
				customAuthorityUrl: signInHost,
				customImapHost: 'localhost',
			}),
		);
		const context = n8n.loadOptionsContext(TYPE, {
			parameters: {
				mailbox: 'alice@example.test',
				folder: { __rl: true, mode: 'path', value: 'INBOX' },
				options: { port: 1, security: 'plain' },
			},
		});
		const { listSearch } = new OutlookImapTrigger().methods;
		await expect(listSearch.searchFolders.call(context as never)).rejects.toThrow(
			/token endpoint refused the IMAP token request \(HTTP 307\)/,
		);
		// The token refresh before it went through the sign-in host to the stand-in.
		expect(s.idp.requests.length).toBeGreaterThan(0);
		expect(otherHostSaw).toEqual([]);
	}, 30_000);
});

describe('nothing goes around nodes/shared/outbound.ts (generated from the package)', () => {
	/** n8n's request helpers, by any name they have in RequestHelperFunctions and its legacy forms. */
	const HELPER =
		/\.(httpRequest|httpRequestWithAuthentication|requestWithAuthentication|requestWithAuthenticationPaginated|requestOAuth1|requestOAuth2)\b|\bhelpers\.request\b/;

	test('no source file but outbound.ts calls or takes n8n’s HTTP helpers', () => {
		const offenders = sourceLinesMatching(HELPER, {
			except: (path) => path === join('nodes', 'shared', 'outbound.ts'),
			// Comments may name them.
			skipComments: true,
		})
			// The credential test's context has only the legacy `request`: handed to outbound.ts.
			.filter((line) => !/senderFromLegacyRequest\(this\.helpers\.request\)/.test(line));
		expect(offenders).toEqual([]);
	});

	test('send and sendWithCredential refuse redirects even when the caller asks for them', async () => {
		const seen: IHttpRequestOptions[] = [];
		const helpers = {
			httpRequest: async (options: IHttpRequestOptions) => (seen.push(options), {}),
			httpRequestWithAuthentication: async (_type: string, options: IHttpRequestOptions) => (
				seen.push(options),
				{}
			),
		};
		await send(helpers as never, { url: 'https://graph.example', disableFollowRedirect: false });
		await sendWithCredential({ helpers } as never, 'outlookOAuth2Api', {
			url: 'https://graph.example',
			disableFollowRedirect: false,
		});
		expect(seen.map((options) => options.disableFollowRedirect)).toEqual([true, true]);
	});
});
