import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/descriptions';
import type { GraphRequestOptions } from '../../../shared/graph/client';
import { graphCollect, graphPages } from '../../../shared/graph/paging';
import { MAILBOX_CONCURRENCY_LIMIT, mapConcurrent } from '../../../shared/graph/concurrency';
import {
	limitField,
	returnAllField,
	simplifyField,
	timeZoneOption,
} from '../../descriptions/common';
import { calendarLocator, readLocatorId } from '../../descriptions/locators';
import type { CalendarCall } from '../../helpers/context';
import { calendarCall, idSegment } from '../../helpers/context';
import type { ViewWindow } from '../../helpers/calendarView';
import { collectCalendarViewSliced } from '../../helpers/calendarView';
import { simplifyEvent } from '../../helpers/eventMapping';
import { rangeFields, readRange } from '../../helpers/range';
import type { CalendarZone } from '../../helpers/timeZones';
import { zoneFor } from '../../helpers/mailboxZone';
import { fromGraphDateTime } from '../../helpers/timeZones';
import type { OperationDeclaration } from '../../../shared/declarations';

const properties: INodeProperties[] = [
	{
		displayName: 'Calendars',
		name: 'calendarScope',
		type: 'options',
		options: [
			{ name: 'Default Calendar', value: 'default' },
			{ name: 'One Calendar', value: 'one' },
			{
				name: 'All Calendars',
				value: 'all',
				description: 'Every calendar of the owner, one request per calendar',
			},
		],
		default: 'default',
	},
	{ ...calendarLocator({ required: true }), displayOptions: { show: { calendarScope: ['one'] } } },
	...rangeFields('Events'),
	returnAllField,
	limitField,
	simplifyField,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Category Name or ID',
				name: 'category',
				type: 'options',
				typeOptions: { loadOptionsMethod: 'getCategories' },
				default: '',
				description:
					'Only events with this category. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Exclude Cancelled',
				name: 'excludeCancelled',
				type: 'boolean',
				default: false,
				description: 'Whether to leave out cancelled events',
			},
			{
				displayName: 'Organizer',
				name: 'organizer',
				type: 'string',
				default: '',
				placeholder: 'e.g. ana@contoso.com',
				description: 'Only events organised by this address',
			},
			{
				displayName: 'Show As',
				name: 'showAs',
				type: 'multiOptions',
				options: [
					{ name: 'Busy', value: 'busy' },
					{ name: 'Free', value: 'free' },
					{ name: 'Out of Office', value: 'oof' },
					{ name: 'Tentative', value: 'tentative' },
					{ name: 'Unknown', value: 'unknown' },
					{ name: 'Working Elsewhere', value: 'workingElsewhere' },
				],
				default: [],
			},
			{
				displayName: 'Subject Contains',
				name: 'subjectContains',
				type: 'string',
				default: '',
				description: 'Only events whose subject contains this text (not case-sensitive)',
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
			timeZoneOption(
				'The zone of From and To when they carry no offset, and of the returned times.',
			),
		],
	},
];

export const declaration: OperationDeclaration = { does: 'read' };

export const description = updateDisplayOptions(
	{ show: { resource: ['event'], operation: ['getAll'] } },
	properties,
);

interface EventFilters {
	category?: string;
	excludeCancelled?: boolean;
	organizer?: string;
	showAs?: string[];
	subjectContains?: string;
}

/**
 * Filters run here, on each page: calendarView's `$filter` support is partial and undocumented
 * per property, and a filter Graph refuses would fail the whole request.
 */
function matches(event: IDataObject, filters: EventFilters): boolean {
	if (
		filters.subjectContains &&
		!String(event.subject ?? '')
			.toLowerCase()
			.includes(filters.subjectContains.toLowerCase())
	)
		return false;
	if (
		filters.category &&
		!((event.categories as string[] | undefined) ?? []).some(
			(c) => c.toLowerCase() === filters.category!.toLowerCase(),
		)
	)
		return false;
	if (filters.excludeCancelled && event.isCancelled === true) return false;
	if (filters.showAs?.length && !filters.showAs.includes(String(event.showAs))) return false;
	if (filters.organizer) {
		const address =
			(event.organizer as { emailAddress?: { address?: string } } | undefined)?.emailAddress
				?.address ?? '';
		if (address.toLowerCase() !== filters.organizer.trim().toLowerCase()) return false;
	}
	return true;
}

