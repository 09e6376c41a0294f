/**
 * A token endpoint (Custom environment authority) that answers n8n's refresh and then refuses the
 * IMAP token request, echoing what it was sent (client secret, refresh token) in its error: the
 * trigger's errors and log lines still carry none of it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { searchFolders } from '../../nodes/OutlookImapTrigger/methods/listSearch';
import { captureLogs, startImapRig, TYPE, type ImapRig } from '../OutlookImapTrigger/support';

let rig: ImapRig;
let echo: Server;
let echoUrl = '';
const ROTATED = 'rt.rotated.abcdefghijklmnopqrstuvwxyz0123456789';
const received: string[] = [];
beforeAll(async () => {
	rig = await startImapRig();
	echo = createServer((req, res) => {
		let body = '';
		req.on('data', (chunk: Buffer) => (body += chunk.toString()));
		req.on('end', () => {
			received.push(body);
			const form = Object.fromEntries(new URLSearchParams(body));
			if (!/IMAP/.test(form.scope ?? '')) {
				// n8n's own refresh of the stored token succeeds; the IMAP token request is refused.
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(
					JSON.stringify({
						token_type: 'Bearer',
						access_token: `at.${Date.now()}.graph`,
						refresh_token: ROTATED,
						expires_in: 3600,
						scope: 'Mail.Read',
					}),
				);
				return;
			}
			res.writeHead(400, { 'content-type': 'application/json' });
			res.end(
				JSON.stringify({
					error: 'invalid_request',
					error_description: `AADSTS9000: got secret ${form.client_secret} and refresh ${form.refresh_token} auth ${req.headers.authorization ?? ''}`,
				}),
			);
		});
	});
	await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
	echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
}, 30_000);
afterAll(async () => {
	echo?.closeAllConnections();
	await new Promise<void>((resolve) => echo?.close(() => resolve()));
	await rig?.close();
});

test('the echoed secret and refresh token reach no error and no log line', async () => {
	const n8n = rig.harness({ customAuthorityUrl: echoUrl });
	const credential = n8n.credential();
	const refreshToken = String(
		(credential.oauthTokenData as { refresh_token: string }).refresh_token,
	);
	const logs = captureLogs();
	let thrown: Error | undefined;
	try {
		// A refused token request fails the activation (n8n retries it with a growing delay).
		await n8n.activateTrigger(TYPE, { parameters: rig.parameters() });
	} catch (error) {
		thrown = error as Error;
	} finally {
		logs.restore();
	}
	const run = { errors: [thrown!] };
	// Both POSTs went out (n8n's refresh, then the IMAP token request with the rotated refresh token), and were echoed back.
	expect(received).toHaveLength(2);
	expect(received[0]).toContain(refreshToken);
	expect(received[1]).toContain(ROTATED);
	expect(run.errors.map((error) => error.message)).toEqual([
		'The token endpoint refused the IMAP token request (HTTP 400, invalid_request)',
	]);
	// Microsoft's code stays; what the endpoint echoed does not.
	expect((run.errors[0] as { description?: string }).description).toBe(
		'AADSTS9000: got secret [redacted] and refresh [redacted] auth ',
	);
	const seen = JSON.stringify([
		run.errors.map((e) => [e.message, (e as { description?: string }).description, e.stack]),
		logs.lines.map((line) => line.message),
	]);
	for (const secret of [refreshToken, ROTATED, rig.standIns.idp.clientSecret])
		expect(seen).not.toContain(secret);
}, 30_000);

test('the folder picker shows the same refusal, redacted', async () => {
	received.length = 0;
	const n8n = rig.harness({ customAuthorityUrl: echoUrl });
	const refreshToken = String(
		(n8n.credential().oauthTokenData as { refresh_token: string }).refresh_token,
	);
	let thrown: Error | undefined;
	try {
		await searchFolders.call(n8n.loadOptionsContext(TYPE, { parameters: rig.parameters() }));
	} catch (error) {
		thrown = error as Error;
	}
	expect(thrown?.message).toBe(
		'The token endpoint refused the IMAP token request (HTTP 400, invalid_request)',
	);
	const seen = JSON.stringify([
		thrown?.message,
		(thrown as { description?: string }).description,
		thrown?.stack,
	]);
	expect(seen).toContain('AADSTS9000');
	for (const secret of [refreshToken, ROTATED, rig.standIns.idp.clientSecret])
		expect(seen).not.toContain(secret);
}, 30_000);
