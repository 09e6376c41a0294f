import type { DateTime } from 'luxon';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { Duration } from 'luxon';

import { graphCredentialType } from '../../../shared/auth/appOnlyGraph';
import { CREDENTIAL_TYPE } from '../../../shared/graph/client';
import { updateDisplayOptions } from '../../../shared/descriptions';
import { timeZoneOption } from '../../descriptions/common';
import { parseAddresses } from '../../helpers/addresses';
import { calendarCall } from '../../helpers/context';
import { rangeFields, readRange } from '../../helpers/range';
import { fromGraphDateTime, isoWithOffset, toGraphDateTime } from '../../helpers/timeZones';
import { zoneFor } from '../../helpers/mailboxZone';
import type { CalendarZone } from '../../helpers/timeZones';
import { MAX_SCHEDULES } from './getSchedule.operation';
import type { OperationDeclaration } from '../../../shared/declarations';

const properties: INodeProperties[] = [
	{
		displayName: 'Attendees',
		name: 'attendees',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. ana@contoso.com, bea@contoso.com',
		description:
			'Comma-separated addresses of required attendees. Needs the OAuth2 credential: Microsoft Graph does not offer Find Meeting Times to app-only access.',
	},
	{
		displayName: 'Duration (Minutes)',
		name: 'durationMinutes',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 30,
	},
	...rangeFields('Meeting times'),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Hours',
				name: 'activityDomain',
				type: 'options',
				options: [
					{ name: 'Work Hours', value: 'work' },
					{ name: 'Personal Hours', value: 'personal' },
					{ name: 'Any Time', value: 'unrestricted' },
				],
				default: 'work',
				description: 'Which hours of the window may hold the meeting',
			},
			{
				displayName: 'Max Candidates',
				name: 'maxCandidates',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 5,
				description: 'Max number of suggestions to return',
			},
			{
				displayName: 'Minimum Attendee Percentage',
				name: 'minimumAttendeePercentage',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 100 },
				default: 50,
				description: 'The lowest confidence (0–100) a suggestion may have',
			},
			{
				displayName: 'Optional Attendees',
				name: 'optionalAttendees',
				type: 'string',
				default: '',
				description: `Comma-separated addresses (at most ${MAX_SCHEDULES}). They do not limit the suggestions (Microsoft Graph would treat them as required); each suggestion says whether they are free, from their free/busy schedule.`,
			},
			{
				displayName: 'Organizer Optional',
				name: 'isOrganizerOptional',
				type: 'boolean',
				default: false,
				description: 'Whether the organizer need not attend',
			},
			{
				displayName: 'Return Suggestion Reasons',
				name: 'returnSuggestionReasons',
				type: 'boolean',
				default: false,
				description: 'Whether each suggestion says why it was made',
			},
			timeZoneOption(
				'The zone of From and To when they carry no offset, and of the returned times.',
			),
		],
	},
];

export const declaration: OperationDeclaration = { does: 'read' };

export const description = updateDisplayOptions(
	{ show: { resource: ['availability'], operation: ['findMeetingTimes'] } },
	properties,
);

interface FindOptions {
	activityDomain?: string;
	maxCandidates?: number;
	minimumAttendeePercentage?: number;
	optionalAttendees?: string;
	isOrganizerOptional?: boolean;
	returnSuggestionReasons?: boolean;
	timeZone?: string;
}

/** From the worst to the best: what an optional attendee's schedule says of a suggested time. */
const AVAILABILITY_ORDER = ['oof', 'busy', 'workingElsewhere', 'tentative'];

/**
 * Each optional attendee's availability during each suggestion, from one getSchedule over the
 * suggestions' span: the worst status of the schedule items that overlap it, `unknown` when Graph
 * could not read the schedule. https://learn.microsoft.com/graph/api/calendar-getschedule
 */
async function optionalAvailability(
	i: number,
	call: Awaited<ReturnType<typeof calendarCall>>,
	optional: Array<{ address: string }>,
	slots: Array<{ start: DateTime; end: DateTime }>,
	zone: CalendarZone,
): Promise<IDataObject[][]> {
	const from = slots.reduce((min, s) => (s.start < min ? s.start : min), slots[0].start);
	const to = slots.reduce((max, s) => (s.end > max ? s.end : max), slots[0].end);
	const response = await call.transport.request<{ value?: IDataObject[] }>({
		method: 'POST',
		path: `${call.root}/calendar/getSchedule`,
		body: {
			schedules: optional.map((a) => a.address),
			startTime: toGraphDateTime(from, zone),
			endTime: toGraphDateTime(to, zone),
			availabilityViewInterval: 30,
		},
		timeZone: zone.windows,
		itemIndex: i,
		permission: call.permission,
		action: "read the optional attendees' free/busy information",
	});
	const schedules = new Map(
		(response.value ?? []).map((s) => [String(s.scheduleId ?? '').toLowerCase(), s]),
	);
	return slots.map(({ start, end }) =>
		optional.map(({ address }) => {
			const schedule = schedules.get(address.toLowerCase());
			let availability = 'unknown';
			if (schedule && !schedule.error) {
				const statuses = ((schedule.scheduleItems as IDataObject[] | undefined) ?? [])
					.filter((item) => {
						const itemStart = fromGraphDateTime(item.start, zone);
						const itemEnd = fromGraphDateTime(item.end, zone);
						return itemStart && itemEnd && itemStart < end && itemEnd > start;
					})
					.map((item) => String(item.status));
				availability = AVAILABILITY_ORDER.find((s) => statuses.includes(s)) ?? 'free';
			}
			return { attendee: { type: 'optional', emailAddress: { address } }, availability };
		}),
	);
}

