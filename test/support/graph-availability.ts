/**
 * People's free/busy on the Graph stand-in, and the two actions that read it, as Microsoft
 * documents them:
 *
 * - `POST /findMeetingTimes` (https://learn.microsoft.com/graph/api/user-findmeetingtimes):
 *   "Application: Not supported" (an app-only token is refused, 403 ErrorAccessDenied, in
 *   graph-standin.ts); "findMeetingTimes assumes that any attendee who is a person is always
 *   required", so a person sent with type `optional` counts as required; the confidence of a time is
 *   the average chance of attendance of the attendees (free 100%, unknown 49%, busy 0%), times under
 *   `minimumAttendeePercentage` (default 50) are not suggested, suggestions are ordered by confidence
 *   then chronologically, at most `maxCandidates`; `meetingDuration` defaults to 30 minutes; the
 *   organizer must be free unless `isOrganizerOptional`. Times answer in the `Prefer:
 *   outlook.timezone` zone (UTC by default). Candidate times start every 30 minutes within the
 *   first time slot; `activityDomain` (work hours) is not modelled.
 * - `POST /calendar/getSchedule` (https://learn.microsoft.com/graph/api/calendar-getschedule): per
 *   address its `scheduleItems` in the range and an `availabilityView` per interval.
 */
import { DateTime, Duration } from 'luxon';
import { findIana } from 'windows-iana';

import type { GraphRequestRecord, GraphStandIn } from './graph-standin';

type Json = Record<string, unknown>;

interface Busy {
	start: number;
	end: number;
	status: 'busy' | 'tentative' | 'oof' | 'workingElsewhere';
}

const STATUS_DIGIT: Record<string, string> = {
	free: '0',
	tentative: '1',
	busy: '2',
	oof: '3',
	workingElsewhere: '4',
};

function ianaOf(name: string | undefined): string {
	if (!name || name === 'UTC') return 'UTC';
	return findIana(name)[0] ?? name;
}

function parseGraphTime(value: unknown): number {
	const v = value as { dateTime: string; timeZone?: string };
	return DateTime.fromISO(v.dateTime, { zone: ianaOf(v.timeZone) }).toMillis();
}

function preferredZone(request: GraphRequestRecord): { name: string; iana: string } {
	const match = /outlook\.timezone="([^"]+)"/i.exec(request.headers.prefer ?? '');
	const name = match?.[1] ?? 'UTC';
	return { name, iana: ianaOf(name) };
}

function graphTime(ms: number, zone: { name: string; iana: string }) {
	return {
		dateTime: DateTime.fromMillis(ms, { zone: zone.iana }).toFormat(
			"yyyy-MM-dd'T'HH:mm:ss.SSS'0000'",
		),
		timeZone: zone.name,
	};
}

/** Action parameters are matched case-insensitively by Graph. */
function param(body: Json, name: string): unknown {
	const key = Object.keys(body).find((k) => k.toLowerCase() === name.toLowerCase());
	return key === undefined ? undefined : body[key];
}

export class AvailabilityModel {
	private readonly busy = new Map<string, Busy[]>();

	/** Addresses Exchange cannot read free/busy for (availability `unknown`). */
	readonly unknown = new Set<string>();

	constructor(readonly organizer = 'alice@contoso.com') {}

	addBusy(address: string, start: DateTime, end: DateTime, status: Busy['status'] = 'busy'): this {
		const list = this.busy.get(address.toLowerCase()) ?? [];
		list.push({ start: start.toMillis(), end: end.toMillis(), status });
		this.busy.set(address.toLowerCase(), list);
		return this;
	}

	/** The worst status of `address` between `start` and `end`. */
	availability(address: string, start: number, end: number): string {
		if (this.unknown.has(address.toLowerCase())) return 'unknown';
		const order = ['oof', 'busy', 'workingElsewhere', 'tentative'];
		const statuses = (this.busy.get(address.toLowerCase()) ?? [])
			.filter((b) => b.start < end && b.end > start)
			.map((b) => b.status);
		return order.find((s) => statuses.includes(s as Busy['status'])) ?? 'free';
	}

