/**
 * The Recurrence field → Graph's `patternedRecurrence` ({ pattern, range }).
 * https://learn.microsoft.com/graph/api/resources/patternedrecurrence
 * https://learn.microsoft.com/graph/outlook-schedule-recurring-events
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { DateTime } from 'luxon';

import { listValue } from '../../shared/parameters';

import type { CalendarZone } from './timeZones';
import { requireDateTime } from './timeZones';

/** Graph's `dayOfWeek` values, indexed by luxon's ISO weekday (1 = Monday … 7 = Sunday). */
const DAY_NAMES = [
	'',
	'monday',
	'tuesday',
	'wednesday',
	'thursday',
	'friday',
	'saturday',
	'sunday',
];

export type RecurrenceFrequency = 'daily' | 'weekly' | 'monthly' | 'yearly';

/** What the Recurrence field holds (`recurrence.rule`). */
export interface RecurrenceRule {
	frequency?: RecurrenceFrequency;
	interval?: number;
	/** Day names: the picker's list, or an expression's array or comma-separated text. */
	daysOfWeek?: string[] | string;
	/** monthly / yearly: on a day of the month, or on the nth weekday. */
	repeatOn?: 'dayOfMonth' | 'weekday';
	dayOfMonth?: number;
	weekIndex?: string;
	month?: number;
	firstDayOfWeek?: string;
	endBy?: 'never' | 'date' | 'count';
	endDate?: unknown;
	occurrences?: number;
}

export function weekdayName(day: DateTime): string {
	return DAY_NAMES[day.weekday];
}

function fail(
	ctx: IExecuteFunctions,
	itemIndex: number,
	message: string,
	description?: string,
): never {
	throw new NodeOperationError(ctx.getNode(), message, { itemIndex, description });
}

function positiveInteger(value: unknown): number | undefined {
	const n = Number(value);
	return Number.isInteger(n) && n >= 1 ? n : undefined;
}

/**
 * An options field of the rule: its value in any case (an expression may give 'Weekday' or
 * 'Second'); empty gives the field's default; anything else is an error naming the field (read
 * as the default, 'Weekday' would make a series on a day of the month).
 */
function option<T extends string>(
	ctx: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
	allowed: readonly T[],
	fallback: T,
	field: string,
): T {
	const text = value === undefined || value === null ? '' : String(value).trim();
	if (!text) return fallback;
	const found = allowed.find((a) => a.toLowerCase() === text.toLowerCase());
	if (!found)
		fail(
			ctx,
			itemIndex,
			`"${text.slice(0, 40)}" in the field Recurrence ${field} is not ${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]}`,
		);
	return found;
}

/**
 * The Days of Week field: the list the picker gives, or what an expression gives (an array, or
 * names separated by commas, in any case). A name that is not a day is an error naming the field:
 * left out, the series would silently fall back to the weekday of Start.
 */
function daysOfWeek(ctx: IExecuteFunctions, itemIndex: number, value: unknown): string[] {
	const names = listValue(value);
	for (const name of names) {
		if (!DAY_NAMES.includes(name.toLowerCase()))
			fail(
				ctx,
				itemIndex,
				`"${name.slice(0, 40)}" in the field Recurrence Days of Week is not a day of the week`,
				'Use monday, tuesday, wednesday, thursday, friday, saturday or sunday',
			);
	}
	return [...new Set(names.map((name) => name.toLowerCase()))];
}

/**
 * The `patternedRecurrence` for a series starting at `start` (in the event's zone). Missing days
 * default to the start's day, as Outlook does; the range starts on the start's date in the event's zone.
 */
