/**
 * `npm run dev -- --demo`: the identity-provider and Graph stand-ins with the demo world
 * (test/e2e/support/demo-data.ts), and a real Dovecot IMAP server (XOAUTH2, tokens checked against
 * the identity-provider stand-in) for the Outlook IMAP Trigger, as a plain Node program
 * (scripts/dev.sh compiles it into the cache folder and runs it). A small HTTP endpoint delivers
 * new mail to the demo mailbox (scripts/demo-mail.js): Graph lists it and reports it in its delta
 * (the Outlook Trigger), and Dovecot gets it too (the Outlook IMAP Trigger), one mail for both.
 *
 * Ports: OUTLOOK_DEMO_IDP_PORT (18080), OUTLOOK_DEMO_GRAPH_PORT (18081), OUTLOOK_DEMO_MAIL_PORT
 * (18082, delivery endpoint), OUTLOOK_DEMO_IMAP_PORT (18993, IMAPS with a self-signed certificate).
 * OUTLOOK_DEMO_IMAP=0 leaves Dovecot out.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Dovecot } from '../../support/dovecot';
import { dovecotInstalled, startDovecot } from '../../support/dovecot';
import { GraphStandIn } from '../../support/graph-standin';
import { IdentityProviderStandIn, TEST_USER } from '../../support/identity-provider';
import { addDemoData } from './demo-data';
import type { DemoMail, DemoWorld } from './demo/world';
import { demoEml } from './demo/world';

export { demoEml };
export type { DemoMail };

export interface ImapDemo {
	dovecot?: Dovecot;
	/** Why there is no IMAP server in the demo, when there is none. */
	unavailable?: string;
}

/**
 * Dovecot with the demo world's Inbox, kept in step with it: every mail delivered to the world
 * from now on is appended to Dovecot's INBOX too. Or the reason it cannot run here.
 */
export async function startImapDemo(
	idpUrl: string,
	port: number | undefined,
	world: DemoWorld,
): Promise<ImapDemo> {
	if (process.env.OUTLOOK_DEMO_IMAP === '0')
		return { unavailable: 'turned off (OUTLOOK_DEMO_IMAP=0)' };
	if (!dovecotInstalled())
		return {
			unavailable:
				'Dovecot is not installed (Debian: sudo apt-get install dovecot-core dovecot-imapd)',
		};
	let dovecot: Dovecot;
	try {
		dovecot = await startDovecot({ idpUrl, user: TEST_USER, port });
		const inbox = world.mailbox.folderId('inbox');
		const oldestFirst = world.messages.filter((m) => m.parentFolderId === inbox).reverse();
		for (const message of oldestFirst)
			await dovecot.appendMessage(
				demoEml(
					{
						subject: String(message.subject ?? ''),
						from: (message.from as { emailAddress: { address: string } }).emailAddress.address,
						text: String((message.body as { content?: string }).content ?? ''),
					},
					new Date(String(message.receivedDateTime)),
				),
			);
	} catch (error) {
		return { unavailable: `Dovecot did not start: ${(error as Error).message.split('\n')[0]}` };
	}
	world.onDelivery(async ({ eml }) => await dovecot.appendMessage(eml));
	return { dovecot };
}

/**
 * POST /mail with a JSON body {subject?, from?, text?} delivers one message to the demo mailbox:
 * to Graph (listed at once, reported by the next delta round) and, when the demo runs Dovecot, to
 * its INBOX (`doveadm save`: the next UID at once, and IDLE sessions hear of it).
 */
export async function startMailEndpoint(
	world: DemoWorld,
	port: number,
	dovecot?: Dovecot,
): Promise<http.Server> {
	const server = http.createServer((req, res) => {
		const answer = (status: number, body: object) => {
			res.writeHead(status, { 'content-type': 'application/json' });
			res.end(JSON.stringify(body));
		};
		if (req.method !== 'POST' || req.url !== '/mail') {
			answer(404, { error: 'POST /mail with {"subject": "...", "from": "...", "text": "..."}' });
			return;
		}
		let raw = '';
		req.setEncoding('utf8');
		req.on('data', (chunk: string) => (raw += chunk));
		req.on('end', () => {
			let mail: DemoMail = {};
			try {
				mail = raw.trim() ? (JSON.parse(raw) as DemoMail) : {};
			} catch {
				answer(400, { error: 'the body is not JSON' });
				return;
			}
			void world
				.deliver(mail)
				.then(async (id) => {
					const inbox = world.mailbox.folderId('inbox');
					answer(200, {
						delivered: true,
						id,
						mailbox: TEST_USER,
						messages: world.messages.filter((m) => m.parentFolderId === inbox).length,
						imap: dovecot ? (await dovecot.status()).messages : undefined,
					});
				})
				.catch((error: Error) => answer(500, { error: error.message }));
		});
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => resolve());
	});
	return server;
}

async function main() {
	const idp = await IdentityProviderStandIn.start({
		port: Number(process.env.OUTLOOK_DEMO_IDP_PORT ?? 18080),
	});
	const graph = await GraphStandIn.start(idp, Number(process.env.OUTLOOK_DEMO_GRAPH_PORT ?? 18081));
	const world = addDemoData(graph);
	const imap = await startImapDemo(
		idp.url,
		Number(process.env.OUTLOOK_DEMO_IMAP_PORT ?? 18993),
		world,
	);
	const mailServer = await startMailEndpoint(
		world,
		Number(process.env.OUTLOOK_DEMO_MAIL_PORT ?? 18082),
		imap.dovecot,
	);
	// Print what a request did, never a token: the demo is for watching what the nodes send.
	const seen = { idp: 0, graph: 0 };
	setInterval(() => {
		for (const r of idp.requests.slice(seen.idp))
			console.log(
				`[identity provider] ${r.method} ${r.path}${r.form.grant_type ? ` (${r.form.grant_type})` : ''}`,
			);
		for (const r of graph.requests.slice(seen.graph))
			console.log(`[graph] ${r.method} /v1.0${r.path}${r.inBatch ? ' (in $batch)' : ''}`);
		for (const v of graph.violations.splice(0))
			console.log(`[graph] NOT IN MICROSOFT'S DESCRIPTION: ${v}`);
		seen.idp = idp.requests.length;
		seen.graph = graph.requests.length;
	}, 500).unref();
	const mailPort = (mailServer.address() as AddressInfo).port;
	console.log(
		JSON.stringify({
			ready: true,
			authority: idp.authority,
			graph: graph.url,
			clientId: idp.clientId,
			clientSecret: idp.clientSecret,
			user: TEST_USER,
			mailPort,
			mailUrl: `http://127.0.0.1:${mailPort}/mail`,
			imap: imap.dovecot
				? {
						host: imap.dovecot.host,
						port: imap.dovecot.port,
						user: imap.dovecot.user,
						mailUrl: `http://127.0.0.1:${mailPort}/mail`,
					}
				: { unavailable: imap.unavailable },
		}),
	);
	let stopping = false;
	const stop = () => {
		if (stopping) return;
		stopping = true;
		void Promise.allSettled([
			graph.close(),
			idp.close(),
			imap.dovecot?.stop(),
			new Promise<void>((resolve) => {
				mailServer.closeAllConnections();
				mailServer.close(() => resolve());
			}),
		]).then(() => process.exit(0));
	};
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
}

if (require.main === module) {
	main().catch((error: unknown) => {
		console.error(error);
		process.exit(1);
	});
}
