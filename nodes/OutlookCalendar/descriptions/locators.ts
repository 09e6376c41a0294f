/**
 * The calendar and event pickers (resource locators: from a list, by ID, by URL) and the reader
 * that turns what the user picked, typed or pasted into a Graph ID.
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { decodeLinkId, readGraphId } from '../../shared/locators';

/** Graph resource URLs (as Graph Explorer shows them): …/calendars/{id} or …/events/{id}. */
const GRAPH_CALENDAR_URL = /\/calendars\/([^/?#]+)/i;
const GRAPH_EVENT_URL = /\/(?:events|calendarView|instances)\/([^/?#]+)/i;
/** Outlook on the web event links: `?itemid=<EWS id>` (event webLink) or `/item/<id>`, `/id/<id>`. */
const OWA_ITEM_ID = /[?&]itemid=([^&#]+)/i;
const OWA_ITEM_PATH = /\/(?:item|id)\/([^/?#]+)/i;

export function calendarIdFromUrl(url: string): string | undefined {
	return GRAPH_CALENDAR_URL.exec(url)?.[1];
}

export function eventIdFromUrl(url: string): string | undefined {
	return (OWA_ITEM_ID.exec(url) ?? GRAPH_EVENT_URL.exec(url) ?? OWA_ITEM_PATH.exec(url))?.[1];
}

export function calendarLocator(options: {
	required: boolean;
	description?: string;
	/** The list behind From List: every calendar, or those that can be deleted (Calendar → Delete). */
	list?: 'searchCalendars' | 'searchRemovableCalendars';
}): INodeProperties {
	return {
		displayName: 'Calendar',
		name: 'calendar',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: options.required,
		description: options.description ?? 'The calendar to use',
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select a calendar…',
				typeOptions: { searchListMethod: options.list ?? 'searchCalendars', searchable: true },
			},
			{ displayName: 'By ID', name: 'id', type: 'string', placeholder: 'e.g. AAMkAGI2TGuLAAA=' },
			{
				// No `validation` regex (see OutlookMail/descriptions/locators.ts): readGraphId checks the link.
				displayName: 'By URL',
				name: 'url',
				type: 'string',
				placeholder: 'e.g. https://graph.microsoft.com/v1.0/me/calendars/AAMkAGI2TGuLAAA=',
			},
		],
	};
}

export const eventLocator: INodeProperties = {
	displayName: 'Event',
	name: 'eventId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The event to use',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select an event…',
			typeOptions: { searchListMethod: 'searchEvents', searchable: true },
		},
		{ displayName: 'By ID', name: 'id', type: 'string', placeholder: 'e.g. AAMkAGI2TG93AAA=' },
		{
			displayName: 'By URL',
			name: 'url',
			type: 'string',
			placeholder:
				'e.g. https://outlook.office365.com/owa/?itemid=AAMkAGI2TG93AAA%3D&exvsurl=1&path=/calendar/item',
		},
	],
};

/**
 * The ID the locator holds, or undefined when it is empty and `optional`. A URL that holds no ID,
 * or an ID with characters Graph IDs never have, is an error naming the field (the shared rule of
 * both nodes: nodes/shared/locators.ts).
 */
export function readLocatorId(
	ctx: IExecuteFunctions,
	itemIndex: number,
	name: 'calendar' | 'eventId',
	options: { optional?: boolean } = {},
): string | undefined {
	const calendar = name === 'calendar';
	const find = calendar ? calendarIdFromUrl : eventIdFromUrl;
	return readGraphId(ctx, itemIndex, {
		name,
		label: calendar ? 'Calendar' : 'Event',
		kind: calendar ? 'calendar' : 'event',
		fromUrl: (url) => {
			const raw = find(url);
			return raw === undefined ? undefined : decodeLinkId(raw);
		},
		optional: options.optional ?? false,
	});
}
