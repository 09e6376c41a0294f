import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

import {
	customEnvironmentFields,
	invalidClientIdNotice,
	invalidTenantNotices,
	NOT_A_CLIENT_ID,
	NOT_A_TENANT,
	SETUP_GUIDE_URL,
} from '../nodes/shared/auth/credentialFields';
import { CLOUD_ENVIRONMENTS } from '../nodes/shared/auth/environments';

/*
 * The application identity: OAuth 2.0 client credentials with a client secret or a certificate,
 * through @azure/msal-node (nodes/shared/auth/appOnly.ts). n8n's credential UI runs no code for a
 * credential without OAuth2, so the certificate's thumbprint and expiry are reported by the
 * credential test (the nodes' `credentialTest` method outlookAppOnlyApiTest).
 */
const environmentOptions = [
	{
		name: 'Global (Microsoft 365)',
		value: 'global',
		description: `${new URL(CLOUD_ENVIRONMENTS.global.authority).host} and ${new URL(CLOUD_ENVIRONMENTS.global.graph).host}: almost everyone`,
	},
	{
		name: 'US Government (GCC High)',
		value: 'usGov',
		description: `${new URL(CLOUD_ENVIRONMENTS.usGov.authority).host} and ${new URL(CLOUD_ENVIRONMENTS.usGov.graph).host}`,
	},
	{
		name: 'US Government DoD',
		value: 'usGovDod',
		description: `${new URL(CLOUD_ENVIRONMENTS.usGovDod.authority).host} and ${new URL(CLOUD_ENVIRONMENTS.usGovDod.graph).host}`,
	},
	{
		name: 'China (Operated by 21Vianet)',
		value: 'china',
		description: `${new URL(CLOUD_ENVIRONMENTS.china.authority).host} and ${new URL(CLOUD_ENVIRONMENTS.china.graph).host}`,
	},
	{
		name: 'Custom',
		value: 'custom',
		description: 'Type the sign-in and Graph addresses yourself (for proxies and test servers)',
	},
];

/** Chapter 10 of the setup guide: app-only access. */
export const APP_ONLY_GUIDE_URL = `${SETUP_GUIDE_URL}#10-app-only-access-no-signed-in-user`;

/** Under Tenant while it is not one (checked as it is typed, as in the OAuth2 credential). */
export const APP_ONLY_INVALID_TENANT_NOTICE = `${NOT_A_TENANT} Without a signed-in user, common, organizations and consumers do not work either: Microsoft issues app tokens only from one directory.`;

/** Under Client ID while it is not a GUID. */
export const APP_ONLY_INVALID_CLIENT_ID_NOTICE = NOT_A_CLIENT_ID;

export class OutlookAppOnlyApi implements ICredentialType {
	name = 'outlookAppOnlyApi';

	displayName = 'Outlook App-Only (Client Credentials) API';

	icon: Icon = { light: 'file:outlook.svg', dark: 'file:outlook.dark.svg' };

	documentationUrl = SETUP_GUIDE_URL;

	properties: INodeProperties[] = [
		{
			// n8n 2.41 tests the credential when it is saved; its button then reads "Retry".
			displayName: `For unattended mailboxes: the app signs in as itself with application permissions an administrator granted, limited to the mailboxes an Exchange administrator allows. <a href="${APP_ONLY_GUIDE_URL}" target="_blank">Setup guide, chapter 10: App-only access</a>. Saving tests the credential (Retry tests it again): the result names the certificate's thumbprint and expiry and any missing permission.`,
			name: 'setupNotice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			options: environmentOptions,
			default: 'global',
			description: 'Which Microsoft cloud your organisation lives in',
		},
		...customEnvironmentFields(
			'The sign-in address, without the tenant part. n8n adds /{tenant}/oauth2/v2.0/token.',
		),
		{
			displayName: 'Tenant',
			name: 'tenantId',
			type: 'string',
			default: '',
			required: true,
			placeholder: '72f988bf-86f1-41af-91ab-2d7cd011db47 or contoso.onmicrosoft.com',
			description:
				"The Directory (tenant) ID from the app registration's Overview page, or a verified domain. Not common, organizations or consumers: without a signed-in user, Microsoft issues app tokens only from one directory.",
		},
		...invalidTenantNotices(APP_ONLY_INVALID_TENANT_NOTICE),
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			placeholder: '00000000-0000-0000-0000-000000000000',
			description: "The Application (client) ID from the app registration's Overview page",
		},
		invalidClientIdNotice(APP_ONLY_INVALID_CLIENT_ID_NOTICE, 'clientIdInvalidNotice'),
		{
			displayName: 'Sign In With',
			name: 'authMethod',
			type: 'options',
			options: [
				{
					name: 'Client Secret',
					value: 'secret',
					description: 'A secret from Certificates & secrets; it expires after at most two years',
				},
				{
					name: 'Certificate (PEM)',
					value: 'certificate',
					description: 'A certificate uploaded to the app registration and its private key, as PEM',
				},
				{
					name: 'Certificate (PFX)',
					value: 'pfx',
					description: 'A PKCS#12 file (.pfx or .p12) holding the certificate and its key',
				},
			],
			default: 'certificate',
			description: 'How the app proves who it is. Microsoft recommends a certificate.',
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: "The secret's Value (not its ID) from Certificates & secrets",
			displayOptions: { show: { authMethod: ['secret'] } },
		},
		{
			displayName: 'Certificate',
			name: 'certificate',
			type: 'string',
			typeOptions: { rows: 5, password: true },
			default: '',
			required: true,
			placeholder: '-----BEGIN CERTIFICATE-----\n…\n-----END CERTIFICATE-----',
			description: 'The PEM certificate uploaded to the app registration (public part)',
			displayOptions: { show: { authMethod: ['certificate'] } },
		},
		{
			displayName: 'Private Key',
			name: 'privateKey',
			type: 'string',
			typeOptions: { rows: 5, password: true },
			default: '',
			required: true,
			placeholder: '-----BEGIN PRIVATE KEY-----\n…\n-----END PRIVATE KEY-----',
			description: "The certificate's unencrypted PEM private key (PKCS#8 or RSA)",
			displayOptions: { show: { authMethod: ['certificate'] } },
		},
		{
			displayName: 'PFX (Base64)',
			name: 'pfxCertificate',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: 'MIIKZQIBAzCCCi8GCSqGSIb3DQEHAaCCCiAE…',
			description: 'The .pfx/.p12 file as base64, e.g. the output of base64 -w0 app.pfx',
			displayOptions: { show: { authMethod: ['pfx'] } },
		},
		{
			displayName: 'PFX Password',
			name: 'pfxPassword',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'The password the PFX file was exported with',
			displayOptions: { show: { authMethod: ['pfx'] } },
		},
		{
			displayName: 'Test Mailbox',
			name: 'testMailbox',
			type: 'string',
			default: '',
			placeholder: 'shared@contoso.com',
			description:
				'A mailbox the app may open, checked by the credential test. Empty: the test lists one user instead, which needs the User.Read.All application permission.',
		},
	];
}
