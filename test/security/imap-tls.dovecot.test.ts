/**
 * No IMAP token in plaintext. The node options "Plaintext" and "TLS Without Certificate Check"
 * are the credential's decision: only a Custom environment whose own IMAP Host is not Microsoft's
 * may use them; anything else is refused before a token is asked for. And a server that does not
 * offer TLS (Dovecot configured with `ssl = no`: no IMAPS, no STARTTLS) gets no token with TLS or
 * STARTTLS: a proxy in front of it records every byte the trigger sent.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

import { OutlookImapTrigger } from '../../nodes/OutlookImapTrigger/OutlookImapTrigger.node';
import { startDovecot, type Dovecot } from '../support/dovecot';
import { ALL_GRAPH_PERMISSIONS, connectedCredential } from '../support/fixtures';
import { N8nHarness } from '../support/n8n-harness';
import {
	captureLogs,
	sleep,
	textMessage,
	TYPE,
	useImapRig,
	waitFor,
} from '../OutlookImapTrigger/support';

const rig = useImapRig();

/** Forwards to a server and keeps what the client sent on each connection. */
class RecordingProxy {
	readonly sent: Buffer[] = [];

	private server!: Server;

	private readonly sockets = new Set<Socket>();

	port = 0;

	async start(target: { host: string; port: number }) {
		this.server = createServer((client) => {
			const index = this.sent.push(Buffer.alloc(0)) - 1;
			const upstream = createConnection(target.port, target.host);
			for (const socket of [client, upstream]) {
				this.sockets.add(socket);
				socket.on('error', () => undefined);
				socket.on('close', () => {
					this.sockets.delete(socket);
					client.destroy();
					upstream.destroy();
				});
			}
			client.on('data', (chunk: Buffer) => {
				this.sent[index] = Buffer.concat([this.sent[index], chunk]);
			});
			client.pipe(upstream);
			upstream.pipe(client);
		});
		await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
		this.port = (this.server.address() as AddressInfo).port;
	}

	text(): string {
		return Buffer.concat(this.sent).toString('latin1');
	}

	async stop() {
		for (const socket of this.sockets) socket.destroy();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}
}

async function activationError(n8n: N8nHarness, parameters: Record<string, unknown>) {
	try {
		const run = await n8n.activateTrigger(TYPE, { parameters: parameters as never });
		await run.close();
	} catch (error) {
		return error as Error & { description?: string };
	}
	throw new Error('expected the activation to fail');
}

describe('test-only security needs a Custom environment whose IMAP host is not Microsoft’s', () => {
	const parameters = (security: string) => ({
		mailbox: 'alice@example.test',
		folder: { __rl: true, mode: 'path', value: 'INBOX' },
		options: { security },
	});

	test.each([
		['global', {}, 'Global (Microsoft 365, Outlook.com)', 'outlook.office365.com'],
		['usGov', {}, 'US Government (GCC High)', 'outlook.office365.us'],
	])(
		'%s environment: Plaintext and TLS Without Certificate Check are refused before any request',
		async (environment, extra, displayName, host) => {
			for (const [security, choice] of [
				['plain', 'Plaintext'],
				['tlsUnverified', 'TLS Without Certificate Check'],
			]) {
				const idp = rig.standIns.idp.requests.length;
				const graph = rig.standIns.graph.requests.length;
				const n8n = new N8nHarness(
					{ [TYPE]: new OutlookImapTrigger() },
					connectedCredential(rig.standIns, {
						permissions: [...ALL_GRAPH_PERMISSIONS, 'imap'],
						environment,
						...extra,
					}),
				);
				const error = await activationError(n8n, parameters(security));
				expect(error.message).toBe(
					`"${choice}" is for test servers and needs a credential with the Custom environment; this credential's Environment is ${displayName}, so the IMAP token is sent to ${host} only over TLS with its certificate verified`,
				);
				expect(error.description).toMatch(/Choose "TLS" \(port 993\) or "STARTTLS" \(port 143\)/);
				// Nothing was asked of the identity platform, nothing of Graph.
				expect(rig.standIns.idp.requests.length).toBe(idp);
				expect(rig.standIns.graph.requests.length).toBe(graph);
				// The folder picker builds its connection the same way.
				const picker = n8n.loadOptionsContext(TYPE, { parameters: parameters(security) as never });
				await expect(
					new OutlookImapTrigger().methods.listSearch.searchFolders.call(picker),
				).rejects.toThrow(`"${choice}" is for test servers`);
				expect(rig.standIns.idp.requests.length).toBe(idp);
			}
		},
	);

	test('a Custom environment without its own IMAP Host (so Microsoft’s) is refused too', async () => {
		const n8n = new N8nHarness(
			{ [TYPE]: new OutlookImapTrigger() },
			connectedCredential(rig.standIns, {
				permissions: [...ALL_GRAPH_PERMISSIONS, 'imap'],
				customImapHost: '',
			}),
		);
		const error = await activationError(n8n, parameters('plain'));
		expect(error.message).toBe(
			'"Plaintext" is for test servers: the credential\'s IMAP host is Microsoft\'s outlook.office365.com, which gets the IMAP token only over TLS with its certificate verified',
		);
	});
});

