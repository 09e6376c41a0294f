/** Parameter blocks several calendar operations share. */
import type { INodeProperties } from 'n8n-workflow';

/** The Time Zone option: empty means the mailbox's time zone (helpers/mailboxZone.ts), else the workflow's; never UTC by accident. */
export function timeZoneOption(description: string): INodeProperties {
	return {
		displayName: 'Time Zone',
		name: 'timeZone',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getTimeZones' },
		default: '',
		description: `${description} Leave empty for the mailbox's time zone (from its Outlook settings; the workflow's when the credential lacks Read Mailbox Settings). An IANA name (Europe/Madrid) or a Windows name (Romance Standard Time) also works in an expression. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.`,
	};
}

export const simplifyField: INodeProperties = {
	displayName: 'Simplify',
	name: 'simplify',
	type: 'boolean',
	default: true,
	description: 'Whether to return a simplified version of the response instead of the raw data',
};

export { limitField, returnAllField } from '../../shared/descriptions';
