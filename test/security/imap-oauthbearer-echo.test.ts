/**
 * imapflow prefers SASL OAUTHBEARER (RFC 7628) over XOAUTH2 whenever a server offers it (a Custom
 * IMAP host such as a Dovecot with OAUTHBEARER on). Its payload is base64 of the GS2 header, host,
 * port and `auth=Bearer <token>`. A server that echoes it in its refusal must not put the IMAP
 * access token into n8n's log or the folder picker's error (nodes/shared/redact.ts).
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

import { OutlookImapTrigger } from '../../nodes/OutlookImapTrigger/OutlookImapTrigger.node';
import {
	ALL_GRAPH_PERMISSIONS,
	connectedCredential,
	startStandIns,
	type StandIns,
} from '../support/fixtures';
import { initBinaryData, N8nHarness } from '../support/n8n-harness';
import { captureLogs, imapTokens, TYPE } from '../OutlookImapTrigger/support';

/** Offers OAUTHBEARER and XOAUTH2 (as Dovecot can), refuses every login echoing the SASL payload. */
class EchoingImapServer {
	readonly payloads: string[] = [];
	private server!: Server;
	private sockets = new Set<Socket>();
	port = 0;

	async start() {
		this.server = createServer((socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
			socket.on('error', () => undefined);
			let pending = '';
			socket.write(
				'* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=OAUTHBEARER AUTH=XOAUTH2] echo server ready\r\n',
			);
			socket.on('data', (chunk: Buffer) => {
				pending += chunk.toString('latin1');
				let end: number;
				while ((end = pending.indexOf('\r\n')) >= 0) {
					const line = pending.slice(0, end);
					pending = pending.slice(end + 2);
					const [tag, command = '', , payload = ''] = line.split(' ');
					if (/^AUTHENTICATE$/i.test(command)) {
						this.payloads.push(payload);
						socket.write(`${tag} NO [AUTHENTICATIONFAILED] invalid SASL ${payload}\r\n`);
					} else if (/^LOGOUT$/i.test(command)) {
						socket.end(`* BYE\r\n${tag} OK LOGOUT completed\r\n`);
					} else if (tag) {
						socket.write(`${tag} OK done\r\n`);
					}
				}
			});
		});
		await new Promise<void>((resolve) => this.server.listen(0, resolve));
		this.port = (this.server.address() as AddressInfo).port;
	}

	async stop() {
		for (const socket of this.sockets) socket.destroy();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}
}

let standIns: StandIns;
let imap: EchoingImapServer;

beforeAll(async () => {
	await initBinaryData('default');
	standIns = await startStandIns();
	imap = new EchoingImapServer();
	await imap.start();
});
afterAll(async () => {
	await imap.stop();
	await standIns.close();
});

function harness() {
	return new N8nHarness(
		{ [TYPE]: new OutlookImapTrigger() },
		connectedCredential(standIns, {
			permissions: [...ALL_GRAPH_PERMISSIONS, 'imap'],
			customImapHost: 'localhost',
		}),
	);
}

const parameters = () => ({
	mailbox: 'alice@example.test',
	folder: { __rl: true, mode: 'path', value: 'INBOX' },
	options: { port: imap.port, security: 'plain' },
});

/** The echoed SASL payloads that carry an IMAP token the stand-in issued. */
function tokenPayloads(): string[] {
	const issued = imapTokens(standIns);
	return imap.payloads.filter((payload) => {
		const decoded = Buffer.from(payload, 'base64').toString('latin1');
		return issued.some((token) => decoded.includes(`auth=Bearer ${token}`));
	});
}

test('trigger activation: the OAUTHBEARER payload echoed by the IMAP server is not in a log line or the error', async () => {
	imap.payloads.length = 0;
	const logs = captureLogs();
	let thrown: Error | undefined;
	try {
		await harness().activateTrigger(TYPE, { parameters: parameters() });
	} catch (error) {
		thrown = error as Error;
	} finally {
		logs.restore();
	}
	expect(thrown).toBeDefined();
	const sent = tokenPayloads();
	// imapflow chose OAUTHBEARER: "n,a=alice@example.test," ^A host ^A port ^A "auth=Bearer <IMAP token>" ^A ^A
	expect(sent.length).toBeGreaterThan(0);
	expect(
		Buffer.from(sent[0], 'base64').toString('latin1').startsWith('n,a=alice@example.test,\x01'),
	).toBe(true);
	const text = [
		...logs.lines.map((line) => line.message),
		thrown!.message,
		String((thrown as { description?: string }).description),
	].join('\n');
	for (const payload of sent) expect(text).not.toContain(payload);
}, 30_000);

test('folder picker: the OAUTHBEARER payload echoed by the IMAP server is not in the error', async () => {
	imap.payloads.length = 0;
	const n8n = harness();
	const context = n8n.loadOptionsContext(TYPE, { parameters: parameters() });
	const { listSearch } = new OutlookImapTrigger().methods;
	let thrown: Error | undefined;
	try {
		await listSearch.searchFolders.call(context as never);
	} catch (error) {
		thrown = error as Error;
	}
	expect(thrown).toBeDefined();
	const sent = tokenPayloads();
	expect(sent.length).toBeGreaterThan(0);
	for (const payload of sent) expect(thrown!.message).not.toContain(payload);
}, 30_000);
