/**
 * The bearer token goes only to the credential's Graph host. Links that come from responses
 * (@odata.nextLink) and redirects are checked before the token goes with them; anything else
 * becomes an error that names the host, and the other host receives nothing.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { GraphProbe, PROBE_NODE_TYPE } from '../support/probe-node';
import { N8nHarness } from '../support/n8n-harness';
import { connectedCredential, startStandIns, type StandIns } from '../support/fixtures';

/** A server that records every request it gets: where a leaked token would land. */
async function startAttacker() {
	const seen: Array<{ url: string; authorization?: string }> = [];
	const server = http.createServer((req, res) => {
		seen.push({ url: req.url ?? '', authorization: req.headers.authorization });
		res.writeHead(200, { 'content-type': 'application/json' });
		res.end(JSON.stringify({ value: [{ id: 'stolen' }] }));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as AddressInfo).port;
	return {
		seen,
		url: `http://127.0.0.1:${port}`,
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

describe('the token goes only to the Graph host of the credential', () => {
	let s: StandIns;
	let attacker: Awaited<ReturnType<typeof startAttacker>>;
	let n8n: N8nHarness;

	beforeAll(async () => {
		s = await startStandIns();
		attacker = await startAttacker();
	});
	afterAll(async () => {
		await attacker.close();
		await s.close();
	});
	beforeEach(() => {
		s.graph.reset();
		n8n = new N8nHarness({ [PROBE_NODE_TYPE]: new GraphProbe() }, connectedCredential(s));
	});

	it.each([
		['another host', () => `${attacker.url}/v1.0/me/messages?$skiptoken=x`],
		[
			'the Graph host on another port',
			() => `${attacker.url.replace('127.0.0.1', 'localhost')}/v1.0/me/messages`,
		],
		['the Graph host outside /v1.0', () => `${s.graph.url}/beta/me/messages?$skiptoken=x`],
		[
			'a URL with user information',
			() => `${s.graph.url.replace('http://', 'http://user:pass@')}/v1.0/me/messages`,
		],
	])('refuses an @odata.nextLink to %s and names it', async (_what, link) => {
		const next = link();
		s.graph.on('GET', '/me/messages', { body: { value: [{ id: 'm1' }], '@odata.nextLink': next } });
		const run = n8n.execute(PROBE_NODE_TYPE, {
			parameters: { mode: 'collect', path: '/me/messages', returnAll: true },
		});
		await expect(run).rejects.toThrow(/Refused to follow a link to/);
		await expect(run).rejects.toThrow(new URL(next).origin.replace(/\/\/.*@/, '//'));
		expect(attacker.seen).toEqual([]);
		expect(s.graph.calls().map((c) => c.path)).toEqual(['/me/messages']);
	});

	it('does not follow a redirect from Graph, so the token is not sent to its target', async () => {
		s.graph.on('GET', '/me', { status: 302, headers: { location: `${attacker.url}/v1.0/me` } });
		await expect(n8n.execute(PROBE_NODE_TYPE, { parameters: { path: '/me' } })).rejects.toThrow(
			/302/,
		);
		expect(attacker.seen).toEqual([]);
	});

	it('sends the token to the Graph stand-in only, for every request of a paged read', async () => {
		const items = Array.from({ length: 30 }, (_, i) => ({ id: `m${i}` }));
		s.graph.collection('GET', '/me/messages', () => items, { maxPageSize: 10 });
		s.graph.on('GET', '/me/messages', (req) => {
			// Serve pages of 10 whatever $top says, the way Graph may cap a page.
			const skip = Number(req.query.$skiptoken ?? 0);
			const next =
				skip + 10 < items.length
					? `${s.graph.url}/v1.0/me/messages?$skiptoken=${skip + 10}`
					: undefined;
			return {
				body: { value: items.slice(skip, skip + 10), ...(next ? { '@odata.nextLink': next } : {}) },
			};
		});
		const [out] = await n8n.execute(PROBE_NODE_TYPE, {
			parameters: { mode: 'collect', path: '/me/messages', returnAll: true },
		});
		expect(out).toHaveLength(30);
		const token = (n8n.credential().oauthTokenData as Record<string, string>).access_token;
		expect(s.graph.tokensSeen).toEqual([`Bearer ${token}`, `Bearer ${token}`, `Bearer ${token}`]);
		expect(attacker.seen).toEqual([]);
	});
});
