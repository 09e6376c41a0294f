/**
 * The app-only credential's test (a node `credentialTest` method, since n8n's declarative
 * credential test cannot run msal-node): acquire a fresh token, then ask Graph for the Test
 * Mailbox's inbox (or one user when no Test Mailbox is given). The message names the missing
 * application permission or the Exchange command, and the certificate's thumbprint and expiry.
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IN8nHttpFullResponse,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import type {
	AppOnlyCredentialFields,
	ResolvedAppOnlyCredential,
	TokenHttpRequest,
} from './appOnly';
import {
	AppOnlyCredentialError,
	AppOnlyTokenError,
	acquireTokenForScope,
	graphDefaultScope,
	resolveAppOnlyCredential,
} from './appOnly';
import { senderFromLegacyRequest } from '../outbound';
import { credentialSecrets, redact } from '../redact';
import { appOnlyAccessHint, explainAppOnlyTokenError, rolesInclude } from './appOnlyErrors';

const MAILBOX = /^[^\s@/\\?#]+@[^\s@/\\?#]+\.[^\s@/\\?#]+$/;
const OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const GRAPH_TIMEOUT_MS = 30_000;
/** Warn this long before a certificate expires (Microsoft refuses an expired one: AADSTS700027). */
const CERTIFICATE_WARNING_DAYS = 30;

function certificateText(credential: ResolvedAppOnlyCredential, now: Date): string {
	const cert = credential.certificate;
	if (!cert) return '';
	const days = Math.floor((cert.notAfter.getTime() - now.getTime()) / 86_400_000);
	const warning =
		days < CERTIFICATE_WARNING_DAYS
			? ` Renew it soon: upload a new certificate before ${cert.notAfter.toISOString().slice(0, 10)}.`
			: '';
	return ` Certificate thumbprint ${cert.thumbprint} (SHA-1, as the Azure portal lists it), expires ${cert.notAfter.toISOString().slice(0, 10)} (in ${days} days).${warning}`;
}

interface Probe {
	/** Undefined when no request can check the roles without changing the mailbox (Mail.Send only). */
	path?: string;
	/** The permission this request needs, for the hint. */
	permission: string;
	what: string;
}

/**
 * What to ask Graph: the Test Mailbox with a permission the app holds, or one user. An app made
 * for one job (contacts, settings, sending only) is asked with its own permission, so the test
 * does not fail a credential that works for what it was granted.
 */
function probeFor(testMailbox: string, roles: string[] | undefined): Probe {
	if (!testMailbox) {
		return { path: '/users?$top=1&$select=id', permission: 'User.Read.All', what: 'list users' };
	}
	const mailbox = encodeURIComponent(testMailbox);
	const probes: Array<Probe & { path: string }> = [
		{
			path: `/users/${mailbox}/mailFolders/inbox?$select=id`,
			permission: 'Mail.Read',
			what: `read the inbox of ${testMailbox}`,
		},
		{
			path: `/users/${mailbox}/calendar?$select=id`,
			permission: 'Calendars.Read',
			what: `read the calendar of ${testMailbox}`,
		},
		{
			path: `/users/${mailbox}/contacts?$top=1&$select=id`,
			permission: 'Contacts.Read',
			what: `read the contacts of ${testMailbox}`,
		},
		{
			path: `/users/${mailbox}/mailboxSettings`,
			permission: 'MailboxSettings.Read',
			what: `read the mailbox settings of ${testMailbox}`,
		},
	];
	if (roles === undefined) return probes[0];
	const held = probes.find((probe) => rolesInclude(roles, probe.permission));
	if (held) return held;
	// Mail.Send alone: every request it allows sends mail, so nothing is asked.
	if (rolesInclude(roles, 'Mail.Send'))
		return { permission: 'Mail.Send', what: `send as ${testMailbox}` };
	return probes[0];
}

