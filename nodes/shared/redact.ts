/**
 * The one redaction step. Every error and log line of both credentials and all four nodes passes
 * through it on its way out of the package:
 * - errors: the Graph nodes' item loop (shared/router.ts), every list-search and load-options
 *   method (`redactMethods`), the Outlook Trigger's poll, the IMAP trigger's activation, manual
 *   run and emitError, and the app-only credential test (`redactError`, `redact`);
 * - log lines: the n8n logger is only ever used through `logFor(ctx)`
 *   (test/security/redaction.test.ts fails on any other use).
 *
 * What it removes: the secrets the package knows (the credential's client secret, private key,
 * PFX and its password, the stored tokens, the IMAP token in its SASL form; recorded per execution
 * context with `rememberSecrets`) in the forms a server may echo them (as is, URL- and
 * form-encoded, JSON-escaped, base64), and anything shaped like one (Bearer and Basic values,
 * JWTs such as a client assertion, SASL XOAUTH2 and OAUTHBEARER payloads, `refresh_token=…` / `"code":"…"` fields,
 * PEM private keys). Text that comes from a token endpoint may echo what it was sent, including
 * values the package never saw (a rotated refresh token, an authorization code): `redactOpaque`
 * also removes every run of 24 or more token characters except GUIDs. The decoders of token
 * endpoint answers (auth/microsoft-errors.ts tokenEndpointError, auth/appOnly.ts) apply it.
 */
import type { IDataObject, INode, LogMetadata, Logger } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

export const REDACTED = '[redacted]';

/** Shorter values are not treated as secrets: replacing them would garble ordinary text. */
const MIN_SECRET_LENGTH = 8;

/** Bearer/Basic values, JWTs, SASL payloads, secret-bearing form and JSON fields, PEM keys. */
const TOKEN_PATTERNS: Array<[RegExp, string]> = [
	// RFC 6750 §2.1 b64token, and RFC 7617 Basic credentials.
	[/\b(Bearer|Basic)(\s+)[A-Za-z0-9\-._~+/]+=*/gi, `$1$2${REDACTED}`],
	// JWTs: access tokens, ID tokens, client assertions (RFC 7519 compact form).
	[/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, REDACTED],
	// SASL XOAUTH2 ("user=" … base64), and OAUTHBEARER (RFC 7628: GS2 header "n,a=…," or "n,,"
	// base64), which imapflow prefers when a server offers it; also when cut short.
	[/dXNlcj[A-Za-z0-9+/]{20,}=*/g, REDACTED],
	[/\bbi(?:xh|ws)[A-Za-z0-9+/]{20,}=*/g, REDACTED],
	// OAuth 2.0 request and response fields that carry a secret (RFC 6749 §4.1, §6; RFC 7523).
	[
		/\b(client_secret|client_assertion|refresh_token|access_token|id_token|assertion|code|password)=[^&\s"'<>]+/gi,
		`$1=${REDACTED}`,
	],
	[
		/"(client_secret|client_assertion|refresh_token|access_token|id_token|assertion|code|password|clientSecret|privateKey|pfxPassword)"(\s*:\s*)"(?:[^"\\]|\\.)*"/gi,
		`"$1"$2"${REDACTED}"`,
	],
	// PEM private keys (RFC 7468), whole blocks and what is left of one cut short.
	[/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, REDACTED],
];

/** Runs of 24 or more token characters: a secret, token or code, whatever its shape (OAuth error codes such as interaction_required are shorter). */
const OPAQUE_RUN = /[A-Za-z0-9._~+/=-]{24,}/g;
/** Trace and correlation IDs in Microsoft's error descriptions: useful to support, not secret. */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The forms a server may echo a secret in: as is, URL- and form-encoded, JSON-escaped, base64. */
export function secretForms(secret: string): string[] {
	if (secret.length < MIN_SECRET_LENGTH) return [];
	const forms = new Set([
		secret,
		encodeURIComponent(secret),
		new URLSearchParams({ s: secret }).toString().slice(2),
		JSON.stringify(secret).slice(1, -1),
		Buffer.from(secret).toString('base64'),
	]);
	return [...forms].filter((form) => form.length >= MIN_SECRET_LENGTH);
}

