import type { INodeProperties } from 'n8n-workflow';

import { TENANT_DOMAIN_PATTERN, TENANT_GUID_PATTERN } from './tenant';

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

const stripAnchors = (pattern: string) => pattern.replace(/^\^/, '').replace(/\$$/, '');
/**
 * Matches what is typed into Tenant when it is NOT a tenant ID or verified domain, spaces around it
 * allowed as resolveTenant trims them (and not empty: the field is marked required for that).
 * n8n-workflow 2.41's displayOptions offer `regex` but no negation, so the negation is a lookahead.
 * Same patterns as resolveTenant (nodes/shared/auth/tenant.ts).
 */
export const INVALID_TENANT_REGEX = `^(?!\\s*$)(?!\\s*(?:${stripAnchors(TENANT_GUID_PATTERN)})\\s*$)(?!\\s*(?:${stripAnchors(TENANT_DOMAIN_PATTERN)})\\s*$)`;
/** An Application (client) ID is always a GUID. */
export const INVALID_CLIENT_ID_REGEX = `^(?!$)(?!(?:${stripAnchors(TENANT_GUID_PATTERN)})$)`;

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