/** The test itself, independent of n8n's context (the function below is what n8n calls). */
export async function testAppOnlyCredential(
	fields: AppOnlyCredentialFields,
	http: TokenHttpRequest,
	now: Date = new Date(),
): Promise<INodeCredentialTestResult> {
	let credential: ResolvedAppOnlyCredential;
	try {
		credential = resolveAppOnlyCredential(fields, now);
	} catch (error) {
		return { status: 'Error', message: (error as Error).message };
	}
	const certificate = certificateText(credential, now);
	let token;
	try {
		// A fresh token, so the test shows the permissions granted now, not those of a cached token.
		token = await acquireTokenForScope(credential, graphDefaultScope(credential), {
			http,
			forceRefresh: true,
		});
	} catch (error) {
		if (error instanceof AppOnlyTokenError) {
			const explained = explainAppOnlyTokenError(error.code, error.message);
			return {
				status: 'Error',
				message: `${error.message}${explained ? ` ${explained.cause} ${explained.fix}` : ''}${certificate}`,
			};
		}
		if (error instanceof AppOnlyCredentialError)
			return { status: 'Error', message: `${error.message}${certificate}` };
		return { status: 'Error', message: 'The token request failed unexpectedly.' };
	}
	const roles = token.roles;
	const granted =
		roles === undefined ? '' : ` Application permissions: ${roles.join(', ') || 'none'}.`;
	const testMailbox = String(fields.testMailbox ?? '').trim();
	if (testMailbox && !MAILBOX.test(testMailbox) && !OBJECT_ID.test(testMailbox)) {
		return {
			status: 'Error',
			message: `The Test Mailbox "${testMailbox}" is not an email address or user ID.`,
		};
	}
	const probe = probeFor(testMailbox, roles);
	if (probe.path === undefined) {
		return {
			status: 'OK',
			message: `Token issued for app ${credential.clientId} in tenant ${credential.tenant}.${granted} Mail.Send allows no request that does not send mail, so whether Exchange lets the app ${probe.what} shows when a workflow first sends.${certificate}`,
		};
	}
	let response: IN8nHttpFullResponse;
	try {
		response = (await http({
			method: 'GET',
			url: `${credential.environment.graph}/v1.0${probe.path}`,
			headers: { Authorization: `Bearer ${token.accessToken}`, Accept: 'application/json' },
			ignoreHttpStatusErrors: true,
			returnFullResponse: true,
			disableFollowRedirect: true,
			encoding: 'text',
			json: false,
			timeout: GRAPH_TIMEOUT_MS,
		})) as IN8nHttpFullResponse;
	} catch (error) {
		const e = error as { code?: unknown; cause?: { code?: unknown } };
		const code = String(e.code ?? e.cause?.code ?? 'request failed');
		return {
			status: 'Error',
			message: `A token was issued, but Microsoft Graph at ${credential.environment.graph} could not be reached: ${code}.${certificate}`,
		};
	}
	if (response.statusCode >= 200 && response.statusCode < 300) {
		const reached = testMailbox
			? `The app can ${probe.what}.`
			: 'Microsoft Graph answered (no Test Mailbox given: enter one to check the mailbox scope).';
		return {
			status: 'OK',
			message: `Token issued for app ${credential.clientId} in tenant ${credential.tenant}.${granted} ${reached}${certificate}`,
		};
	}
	let code = '';
	let message = '';
	try {
		const raw = response.body as unknown;
		const body = (
			typeof raw === 'string' || Buffer.isBuffer(raw) ? JSON.parse(raw.toString()) : raw
		) as { error?: { code?: string; message?: string } };
		code = body?.error?.code ?? '';
		message = body?.error?.message ?? '';
	} catch {
		// Not JSON: the status says enough.
	}
	const hint =
		response.statusCode === 403
			? appOnlyAccessHint({
					permission: probe.permission,
					action: probe.what,
					roles,
					clientId: credential.clientId,
					code,
					message,
				})
			: '';
	return {
		status: 'Error',
		message:
			`A token was issued, but Microsoft Graph answered ${response.statusCode}${code ? ` ${code}` : ''}${message ? `: ${message.slice(0, 200)}` : ''}.${granted} ${hint}${certificate}`.trim(),
	};
}

/**
 * The node method n8n calls for the credential's Test button (testedBy: 'outlookAppOnlyApiTest').
 * Its message passes the one redaction step (shared/redact.ts) with the credential's secrets.
 */
export async function outlookAppOnlyApiTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted<ICredentialDataDecryptedObject>,
): Promise<INodeCredentialTestResult> {
	const fields = (credential.data ?? {}) as AppOnlyCredentialFields;
	let result: INodeCredentialTestResult;
	try {
		result = await testAppOnlyCredential(
			fields,
			// ICredentialTestFunctions offers no httpRequest (n8n-workflow 2.41): `request` is the helper
			// that goes through n8n's outbound pipeline here.
			// eslint-disable-next-line @n8n/community-nodes/no-deprecated-workflow-functions
			senderFromLegacyRequest(this.helpers.request),
		);
	} catch (error) {
		result = { status: 'Error', message: `The test failed: ${(error as Error)?.message}` };
	}
	return { ...result, message: redact(result.message, credentialSecrets(fields)) };
}