/** `text` without the given secrets (in every form) nor anything shaped like a token. */
export function redact(text: string, secrets: Iterable<string> = []): string {
	let out = text;
	const forms = [...new Set([...secrets].flatMap((secret) => secretForms(secret)))].sort(
		(a, b) => b.length - a.length,
	);
	for (const form of forms) out = out.split(form).join(REDACTED);
	for (const [pattern, replacement] of TOKEN_PATTERNS) out = out.replace(pattern, replacement);
	return out.replace(BASE64_RUN, (run) => (carriesBearer(run) ? REDACTED : run));
}

/** Runs of base64 long enough to hold a SASL payload with a token in it. */
const BASE64_RUN = /[A-Za-z0-9+/]{40,}={0,2}/g;

/** Whether a base64 run decodes to text that carries a bearer token (any SASL framing). */
function carriesBearer(run: string): boolean {
	return /auth=Bearer /i.test(Buffer.from(run, 'base64').toString('latin1'));
}

/**
 * Text from a token endpoint's answer, made safe to show: `redact()`, and every opaque run of 24+
 * characters (client secret, refresh token, authorization code) except GUIDs replaced.
 */
export function redactOpaque(text: string, secrets: Iterable<string> = []): string {
	return redact(text, secrets).replace(OPAQUE_RUN, (run) => (GUID.test(run) ? run : REDACTED));
}

/**
 * The forms an IMAP access token is sent in (as is, and inside SASL XOAUTH2), to redact them. Its
 * OAUTHBEARER payload also names the server's host and port; `redact()` finds it (and any other
 * base64 that carries `auth=Bearer …`) by decoding.
 */
export function tokenForms(user: string, accessToken: string): string[] {
	return [
		accessToken,
		Buffer.from(`user=${user}\x01auth=Bearer ${accessToken}\x01\x01`).toString('base64'),
	];
}

/** Fields of either credential that hold a secret, and the tokens n8n stores with the OAuth2 one. */
const SECRET_FIELDS = ['clientSecret', 'privateKey', 'pfxCertificate', 'pfxPassword', 'password'];
const TOKEN_FIELDS = ['access_token', 'refresh_token', 'id_token'];

/** The secret values of a credential's fields (either credential type), for `rememberSecrets`. */
export function credentialSecrets(fields: object | undefined): string[] {
	if (!fields || typeof fields !== 'object') return [];
	const record = fields as Record<string, unknown>;
	const out: string[] = [];
	for (const name of SECRET_FIELDS) {
		const value = record[name];
		if (typeof value !== 'string' || !value.trim()) continue;
		out.push(value, value.trim());
		// A PEM key may come back cut or re-wrapped: its base64 lines count one by one.
		if (value.includes('-----BEGIN'))
			out.push(...value.split(/\r?\n|\\n/).filter((line) => /^[A-Za-z0-9+/=]{16,}$/.test(line)));
	}
	const tokens = record.oauthTokenData;
	if (tokens && typeof tokens === 'object')
		for (const name of TOKEN_FIELDS) {
			const value = (tokens as Record<string, unknown>)[name];
			if (typeof value === 'string' && value) out.push(value);
		}
	return out;
}

/**
 * Secrets known per execution context (the `this` of execute, poll, trigger, load options), in
 * named slots: each `rememberSecrets` call replaces its slot, so a trigger that renews its IMAP
 * token every hour for months keeps only the current one.
 */
const registry = new WeakMap<object, Map<string, string[]>>();

export function rememberSecrets(
	owner: object,
	slot: string,
	values: Iterable<string | undefined>,
): void {
	let slots = registry.get(owner);
	if (!slots) registry.set(owner, (slots = new Map()));
	slots.set(
		slot,
		[...values].filter((value): value is string => typeof value === 'string' && value !== ''),
	);
}

export function knownSecrets(owner: object): string[] {
	return [...(registry.get(owner)?.values() ?? [])].flat();
}