	private static chance(availability: string): number {
		if (availability === 'free') return 100;
		if (availability === 'unknown') return 49;
		return 0;
	}

	install(graph: GraphStandIn, root = '/me'): this {
		graph.on('POST', `${root}/findMeetingTimes`, (request) => ({
			body: this.findMeetingTimes(request),
		}));
		graph.on('POST', `${root}/calendar/getSchedule`, (request) => ({
			body: this.getSchedule(request),
		}));
		return this;
	}

	private findMeetingTimes(request: GraphRequestRecord): Json {
		const body = (request.body ?? {}) as Json;
		const zone = preferredZone(request);
		const attendees = ((param(body, 'attendees') as Json[] | undefined) ?? []).map((a) => ({
			type: String(a.type ?? 'required'),
			address: String((a.emailAddress as Json).address),
		}));
		// Every person counts as required, whatever its type says; resources are rooms.
		const people = attendees.filter((a) => a.type !== 'resource');
		const duration =
			Duration.fromISO(String(param(body, 'meetingDuration') ?? 'PT30M')).toMillis() || 30 * 60_000;
		const constraint = (param(body, 'timeConstraint') ?? {}) as Json;
		const [slot] = (constraint.timeSlots as Json[] | undefined) ?? [];
		const minimum = Number(param(body, 'minimumAttendeePercentage') ?? 50);
		const max = Number(param(body, 'maxCandidates') ?? 5);
		const organizerOptional = param(body, 'isOrganizerOptional') === true;
		const suggestions: Json[] = [];
		if (slot) {
			const from = parseGraphTime(slot.start);
			const to = parseGraphTime(slot.end);
			for (let start = from; start + duration <= to; start += 30 * 60_000) {
				const end = start + duration;
				const organizer = this.availability(this.organizer, start, end);
				if (!organizerOptional && organizer !== 'free') continue;
				const availability = people.map((p) => ({
					attendee: { type: p.type, emailAddress: { address: p.address } },
					availability: this.availability(p.address, start, end),
				}));
				const confidence = people.length
					? availability.reduce((sum, a) => sum + AvailabilityModel.chance(a.availability), 0) /
						people.length
					: 100;
				if (confidence < minimum) continue;
				suggestions.push({
					confidence,
					organizerAvailability: organizer,
					attendeeAvailability: availability,
					locations: [],
					meetingTimeSlot: { start: graphTime(start, zone), end: graphTime(end, zone) },
					start,
				});
			}
		}
		const chosen = suggestions
			.sort(
				(a, b) => Number(b.confidence) - Number(a.confidence) || Number(a.start) - Number(b.start),
			)
			.slice(0, max)
			.map(({ start: _start, ...suggestion }, n) => ({ ...suggestion, order: n + 1 }));
		return {
			emptySuggestionsReason: chosen.length ? '' : 'AttendeesUnavailable',
			meetingTimeSuggestions: chosen,
		};
	}

	private getSchedule(request: GraphRequestRecord): Json {
		const body = (request.body ?? {}) as Json;
		const zone = preferredZone(request);
		const from = parseGraphTime(param(body, 'startTime'));
		const to = parseGraphTime(param(body, 'endTime'));
		const interval = Number(param(body, 'availabilityViewInterval') ?? 30) * 60_000;
		const schedules = (param(body, 'schedules') as string[] | undefined) ?? [];
		return {
			value: schedules.map((address) => {
				if (this.unknown.has(address.toLowerCase()))
					return {
						scheduleId: address,
						error: {
							message: 'The user could not be found.',
							responseCode: 'ErrorMailRecipientNotFound',
						},
					};
				let view = '';
				for (let at = from; at < to; at += interval)
					view += STATUS_DIGIT[this.availability(address, at, at + interval)];
				return {
					scheduleId: address,
					availabilityView: view,
					scheduleItems: (this.busy.get(address.toLowerCase()) ?? [])
						.filter((b) => b.start < to && b.end > from)
						.map((b) => ({
							status: b.status,
							start: graphTime(b.start, zone),
							end: graphTime(b.end, zone),
						})),
				};
			}),
		};
	}
}
