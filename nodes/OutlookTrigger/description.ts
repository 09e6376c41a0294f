/** The trigger's parameters: one event per node, where to watch, filters, output. */
import type { INodeProperties } from 'n8n-workflow';

import { withAuthentication } from '../shared/auth/authenticationDescription';
import { categoriesField } from '../shared/categories';
import { mailboxProperties } from '../shared/descriptions';
import { withBooleanValidation } from '../shared/parameters';

export type TriggerEvent =
	| 'messageReceived'
	| 'messageUpdated'
	| 'messageFlagged'
	| 'contactCreated'
	| 'contactUpdated'
	| 'contactDeleted'
	| 'eventCreated'
	| 'eventUpdated'
	| 'eventCancelledOrDeleted'
	| 'eventStartingSoon';

export const MAIL_EVENTS: TriggerEvent[] = ['messageReceived', 'messageUpdated', 'messageFlagged'];
export const CONTACT_EVENTS: TriggerEvent[] = [
	'contactCreated',
	'contactUpdated',
	'contactDeleted',
];
export const CALENDAR_CHANGE_EVENTS: TriggerEvent[] = [
	'eventCreated',
	'eventUpdated',
	'eventCancelledOrDeleted',
];
const CALENDAR_EVENTS: TriggerEvent[] = [...CALENDAR_CHANGE_EVENTS, 'eventStartingSoon'];
/**
 * The events push mode serves (Graph notifies of message and event changes); Event Starting Soon
 * and the contact events stay polled. The webhook's method in OutlookTrigger.node.ts lists the same
 * events (test/OutlookTrigger/push.test.ts checks that they agree).
 */
export const PUSH_EVENTS: TriggerEvent[] = [...MAIL_EVENTS, ...CALENDAR_CHANGE_EVENTS];
const push = { show: { delivery: ['push'], event: PUSH_EVENTS } };

const mail = { show: { event: MAIL_EVENTS } };
const calendar = { show: { event: CALENDAR_EVENTS } };
// Inside a collection, display options name the node's top-level parameters with a leading slash.
const mailOption = { show: { '/event': MAIL_EVENTS } };
const calendarOption = { show: { '/event': CALENDAR_EVENTS } };

// Authentication (OAuth2 default, or App-Only) first, as in the Graph nodes; with App-Only the
// mailbox address is required (nodes/shared/auth/authenticationDescription.ts).
const [authentication, ...mailboxFields] = withAuthentication(mailboxProperties('mailbox'));

