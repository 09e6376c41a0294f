import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

import {
	customEnvironmentFields,
	DOCS_BASE_URL,
	invalidClientIdNotice,
	invalidTenantNotices,
	NOT_A_CLIENT_ID,
	NOT_A_TENANT,
	SETUP_GUIDE_URL,
} from '../nodes/shared/auth/credentialFields';
import { CLOUD_ENVIRONMENTS } from '../nodes/shared/auth/environments';
import {
	DEFAULT_PERMISSIONS,
	IMAP_SCOPE_NAME,
	OIDC_SCOPES,
	ALWAYS_GRAPH_SCOPES,
	PERMISSION_GROUPS,
} from '../nodes/shared/auth/scopes';
import { TENANT_DOMAIN_PATTERN, TENANT_GUID_PATTERN } from '../nodes/shared/auth/tenant';
import {
	DEFAULT_MAX_RETRIES,
	DEFAULT_BASE_WAIT_SECONDS,
	DEFAULT_RETRY_STATUS_CODES,
	MAX_RETRY_WAIT_SECONDS,
} from '../nodes/shared/graph/retry';

export const CREDENTIAL_DISPLAY_NAME = 'Outlook OAuth2 (Graph + IMAP) API';

/*
 * The package's own documentation, as the published package ships it (package.json `files` holds
 * docs/). There is no public repository, so links go to the package's files on unpkg, which serves
 * every file of the latest published version at a stable address; npm's page shows only the README.
 * test/package/links.test.ts checks that every such link names a file `npm pack` ships.
 */
export { DOCS_BASE_URL, SETUP_GUIDE_URL };

export const INVALID_TENANT_NOTICE = `${NOT_A_TENANT} Until then Connect cannot open Microsoft's sign-in page.`;
/** Under Permissions when "IMAP Trigger" is the only choice (what the trigger's messages ask to add). */
export const IMAP_ONLY_NOTICE =
	'Only IMAP Trigger is chosen: with this credential Outlook Mail and Outlook Calendar get no mail or calendar access (an empty field meant the common set). ' +
	'Keep the permissions those nodes use as well, e.g. Read and Write Mail, Send Mail, Read and Write Calendars and Mailbox Settings.';
/** The Client ID notice takes the place of oAuth2Api's ordering anchor (see its property). */
export const CLIENT_ID_NOTICE_NAME = 'clientCredentialType';
export const INVALID_CLIENT_ID_NOTICE = NOT_A_CLIENT_ID;

/*
 * The hidden OAuth2 fields (authUrl, accessTokenUrl, scope, authQueryParameters) are n8n
 * expressions over the visible fields ($self), because n8n builds the authorize URL and redeems
 * codes from these fields itself. The expressions are generated from the same tables the nodes
 * use (nodes/shared/auth), so the credential and the transport can never disagree.
 */
const clouds = JSON.stringify(
	Object.fromEntries(
		Object.entries(CLOUD_ENVIRONMENTS).map(([k, v]) => [
			k,
			{ a: v.authority, g: v.graph, i: v.imapResource },
		]),
	),
);
const groups = JSON.stringify(
	Object.fromEntries(
		PERMISSION_GROUPS.map((g) => [g.value, { s: g.graphScopes, i: g.imap === true }]),
	),
);

/** JS source (for inside an expression) that yields {authority, graph, imap, tenant} or throws a clear message. */
const resolveJs = `
const clouds = ${clouds};
const env = $self.environment || 'global';
const base = (value, field) => {
	const v = String(value || '').trim().replace(/\\/+$/, '');
	if (!/^https?:\\/\\/[^\\/?#@\\s\\\\]+(\\/[^?#@\\s\\\\]*)?$/.test(v) || v.includes('..')) {
		throw new Error(field + ' must be an http(s) URL without query, fragment or user information');
	}
	return v;
};
const cloud = env === 'custom'
	? { a: base($self.customAuthorityUrl, 'Authority URL'), g: base($self.customGraphUrl, 'Graph URL'), i: ${JSON.stringify(CLOUD_ENVIRONMENTS.global.imapResource)} }
	: (Object.keys(clouds).includes(env) ? clouds[env] : undefined);
if (!cloud) throw new Error('Unknown environment ' + env);
const type = $self.accountType || 'common';
let tenant = type;
let badTenant = false;
if (type === 'singleTenant') {
	tenant = String($self.tenantId || '').trim();
	// Not a tenant: no URL is built from it. The authorize URL becomes the page that explains it.
	badTenant = !(new RegExp(${JSON.stringify(TENANT_GUID_PATTERN)}).test(tenant) || new RegExp(${JSON.stringify(TENANT_DOMAIN_PATTERN)}).test(tenant));
	tenant = badTenant ? '' : tenant.toLowerCase();
} else if (!['common', 'organizations', 'consumers'].includes(type)) {
	throw new Error('Unknown account type ' + type);
}
`;

