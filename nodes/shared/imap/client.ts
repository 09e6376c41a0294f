/**
 * The one way this package builds an IMAP client: the trigger and every IMAP folder picker call
 * `createImapClient`, so both get the same host check, TLS settings and quiet logger.
 */
import { ImapFlow, type ImapFlowOptions } from 'imapflow';

export type ConnectionSecurity = 'tls' | 'tlsUnverified' | 'plain';

export interface ImapEndpoint {
	host: string;
	port: number;
	security: ConnectionSecurity;
	/** The mailbox to log in as (the signed-in user, or a shared mailbox they have rights to). */
	user: string;
}

export interface ImapTimeouts {
	/** A frozen peer is detected after 2 × socketTimeout (imapflow probes with NOOP once). */
	socketTimeoutMs: number;
	/** Restart IDLE this often: some servers drop an IDLE after ~29 minutes (RFC 2177 §3). */
	maxIdleMs: number;
	connectionTimeoutMs: number;
	greetingTimeoutMs: number;
}

export const DEFAULT_IMAP_TIMEOUTS: ImapTimeouts = {
	socketTimeoutMs: 25_000,
	maxIdleMs: 5 * 60_000,
	connectionTimeoutMs: 30_000,
	greetingTimeoutMs: 16_000,
};

/** A host name or an IP literal: nothing that could carry a path, user info or a second host. */
const HOST = /^[A-Za-z0-9.-]+$|^\[?[0-9a-fA-F:.]+\]?$/;

export class ImapHostError extends Error {}

/**
 * The host the IMAP token may go to: the credential's own IMAP host. A host typed on the node may
 * only repeat it; anything else is refused, so editing a workflow cannot send the token of a
 * shared credential to another server.
 */
export function checkImapHost(credentialHost: string, nodeHost: string | undefined): string {
	const host = credentialHost.trim();
	if (!HOST.test(host))
		throw new ImapHostError(`The credential's IMAP host "${host}" is not a host name`);
	const typed = (nodeHost ?? '').trim();
	if (typed && typed.toLowerCase() !== host.toLowerCase()) {
		throw new ImapHostError(
			`The option "IMAP Host" (${typed}) is not the IMAP host of the credential (${host}); the IMAP token is sent only to the credential's own IMAP host`,
		);
	}
	return host;
}

export function imapClientOptions(
	endpoint: ImapEndpoint,
	accessToken: string,
	timeouts: ImapTimeouts = DEFAULT_IMAP_TIMEOUTS,
): ImapFlowOptions {
	const { host, port, security, user } = endpoint;
	return {
		host,
		port,
		secure: security !== 'plain',
		// Plaintext only when the user asked for it (test servers): no STARTTLS upgrade.
		...(security === 'plain' ? { doSTARTTLS: false } : {}),
		tls: {
			rejectUnauthorized: security !== 'tlsUnverified',
			servername: /^[\d.:[\]]+$/.test(host) ? undefined : host,
		},
		auth: { user, accessToken },
		// imapflow's own logger would print protocol lines (and the SASL string): never.
		logger: false,
		emitLogs: false,
		disableAutoIdle: true,
		maxIdleTime: timeouts.maxIdleMs,
		socketTimeout: timeouts.socketTimeoutMs,
		connectionTimeout: timeouts.connectionTimeoutMs,
		greetingTimeout: timeouts.greetingTimeoutMs,
		clientInfo: { name: 'n8n Outlook IMAP' },
	};
}

export function createImapClient(
	endpoint: ImapEndpoint,
	accessToken: string,
	timeouts?: ImapTimeouts,
): ImapFlow {
	const client = new ImapFlow(imapClientOptions(endpoint, accessToken, timeouts));
	// A late socket error must never crash n8n; callers add their own listener for what they need.
	client.on('error', () => undefined);
	return client;
}
