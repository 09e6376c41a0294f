/** Fields the calendar operations share. */
import type { INodeProperties } from 'n8n-workflow';

/** Graph's `calendarColor` values, less `maxColor` (an enum terminator, not a color). https://learn.microsoft.com/graph/api/resources/calendar */
export const CALENDAR_COLORS = [
	'auto',
	'lightBlue',
	'lightBrown',
	'lightGray',
	'lightGreen',
	'lightOrange',
	'lightPink',
	'lightRed',
	'lightTeal',
	'lightYellow',
];

export const colorField: INodeProperties = {
	displayName: 'Color',
	name: 'color',
	type: 'options',
	options: CALENDAR_COLORS.map((value) => ({
		name: value === 'auto' ? 'Automatic' : value.replace(/^light/, 'Light '),
		value,
	})),
	default: 'auto',
	description: 'The color Outlook shows the calendar in',
};

export const calendarGroupField: INodeProperties = {
	displayName: 'Calendar Group',
	name: 'calendarGroup',
	type: 'options',
	typeOptions: { loadOptionsMethod: 'getCalendarGroups' },
	default: '',
	description:
		'Calendar groups exist for Exchange mailboxes; empty means none (the calendars of the mailbox). Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
};