/** Strings anywhere in a JSON-like value, redacted; other values as they are. */
function redactValue(value: unknown, secrets: string[], depth = 0): unknown {
	if (typeof value === 'string') return redact(value, secrets);
	if (depth > 8 || value === null || typeof value !== 'object') return value;
	if (Array.isArray(value)) return value.map((entry) => redactValue(entry, secrets, depth + 1));
	if (value instanceof Error) return new Error(redact(value.message, secrets));
	if (Buffer.isBuffer(value)) return value;
	// A plain object (n8n's error handling calls its methods), every key defined as data.
	const out: Record<string, unknown> = {};
	for (const [key, entry] of Object.entries(value))
		Object.defineProperty(out, key, {
			value: redactValue(entry, secrets, depth + 1),
			enumerable: true,
			writable: true,
			configurable: true,
		});
	return out;
}

/**
 * The error as it may leave the package: an n8n node error whose message, description, messages,
 * stack, context and response carry no secret. Anything else becomes a NodeOperationError for
 * `node` with its message redacted. Node errors are redacted in place (their class, item index and
 * HTTP code stay).
 */
export function redactError(
	error: unknown,
	node: INode,
	secrets: string[],
): NodeApiError | NodeOperationError {
	if (!(error instanceof NodeApiError || error instanceof NodeOperationError)) {
		const message = error instanceof Error ? error.message : String(error);
		const description = (error as { description?: unknown } | undefined)?.description;
		return new NodeOperationError(node, redact(message, secrets), {
			description: typeof description === 'string' ? redact(description, secrets) : undefined,
		});
	}
	error.message = redact(error.message, secrets);
	if (typeof error.description === 'string') error.description = redact(error.description, secrets);
	if (error.stack) error.stack = redact(error.stack, secrets);
	error.messages = error.messages.map((message) => redact(String(message), secrets));
	error.context = redactValue(error.context, secrets) as IDataObject;
	if (error instanceof NodeApiError && error.errorResponse)
		error.errorResponse = redactValue(error.errorResponse, secrets) as typeof error.errorResponse;
	// A library error kept as the cause may hold a request (headers, form): only its message stays.
	if (error.cause !== undefined) error.cause = redactValue(error.cause, secrets) as Error;
	return error;
}

type LogMethod = 'error' | 'warn' | 'info' | 'debug';

/** A logger that redacts each message and its metadata before n8n's logger sees it. */
export function redactingLogger(logger: Logger, secrets: () => string[]): Logger {
	const wrap =
		(level: LogMethod) =>
		(message: string, meta?: LogMetadata): void => {
			const known = secrets();
			logger[level](
				redact(message, known),
				meta === undefined ? undefined : (redactValue(meta, known) as LogMetadata),
			);
		};
	return { error: wrap('error'), warn: wrap('warn'), info: wrap('info'), debug: wrap('debug') };
}

const loggers = new WeakMap<object, Logger>();

/** The n8n logger of an execution context, redacting with the secrets known for that context. */
export function logFor(ctx: { logger: Logger }): Logger {
	let logger = loggers.get(ctx);
	if (!logger) {
		logger = redactingLogger(ctx.logger, () => knownSecrets(ctx));
		loggers.set(ctx, logger);
	}
	return logger;
}

/** Marks the functions `redactMethods` made, for the test that every node's methods are wrapped. */
export const REDACTED_METHOD = Symbol('redactedMethod');

/** Any node method: its `this` is an n8n context, whatever its parameters. */
type Method = (this: never, ...args: never[]) => Promise<unknown>;

/**
 * A node's list-search, load-options or similar methods, each wrapped so that what it throws has
 * passed `redactError` with the secrets known for its context.
 */
export function redactMethods<T extends Record<string, Method>>(methods: T): T {
	const out: Record<string, unknown> = {};
	for (const [name, method] of Object.entries(methods)) {
		const call = method as unknown as (this: unknown, ...args: unknown[]) => Promise<unknown>;
		const wrapped = async function (this: { getNode(): INode }, ...args: unknown[]) {
			try {
				return await call.apply(this, args);
			} catch (error) {
				throw redactError(error, this.getNode(), knownSecrets(this));
			}
		};
		Object.defineProperty(wrapped, REDACTED_METHOD, { value: true });
		Object.defineProperty(wrapped, 'name', { value: name });
		out[name] = wrapped;
	}
	return out as T;
}
