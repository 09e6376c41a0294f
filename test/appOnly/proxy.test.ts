/**
 * App-only token requests go through n8n's HTTP helper, so n8n's outbound proxy settings
 * (HTTP_PROXY / HTTPS_PROXY / NO_PROXY) apply to the sign-in request as they do to Graph requests.
 * A forward proxy on 127.0.0.1 records what passes through it; with HTTP_PROXY pointing at it,
 * the token request and the Graph request both pass (with Node's fetch the token request went
 * straight to the sign-in host).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { clearAppOnlyClients } from '../../nodes/shared/auth/appOnly';
import { testAppOnlyCredential } from '../../nodes/shared/auth/appOnlyCredentialTest';
import { fetchAppOnlyImapToken } from '../../nodes/OutlookImapTrigger/token';
import { OutlookMail } from '../../nodes/OutlookMail/OutlookMail.node';
import { expectGraphContractKept, startStandIns, type StandIns } from '../support/fixtures';
import { graphMessage, MSG_ID, rl } from '../OutlookMail/message/setup';
import { APP_ID, AppOnlyHarness, appOnlyFields, n8nHttp, newSecret, SHARED } from './support';

/** A plain HTTP forward proxy (absolute-form request targets, RFC 9112 §3.2.2) that records each request. */
class RecordingProxy {
	readonly seen: string[] = [];

	private server!: http.Server;

	url = '';

	async start(): Promise<this> {
		this.server = http.createServer((req, res) => {
			const target = new URL(req.url ?? '/');
			this.seen.push(`${req.method} ${target.origin}${target.pathname}`);
			const upstream = http.request(
				target,
				{ method: req.method, headers: { ...req.headers, host: target.host } },
				(answer) => {
					res.writeHead(answer.statusCode ?? 502, answer.headers);
					answer.pipe(res);
				},
			);
			upstream.on('error', () => {
				res.writeHead(502);
				res.end();
			});
			req.pipe(upstream);
		});
		await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
		return this;
	}

	async close(): Promise<void> {
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}
}

let s: StandIns;
let proxy: RecordingProxy;
const secret = newSecret();
const saved: Record<string, string | undefined> = {};
const PROXY_VARIABLES = ['HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy'];

beforeAll(async () => {
	s = await startStandIns();
	proxy = await new RecordingProxy().start();
});
afterAll(async () => {
	await proxy.close();
	await s.close();
});
beforeEach(() => {
	clearAppOnlyClients();
	s.graph.reset();
	proxy.seen.length = 0;
	s.idp.registerApp({
		clientId: APP_ID,
		secrets: [secret],
		roles: { graph: ['Mail.ReadWrite'], imap: ['IMAP.AccessAsApp'] },
	});
	s.graph.limitAppToMailboxes(APP_ID, [SHARED]);
	for (const name of PROXY_VARIABLES) saved[name] = process.env[name];
	for (const name of PROXY_VARIABLES) delete process.env[name];
	process.env.HTTP_PROXY = proxy.url;
});
afterEach(() => {
	for (const name of PROXY_VARIABLES) {
		if (saved[name] === undefined) delete process.env[name];
		else process.env[name] = saved[name];
	}
	expectGraphContractKept(s.graph);
});

const tokenPath = (tenant: string) => `POST ${s.idp.url}/${tenant}/oauth2/v2.0/token`;

test('Outlook Mail with the app-only credential: the token request and the Graph request pass through n8n’s proxy', async () => {
	s.graph.on('GET', '/users/:mailbox/messages/:id', (_, p) => ({ body: graphMessage(p.id) }));
	const fields = appOnlyFields(s, { secret });
	const n8n = new AppOnlyHarness({ outlookMail: new OutlookMail() }, fields);
	const [out] = await n8n.execute('outlookMail', {
		parameters: {
			authentication: 'appOnly',
			mailboxId: SHARED,
			resource: 'message',
			operation: 'get',
			messageId: rl(MSG_ID),
		},
	});
	expect(out[0].json).toMatchObject({ id: MSG_ID });
	expect(proxy.seen).toEqual([
		tokenPath(String(fields.tenantId)),
		`GET ${s.graph.url}/v1.0/users/${encodeURIComponent(SHARED)}/messages/${encodeURIComponent(MSG_ID)}`,
	]);
	expect(s.idp.clientCredentialRequests).toHaveLength(1);
});

test('the IMAP trigger’s app token comes through the helper it is given (n8n’s, with the proxy)', async () => {
	const fields = appOnlyFields(s, { secret });
	const token = await fetchAppOnlyImapToken(fields, { http: n8nHttp });
	expect(token.accessToken).toBeTruthy();
	expect(proxy.seen).toEqual([tokenPath(String(fields.tenantId))]);
});

test('the credential test sends the token and Graph requests through n8n’s request helper', async () => {
	s.graph.on('GET', '/users/:mailbox/mailFolders/:folder', (_, p) => ({
		body: { id: `inbox-of-${p.mailbox}` },
	}));
	const fields = appOnlyFields(s, { secret }, { testMailbox: SHARED });
	const result = await testAppOnlyCredential(fields, n8nHttp);
	expect(result.status).toBe('OK');
	expect(proxy.seen).toEqual([
		tokenPath(String(fields.tenantId)),
		`GET ${s.graph.url}/v1.0/users/${encodeURIComponent(SHARED)}/mailFolders/inbox`,
	]);
});
