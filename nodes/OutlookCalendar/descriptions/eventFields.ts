/** The event fields Create (Additional Fields) and Update (Update Fields) share. */
import type { INodeProperties } from 'n8n-workflow';

import { categoriesField } from '../../shared/categories';
import { importanceField } from '../../shared/descriptions';
import { timeZoneOption } from './common';
import { roomsField } from './rooms';

const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'].map(
	(d) => ({
		name: d[0].toUpperCase() + d.slice(1),
		value: d,
	}),
);

export const recurrenceOption: INodeProperties = {
	displayName: 'Recurrence',
	name: 'recurrence',
	type: 'fixedCollection',
	default: {},
	placeholder: 'Add Recurrence',
	description:
		"Repeat the event. The series starts on the date of Start, in the event's time zone.",
	options: [
		{
			displayName: 'Rule',
			name: 'rule',
			values: [
				{
					displayName: 'Frequency',
					name: 'frequency',
					type: 'options',
					options: [
						{ name: 'Daily', value: 'daily' },
						{ name: 'Weekly', value: 'weekly' },
						{ name: 'Monthly', value: 'monthly' },
						{ name: 'Yearly', value: 'yearly' },
					],
					default: 'weekly',
				},
				{
					displayName: 'Interval',
					name: 'interval',
					type: 'number',
					typeOptions: { minValue: 1 },
					default: 1,
					description: 'Repeat every this many days, weeks, months or years',
				},
				{
					displayName: 'Repeat On',
					name: 'repeatOn',
					type: 'options',
					options: [
						{ name: 'Day of the Month', value: 'dayOfMonth', description: 'E.g. the 15th' },
						{
							name: 'Weekday of the Month',
							value: 'weekday',
							description: 'E.g. the second Tuesday',
						},
					],
					default: 'dayOfMonth',
					description: 'For monthly and yearly series',
				},
				{
					displayName: 'Days of Week',
					name: 'daysOfWeek',
					type: 'multiOptions',
					options: DAYS,
					default: [],
					description:
						'For weekly series and "weekday of the month"; empty means the weekday of Start',
				},
				{
					displayName: 'Day of Month',
					name: 'dayOfMonth',
					type: 'number',
					typeOptions: { minValue: 0, maxValue: 31 },
					default: 0,
					description:
						'For monthly and yearly series on a day of the month; 0 means the day of Start',
				},
				{
					displayName: 'Week of Month',
					name: 'weekIndex',
					type: 'options',
					options: ['first', 'second', 'third', 'fourth', 'last'].map((v) => ({
						name: v[0].toUpperCase() + v.slice(1),
						value: v,
					})),
					default: 'first',
					description: 'For "weekday of the month"',
				},
				{
					displayName: 'Month',
					name: 'month',
					type: 'number',
					typeOptions: { minValue: 0, maxValue: 12 },
					default: 0,
					description: 'For yearly series (1–12); 0 means the month of Start',
				},
				{
					displayName: 'First Day of Week',
					name: 'firstDayOfWeek',
					type: 'options',
					options: DAYS,
					default: 'sunday',
					description: 'For weekly series with an interval above 1: which day starts a week',
				},
				{
					displayName: 'End By',
					name: 'endBy',
					type: 'options',
					options: [
						{ name: 'Never', value: 'never' },
						{ name: 'Date', value: 'date' },
						{ name: 'Count', value: 'count' },
					],
					default: 'never',
				},
				{
					displayName: 'End Date',
					name: 'endDate',
					type: 'dateTime',
					default: '',
					description: 'With End By "Date": the last date of the series',
				},
				{
					displayName: 'Occurrences',
					name: 'occurrences',
					type: 'number',
					typeOptions: { minValue: 0 },
					default: 0,
					description: 'With End By "Count": how many times the event happens',
				},
			],
		},
	],
};

