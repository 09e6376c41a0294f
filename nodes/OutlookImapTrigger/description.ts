import type { INodeProperties } from 'n8n-workflow';

import { authenticationProperty } from '../shared/auth/authenticationDescription';
import { withBooleanValidation } from '../shared/parameters';

/** Exchange Online's IMAP port with implicit TLS (RFC 8314 §3.3). */
export const IMAPS_PORT = 993;
/** IMAP's own port, where a session starts in plaintext and STARTTLS upgrades it (RFC 9051 §2.1, RFC 8314 §7). */
export const IMAP_PORT = 143;

export const properties: INodeProperties[] = withBooleanValidation([
	// Absent in saved workflows: they keep the OAuth2 credential.
	authenticationProperty,
	{
		displayName:
			'The credential needs the "IMAP Trigger" permission (IMAP.AccessAsUser.All), and the mailbox must allow IMAP. This trigger keeps a connection open, so it runs on self-hosted n8n.',
		name: 'imapNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { authentication: ['oAuth2'] } },
	},
	{
		displayName:
			'The app needs the Office 365 Exchange Online application permission IMAP.AccessAsApp, and an Exchange administrator must grant it the mailbox (Add-MailboxPermission). This trigger keeps a connection open, so it runs on self-hosted n8n.',
		name: 'imapNoticeAppOnly',
		type: 'notice',
		default: '',
		displayOptions: { show: { authentication: ['appOnly'] } },
	},
	{
		displayName: 'Mailbox',
		name: 'mailbox',
		type: 'string',
		default: '',
		placeholder: 'e.g. orders@contoso.com',
		description:
			'Mailbox to log in to. Leave empty for the account the credential is connected to; enter the address of a shared mailbox the account has Full Access to.',
		displayOptions: { show: { authentication: ['oAuth2'] } },
	},
	{
		displayName: 'Mailbox',
		name: 'mailbox',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. orders@contoso.com',
		description:
			'Required with the app-only credential, which has no mailbox of its own: the address of the mailbox to log in to. An Exchange administrator must have granted the app this mailbox (Add-MailboxPermission).',
		displayOptions: { show: { authentication: ['appOnly'] } },
	},
	{
		displayName: 'Folder',
		name: 'folder',
		type: 'resourceLocator',
		default: { mode: 'path', value: 'INBOX' },
		description: 'Folder to watch',
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchFolders', searchable: true },
			},
			{
				displayName: 'Path',
				name: 'path',
				type: 'string',
				placeholder: 'e.g. INBOX/Orders',
				hint: 'The folder path as IMAP shows it, with "/" between levels',
			},
		],
	},
	{
		displayName: 'Start From',
		name: 'startFrom',
		type: 'options',
		default: 'new',
		options: [
			{
				name: 'New Mail Only',
				value: 'new',
				description: 'Only mail that arrives after the workflow is activated',
			},
			{
				name: 'Unread Mail Already There',
				value: 'unread',
				description: 'Unread mail already in the folder, then all new mail',
			},
			{
				name: 'Mail Since a Date',
				value: 'sinceDate',
				description: 'Mail received on or after a date, then all new mail',
			},
		],
		description:
			'Which mail to emit the first time the workflow is activated. Later activations go on from where the last one stopped.',
	},
	{
		displayName: 'Since',
		name: 'since',
		type: 'dateTime',
		default: '',
		required: true,
		displayOptions: { show: { startFrom: ['sinceDate'] } },
		description: 'Mail received on or after this day (IMAP compares dates, not times)',
	},
	{
		displayName: 'Receive Mode',
		name: 'receiveMode',
		type: 'options',
		default: 'idle',
		options: [
			{
				name: 'Push (IMAP IDLE)',
				value: 'idle',
				description: 'The server tells the trigger at once when mail arrives',
			},
			{
				name: 'Polling',
				value: 'poll',
				description: 'Ask every few seconds, for servers without IDLE',
			},
		],
	},
	{
		displayName: 'Poll Interval (Seconds)',
		name: 'pollIntervalSeconds',
		type: 'number',
		default: 60,
		typeOptions: { minValue: 5 },
		displayOptions: { show: { receiveMode: ['poll'] } },
	},
	{
		displayName: 'After Emitting',
		name: 'afterEmit',
		type: 'options',
		default: 'nothing',
		options: [
			{
				name: 'Nothing',
				value: 'nothing',
				description: 'Leave the message as it is (opened read-only)',
			},
			{ name: 'Mark as Read', value: 'markRead', description: 'Set the \\Seen flag' },
			{ name: 'Move to a Folder', value: 'move' },
			{ name: 'Add a Flag or Keyword', value: 'flag' },
		],
		description: 'What to do with a message on the server once it was emitted',
	},
	{
		displayName: 'Move To Folder',
		name: 'moveTo',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. Archive',
		displayOptions: { show: { afterEmit: ['move'] } },
		description: 'Path of the folder to move emitted messages to',
	},
	{
		displayName: 'Flag or Keyword',
		name: 'flag',
		type: 'string',
		default: '\\Flagged',
		required: true,
		displayOptions: { show: { afterEmit: ['flag'] } },
		description:
			'A system flag such as \\Flagged, or a keyword such as Processed (letters, digits and ._-)',
	},
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		default: 'parsed',
		options: [
			{
				name: 'Parsed',
				value: 'parsed',
				description: 'Fields, text, HTML and attachments as binary properties',
			},
			{
				name: 'Raw Source',
				value: 'raw',
				description: 'The whole RFC 822 message as one binary property "data"',
			},
			{
				name: 'Headers Only',
				value: 'headers',
				description: 'Addresses, subject, dates and headers; no body is downloaded',
			},
		],
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'From',
				name: 'from',
				type: 'string',
				default: '',
				description: 'Only mail whose From header contains this text',
			},
			{
				displayName: 'Has Attachments',
				name: 'hasAttachments',
				type: 'boolean',
				default: false,
				description: 'Whether to emit only mail with at least one attachment',
			},
			{
				displayName: 'Raw IMAP Search',
				name: 'rawSearch',
				type: 'string',
				default: '',
				placeholder: 'e.g. OR HEADER X-Priority 1 FLAGGED',
				description: 'IMAP SEARCH criteria (RFC 9051 §6.4.4), combined with the other filters',
			},
			{ displayName: 'Subject Contains', name: 'subjectContains', type: 'string', default: '' },
			{
				displayName: 'Unread Only',
				name: 'unreadOnly',
				type: 'boolean',
				default: false,
				description: 'Whether to emit only unread mail',
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Alert After No Connection (Minutes)',
				name: 'alertAfterMinutes',
				type: 'number',
				default: 15,
				typeOptions: { minValue: 0 },
				description:
					'When the trigger has had no working connection for this long it reports an error, so the error workflow runs. 0 turns the alert off.',
			},
			{
				displayName: 'Attachment Property Prefix',
				name: 'attachmentPrefix',
				type: 'string',
				default: 'attachment_',
				description:
					'Attachments become binary properties named prefix + index: attachment_0, attachment_1…',
			},
			{
				displayName: 'Connection Security',
				name: 'security',
				type: 'options',
				default: 'tls',
				options: [
					{
						name: 'TLS',
						value: 'tls',
						description:
							'Encrypted from the start (port 993), with the server certificate verified',
					},
					{
						name: 'STARTTLS',
						value: 'starttls',
						description:
							'Plain connection upgraded to TLS before signing in (port 143), certificate verified; a server that does not offer STARTTLS is refused',
					},
					{
						name: 'TLS Without Certificate Check (for Testing)',
						value: 'tlsUnverified',
						description:
							'For test servers with a self-signed certificate only, and only with a credential whose Environment is Custom: anyone on the path could read the mail',
					},
					{
						name: 'Plaintext (for Testing)',
						value: 'plain',
						description:
							'For local test servers only, and only with a credential whose Environment is Custom: token and mail travel unencrypted',
					},
				],
			},
			{
				displayName: 'Download Attachments',
				name: 'downloadAttachments',
				type: 'boolean',
				default: true,
				description: 'Whether to attach attachment contents as binary data',
			},
			{
				displayName: 'IMAP Host',
				name: 'host',
				type: 'string',
				default: '',
				placeholder: 'outlook.office365.com',
				description:
					"Leave empty for the IMAP host of the credential's cloud. The IMAP token is sent only to that host: another host is refused.",
			},
			{
				displayName: 'IMAP Port',
				name: 'port',
				type: 'number',
				default: IMAPS_PORT,
				description:
					'Without this option the port follows Connection Security: 993 for TLS, 143 for STARTTLS and Plaintext',
				typeOptions: { minValue: 1, maxValue: 65535 },
			},
			{
				displayName: 'Max Attachment Size (MB)',
				name: 'maxAttachmentSizeMb',
				type: 'number',
				default: 0,
				typeOptions: { minValue: 0 },
				description: 'Larger attachments are listed but not attached. 0 means no limit.',
			},
			{
				displayName: 'On Unreadable Message',
				name: 'onUnreadable',
				type: 'options',
				default: 'emitWithError',
				options: [
					{
						name: 'Emit With Error Field',
						value: 'emitWithError',
						description:
							'Emit the UID, size, flags and raw headers that could be read, plus "error" with the reason',
					},
					{
						name: 'Skip and Log',
						value: 'skip',
						description: 'Emit nothing for it and write the reason to the n8n log',
					},
				],
				description:
					'What to do with a message that cannot be parsed or is over a safety limit (message over 150 MB, header over 1 MB, MIME parts nested over 100 deep). Later mail arrives either way.',
			},
		],
	},
]);
