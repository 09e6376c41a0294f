/**
 * Where the IMAP trigger's secrets go. The client secret and refresh token go to the credential's
 * token endpoint only, also when a Custom environment points IMAP at another host; the IMAP server
 * gets the IMAP access token and nothing else; TLS is verified by default with no fallback to
 * plaintext; and no token, refresh token or client secret shows up in an emitted item, an error
 * handed to n8n, or a log line, even when a hostile server echoes the token in its error text.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

import {
	CREDENTIAL_TYPE,
	MISSING_PERMISSION_MESSAGE,
	RECONNECT_MESSAGE,
} from '../../nodes/OutlookImapTrigger/token';
import {
	captureLogs,
	imapTokens,
	useImapRig,
	textMessage,
	TYPE,
	waitFor,
} from '../OutlookImapTrigger/support';
import { resolveCredential, type N8nHarness, type TriggerRun } from '../support/n8n-harness';

const rig = useImapRig();

/**
 * An IMAP server on another host name that records every byte it receives, offers XOAUTH2, and
 * refuses every login with an error text that echoes the SASL string and the token it was sent.
 */
class RecordingImapServer {
	readonly connections: Buffer[] = [];

	private server!: Server;

	private sockets = new Set<Socket>();

	port = 0;

	async start() {
		this.server = createServer((socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
			socket.on('error', () => undefined);
			const index = this.connections.push(Buffer.alloc(0)) - 1;
			let pending = '';
			socket.write('* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=XOAUTH2] hostile server ready\r\n');
			socket.on('data', (chunk: Buffer) => {
				this.connections[index] = Buffer.concat([this.connections[index], chunk]);
				pending += chunk.toString('latin1');
				let end: number;
				while ((end = pending.indexOf('\r\n')) >= 0) {
					const line = pending.slice(0, end);
					pending = pending.slice(end + 2);
					const [tag, command = '', , payload = ''] = line.split(' ');
					if (/^AUTHENTICATE$/i.test(command)) {
						const decoded = Buffer.from(payload, 'base64').toString('latin1');
						const bearer = decoded.split('auth=Bearer ')[1]?.split('\x01')[0] ?? '';
						socket.write(
							`${tag} NO [AUTHENTICATIONFAILED] rejected ${payload} Bearer ${bearer}\r\n`,
						);
					} else if (/^LOGOUT$/i.test(command)) {
						socket.end(`* BYE\r\n${tag} OK LOGOUT completed\r\n`);
					} else if (tag) {
						socket.write(`${tag} OK done\r\n`);
					}
				}
			});
		});
		// No host: every local address (IPv4 and, where there is one, IPv6), so "localhost" reaches it.
		await new Promise<void>((resolve) => this.server.listen(0, resolve));
		this.port = (this.server.address() as AddressInfo).port;
	}

	received(): string {
		return Buffer.concat(this.connections).toString('latin1');
	}

	async stop() {
		for (const socket of this.sockets) socket.destroy();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}
}

/** Every secret the identity provider issued or knows (client secret, codes, access and refresh tokens). */
function secrets(): string[] {
	return rig.standIns.idp.secrets();
}

function expectNoSecretIn(text: string, what: string) {
	for (const secret of secrets()) {
		if (text.includes(secret))
			throw new Error(`${what} contains a secret (${secret.slice(0, 6)}…)`);
	}
}

/** Everything n8n was handed by the trigger, and everything it logged. */
function expectNothingLeaked(run: TriggerRun, logLines: string[]) {
	expectNoSecretIn(
		JSON.stringify(run.emitted.map((item) => ({ json: item.json, binary: item.binary }))),
		'an emitted item',
	);
	expectNoSecretIn(
		JSON.stringify(
			run.errors.map((error) => ({
				message: error.message,
				description: (error as { description?: string }).description,
				stack: error.stack,
			})),
		),
		'an error given to emitError',
	);
	expectNoSecretIn(logLines.join('\n'), 'a log line');
}

/** Requests to the identity provider that carried the client secret, as "METHOD path". */
function secretRequests(): string[] {
	return rig.standIns.idp.requests
		.filter((request) => JSON.stringify(request).includes(rig.standIns.idp.clientSecret))
		.map((request) => `${request.method} ${request.path}`);
}

function tokenEndpointPath(n8n: N8nHarness): string {
	return new URL(String(resolveCredential(CREDENTIAL_TYPE, n8n.credential()).accessTokenUrl))
		.pathname;
}

