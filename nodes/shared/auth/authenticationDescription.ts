/**
 * The Authentication choice of the Graph nodes, as n8n's built-in nodes offer it: the credential
 * list shows the credential of the chosen kind (each node lists both credentials with
 * displayOptions on `authentication`, and testedBy 'outlookAppOnlyApiTest' for the app credential). The default stays the OAuth2 credential, so saved
 * workflows (which have no `authentication` parameter) keep working.
 *
 * With the app-only credential there is no signed-in user: the Mailbox choice ("me" or another) is
 * replaced by a required mailbox address.
 */
import type { INodeProperties } from 'n8n-workflow';

export const authenticationProperty: INodeProperties = {
	displayName: 'Authentication',
	name: 'authentication',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'OAuth2 (Signed-In User)',
			value: 'oAuth2',
			description: 'Delegated access: works as the account that clicked Connect',
		},
		{
			name: 'App-Only (Client Credentials)',
			value: 'appOnly',
			description:
				'Application access with a client secret or certificate, for unattended mailboxes an administrator allowed',
		},
	],
	default: 'oAuth2',
};

const oAuth2Only = { authentication: ['oAuth2'] };

/**
 * The shared Mailbox fields (nodes/shared/descriptions.ts) for either credential: unchanged for
 * OAuth2; for app-only a required address (mailboxChoice reads app-only as another mailbox). No
 * app-only value is written into the OAuth2 Mailbox field: n8n keeps a field's value when
 * Authentication changes, and a hidden 'other' left the field on "Another Mailbox" with an empty
 * address after switching back to OAuth2.
 */
export function withAuthentication(mailboxFields: INodeProperties[]): INodeProperties[] {
	const delegated = mailboxFields.map((field) => ({
		...field,
		displayOptions: {
			...(field.displayOptions ?? {}),
			show: { ...(field.displayOptions?.show ?? {}), ...oAuth2Only },
		},
	}));
	const address = mailboxFields.find((field) => field.name === 'mailboxId');
	const appOnly: INodeProperties[] = [
		{
			displayName: 'Mailbox Address or ID',
			name: 'mailboxId',
			type: 'string',
			default: '',
			required: true,
			placeholder: address?.placeholder ?? 'e.g. shared@contoso.com',
			description:
				'Required with the app-only credential, which has no mailbox of its own: the email address (or user object ID) of the mailbox to work in. An Exchange administrator must have allowed the app into it.',
			displayOptions: { show: { authentication: ['appOnly'] } },
		},
	];
	return [authenticationProperty, ...delegated, ...appOnly];
}