/** Refuses to go on with a Tenant that is not one (every URL but the authorize URL). */
const refuseBadTenant = `if (badTenant) throw new Error('The Tenant is neither a directory (tenant) ID (a GUID) nor a verified domain such as contoso.onmicrosoft.com');`;

/** An n8n expression running `body` after resolveJs. `{{`/`}}` inside would end the expression early. */
const expr = (body: string) =>
	`={{ (() => { ${`${resolveJs}\n${body}`.replace(/\}\}/g, '} }').replace(/\{\{/g, '{ {')} })() }}`;

const scopeJs = `
${refuseBadTenant}
const groups = ${groups};
// n8n 2.41's credential modal leaves a multiOptions field empty on a new credential (its default
// is not applied; seen in the editor e2e): no permission chosen means the default set.
const picked = Array.isArray($self.permissions) ? $self.permissions.filter((p) => Object.keys(groups).includes(p)) : [];
const chosen = picked.length ? picked : ${JSON.stringify(DEFAULT_PERMISSIONS)};
const prefix = env === 'global' || env === 'custom' ? '' : cloud.g + '/';
const graph = [...${JSON.stringify(ALWAYS_GRAPH_SCOPES)}, ...chosen.flatMap((p) => groups[p].s)].map((s) => prefix + s);
const extra = String($self.additionalScopes || '').split(/[\\s,]+/).filter(Boolean);
const imap = chosen.some((p) => groups[p].i) ? [cloud.i + '/${IMAP_SCOPE_NAME}'] : [];
const seen = new Set();
return [...graph, ...extra, ...${JSON.stringify(OIDC_SCOPES)}, ...imap].filter((s) => { const k = s.toLowerCase(); if (seen.has(k)) return false; seen.add(k); return true; }).join(' ');
`;

const queryJs = `
const parts = ['response_mode=query'];
const prompt = $self.prompt || 'none';
if (!['none', 'login', 'consent', 'select_account'].includes(prompt)) throw new Error('Unknown login prompt ' + prompt);
if (prompt !== 'none') parts.push('prompt=' + prompt);
const hint = String($self.loginHint || '').trim();
if (hint) parts.push('login_hint=' + encodeURIComponent(hint));
return parts.join('&');
`;

export const GRAPH_BASE_URL_EXPRESSION = expr('return cloud.g;');

/**
 * Where Connect goes when the Tenant is not a tenant: n8n 2.41 builds the authorize URL from
 * authUrl and, when that cannot be resolved, shows only its toast "Invalid URL". This page says what
 * is wrong and what to copy instead; nothing typed into Tenant is part of the address.
 */
export const TENANT_HELP_URL = `${DOCS_BASE_URL}/connect-tenant.md`;

/*
 * Notices that spell out the scopes n8n will request and, for a single tenant, the admin-consent
 * URL. n8n's credential modal renders a notice's displayName as it is (CredentialInputs.vue:
 * `<N8nNotice :content="parameter.displayName">`, no expression resolution) but honours
 * displayOptions against the credential's values (useCredentialForm: displayCredentialParameter),
 * so there is one notice per permission choice and per cloud instead of one `$self.scope` notice.
 */
const NATIONAL_CLOUDS = ['usGov', 'usGovDod', 'china'] as const;
const WITHOUT_GRAPH_PREFIX = ['global', 'custom'];

