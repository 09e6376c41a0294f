/**
 * The identity-provider stand-in's hostile mode: a token endpoint (a Custom environment's
 * authority, a proxy in front of Microsoft) that refuses token requests and repeats the request's
 * secrets in every field of every error it returns: the client secret (from the form or the Basic
 * header), the client assertion, the refresh token and the authorization code, as sent, in their
 * URL-encoded form, and inside a `key=value` and a JSON fragment. Used by
 * test/security/hostile-token-endpoint.test.ts for every token path of both credentials.
 */

/** The form fields of a token request that carry a secret (RFC 6749 §4.1.3, §6; RFC 7523 §2.2). */
export const SECRET_FORM_FIELDS = [
	'client_secret',
	'client_assertion',
	'refresh_token',
	'code',
	'assertion',
] as const;

export interface HostileAnswer {
	status: number;
	body: Record<string, unknown>;
	/** The secret values echoed, for the run's secrets check. */
	echoed: string[];
}

/** The request's secrets: form fields, and the secret of an HTTP Basic client authentication. */
export function requestSecrets(form: Record<string, string>, authorization?: string): string[] {
	const secrets: string[] = [];
	for (const field of SECRET_FORM_FIELDS) if (form[field]) secrets.push(form[field]);
	const basic = /^Basic (.+)$/i.exec(authorization ?? '');
	if (basic) {
		secrets.push(basic[1]);
		const [, secret] = Buffer.from(basic[1], 'base64').toString().split(':');
		if (secret) secrets.push(decodeURIComponent(secret));
	}
	return secrets;
}

/** The refusal: every string field of the error (and the code list) carries every secret. */
export function hostileAnswer(
	form: Record<string, string>,
	authorization: string | undefined,
	error = 'invalid_client',
	status = 401,
): HostileAnswer {
	const echoed = requestSecrets(form, authorization);
	const fragments = [
		...echoed,
		...echoed.map((secret) => encodeURIComponent(secret)),
		...SECRET_FORM_FIELDS.filter((field) => form[field]).map((field) => `${field}=${form[field]}`),
		JSON.stringify(Object.fromEntries(SECRET_FORM_FIELDS.map((f) => [f, form[f]]))),
	];
	const echo = fragments.join(' ');
	return {
		status,
		echoed,
		body: {
			error: `${error} ${echo}`,
			error_description: `AADSTS7000215: Invalid client secret provided. You sent ${echo}\r\nTrace ID: ${echo}\r\nCorrelation ID: ${echo}\r\nTimestamp: ${echo}`,
			error_codes: [7000215, echo],
			timestamp: echo,
			trace_id: echo,
			correlation_id: echo,
			error_uri: `https://login.example.test/error?echo=${encodeURIComponent(echo)}`,
			suberror: echo,
			claims: echo,
		},
	};
}