describe('a server without TLS (Dovecot with ssl = no)', () => {
	let plain: Dovecot;
	let proxy: RecordingProxy;
	beforeAll(async () => {
		plain = await startDovecot({ idpUrl: rig.standIns.idp.url, tls: false });
		proxy = new RecordingProxy();
		await proxy.start({ host: plain.host, port: plain.plainPort });
	}, 30_000);
	afterAll(async () => {
		await proxy?.stop();
		await plain?.stop();
	});
	const introspections = () =>
		rig.standIns.idp.requests.filter((request) => request.path === '/introspect').length;

	test.each([
		['tls', `does not offer TLS, so`],
		['tlsUnverified', `does not offer TLS, so`],
		['starttls', `does not offer TLS (no STARTTLS), so`],
	])(
		'%s: refused before any token is sent; activation says the server offers no TLS',
		async (security, said) => {
			proxy.sent.length = 0;
			const before = introspections();
			const logBefore = plain.log().length;
			const logs = captureLogs();
			let error: Error & { description?: string };
			try {
				error = await activationError(rig.harness(), {
					...rig.parameters(),
					options: { host: '127.0.0.1', port: proxy.port, security },
				});
			} finally {
				logs.restore();
			}
			expect(error.message).toBe(
				`The IMAP server 127.0.0.1:${proxy.port} ${said} the IMAP token was not sent: it goes only over TLS`,
			);
			expect(error.description).toMatch(/TLS is port 993, STARTTLS port 143/);
			expect(proxy.sent.length).toBeGreaterThanOrEqual(1);
			// What the trigger sent: a TLS ClientHello, or (STARTTLS, which the greeting did not list)
			// nothing at all; never a login.
			expect(proxy.text()).not.toMatch(/AUTHENTICATE|XOAUTH2|LOGIN|STARTTLS|dXNlcj/);
			if (security !== 'starttls') {
				await waitFor(() => proxy.sent.every((bytes) => bytes.length > 0), 2_000, 'the bytes');
				expect(proxy.sent.every((bytes) => bytes[0] === 0x16)).toBe(true);
			}
			// The server never saw a token: no introspection, and its log says so.
			expect(introspections()).toBe(before);
			const log = await waitFor(
				() => /Disconnected/.test(plain.log().slice(logBefore)) && plain.log().slice(logBefore),
				5_000,
				"Dovecot's log of the connection",
			);
			expect(log).not.toMatch(/Login: |auth failed|user=<[^>]/);
			expect(log).toMatch(/no auth attempts|before auth was ready/);
		},
	);

	test('Plaintext with the Custom environment (the test server it is for) still works', async () => {
		proxy.sent.length = 0;
		const run = await rig.harness().activateTrigger(TYPE, {
			parameters: {
				...rig.parameters(),
				options: { host: '127.0.0.1', port: proxy.port, security: 'plain' },
			},
		});
		try {
			await waitFor(() => run.staticData.imapCursor, 10_000, 'the cursor');
			await plain.appendMessage(textMessage('over plaintext'));
			await waitFor(() => run.emitted.length === 1, 5_000, 'the message');
			await sleep(200);
			expect(proxy.text()).toMatch(/AUTHENTICATE XOAUTH2/);
		} finally {
			await run.close();
		}
	});
});

test('STARTTLS verifies the certificate: Dovecot’s self-signed one is refused before the login', async () => {
	const logBefore = rig.dovecot.log().length;
	const error = await activationError(rig.harness(), {
		...rig.parameters(),
		options: { host: '127.0.0.1', port: rig.dovecot.plainPort, security: 'starttls' },
	});
	expect(error.message).toBe(
		'The certificate of the IMAP server 127.0.0.1 could not be verified (DEPTH_ZERO_SELF_SIGNED_CERT)',
	);
	expect(rig.dovecot.log().slice(logBefore)).not.toMatch(/Login: user=/);
});
