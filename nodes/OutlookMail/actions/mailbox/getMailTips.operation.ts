import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { getMailboxRoot, updateDisplayOptions } from '../../../shared/descriptions';
import { GraphTransport } from '../../../shared/graph/client';
import { splitList } from '../../helpers/compose';
import { mailPermission } from '../../helpers/permissions';
import { parseRecipients } from '../../helpers/recipients';
import type { OperationDeclaration } from '../../../shared/declarations';

/**
 * The mail tips Graph can return, by their `MailTipsOptions` flag.
 * https://learn.microsoft.com/graph/api/resources/mailtips
 */
const MAIL_TIPS = [
	{ name: 'Automatic Replies', value: 'automaticReplies' },
	{ name: 'Custom Mail Tip', value: 'customMailTip' },
	{ name: 'Delivery Restriction', value: 'deliveryRestriction' },
	{ name: 'External Member Count', value: 'externalMemberCount' },
	{ name: 'Mailbox Full', value: 'mailboxFullStatus' },
	{ name: 'Max Message Size', value: 'maxMessageSize' },
	{ name: 'Moderation Status', value: 'moderationStatus' },
	{ name: 'Recipient Scope', value: 'recipientScope' },
	{ name: 'Recipient Suggestions', value: 'recipientSuggestions' },
	{ name: 'Total Member Count', value: 'totalMemberCount' },
];

/** Graph answers for at most 100 recipients per request (mailtips resource, "up to 100"). */
export const MAIL_TIPS_RECIPIENT_LIMIT = 100;

const properties: INodeProperties[] = [
	{
		displayName: 'Recipients',
		name: 'recipients',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. alice@contoso.com, team@contoso.com',
		description: 'Comma-separated addresses to get mail tips for (up to 100)',
	},
	{
		displayName: 'Mail Tips',
		name: 'mailTips',
		type: 'multiOptions',
		options: MAIL_TIPS,
		default: ['automaticReplies', 'mailboxFullStatus', 'externalMemberCount', 'moderationStatus'],
		description: 'What to ask for',
	},
];

export const declaration: OperationDeclaration = { does: 'read' };

export const description = updateDisplayOptions(
	{ show: { resource: ['mailbox'], operation: ['getMailTips'] } },
	properties,
);

/** One flat item per recipient: the address, then only the tips Graph returned. */
function simplifyMailTips(tips: IDataObject): IDataObject {
	const { emailAddress, ...rest } = tips;
	const out: IDataObject = {
		address: (emailAddress as IDataObject | undefined)?.address ?? '',
		...rest,
	};
	const replies = rest.automaticReplies as IDataObject | undefined;
	// Graph returns an empty message when the recipient has no automatic replies on.
	if (replies) out.hasAutomaticReplies = Boolean(replies.message);
	return out;
}

/**
 * `POST {mailbox}/getMailTips` with `EmailAddresses` and `MailTipsOptions` (a comma-separated
 * flags value): what Outlook shows before sending (out of office, mailbox full, external
 * recipients, moderated groups). Needs Mail.Read.
 * https://learn.microsoft.com/graph/api/user-getmailtips
 */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const recipients = parseRecipients(
		this,
		i,
		'Recipients',
		this.getNodeParameter('recipients', i, ''),
	).map((r) => r.emailAddress.address);
	if (!recipients.length) {
		throw new NodeOperationError(this.getNode(), 'The field Recipients is empty', {
			itemIndex: i,
			description: 'Enter the addresses to get mail tips for, comma-separated.',
		});
	}
	if (recipients.length > MAIL_TIPS_RECIPIENT_LIMIT) {
		throw new NodeOperationError(
			this.getNode(),
			`The field Recipients holds ${recipients.length} addresses; Microsoft Graph answers for at most ${MAIL_TIPS_RECIPIENT_LIMIT}`,
			{ itemIndex: i, description: 'Split the recipients over several items.' },
		);
	}
	// A list from an expression may be text too: "automaticReplies, mailboxFullStatus".
	const tips = splitList(this.getNodeParameter('mailTips', i, []));
	if (!tips.length) {
		throw new NodeOperationError(this.getNode(), 'The field Mail Tips is empty', {
			itemIndex: i,
			description: 'Choose at least one mail tip to ask for.',
		});
	}
	const root = getMailboxRoot(this, i);
	const transport = await GraphTransport.create(this, i);
	const response = await transport.request<{ value?: IDataObject[] }>({
		method: 'POST',
		path: `${root}/getMailTips`,
		body: { EmailAddresses: recipients, MailTipsOptions: tips.join(', ') },
		itemIndex: i,
		...mailPermission(this, i, 'read', 'get mail tips'),
	});
	return (response.value ?? []).map(simplifyMailTips);
}