function hasFilters(filters: EventFilters): boolean {
	return Boolean(
		filters.subjectContains ||
			filters.category ||
			filters.excludeCancelled ||
			filters.showAs?.length ||
			filters.organizer,
	);
}

/**
 * Up to `wanted` matching events of one calendarView, following @odata.nextLink page by page; with
 * Return All in up to 4 sub-windows at once (helpers/calendarView.ts), filtered afterwards.
 */
async function collectView(
	call: CalendarCall,
	request: GraphRequestOptions,
	view: { window: ViewWindow; zone: CalendarZone },
	filters: EventFilters,
	returnAll: boolean,
	limit: number,
): Promise<IDataObject[]> {
	if (returnAll) {
		const all = await collectCalendarViewSliced(call.transport, request, view.window, view.zone);
		return all.filter((event) => matches(event, filters));
	}
	const filtering = hasFilters(filters);
	const out: IDataObject[] = [];
	// Without filters the pager stops at the limit itself; with them it pages until enough match.
	const paging = { returnAll: returnAll || filtering, limit };
	for await (const page of graphPages(call.transport, request, paging)) {
		for (const event of page) {
			if (!matches(event, filters)) continue;
			out.push(event);
			if (!returnAll && out.length >= limit) return out;
		}
	}
	return out;
}

function startMillis(event: IDataObject, zone: CalendarZone): number {
	return fromGraphDateTime(event.start, zone)?.toMillis() ?? 0;
}

/**
 * calendarView between From and To, so recurring series come back as their occurrences; for all
 * calendars, one view per calendar, merged in start order.
 */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const options = this.getNodeParameter('options', i, {}) as { timeZone?: string };
	const zone = await zoneFor(this, i, options.timeZone);
	const range = readRange(this, i, zone);
	const scope = this.getNodeParameter('calendarScope', i, 'default') as string;
	const calendarId = scope === 'one' ? (readLocatorId(this, i, 'calendar') as string) : undefined;
	const returnAll = this.getNodeParameter('returnAll', i, false) as boolean;
	const limit = returnAll ? Infinity : (this.getNodeParameter('limit', i, 50) as number);
	const filters = this.getNodeParameter('filters', i, {}) as EventFilters;
	const simplify = this.getNodeParameter('simplify', i, true) as boolean;
	const call = await calendarCall(this, i, 'read');
	const base = {
		method: 'GET' as const,
		timeZone: zone.windows,
		itemIndex: i,
		permission: call.permission,
		action: 'read events',
	};
	const query = { ...range.query, $orderby: 'start/dateTime' };

	let events: IDataObject[];
	if (scope === 'all') {
		const calendars = await graphCollect(
			call.transport,
			{ ...base, path: `${call.root}/calendars`, query: { $select: 'id,name' } },
			{ returnAll: true },
		);
		// The calendars side by side, as many as Exchange serves a mailbox at once (the transport's
		// slots keep the sub-windows of all of them within that limit too).
		const perCalendar = await mapConcurrent(
			calendars,
			MAILBOX_CONCURRENCY_LIMIT,
			async (calendar) =>
				await collectView(
					call,
					{
						...base,
						path: `${call.root}/calendars/${idSegment(this, i, String(calendar.id), 'Calendar')}/calendarView`,
						query,
					},
					{ window: range, zone },
					filters,
					returnAll,
					limit,
				),
		);
		events = perCalendar.flatMap((found, k) =>
			found.map((event) => ({
				...event,
				calendarId: calendars[k].id,
				calendarName: calendars[k].name,
			})),
		);
		// Each start parsed once (a zone lookup and a parse each), not twice per comparison.
		events = events
			.map((event, index) => ({ event, index, start: startMillis(event, zone) }))
			.sort((a, b) => a.start - b.start || a.index - b.index)
			.map(({ event }) => event);
		if (!returnAll) events = events.slice(0, limit);
	} else {
		const path = calendarId
			? `${call.root}/calendars/${idSegment(this, i, calendarId, 'Calendar')}/calendarView`
			: `${call.root}/calendarView`;
		events = await collectView(
			call,
			{ ...base, path, query },
			{ window: range, zone },
			filters,
			returnAll,
			limit,
		);
	}
	return simplify
		? events.map((event) => ({
				...simplifyEvent(event, zone),
				...(event.calendarName ? { calendarName: event.calendarName } : {}),
			}))
		: events;
}