export function buildRecurrence(
	ctx: IExecuteFunctions,
	itemIndex: number,
	rule: RecurrenceRule,
	start: DateTime,
	zone: CalendarZone,
): IDataObject {
	const frequency = option(
		ctx,
		itemIndex,
		rule.frequency,
		['daily', 'weekly', 'monthly', 'yearly'] as const,
		'weekly',
		'Frequency',
	);
	const interval = positiveInteger(rule.interval ?? 1);
	if (!interval)
		fail(
			ctx,
			itemIndex,
			`The field Recurrence Interval must be a whole number of 1 or more (got ${String(rule.interval)})`,
		);
	const days = daysOfWeek(ctx, itemIndex, rule.daysOfWeek);
	const startDays = days.length ? days : [weekdayName(start)];
	const pattern: IDataObject = { interval };

	switch (frequency) {
		case 'daily':
			pattern.type = 'daily';
			break;
		case 'weekly':
			pattern.type = 'weekly';
			pattern.daysOfWeek = startDays;
			pattern.firstDayOfWeek = option(
				ctx,
				itemIndex,
				rule.firstDayOfWeek,
				DAY_NAMES.slice(1),
				'sunday',
				'First Day of Week',
			);
			break;
		case 'monthly':
		case 'yearly': {
			const relative =
				option(
					ctx,
					itemIndex,
					rule.repeatOn,
					['dayOfMonth', 'weekday'] as const,
					'dayOfMonth',
					'Repeat On',
				) === 'weekday';
			const yearly = frequency === 'yearly';
			if (relative) {
				pattern.type = yearly ? 'relativeYearly' : 'relativeMonthly';
				pattern.daysOfWeek = startDays;
				pattern.index = option(
					ctx,
					itemIndex,
					rule.weekIndex,
					['first', 'second', 'third', 'fourth', 'last'] as const,
					'first',
					'Week of Month',
				);
			} else {
				pattern.type = yearly ? 'absoluteYearly' : 'absoluteMonthly';
				const day = rule.dayOfMonth ? positiveInteger(rule.dayOfMonth) : start.day;
				if (!day || day > 31)
					fail(
						ctx,
						itemIndex,
						`The field Recurrence Day of Month must be between 1 and 31 (got ${String(rule.dayOfMonth)})`,
					);
				pattern.dayOfMonth = day;
			}
			if (yearly) {
				const month = rule.month ? positiveInteger(rule.month) : start.month;
				if (!month || month > 12)
					fail(
						ctx,
						itemIndex,
						`The field Recurrence Month must be between 1 and 12 (got ${String(rule.month)})`,
					);
				pattern.month = month;
			}
			break;
		}
		default:
			fail(
				ctx,
				itemIndex,
				`"${String(frequency)}" in the field Recurrence Frequency is not daily, weekly, monthly or yearly`,
			);
	}

	const startDate = start.setZone(zone.iana).toISODate() as string;
	const range: IDataObject = { startDate, recurrenceTimeZone: zone.windows };
	const endBy = option(
		ctx,
		itemIndex,
		rule.endBy,
		['never', 'date', 'count'] as const,
		'never',
		'End By',
	);
	if (endBy === 'never') {
		range.type = 'noEnd';
	} else if (endBy === 'date') {
		const empty = rule.endDate === undefined || rule.endDate === null || rule.endDate === '';
		if (empty) {
			fail(
				ctx,
				itemIndex,
				'The field Recurrence End Date is empty, but End By is "Date"',
				'Give the last date of the series, or choose End By: Count or Never',
			);
		}
		const endDate = requireDateTime(
			ctx,
			itemIndex,
			rule.endDate,
			zone,
			'Recurrence End Date',
		).toISODate() as string;
		if (endDate < startDate)
			fail(
				ctx,
				itemIndex,
				`The field Recurrence End Date (${endDate}) is before the series starts (${startDate})`,
			);
		range.type = 'endDate';
		range.endDate = endDate;
	} else if (endBy === 'count') {
		const count = positiveInteger(rule.occurrences);
		if (!count) {
			fail(
				ctx,
				itemIndex,
				`The field Recurrence Occurrences must be 1 or more when End By is "Count" (got ${String(rule.occurrences ?? 'nothing')})`,
			);
		}
		range.type = 'numbered';
		range.numberOfOccurrences = count;
	} else {
		fail(
			ctx,
			itemIndex,
			`"${String(endBy)}" in the field Recurrence End By is not never, date or count`,
		);
	}
	return { pattern, range };
}
