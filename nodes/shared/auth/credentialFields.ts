import type { INodeProperties } from 'n8n-workflow';

/*
 * What both credentials (delegated OAuth2 and app-only) show the same way: where the docs live and
 * the Custom environment's three addresses.
 */

/**
 * The package's own docs, shipped in the npm package (package.json `files`). No public repository
 * is known, so links point at the published package's files; test/package/pack.test.ts checks
 * that every link names a file the tarball ships.
 */
export const DOCS_BASE_URL = 'https://unpkg.com/n8n-nodes-outlook-oauth/docs';
export const SETUP_GUIDE_URL = `${DOCS_BASE_URL}/setup-guide.md`;

/*
 * The notices under Tenant and Client ID appear through displayOptions conditions that use no
 * `regex`. n8n-workflow 2.x runs a `regex` condition in a node:vm context with a 250 ms watchdog, and
 * it evaluates every field's condition each time it resolves the credential at run time
 * (CredentialsHelper.applyDefaultsAndOverwrites → getNodeParameters → displayParameter), that is on
 * every request. A garbage-collection pause or a busy CPU during that microsecond check failed the
 * request with "Regular expression execution timed out" (seen in the queue-mode e2e). The string
 * tests below run inline. They cannot say all the patterns say (displayOptions only AND their keys),
 * so a notice shows for the usual mistakes and never for a value the run-time check accepts
 * (test/credentials/notice-conditions.test.ts checks both against resolveTenant and the GUID
 * pattern); the run-time check names the field for the rest.
 *
 * Keys: `/field` is the same credential field read from the root (a second key on one value), and
 * `/field.length` its length (lodash `get`). Keys starting with "/" are not treated as dependencies
 * by any n8n 2.x (getParameterDependencies / getParameterResolveOrder).
 */
type Condition = NonNullable<NonNullable<INodeProperties['displayOptions']>['show']>[string];
type Conditions = Record<string, Condition>;

const includesAny = (parts: string[]): Condition =>
	parts.map((part) => ({ _cnd: { includes: part } }));
/** What resolveTenant trims. */
const EDGE_SPACE = [' ', '\t', '\n', '\r'];
/** Characters no tenant ID or domain has, and URLs and e-mail addresses do. */
const NOT_IN_A_TENANT = ['/', ':', '@', '\\', '?', '#', '=', '&', ',', ';', '_'];
const GUID_LENGTH = 36;

/**
 * The two notices under Tenant (same text, never both): one for a value without a dot that is not
 * as long as a GUID ("contoso", "common", a cut GUID), one for a value with a dot and a character
 * no tenant has (a sign-in URL, an e-mail address). `show` adds the credential's own conditions.
 */
export function invalidTenantNotices(text: string, show: Conditions = {}): INodeProperties[] {
	return [
		{
			displayName: text,
			name: 'tenantIdInvalidNotice',
			type: 'notice',
			default: '',
			displayOptions: {
				show: { ...show, tenantId: [{ _cnd: { exists: true } }] },
				hide: {
					tenantId: [
						{ _cnd: { includes: '.' } },
						...EDGE_SPACE.flatMap((space) => [
							{ _cnd: { startsWith: space } },
							{ _cnd: { endsWith: space } },
						]),
					],
					'/tenantId.length': [{ _cnd: { eq: GUID_LENGTH } }],
				},
			},
		},
		{
			displayName: text,
			name: 'tenantIdAddressNotice',
			type: 'notice',
			default: '',
			displayOptions: {
				show: {
					...show,
					tenantId: includesAny(NOT_IN_A_TENANT),
					'/tenantId': includesAny(['.']),
				},
			},
		},
	];
}

/** The notice under Client ID: shown for a value that is not as long as a GUID. */
export function invalidClientIdNotice(text: string, name: string): INodeProperties {
	return {
		displayName: text,
		name,
		type: 'notice',
		default: '',
		displayOptions: {
			show: {
				clientId: [{ _cnd: { exists: true } }],
				'/clientId.length': [{ _cnd: { lt: GUID_LENGTH } }, { _cnd: { gt: GUID_LENGTH } }],
			},
		},
	};
}

/** What is wrong with a Tenant that is not one (the notice under the field says it, then what breaks). */
export const NOT_A_TENANT =
	'This Tenant is neither a directory (tenant) ID such as "72f988bf-86f1-41af-91ab-2d7cd011db47" nor a verified domain such as "contoso.onmicrosoft.com" (no https://). ' +
	"Copy the Directory (tenant) ID from the app registration's Overview page in the Azure portal.";
/** What is wrong with a Client ID that is not one. */
export const NOT_A_CLIENT_ID =
	'This Client ID is not an Application (client) ID: that is a GUID such as "00000000-0000-4000-8000-000000000000" (no spaces). ' +
	"Copy it from the app registration's Overview page; the Object ID and the client secret do not work here.";

/** Authority, Graph and IMAP addresses of the Custom environment (proxies, test servers). */
export function customEnvironmentFields(authorityDescription: string): INodeProperties[] {
	return [
		{
			displayName: 'Authority URL',
			name: 'customAuthorityUrl',
			type: 'string',
			default: '',
			placeholder: 'https://login.microsoftonline.com',
			description: authorityDescription,
			displayOptions: { show: { environment: ['custom'] } },
			required: true,
		},
		{
			displayName: 'Graph URL',
			name: 'customGraphUrl',
			type: 'string',
			default: '',
			placeholder: 'https://graph.microsoft.com',
			description: 'The Microsoft Graph address, without /v1.0',
			displayOptions: { show: { environment: ['custom'] } },
			required: true,
		},
		{
			displayName: 'IMAP Host',
			name: 'customImapHost',
			type: 'string',
			default: 'outlook.office365.com',
			description: 'Default IMAP server for the Outlook IMAP Trigger',
			displayOptions: { show: { environment: ['custom'] } },
		},
	];
}