function scopeNotices(): INodeProperties[] {
	const notice = (
		name: string,
		displayName: string,
		show: Record<string, string[]>,
	): INodeProperties => ({
		displayName,
		name,
		type: 'notice',
		default: '',
		displayOptions: { show },
	});
	// One notice for the need "which permissions to add": the always-requested ones by name, the
	// chosen ones by the permission shown beside each choice (the option descriptions name it), so
	// the form does not grow a callout per choice.
	const always = `${[...ALWAYS_GRAPH_SCOPES, ...OIDC_SCOPES].join(', ')}`;
	const add = `Add these delegated Microsoft Graph permissions to the app registration (API permissions): ${always}, and the one in brackets beside each choice in Permissions.`;
	const notices: INodeProperties[] = [
		notice('scopeNoticeAlways', add, { environment: WITHOUT_GRAPH_PREFIX }),
		...NATIONAL_CLOUDS.map((env) =>
			notice(
				`scopeNoticeAlways_${env}`,
				`${add} In this cloud n8n requests each with the Graph address in front, e.g. ${CLOUD_ENVIRONMENTS[env].graph}/${ALWAYS_GRAPH_SCOPES[0]}.`,
				{ environment: [env] },
			),
		),
	];
	// IMAP is not a Graph permission: its own notice, only when chosen.
	for (const group of PERMISSION_GROUPS.filter((g) => g.imap)) {
		const imapFor = (env: string, resource: string) =>
			notice(
				`scopeNotice_${group.value}_${env}`,
				`${group.name}: also add Office 365 Exchange Online → Delegated → ${IMAP_SCOPE_NAME} (requested as ${resource}/${IMAP_SCOPE_NAME}), and turn IMAP on for the mailbox.`,
				{
					permissions: [group.value],
					environment: env === 'global' ? WITHOUT_GRAPH_PREFIX : [env],
				},
			);
		notices.push(
			imapFor('global', CLOUD_ENVIRONMENTS.global.imapResource),
			...NATIONAL_CLOUDS.map((env) => imapFor(env, CLOUD_ENVIRONMENTS[env].imapResource)),
		);
	}
	// n8n 2.41 shows a notice's text as it is (no expressions), so the user fills in the two values;
	// a node that fails for missing consent prints the address with both filled in.
	const consent = (authority: string) =>
		'If only administrators may approve permissions in your organisation, one opens ' +
		`${authority}/{Tenant}/adminconsent?client_id={Client ID} (with the two values above) ` +
		'or clicks "Grant admin consent" in the app registration; then connect.';
	notices.push(
		notice('adminConsentNotice', consent(CLOUD_ENVIRONMENTS.global.authority), {
			accountType: ['singleTenant'],
			environment: ['global'],
		}),
		...NATIONAL_CLOUDS.map((env) =>
			notice(`adminConsentNotice_${env}`, consent(CLOUD_ENVIRONMENTS[env].authority), {
				accountType: ['singleTenant'],
				environment: [env],
			}),
		),
		notice('adminConsentNotice_custom', consent('{Authority URL}'), {
			accountType: ['singleTenant'],
			environment: ['custom'],
		}),
	);
	return notices;
}

export class OutlookOAuth2Api implements ICredentialType {
	name = 'outlookOAuth2Api';

	extends = ['oAuth2Api'];

	// n8n's own "Microsoft Outlook OAuth2 API" sits next to this one in the credential picker: the
	// name says what this one adds (Graph and IMAP with one sign-in), the icon carries a key badge.
	displayName = CREDENTIAL_DISPLAY_NAME;

	icon: Icon = { light: 'file:outlookOAuth.svg', dark: 'file:outlookOAuth.dark.svg' };

	documentationUrl = SETUP_GUIDE_URL;

