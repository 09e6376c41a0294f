/**
 * The From/To window of calendarView and instances: both are required by Graph, as ISO 8601 with
 * an offset (`startDateTime`, `endDateTime`), and Graph expands recurring series into the
 * occurrences inside it. https://learn.microsoft.com/graph/api/user-list-calendarview
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { DateTime } from 'luxon';

import type { CalendarZone } from './timeZones';
import { isoWithOffset, requireDateTime } from './timeZones';

export function rangeFields(what: string): INodeProperties[] {
	return [
		{
			displayName: 'From',
			name: 'from',
			type: 'dateTime',
			default: '',
			required: true,
			description: `${what} that end after this time. Without an offset it is read in the Time Zone.`,
		},
		{
			displayName: 'To',
			name: 'to',
			type: 'dateTime',
			default: '',
			required: true,
			description: `${what} that start before this time`,
		},
	];
}

export interface TimeRange {
	from: DateTime;
	to: DateTime;
	query: { startDateTime: string; endDateTime: string };
}

export function readRange(
	ctx: IExecuteFunctions,
	itemIndex: number,
	zone: CalendarZone,
): TimeRange {
	const from = requireDateTime(
		ctx,
		itemIndex,
		ctx.getNodeParameter('from', itemIndex, ''),
		zone,
		'From',
	);
	const to = requireDateTime(ctx, itemIndex, ctx.getNodeParameter('to', itemIndex, ''), zone, 'To');
	if (to <= from) {
		throw new NodeOperationError(
			ctx.getNode(),
			`The field To (${isoWithOffset(to)}) must be after From (${isoWithOffset(from)})`,
			{ itemIndex },
		);
	}
	return {
		from,
		to,
		query: { startDateTime: isoWithOffset(from, zone), endDateTime: isoWithOffset(to, zone) },
	};
}