export const properties: INodeProperties[] = withBooleanValidation([
	authentication,
	{
		displayName: 'Trigger On',
		name: 'event',
		type: 'options',
		noDataExpression: true,
		default: 'messageReceived',
		// Graph v1.0 has no @-mentions of mail: `mentionsPreview` and `$filter=mentionsPreview/isMentioned
		// eq true` are beta only (https://learn.microsoft.com/graph/api/resources/mentionspreview?view=graph-rest-beta),
		// and this node calls v1.0 only.
		description:
			'"New mail that mentions me" is not offered: Microsoft Graph has @-mentions of mail only in its beta version, which this node does not call',
		options: [
			{
				name: 'Message Received',
				value: 'messageReceived',
				description: 'A message arrives in one of the folders',
			},
			{
				name: 'Message Updated',
				value: 'messageUpdated',
				description: 'A message in one of the folders changes (read state, flag, categories…)',
			},
			{
				name: 'Message Flagged',
				value: 'messageFlagged',
				description:
					'A message in one of the folders is flagged for follow-up (each flagging once: flagged again after a clear, it triggers again)',
			},
			{
				name: 'Contact Created',
				value: 'contactCreated',
				description: 'A contact is added to the contact folder',
			},
			{
				name: 'Contact Updated',
				value: 'contactUpdated',
				description: 'A contact of the contact folder changes',
			},
			{
				name: 'Contact Deleted',
				value: 'contactDeleted',
				description: 'A contact is deleted from (or moved out of) the contact folder',
			},
			{
				name: 'Event Created',
				value: 'eventCreated',
				description: 'An event appears in the calendar within the time window',
			},
			{
				name: 'Event Updated',
				value: 'eventUpdated',
				description: 'An event (or one occurrence of a series) within the time window changes',
			},
			{
				name: 'Event Cancelled or Deleted',
				value: 'eventCancelledOrDeleted',
				description: 'An event within the time window is cancelled or deleted',
			},
			{
				name: 'Event Starting Soon',
				value: 'eventStartingSoon',
				description: 'Each occurrence once, a set number of minutes before it starts',
			},
		],
	},
	{
		displayName: 'Delivery',
		name: 'delivery',
		type: 'options',
		noDataExpression: true,
		default: 'poll',
		displayOptions: { show: { event: PUSH_EVENTS } },
		options: [
			{
				name: 'Polling',
				value: 'poll',
				description:
					'Ask Microsoft Graph for the changes at Poll Times; works wherever n8n can reach Microsoft',
			},
			{
				name: 'Push (Instant)',
				value: 'push',
				description:
					'Microsoft Graph notifies n8n of each change within seconds; n8n must be reachable from Microsoft over HTTPS',
			},
		],
	},
	{
		displayName:
			"Push needs n8n reachable from Microsoft Graph over HTTPS at its public webhook URL (WEBHOOK_URL). Publishing creates a Graph subscription and fails with Graph's message when Graph cannot reach n8n. Poll Times becomes the safety-net sync: every 15 minutes is a good choice.",
		name: 'pushNotice',
		type: 'notice',
		default: '',
		displayOptions: push,
	},
	{
		displayName:
			'With OAuth2, Microsoft Graph sends change notifications for your own mailbox only. For another or a shared mailbox, use App-Only authentication, or Polling.',
		name: 'pushSharedMailboxNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { ...push.show, authentication: ['oAuth2'], mailbox: ['other'] } },
	},
	...mailboxFields,
	{
		displayName: 'Folders',
		name: 'folders',
		type: 'fixedCollection',
		placeholder: 'Add Folder',
		typeOptions: { multipleValues: true },
		default: { folder: [{ folder: { __rl: true, mode: 'id', value: 'inbox' } }] },
		displayOptions: mail,
		description: 'The folders to watch; each has its own delta cursor',
		options: [
			{
				displayName: 'Folder',
				name: 'folder',
				values: [
					{
						displayName: 'Folder',
						name: 'folder',
						type: 'resourceLocator',
						default: { mode: 'list', value: '' },
						modes: [
							{
								displayName: 'From List',
								name: 'list',
								type: 'list',
								typeOptions: { searchListMethod: 'searchFolders', searchable: true },
							},
							{
								displayName: 'By Path',
								name: 'path',
								type: 'string',
								placeholder: 'e.g. Inbox/Projects/2026',
							},
							{
								displayName: 'By ID or Well-Known Name',
								name: 'id',
								type: 'string',
								placeholder: 'e.g. inbox, archive or AAMkAGI2…',
							},
						],
					},
				],
			},
		],
	},
	{
		displayName: 'Contact Folder',
		name: 'contactFolder',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		displayOptions: { show: { event: CONTACT_EVENTS } },
		description: 'The contact folder to watch; leave empty for Contacts (the default folder)',
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchContactFolders', searchable: true },
			},
			{ displayName: 'By ID', name: 'id', type: 'string', placeholder: 'e.g. AAMkADIxZTAwAAA=' },
		],
	},
	{
		displayName: 'Include Child Folders',
		name: 'includeChildFolders',
		type: 'boolean',
		default: false,
		displayOptions: mail,
		description:
			'Whether to watch every folder below the chosen ones too (the folder list is refreshed every 10 minutes)',
	},
	{
		displayName: 'Time Window (Days)',
		name: 'windowDays',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 365 },
		default: 90,
		displayOptions: { show: { event: CALENDAR_CHANGE_EVENTS } },
		description: 'Watch events from yesterday until this many days ahead',
	},
	{
		displayName: 'Minutes Before Start',
		name: 'minutesBefore',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 10080 },
		default: 15,
		displayOptions: { show: { event: ['eventStartingSoon'] } },
		description: 'How long before an occurrence starts to trigger (at the first poll from then on)',
	},
	{
		displayName: 'Start From',
		name: 'startFrom',
		type: 'options',
		default: 'now',
		displayOptions: { show: { event: ['messageReceived', 'eventCreated'] } },
		options: [
			{
				name: 'Now',
				value: 'now',
				description:
					'What arrives after activation (for mail, what was received in the 5 minutes before it too)',
			},
			{
				name: 'A Date',
				value: 'since',
				description: 'Also what already exists, received (or created) since a date',
			},
		],
	},
	{
		displayName: 'Since',
		name: 'since',
		type: 'dateTime',
		default: '',
		required: true,
		displayOptions: { show: { startFrom: ['since'], event: ['messageReceived', 'eventCreated'] } },
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: mail,
		options: [
			categoriesField({
				description:
					'Only messages with at least one of these categories. Choose from the mailbox\'s list, or specify names using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			}),
			{
				displayName: 'From',
				name: 'from',
				type: 'string',
				default: '',
				placeholder: 'e.g. bob@contoso.com or @contoso.com',
				description: 'Only messages whose sender address contains this text (case-insensitive)',
			},
			{
				displayName: 'Has Attachments',
				name: 'hasAttachments',
				type: 'boolean',
				default: true,
				description: 'Whether to keep only messages with (true) or without (false) attachments',
			},
			{
				displayName: 'Importance',
				name: 'importance',
				type: 'options',
				options: [
					{ name: 'Low', value: 'low' },
					{ name: 'Normal', value: 'normal' },
					{ name: 'High', value: 'high' },
				],
				default: 'high',
			},
			{
				displayName: 'Subject Contains',
				name: 'subject',
				type: 'string',
				default: '',
				description: 'Only messages whose subject contains this text (case-insensitive)',
			},
			{
				displayName: 'Unread Only',
				name: 'unread',
				type: 'boolean',
				default: true,
				description: 'Whether to keep only unread messages',
			},
		],
	},
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		default: 'simple',
		displayOptions: mail,
		options: [
			{
				name: 'Simplified',
				value: 'simple',
				description: 'As Outlook Mail → Get (Simplified): flat from, to, subject, received…',
			},
			{ name: 'Raw', value: 'raw', description: "Microsoft Graph's JSON as returned" },
		],
	},
	{
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		displayOptions: calendar,
		description:
			'Whether to return events as Outlook Calendar → Get (Simplify) does instead of the raw data',
	},
	{
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		displayOptions: { show: { event: CONTACT_EVENTS } },
		description:
			'Whether to return contacts as Outlook Mail → Contact → Get (Simplified) does instead of the raw data',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Download Attachments',
				name: 'downloadAttachments',
				type: 'boolean',
				default: false,
				displayOptions: mailOption,
				description: 'Whether to add file attachments as binary properties (attachment_0, …)',
			},
			{
				displayName: 'Include Body',
				name: 'includeBody',
				type: 'boolean',
				default: false,
				displayOptions: mailOption,
				description: 'Whether to include the message body (changing this starts the cursor over)',
			},
			{
				displayName: 'Max Items per Poll',
				name: 'maxItemsPerPoll',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 1000,
				description:
					'A burst larger than this is emitted over several polls; nothing is skipped or repeated',
			},
			{
				displayName: 'Time Zone',
				name: 'timeZone',
				type: 'string',
				default: '',
				displayOptions: calendarOption,
				placeholder: 'e.g. Europe/Madrid',
				description:
					"The zone of the returned times (IANA or Windows name); empty uses the workflow's time zone",
			},
		],
	},
]);