test('against Dovecot: the client secret goes only to the token endpoint, Dovecot gets an IMAP token, nothing leaks', async () => {
	rig.standIns.idp.requests.length = 0;
	const n8n = rig.harness();
	const logs = captureLogs();
	const run = await n8n.activateTrigger(TYPE, { parameters: rig.parameters() });
	try {
		await waitFor(() => run.staticData.imapCursor, 10_000, 'the cursor baseline');
		await rig.dovecot.appendMessage(textMessage('secret check'));
		await waitFor(() => run.emitted.length === 1, 5_000, 'the message');
	} finally {
		logs.restore();
		await run.close();
	}
	const tokenPath = tokenEndpointPath(n8n);
	expect(tokenPath).toMatch(/\/oauth2\/v2\.0\/token$/);
	const withSecret = secretRequests();
	// n8n's refresh of the stored token, then the redemption for an IMAP token: both POSTs to the token endpoint.
	expect(withSecret.length).toBeGreaterThanOrEqual(2);
	expect(new Set(withSecret)).toEqual(new Set([`POST ${tokenPath}`]));
	const imapRedemption = rig.standIns.idp.requests.filter((request) =>
		request.form.scope?.startsWith('https://outlook.office.com/IMAP.AccessAsUser.All'),
	);
	expect(imapRedemption.length).toBeGreaterThanOrEqual(1);
	expect(
		imapRedemption.every(
			(request) =>
				request.method === 'POST' &&
				request.path === tokenPath &&
				request.form.grant_type === 'refresh_token',
		),
	).toBe(true);
	// Graph never saw the client secret or a refresh token.
	expectNoSecretIn(
		JSON.stringify(rig.standIns.graph.requests).replace(/"authorization":"Bearer [^"]*"/gi, ''),
		'a Graph request',
	);
	expect(imapTokens(rig.standIns).length).toBeGreaterThan(0);
	expectNothingLeaked(
		run,
		logs.lines.map((line) => line.message),
	);
	expectNoSecretIn(rig.dovecot.log(), "Dovecot's log");
}, 30_000);

describe('a Custom environment whose IMAP host is another host', () => {
	let imap: RecordingImapServer;
	beforeAll(async () => {
		imap = new RecordingImapServer();
		await imap.start();
	});
	afterAll(async () => {
		await imap.stop();
	});

	test('the IMAP host gets the IMAP access token only; an echo of it in the server error is redacted from logs and errors', async () => {
		rig.standIns.idp.requests.length = 0;
		imap.connections.length = 0;
		// The credential points IMAP at "localhost"; the token endpoint is the stand-in on 127.0.0.1.
		const n8n = rig.harness({ customImapHost: 'localhost' });
		const logs = captureLogs();
		const parameters = rig.parameters({ options: { port: imap.port, security: 'plain' } });
		delete (parameters.options as Record<string, unknown>).host;
		// The login is refused: activation fails with the cause (n8n retries it with a growing delay).
		let thrown: Error | undefined;
		try {
			await n8n.activateTrigger(TYPE, { parameters });
		} catch (error) {
			thrown = error as Error;
		} finally {
			logs.restore();
		}
		expect(thrown?.message).toBe(
			'The IMAP server localhost refused to log in as alice@example.test with a fresh token',
		);
		const run = { emitted: [], errors: [thrown!] } as unknown as TriggerRun;

		// What the IMAP host received: SASL XOAUTH2 with an IMAP-audience token, never the client secret or a refresh token.
		const received = imap.received();
		const payloads = [...received.matchAll(/AUTHENTICATE XOAUTH2 ([A-Za-z0-9+/=]+)/g)].map(
			(match) => Buffer.from(match[1], 'base64').toString('latin1'),
		);
		expect(payloads.length).toBeGreaterThanOrEqual(1);
		const issued = imapTokens(rig.standIns);
		for (const payload of payloads) {
			// SASL XOAUTH2 (https://learn.microsoft.com/exchange/client-developer/legacy-protocols/how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth#sasl-xoauth2): "user=" user ^A "auth=Bearer " token ^A ^A
			const [user, auth, ...rest] = payload.split('\x01');
			expect([user, rest]).toEqual(['user=alice@example.test', ['', '']]);
			expect(issued).toContain(auth.replace(/^auth=Bearer /, ''));
		}
		const { clientSecret } = rig.standIns.idp;
		const refreshTokens = [...rig.standIns.idp.refreshTokens.keys()];
		for (const text of [received, ...payloads]) {
			expect(text).not.toContain(clientSecret);
			for (const refresh of refreshTokens) expect(text).not.toContain(refresh);
		}
		// The secret went only to the token endpoint, not to the IMAP host's name or anywhere else.
		expect(new Set(secretRequests())).toEqual(new Set([`POST ${tokenEndpointPath(n8n)}`]));

		// The server echoed the token in its refusal: the log lines carry it redacted.
		const logText = logs.lines.map((line) => line.message);
		expect(logText.join('\n')).toContain('[redacted]');
		expectNothingLeaked(run, logText);
	}, 40_000);

	test('default TLS to a plaintext-only IMAP host: a TLS handshake only, no login in the clear; activation fails saying the server offers no TLS', async () => {
		imap.connections.length = 0;
		const n8n = rig.harness({ customImapHost: 'localhost' });
		const logs = captureLogs();
		const parameters = rig.parameters({ options: { port: imap.port } });
		const options = parameters.options as Record<string, unknown>;
		delete options.host;
		delete options.security;
		let thrown: Error | undefined;
		try {
			await n8n.activateTrigger(TYPE, { parameters });
		} catch (error) {
			thrown = error as Error;
		} finally {
			logs.restore();
		}
		expect(thrown?.message).toBe(
			`The IMAP server localhost:${imap.port} does not offer TLS, so the IMAP token was not sent: it goes only over TLS`,
		);
		// Every connection opened with a TLS ClientHello (record type 22), never an IMAP command.
		expect(imap.connections.length).toBeGreaterThanOrEqual(1);
		// (The client fails on the server's plaintext greeting; its ClientHello may land a moment later.)
		await waitFor(() => imap.connections.every((bytes) => bytes.length > 0), 2_000, 'the bytes');
		expect(imap.connections.every((bytes) => bytes.length > 0 && bytes[0] === 0x16)).toBe(true);
		expect(imap.received()).not.toMatch(/AUTHENTICATE|LOGIN|XOAUTH2/);
		expectNothingLeaked(
			{ emitted: [], errors: [thrown!] } as unknown as TriggerRun,
			logs.lines.map((line) => line.message),
		);
	}, 30_000);

	test('STARTTLS to a host that advertises no STARTTLS: refused before any AUTHENTICATE', async () => {
		imap.connections.length = 0;
		const n8n = rig.harness({ customImapHost: 'localhost' });
		const logs = captureLogs();
		const parameters = rig.parameters({ options: { port: imap.port, security: 'starttls' } });
		delete (parameters.options as Record<string, unknown>).host;
		let thrown: Error | undefined;
		try {
			await n8n.activateTrigger(TYPE, { parameters });
		} catch (error) {
			thrown = error as Error;
		} finally {
			logs.restore();
		}
		expect(thrown?.message).toBe(
			`The IMAP server localhost:${imap.port} does not offer TLS (no STARTTLS), so the IMAP token was not sent: it goes only over TLS`,
		);
		// The greeting listed the capabilities without STARTTLS: the trigger sent nothing at all.
		expect(imap.connections.length).toBeGreaterThanOrEqual(1);
		expect(imap.received()).not.toMatch(/AUTHENTICATE|LOGIN|XOAUTH2|STARTTLS/);
		expectNothingLeaked(
			{ emitted: [], errors: [thrown!] } as unknown as TriggerRun,
			logs.lines.map((line) => line.message),
		);
	}, 30_000);
});

