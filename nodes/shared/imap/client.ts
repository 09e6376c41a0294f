/**
 * The one way this package builds an IMAP client: the trigger and every IMAP folder picker call
 * `createImapClient`, so both get the same host check, TLS settings and quiet logger.
 */
import { ImapFlow, type ImapFlowOptions } from 'imapflow';

import { CLOUD_ENVIRONMENTS, type ResolvedEnvironment } from '../auth/environments';

/**
 * How the IMAP connection is protected. `tls` (implicit TLS, port 993) and `starttls` (port 143,
 * STARTTLS required) verify the server's certificate; the token then travels only inside TLS.
 * `tlsUnverified` and `plain` exist for test servers: allowed only when the credential says so
 * (`checkConnectionSecurity`).
 */
export type ConnectionSecurity = 'tls' | 'starttls' | 'tlsUnverified' | 'plain';

export const CONNECTION_SECURITY: ConnectionSecurity[] = [
	'tls',
	'starttls',
	'tlsUnverified',
	'plain',
];

/** Security choices that expose the token (unencrypted, or to an unverified peer). */
const TEST_ONLY: ConnectionSecurity[] = ['tlsUnverified', 'plain'];

/** Every cloud's own IMAP host: never reached without verified TLS. */
const MICROSOFT_IMAP_HOSTS = new Set(
	Object.values(CLOUD_ENVIRONMENTS).map((cloud) => cloud.imapHost.toLowerCase()),
);

export class ImapSecurityError extends Error {}

/**
 * Whether the credential lets a workflow use a test-only security choice. The host pin keeps a
 * shared credential's token at its own IMAP host; a node option that sent it in plaintext, or to
 * whoever answers, would undo that. So the credential decides: only a Custom environment whose own
 * IMAP Host is not one of Microsoft's is a test server. Anything else is refused before a token is
 * asked for.
 */
export function checkConnectionSecurity(
	security: ConnectionSecurity,
	environment: Pick<ResolvedEnvironment, 'name' | 'displayName' | 'imapHost'>,
): void {
	if (!TEST_ONLY.includes(security)) return;
	const choice = security === 'plain' ? 'Plaintext' : 'TLS Without Certificate Check';
	if (environment.name !== 'custom') {
		throw new ImapSecurityError(
			`"${choice}" is for test servers and needs a credential with the Custom environment; this credential's Environment is ${environment.displayName}, so the IMAP token is sent to ${environment.imapHost} only over TLS with its certificate verified`,
		);
	}
	if (MICROSOFT_IMAP_HOSTS.has(environment.imapHost.toLowerCase())) {
		throw new ImapSecurityError(
			`"${choice}" is for test servers: the credential's IMAP host is Microsoft's ${environment.imapHost}, which gets the IMAP token only over TLS with its certificate verified`,
		);
	}
}

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
	// Implicit TLS, or STARTTLS required (imapflow then refuses a server that does not offer it,
	// before it authenticates). Never imapflow's default for a non-TLS socket, which falls back to
	// plaintext when STARTTLS is not advertised. Plaintext only for a Custom environment's test server.
	const transport =
		security === 'starttls'
			? { secure: false, doSTARTTLS: true }
			: security === 'plain'
				? { secure: false, doSTARTTLS: false }
				: { secure: true };
	return {
		host,
		port,
		...transport,
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
