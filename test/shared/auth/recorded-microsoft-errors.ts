/**
 * Error bodies as Microsoft sends them: the identity platform's token/authorize errors (JSON
 * with `error`, `error_description` carrying the AADSTS code, `error_codes`, trace and correlation
 * IDs) and Graph's `{ error: { code, message, innerError } }`. Texts follow what Entra ID and
 * Graph return (reference-error-codes, graph/errors); IDs and times are placeholders.
 */
const TRACE =
	' Trace ID: 0b6a3e7c-4f1d-4e55-9c0a-2f7d6c1e8a00 Correlation ID: 6f1c2b9e-1a2b-4c3d-8e9f-0a1b2c3d4e5f Timestamp: 2025-03-14 09:26:53Z';
const APP = '6731de76-14a6-49ae-97bc-6eba6914391e';

function idpError(error: string, code: number, text: string, suberror?: string) {
	return {
		error,
		error_description: `AADSTS${code}: ${text}${TRACE}`,
		error_codes: [code],
		timestamp: '2025-03-14 09:26:53Z',
		trace_id: '0b6a3e7c-4f1d-4e55-9c0a-2f7d6c1e8a00',
		correlation_id: '6f1c2b9e-1a2b-4c3d-8e9f-0a1b2c3d4e5f',
		error_uri: `https://login.microsoftonline.com/error?code=${code}`,
		...(suberror ? { suberror } : {}),
	};
}

export const IDENTITY_PLATFORM_ERRORS = {
	AADSTS50194: idpError(
		'invalid_request',
		50194,
		`Application '${APP}'(n8n Outlook) is not configured as a multi-tenant application. Usage of the /common endpoint is not supported for such applications created after '10/15/2018'. Use a tenant-specific endpoint or configure the application to be multi-tenant.`,
	),
	AADSTS50011: idpError(
		'invalid_request',
		50011,
		`The redirect URI 'https://n8n.example.com/rest/oauth2-credential/callback' specified in the request does not match the redirect URIs configured for the application '${APP}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.`,
	),
	AADSTS7000222: idpError(
		'invalid_client',
		7000222,
		`The provided client secret keys for app '${APP}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
	),
	AADSTS7000215: idpError(
		'invalid_client',
		7000215,
		`Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${APP}'.`,
	),
	AADSTS65001: idpError(
		'invalid_grant',
		65001,
		`The user or administrator has not consented to use the application with ID '${APP}' named 'n8n Outlook'. Send an interactive authorization request for this user and resource.`,
		'consent_required',
	),
	AADSTS700016: idpError(
		'unauthorized_client',
		700016,
		`Application with identifier '${APP}' was not found in the directory 'Contoso'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
	),
	AADSTS90023: idpError('invalid_request', 90023, "Invalid prompt value 'select_account login'."),
	AADSTS70000: idpError(
		'invalid_grant',
		70000,
		"The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '2024-11-02T08:11:40.0000000Z' and the TokensValidFrom date (before which tokens are not valid) for this user is '2025-03-01T10:00:00.0000000Z'.",
	),
	AADSTS50076: idpError(
		'invalid_grant',
		50076,
		"Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '00000003-0000-0000-c000-000000000000'.",
		'basic_action',
	),
	AADSTS50079: idpError(
		'interaction_required',
		50079,
		"Due to a configuration change made by your administrator, or because you moved to a new location, you must enroll in multi-factor authentication to access '00000003-0000-0000-c000-000000000000'.",
	),
	AADSTS53003: idpError(
		'invalid_grant',
		53003,
		'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.',
		'message_only',
	),
} as const;

function graphBody(code: string, message: string) {
	return {
		error: {
			code,
			message,
			innerError: {
				date: '2025-03-14T09:26:53',
				'request-id': 'a1b2c3d4-0000-4000-8000-000000000001',
				'client-request-id': 'a1b2c3d4-0000-4000-8000-000000000002',
			},
		},
	};
}

export const GRAPH_ERRORS: Record<string, { status: number; body: ReturnType<typeof graphBody> }> =
	{
		InvalidAuthenticationToken: {
			status: 401,
			body: graphBody(
				'InvalidAuthenticationToken',
				'Access token has expired or is not yet valid.',
			),
		},
		ErrorAccessDenied: {
			status: 403,
			body: graphBody('ErrorAccessDenied', 'Access is denied. Check credentials and try again.'),
		},
		Authorization_RequestDenied: {
			status: 403,
			body: graphBody(
				'Authorization_RequestDenied',
				'Insufficient privileges to complete the operation.',
			),
		},
		ErrorItemNotFound: {
			status: 404,
			body: graphBody('ErrorItemNotFound', 'The specified object was not found in the store.'),
		},
		ResourceNotFound: {
			status: 404,
			// (A path Graph does not know answers "Resource not found for the segment 'x'": not a
			// missing item, explained apart; see test/shared/graph/errors.test.ts.)
			body: graphBody('ResourceNotFound', 'Resource could not be discovered.'),
		},
		ApplicationThrottled: {
			status: 429,
			body: graphBody('ApplicationThrottled', 'Application is over its MailboxConcurrency limit.'),
		},
		TooManyRequests: {
			status: 429,
			body: graphBody('TooManyRequests', 'Please retry again later.'),
		},
		MailboxNotEnabledForRESTAPI: {
			status: 404,
			body: graphBody(
				'MailboxNotEnabledForRESTAPI',
				'The mailbox is either inactive, soft-deleted, or is hosted on-premise.',
			),
		},
		ErrorInvalidUser: {
			status: 404,
			body: graphBody('ErrorInvalidUser', "The requested user 'nobody@contoso.com' is invalid."),
		},
	};

/** IMAP answers: Dovecot's RFC 5530 response code, and Exchange Online's plain failure. */
export const IMAP_ERRORS = {
	dovecot: 'A2 NO [AUTHENTICATIONFAILED] Authentication failed.',
	exchangeOnline: 'A1 NO AUTHENTICATE failed.',
};
