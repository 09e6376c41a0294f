import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { Duration } from 'luxon';

import { updateDisplayOptions } from '../../../shared/descriptions';
import { timeZoneOption } from '../../descriptions/common';
import { parseAddresses } from '../../helpers/addresses';
import { calendarCall } from '../../helpers/context';
import { rangeFields, readRange } from '../../helpers/range';
import { fromGraphDateTime, isoWithOffset, toGraphDateTime } from '../../helpers/timeZones';
import { zoneFor } from '../../helpers/mailboxZone';
import type { OperationDeclaration } from '../../../shared/declarations';

const properties: INodeProperties[] = [
	{
		displayName: 'Attendees',
		name: 'attendees',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. ana@contoso.com, bea@contoso.com',
		description: 'Comma-separated addresses of required attendees',
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
				description: 'Comma-separated addresses',
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

/**
 * POST /findMeetingTimes; one output item per suggestion, or one item with Graph's reason when
 * there are none. https://learn.microsoft.com/graph/api/user-findmeetingtimes
 */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const required = parseAddresses(this, i, this.getNodeParameter('attendees', i), 'Attendees');
	if (!required.length)
		throw new NodeOperationError(this.getNode(), 'The field Attendees is empty', { itemIndex: i });
	const options = this.getNodeParameter('options', i, {}) as FindOptions;
	const optional = parseAddresses(this, i, options.optionalAttendees, 'Optional Attendees');
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
		attendees: [
			...required.map((emailAddress) => ({ type: 'required', emailAddress })),
			...optional.map((emailAddress) => ({ type: 'optional', emailAddress })),
		],
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
	return suggestions.map((suggestion) => {
		const slot = (suggestion.meetingTimeSlot ?? {}) as IDataObject;
		const start = fromGraphDateTime(slot.start, zone);
		const end = fromGraphDateTime(slot.end, zone);
		return {
			...suggestion,
			start: start ? isoWithOffset(start, zone) : undefined,
			end: end ? isoWithOffset(end, zone) : undefined,
			timeZone: zone.iana,
		};
	});
}