	properties: INodeProperties[] = [
		// Right under Client ID: n8n 2.41's oAuth2Api keeps a hidden, inert `clientCredentialType`
		// right after Client ID as an ordering anchor for extending credentials (a property of the
		// same name replaces it in place; a new one would be appended after "Allowed HTTP Request
		// Domains"). Only 'certificate' means anything to n8n there; a notice's value is ''.
		invalidClientIdNotice(INVALID_CLIENT_ID_NOTICE, CLIENT_ID_NOTICE_NAME),
		{
			displayName: `Register an app in Microsoft Entra ID first; the <a href="${SETUP_GUIDE_URL}" target="_blank">setup guide</a> walks through it. Use the OAuth Redirect URL shown above as the app's Web redirect URI.`,
			name: 'setupNotice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			options: [
				{
					name: 'Global (Microsoft 365 and Outlook.com)',
					value: 'global',
					description: 'login.microsoftonline.com and graph.microsoft.com: almost everyone',
				},
				{
					name: 'US Government (GCC High)',
					value: 'usGov',
					description: 'login.microsoftonline.us and graph.microsoft.us',
				},
				{
					name: 'US Government DoD',
					value: 'usGovDod',
					description: 'login.microsoftonline.us and dod-graph.microsoft.us',
				},
				{
					name: 'China (Operated by 21Vianet)',
					value: 'china',
					description: 'login.partner.microsoftonline.cn and microsoftgraph.chinacloudapi.cn',
				},
				{
					name: 'Custom',
					value: 'custom',
					description:
						'Type the sign-in and Graph addresses yourself (for proxies and test servers)',
				},
			],
			default: 'global',
			description:
				'Which Microsoft cloud your mailbox lives in. Leave Global unless your organisation uses a government or China cloud.',
		},
		...customEnvironmentFields(
			'The sign-in address, without the tenant part. n8n adds /{tenant}/oauth2/v2.0/authorize and /token.',
		),
		{
			displayName: 'Account Type',
			name: 'accountType',
			type: 'options',
			options: [
				{
					name: 'Any Microsoft Account (Common)',
					value: 'common',
					description:
						'Work, school and personal accounts. The app registration must allow all of them.',
				},
				{
					name: 'Work or School Accounts Only (Organizations)',
					value: 'organizations',
					description: 'Any Microsoft 365 organisation, no personal accounts',
				},
				{
					name: 'Personal Accounts Only (Consumers)',
					value: 'consumers',
					description: 'Outlook.com, Hotmail and Live accounts',
				},
				{
					name: 'Single Organisation (Tenant ID or Domain)',
					value: 'singleTenant',
					description:
						'Only your own organisation; needed when the app registration is single-tenant',
				},
			],
			default: 'common',
			description:
				'Must match "Supported account types" in the app registration. A single-tenant app needs the last choice, or Microsoft answers AADSTS50194.',
		},
		{
			displayName: 'Tenant',
			name: 'tenantId',
			type: 'string',
			default: '',
			placeholder: '72f988bf-86f1-41af-91ab-2d7cd011db47 or contoso.onmicrosoft.com',
			description:
				"The Directory (tenant) ID from the app registration's Overview page, or one of your organisation's verified domains",
			displayOptions: { show: { accountType: ['singleTenant'] } },
			required: true,
		},
		// Shown while the typed value is not a tenant, so the problem is seen here and not as n8n's
		// "Invalid URL" toast after Connect (the authorize URL expression refuses such a tenant).
		...invalidTenantNotices(INVALID_TENANT_NOTICE, { accountType: ['singleTenant'] }),
		{
			displayName: 'Permissions',
			name: 'permissions',
			type: 'multiOptions',
			options: PERMISSION_GROUPS.map((group) => ({
				name: group.name,
				value: group.value,
				description: group.description,
			})),
			default: DEFAULT_PERMISSIONS,
			description:
				'What n8n may do in the mailbox. Add the permission in brackets beside each choice to the app registration, then reconnect.',
		},
		...scopeNotices(),
		{
			// Shown while nothing is chosen (hidden as soon as any value exists): what n8n then asks for.
			displayName: `No permission chosen: n8n asks for the common set, ${DEFAULT_PERMISSIONS.map(
				(value) => {
					const group = PERMISSION_GROUPS.find((g) => g.value === value);
					return group ? `${group.name} (${group.graphScopes.join(', ')})` : value;
				},
			).join(', ')}.`,
			name: 'permissionsDefaultNotice',
			type: 'notice',
			default: '',
			displayOptions: { hide: { permissions: [{ _cnd: { exists: true } }] } },
		},
		{
			// Both keys read the same field ("/" reads from the root): shown only when both are chosen.
			displayName:
				'Read Mail and Read and Write Mail are both chosen: Read and Write Mail already includes reading (Mail.ReadWrite covers Mail.Read). Keep only Read and Write Mail, or only Read Mail if n8n must never change the mailbox.',
			name: 'mailReadConflictNotice',
			type: 'notice',
			default: '',
			displayOptions: { show: { permissions: ['mailRead'], '/permissions': ['mailReadWrite'] } },
		},
		{
			// Every chosen value is "imap" (an empty field shows the default-set notice instead).
			displayName: IMAP_ONLY_NOTICE,
			name: 'imapOnlyNotice',
			type: 'notice',
			default: '',
			displayOptions: { show: { permissions: [{ _cnd: { eq: 'imap' } }] } },
		},
		{
			displayName: 'Additional Scopes',
			name: 'additionalScopes',
			type: 'string',
			default: '',
			placeholder: 'Tasks.ReadWrite People.Read',
			description: 'Other Microsoft Graph delegated permissions to request, separated by spaces',
		},
		{
			displayName: 'Login Prompt',
			name: 'prompt',
			type: 'options',
			options: [
				{
					name: 'None',
					value: 'none',
					description: "Reuse the browser's Microsoft session when there is one",
				},
				{
					name: 'Force Login',
					value: 'login',
					description: 'Always ask for the password (prompt=login)',
				},
				{
					name: 'Force Consent',
					value: 'consent',
					description:
						'Always show the consent screen, e.g. after adding permissions (prompt=consent)',
				},
				{
					name: 'Choose Account',
					value: 'select_account',
					description: 'Let you pick which signed-in account to connect (prompt=select_account)',
				},
			],
			default: 'select_account',
			description:
				'What Microsoft shows when you click Connect. Microsoft accepts one of these at a time.',
		},
		{
			displayName: 'Login Hint',
			name: 'loginHint',
			type: 'string',
			default: '',
			placeholder: 'name@contoso.com',
			description: 'Pre-fills the account on the Microsoft sign-in page',
		},
		{
			displayName: 'Retry Mode',
			name: 'retryMode',
			type: 'options',
			options: [
				{ name: 'None', value: 'none', description: 'Fail at once' },
				{
					name: 'On Listed Status Codes',
					value: 'statusCodes',
					description: 'Retry when Microsoft answers with one of the status codes below',
				},
				{
					name: 'On Any Error',
					value: 'anyError',
					description: 'Retry on every 5xx, 429 and network error',
				},
			],
			default: 'statusCodes',
			description:
				"What to do when Microsoft Graph is busy (throttling) or briefly unavailable. A request that may already have taken effect (sending, copying, creating, answering a meeting) is repeated only when Microsoft's answer shows it was not carried out (429, or 503 with Retry-After), whatever the mode.",
		},
		{
			displayName: 'Retry Status Codes',
			name: 'retryStatusCodes',
			type: 'string',
			default: DEFAULT_RETRY_STATUS_CODES,
			description: 'HTTP status codes to retry, separated by |',
			displayOptions: { show: { retryMode: ['statusCodes'] } },
		},
		{
			displayName: 'Max Retries',
			name: 'maxRetries',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 20 },
			default: DEFAULT_MAX_RETRIES,
			description: 'How many times to try again before giving up',
			displayOptions: { hide: { retryMode: ['none'] } },
		},
		{
			displayName: 'Base Wait (Seconds)',
			name: 'retryBaseWaitSeconds',
			type: 'number',
			typeOptions: { minValue: 0, numberPrecision: 1 },
			default: DEFAULT_BASE_WAIT_SECONDS,
			description: `Wait before the first retry when Microsoft sends no Retry-After header. A Retry-After header always wins. No wait is longer than ${MAX_RETRY_WAIT_SECONDS} seconds.`,
			displayOptions: { hide: { retryMode: ['none'] } },
		},
		{
			displayName: 'Backoff Doubles Each Try',
			name: 'retryBackoffDoubles',
			type: 'boolean',
			default: true,
			description: 'Whether each wait is twice the one before (1 s, 2 s, 4 s …)',
			displayOptions: { hide: { retryMode: ['none'] } },
		},
		{ displayName: 'Grant Type', name: 'grantType', type: 'hidden', default: 'authorizationCode' },
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default: expr(
				`if (badTenant) return ${JSON.stringify(TENANT_HELP_URL)}; return cloud.a + '/' + tenant + '/oauth2/v2.0/authorize';`,
			),
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: expr(`${refuseBadTenant} return cloud.a + '/' + tenant + '/oauth2/v2.0/token';`),
		},
		{ displayName: 'Scope', name: 'scope', type: 'hidden', default: expr(scopeJs) },
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default: `={{ (() => { ${queryJs.replace(/\}\}/g, '} }')} })() }}`,
		},
		// Microsoft accepts the client secret in the body; its docs show that form for confidential clients.
		{ displayName: 'Authentication', name: 'authentication', type: 'hidden', default: 'body' },
	];

	test = {
		request: {
			baseURL: GRAPH_BASE_URL_EXPRESSION,
			url: '/v1.0/me',
		},
	};
}