test("default TLS to Dovecot's self-signed certificate fails with a clear error, never logging in in the clear", async () => {
	const n8n = rig.harness();
	const logs = captureLogs();
	const parameters = rig.parameters();
	delete (parameters.options as Record<string, unknown>).security;
	const logBefore = rig.dovecot.log().length;
	let thrown: Error | undefined;
	try {
		await n8n.activateTrigger(TYPE, { parameters });
	} catch (error) {
		thrown = error as Error;
	} finally {
		logs.restore();
	}
	expect(thrown?.message).toBe(
		'The certificate of the IMAP server 127.0.0.1 could not be verified (DEPTH_ZERO_SELF_SIGNED_CERT)',
	);
	expect((thrown as { description?: string }).description).toMatch(/for test servers only/);
	// Dovecot logged no login of any kind while the trigger tried.
	expect(rig.dovecot.log().slice(logBefore)).not.toMatch(/Login: user=/);
	expectNothingLeaked(
		{ emitted: [], errors: [thrown!] } as unknown as TriggerRun,
		logs.lines.map((line) => line.message),
	);
}, 30_000);

test('a credential without the IMAP permission is refused before any token request', async () => {
	rig.standIns.idp.requests.length = 0;
	const n8n = rig.harness({ permissions: ['mailRead'] });
	await expect(n8n.activateTrigger(TYPE, { parameters: rig.parameters() })).rejects.toThrow(
		MISSING_PERMISSION_MESSAGE,
	);
	expect(rig.standIns.idp.requests).toEqual([]);
});

// Last: it revokes every refresh token the stand-in issued.
test('a revoked refresh token: one clear error, and no secret in it or in the log', async () => {
	const n8n = rig.harness();
	// After the harness: it connects the credential, which issues a fresh refresh token.
	rig.standIns.idp.revokeRefreshTokens();
	const logs = captureLogs();
	let thrown: Error | undefined;
	try {
		await n8n.activateTrigger(TYPE, { parameters: rig.parameters() });
	} catch (error) {
		thrown = error as Error;
	} finally {
		logs.restore();
	}
	expect(thrown?.message).toBe(RECONNECT_MESSAGE);
	expectNothingLeaked(
		{ emitted: [], errors: [thrown!] } as unknown as TriggerRun,
		logs.lines.map((line) => line.message),
	);
}, 30_000);