/** The optional event fields, alphabetical as n8n lists collection options. */
export function eventOptionalFields(): INodeProperties[] {
	return [
		{
			displayName: 'All Day',
			name: 'allDay',
			type: 'boolean',
			default: false,
			description:
				"Whether the event lasts whole days: it runs midnight to midnight in the event's time zone, and End is the last day (or the next midnight)",
		},
		{
			displayName: 'Allow New Time Proposals',
			name: 'allowNewTimeProposals',
			type: 'boolean',
			default: true,
			description: 'Whether invitees may propose a different time',
		},
		{
			displayName: 'Body',
			name: 'body',
			type: 'string',
			typeOptions: { rows: 4 },
			default: '',
			description: 'The event description',
		},
		{
			displayName: 'Body Content Type',
			name: 'bodyContentType',
			type: 'options',
			options: [
				{ name: 'Text', value: 'text' },
				{ name: 'HTML', value: 'html' },
			],
			default: 'text',
		},
		categoriesField(),
		importanceField,
		{
			displayName: 'Locations',
			name: 'locations',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			default: {},
			placeholder: 'Add Location',
			description: 'Where the event happens; the first one is the main location',
			options: [
				{
					displayName: 'Location',
					name: 'location',
					values: [
						{
							displayName: 'Name',
							name: 'displayName',
							type: 'string',
							default: '',
							placeholder: 'e.g. Room 4.02',
						},
						{
							displayName: 'Location Email Address',
							name: 'locationEmailAddress',
							type: 'string',
							default: '',
							placeholder: 'e.g. room402@contoso.com',
							description: 'For a room mailbox',
						},
					],
				},
			],
		},
		{
			displayName: 'Optional Attendees',
			name: 'optionalAttendees',
			type: 'string',
			default: '',
			placeholder: 'e.g. ana@contoso.com, Bea Ruiz <bea@contoso.com>',
			description: 'Comma-separated email addresses',
		},
		recurrenceOption,
		{
			displayName: 'Reminder (Minutes Before Start)',
			name: 'reminderMinutesBeforeStart',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 15,
		},
		{
			displayName: 'Reminder On',
			name: 'isReminderOn',
			type: 'boolean',
			default: true,
			description: 'Whether a reminder is set',
		},
		{
			displayName: 'Required Attendees',
			name: 'requiredAttendees',
			type: 'string',
			default: '',
			placeholder: 'e.g. ana@contoso.com, Bea Ruiz <bea@contoso.com>',
			description: 'Comma-separated email addresses',
		},
		{
			displayName: 'Resource Attendees',
			name: 'resourceAttendees',
			type: 'string',
			default: '',
			placeholder: 'e.g. projector1@contoso.com',
			description: 'Comma-separated email addresses of rooms or equipment',
		},
		{
			displayName: 'Response Requested',
			name: 'responseRequested',
			type: 'boolean',
			default: true,
			description: 'Whether attendees are asked to respond',
		},
		roomsField(
			'Meeting rooms to book: each is invited as a resource (the room\'s mailbox accepts or declines) and added as a location. Choose from the organisation\'s rooms (needs the Rooms and Room Lists permission), or specify addresses using an <a href="https://docs.n8n.io/code/expressions/">expression</a> (Name &lt;room@contoso.com&gt; keeps the name).',
		),
		{
			displayName: 'Sensitivity',
			name: 'sensitivity',
			type: 'options',
			options: [
				{ name: 'Normal', value: 'normal' },
				{ name: 'Personal', value: 'personal' },
				{ name: 'Private', value: 'private' },
				{ name: 'Confidential', value: 'confidential' },
			],
			default: 'normal',
		},
		{
			displayName: 'Show As',
			name: 'showAs',
			type: 'options',
			options: [
				{ name: 'Busy', value: 'busy' },
				{ name: 'Free', value: 'free' },
				{ name: 'Out of Office', value: 'oof' },
				{ name: 'Tentative', value: 'tentative' },
				{ name: 'Working Elsewhere', value: 'workingElsewhere' },
			],
			default: 'busy',
		},
		{
			displayName: 'Teams Meeting',
			name: 'isOnlineMeeting',
			type: 'boolean',
			default: false,
			description: 'Whether to add a Microsoft Teams online meeting (work or school accounts)',
		},
		timeZoneOption(
			"The zone of Start and End when they carry no offset, and the event's zone in Outlook.",
		),
	];
}
