/**
 * A failure that keeps coming back with the same cause is reported, not retried in silence until
 * the liveness alarm (15 minutes by default): a proxy in front of Dovecot ends every session at the
 * first SEARCH, as an Exchange front end in a bad state or a misbehaving proxy does. The folder
 * opens, so activation succeeds; each session then ends before the folder is read.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

import { captureLogs, sleep, textMessage, TYPE, useImapRig, waitFor } from './support';

const rig = useImapRig();

/** Forwards plaintext IMAP to Dovecot; while `dropOnSearch`, a SEARCH command ends the session. */
class SearchDropper {
	dropOnSearch = true;

	connections = 0;

	drops = 0;

	private server!: Server;

	private readonly sockets = new Set<Socket>();

	port = 0;

	async start(target: { host: string; port: number }) {
		this.server = createServer((client) => {
			this.connections++;
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
			upstream.pipe(client);
			client.on('data', (chunk: Buffer) => {
				if (this.dropOnSearch && /\bSEARCH\b/i.test(chunk.toString('latin1'))) {
					this.drops++;
					client.destroy();
					upstream.destroy();
					return;
				}
				upstream.write(chunk);
			});
		});
		await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
		this.port = (this.server.address() as AddressInfo).port;
	}

	async stop() {
		for (const socket of this.sockets) socket.destroy();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}
}

let proxy: SearchDropper;
beforeAll(async () => {
	proxy = new SearchDropper();
	await proxy.start({ host: rig.dovecot.host, port: rig.dovecot.plainPort });
});
afterAll(async () => await proxy?.stop());

test('every session dropped at the first SEARCH: reported on the third time with folder, cause and what to check; not again after n8n re-activates; works once the drops stop', async () => {
	const where = `${rig.dovecot.user} "INBOX" on 127.0.0.1`;
	const cause = 'The IMAP server 127.0.0.1 ended the session before the folder "INBOX" was read';
	const parameters = rig.parameters({
		// Plaintext (the Custom environment allows it) so the proxy sees the commands.
		options: { port: proxy.port, security: 'plain', alertAfterMinutes: 10 },
	});
	const n8n = rig.harness();
	const logs = captureLogs();
	const run = await n8n.activateTrigger(TYPE, { parameters });
	try {
		await waitFor(() => run.errors.length > 0, 20_000, 'the report');
		expect(proxy.drops).toBe(3);
		expect(run.errors.map((e) => e.message)).toEqual([
			`The IMAP session for ${where} failed 3 times in a row with the same cause: ${cause}`,
		]);
		expect((run.errors[0] as Error & { description?: string }).description).toMatch(
			/^The server ends the session right after the folder opens, before the trigger can search it\. Check the server's health .* and any proxy, firewall or load balancer between n8n and 127\.0\.0\.1:\d+ that cuts IMAP sessions\./,
		);
	} finally {
		await run.close();
	}
	const retries = logs.lines.filter((line) => /reconnecting/.test(line.message));
	expect(retries.length).toBe(2);
	for (const line of retries) {
		expect(line.level).toBe('warn');
		expect(line.message).toMatch(
			new RegExp(
				`Outlook IMAP Trigger: reconnecting to ${where.replace(/[."]/g, '\\$&')} in \\d+\\.\\d s \\(attempt [12]\\): ${cause.replace(/[."]/g, '\\$&')}`,
			),
		);
	}
	// n8n activates the trigger again a second after a report: it keeps trying on the same curve and
	// does not run the error workflow again for the same cause.
	const before = proxy.drops;
	const again = await n8n.activateTrigger(TYPE, {
		parameters,
		staticData: run.restartStaticData(),
	});
	try {
		await waitFor(() => proxy.drops >= before + 3, 20_000, 'three more dropped sessions');
		await sleep(300);
		expect(again.errors).toEqual([]);
		// The drops stop: the next attempt works, and new mail arrives.
		proxy.dropOnSearch = false;
		await waitFor(
			() => logs.lines.some((l) => l.level === 'info' && /connected to /.test(l.message)),
			20_000,
			'a working session',
		);
		await rig.dovecot.appendMessage(textMessage('after the outage'));
		await waitFor(() => again.emitted.length > 0, 10_000, 'the new mail');
		expect(again.errors).toEqual([]);
	} finally {
		logs.restore();
		await again.close();
	}
	// No retry line ever came without where and why.
	for (const line of logs.lines) expect(line.message).not.toMatch(/reconnecting\s*(\{.*)?$/);
}, 90_000);
