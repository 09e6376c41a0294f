/**
 * Removing secrets from text the trigger logs or hands to n8n. An IMAP server's error text may echo
 * what it was sent (the token, or the SASL XOAUTH2 string), and a token endpoint's answer may echo
 * the form it was posted (client secret, refresh token).
 */

/** Bearer tokens, JWTs and SASL XOAUTH2 strings, whatever their value (RFC 6750 §2.1 b64token). */
const TOKEN_PATTERNS = [
	/(Bearer\s+)[A-Za-z0-9\-._~+/]+=*/gi,
	/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g,
	/dXNlcj[A-Za-z0-9+/]{20,}=*/g,
];

/** `text` without the given secrets nor anything shaped like a token. */
export function redact(text: string, secrets: string[] = []): string {
	let out = text;
	for (const secret of secrets) if (secret) out = out.split(secret).join('[redacted]');
	for (const pattern of TOKEN_PATTERNS)
		out = out.replace(pattern, (_match: string, prefix?: string) =>
			typeof prefix === 'string' ? `${prefix}[redacted]` : '[redacted]',
		);
	return out;
}

/** Runs of 24 or more token characters: a secret, token or code, whatever its shape (OAuth error codes such as interaction_required are shorter). */
const OPAQUE_RUN = /[A-Za-z0-9._~+/=-]{24,}/g;
/** Trace and correlation IDs in Microsoft's error descriptions: useful to support, not secret. */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Text from a token endpoint's answer, made safe to show: `redact()`, and every opaque run of 24+
 * characters (client secret, refresh token, authorization code) except GUIDs replaced.
 */
export function redactOpaque(text: string, secrets: string[] = []): string {
	return redact(text, secrets).replace(OPAQUE_RUN, (run) => (GUID.test(run) ? run : '[redacted]'));
}

/** The forms an IMAP access token is sent in (as is, and inside SASL XOAUTH2), to redact them. */
export function tokenForms(user: string, accessToken: string): string[] {
	return [
		accessToken,
		Buffer.from(`user=${user}\x01auth=Bearer ${accessToken}\x01\x01`).toString('base64'),
	];
}