/**
 * POST /findMeetingTimes; one output item per suggestion, or one item with Graph's reason when
 * there are none. https://learn.microsoft.com/graph/api/user-findmeetingtimes
 *
 * - "Application: Not supported": with the app-only credential the item fails before any request.
 * - "findMeetingTimes assumes that any attendee who is a person is always required": optional
 *   attendees are not sent (they would limit the suggestions as required ones do); their
 *   availability during each suggestion is read with getSchedule instead.
 */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	if (graphCredentialType(this.getNode()) !== CREDENTIAL_TYPE) {
		throw new NodeOperationError(
			this.getNode(),
			'Find Meeting Times needs the OAuth2 credential: Microsoft Graph does not support findMeetingTimes with application permissions',
			{
				itemIndex: i,
				description:
					'Set Authentication to OAuth2 (a signed-in user), or use Availability → Get Schedule, which works with the app-only credential.',
			},
		);
	}
	const required = parseAddresses(this, i, this.getNodeParameter('attendees', i), 'Attendees');
	if (!required.length)
		throw new NodeOperationError(this.getNode(), 'The field Attendees is empty', { itemIndex: i });
	const options = this.getNodeParameter('options', i, {}) as FindOptions;
	const optional = parseAddresses(this, i, options.optionalAttendees, 'Optional Attendees');
	if (optional.length > MAX_SCHEDULES) {
		throw new NodeOperationError(
			this.getNode(),
			`The field Optional Attendees holds ${optional.length} addresses; at most ${MAX_SCHEDULES} are allowed`,
			{ itemIndex: i },
		);
	}
	const minutes = Number(this.getNodeParameter('durationMinutes', i, 30));
	if (!Number.isInteger(minutes) || minutes < 1) {
		throw new NodeOperationError(
			this.getNode(),
			`The field Duration (Minutes) must be a whole number of 1 or more (got ${minutes})`,
			{ itemIndex: i },
		);
	}
	const zone = await zoneFor(this, i, options.timeZone);
	const range = readRange(this, i, zone);
	if (range.to.diff(range.from, 'minutes').minutes < minutes) {
		throw new NodeOperationError(
			this.getNode(),
			`The window From–To is shorter than the field Duration (Minutes) (${minutes})`,
			{ itemIndex: i },
		);
	}
	const body: IDataObject = {
		attendees: required.map((emailAddress) => ({ type: 'required', emailAddress })),
		timeConstraint: {
			activityDomain: options.activityDomain ?? 'work',
			timeSlots: [
				{ start: toGraphDateTime(range.from, zone), end: toGraphDateTime(range.to, zone) },
			],
		},
		meetingDuration: Duration.fromObject({ minutes }).shiftTo('hours', 'minutes').toISO(),
	};
	if (options.maxCandidates !== undefined) body.maxCandidates = options.maxCandidates;
	if (options.minimumAttendeePercentage !== undefined)
		body.minimumAttendeePercentage = options.minimumAttendeePercentage;
	if (options.isOrganizerOptional !== undefined)
		body.isOrganizerOptional = options.isOrganizerOptional;
	if (options.returnSuggestionReasons !== undefined)
		body.returnSuggestionReasons = options.returnSuggestionReasons;
	const call = await calendarCall(this, i, 'read');
	const result = await call.transport.request<{
		meetingTimeSuggestions?: IDataObject[];
		emptySuggestionsReason?: string;
	}>({
		method: 'POST',
		path: `${call.root}/findMeetingTimes`,
		body,
		timeZone: zone.windows,
		itemIndex: i,
		permission: call.permission,
		action: 'find meeting times',
	});
	const suggestions = result.meetingTimeSuggestions ?? [];
	if (!suggestions.length)
		return [{ suggestions: 0, emptySuggestionsReason: result.emptySuggestionsReason ?? '' }];
	const times = suggestions.map((suggestion) => {
		const slot = (suggestion.meetingTimeSlot ?? {}) as IDataObject;
		return { start: fromGraphDateTime(slot.start, zone), end: fromGraphDateTime(slot.end, zone) };
	});
	const timed = times.filter((t): t is { start: DateTime; end: DateTime } =>
		Boolean(t.start && t.end),
	);
	const optionalByTime =
		optional.length && timed.length
			? await optionalAvailability(i, call, optional, timed, zone)
			: [];
	return suggestions.map((suggestion, n) => {
		const { start, end } = times[n];
		const out: IDataObject = {
			...suggestion,
			start: start ? isoWithOffset(start, zone) : undefined,
			end: end ? isoWithOffset(end, zone) : undefined,
			timeZone: zone.iana,
		};
		if (optional.length) {
			const index = start && end ? timed.indexOf(times[n] as (typeof timed)[number]) : -1;
			out.optionalAttendeeAvailability =
				index >= 0
					? optionalByTime[index]
					: optional.map(({ address }) => ({
							attendee: { type: 'optional', emailAddress: { address } },
							availability: 'unknown',
						}));
		}
		return out;
	});
}
