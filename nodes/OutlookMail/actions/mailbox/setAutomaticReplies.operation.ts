import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { getMailboxRoot, updateDisplayOptions } from '../../../shared/descriptions';
import { GraphTransport } from '../../../shared/graph/client';
import { requireDateTime, toGraphDateTime, zoneFromParameter } from '../../../shared/timeZones';
import { settingsPermission, simplifyAutomaticReplies } from '../../helpers/automaticReplies';
import type { OperationDeclaration } from '../../../shared/declarations';

const SCHEDULE_EXAMPLE =
	'Scheduled automatic replies need a start and an end, e.g. 2026-12-24T17:00:00 (read in the Time Zone) or 2026-12-24T17:00:00+01:00.';

const notOff = { show: { status: ['alwaysEnabled', 'scheduled'] } };
const scheduled = { show: { status: ['scheduled'] } };

const properties: INodeProperties[] = [
	{
		displayName: 'Status',
		name: 'status',
		type: 'options',
		options: [
			{ name: 'Off', value: 'disabled', description: 'Turn automatic replies off' },
			{ name: 'On', value: 'alwaysEnabled', description: 'Reply until turned off' },
			{ name: 'Scheduled', value: 'scheduled', description: 'Reply between a start and an end' },
		],
		default: 'alwaysEnabled',
	},
	{
		displayName: 'Start',
		name: 'scheduledStart',
		type: 'dateTime',
		default: '',
		required: true,
		displayOptions: scheduled,
		description: 'When the replies start; without an offset it is read in the Time Zone',
	},
	{
		displayName: 'End',
		name: 'scheduledEnd',
		type: 'dateTime',
		default: '',
		required: true,
		displayOptions: scheduled,
		description: 'When the replies stop; must be after Start',
	},
	{
		displayName: 'Time Zone',
		name: 'timeZone',
		type: 'string',
		default: '',
		placeholder: 'e.g. Europe/Berlin',
		displayOptions: scheduled,
		description:
			"IANA or Windows name of the zone Start and End are in; empty: the workflow's time zone",
	},
	{
		displayName: 'Internal Reply',
		name: 'internalReplyMessage',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		displayOptions: notOff,
		description: 'To people in your organization. Text or HTML; empty keeps the current text.',
	},
	{
		displayName: 'External Reply',
		name: 'externalReplyMessage',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		displayOptions: notOff,
		description: 'To people outside your organization. Text or HTML; empty keeps the current text.',
	},
	{
		displayName: 'External Reply To',
		name: 'externalAudience',
		type: 'options',
		options: [
			{
				name: 'Nobody',
				value: 'none',
				description: 'No automatic replies outside the organization',
			},
			{ name: 'My Contacts Only', value: 'contactsOnly' },
			{ name: 'Everyone', value: 'all' },
		],
		default: 'all',
		displayOptions: notOff,
	},
];

export const declaration: OperationDeclaration = {
	does: 'send',
	reaches: [{ implicit: 'automaticRepliesAudience' }],
	sendsOnlyWhenReaching: true,
};

export const description = updateDisplayOptions(
	{ show: { resource: ['mailbox'], operation: ['setAutomaticReplies'] } },
	properties,
);

/**
 * `PATCH {mailbox}/mailboxSettings` with `automaticRepliesSetting` (MailboxSettings.ReadWrite).
 * A schedule whose end is not after its start is refused here: Graph would accept it and the
 * replies would never run.
 * https://learn.microsoft.com/graph/api/user-update-mailboxsettings#example-1-enable-automatic-replies-for-a-date-range
 */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const status = this.getNodeParameter('status', i) as string;
	const setting: IDataObject = { status };
	if (status === 'scheduled') {
		const zone = zoneFromParameter(this, i, this.getNodeParameter('timeZone', i, ''));
		const date = (parameter: string, field: string) =>
			requireDateTime(
				this,
				i,
				this.getNodeParameter(parameter, i, ''),
				zone,
				field,
				SCHEDULE_EXAMPLE,
			);
		const start = date('scheduledStart', 'Start');
		const end = date('scheduledEnd', 'End');
		if (end <= start) {
			throw new NodeOperationError(this.getNode(), 'The field End is not after the field Start', {
				itemIndex: i,
				description: `Start is ${start.toISO()} and End is ${end.toISO()}: automatic replies scheduled this way would never run. Put End after Start.`,
			});
		}
		setting.scheduledStartDateTime = toGraphDateTime(start, zone);
		setting.scheduledEndDateTime = toGraphDateTime(end, zone);
	}
	if (status !== 'disabled') {
		for (const key of ['internalReplyMessage', 'externalReplyMessage']) {
			const text = this.getNodeParameter(key, i, '') as string;
			if (text !== '') setting[key] = text;
		}
		setting.externalAudience = this.getNodeParameter('externalAudience', i, 'all') as string;
	}
	const root = getMailboxRoot(this, i);
	const transport = await GraphTransport.create(this, i);
	const updated = await transport.request<IDataObject>({
		method: 'PATCH',
		path: `${root}/mailboxSettings`,
		body: { automaticRepliesSetting: setting },
		itemIndex: i,
		...settingsPermission(this, i, 'write', 'change automatic replies'),
	});
	return simplifyAutomaticReplies(
		(updated?.automaticRepliesSetting as IDataObject | undefined) ?? setting,
	);
}
