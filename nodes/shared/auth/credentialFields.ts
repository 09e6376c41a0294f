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
