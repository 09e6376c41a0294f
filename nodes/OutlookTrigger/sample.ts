/**
 * A manual run in the editor ("Fetch Test Event"): the newest few items, so the user sees the
 * output's shape. It reads, and saves nothing: the cursors of the active workflow stay as they are.
 */
import { DateTime } from 'luxon';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { GraphTransport } from '../shared/graph/client';
import { graphCollect } from '../shared/graph/paging';
import { segment } from '../shared/graph/request';
import { TriggerState } from './cursor';
import { sampleContacts } from './contacts';
import { CONTACT_EVENTS, MAIL_EVENTS } from './description';
import { calendarPermission, shapeEvent } from './events';
import { isFlagged } from './flags';
import { watchedFolders } from './folders';
import { DELTA_FIELDS, mailPermission, toItem } from './messages';
import type { TriggerSettings } from './settings';
import { passesFilters } from './settings';
import type { SyncContext } from './sync';

/** How many items a manual run returns. */
export const MANUAL_SAMPLE_SIZE = 3;

export async function sample(
	ctx: SyncContext,
	transport: GraphTransport,
	settings: TriggerSettings,
	now: Date,
): Promise<INodeExecutionData[]> {
	if (CONTACT_EVENTS.includes(settings.event))
		return await sampleContacts(transport, settings, MANUAL_SAMPLE_SIZE);
	if (MAIL_EVENTS.includes(settings.event)) {
		// A throwaway state: folder resolution only, never saved.
		const scratch = TriggerState.load({}, '', now);
		const [folderId] = await watchedFolders(transport, settings, scratch, now);
		const orderBy =
			settings.event === 'messageReceived' ? 'receivedDateTime desc' : 'lastModifiedDateTime desc';
		const page = await transport.request<{ value?: IDataObject[] }>({
			method: 'GET',
			path: `${settings.root}/mailFolders/${segment(folderId)}/messages`,
			query: {
				$select: [...DELTA_FIELDS, ...(settings.includeBody ? ['body'] : [])].join(','),
				$orderby: orderBy,
				$top: 25,
			},
			...mailPermission(settings),
		});
		const messages = (page.value ?? [])
			.filter((m) => passesFilters(m, settings.filters))
			.filter((m) => settings.event !== 'messageFlagged' || isFlagged(m))
			.slice(0, MANUAL_SAMPLE_SIZE);
		return await Promise.all(messages.map(async (m) => await toItem(ctx, transport, settings, m)));
	}
	const start = DateTime.fromJSDate(now).toUTC();
	const days = settings.event === 'eventStartingSoon' ? 7 : settings.windowDays;
	const events = await graphCollect(
		transport,
		{
			method: 'GET',
			path: `${settings.root}/calendarView`,
			query: {
				startDateTime: start.toISO({ suppressMilliseconds: true }) ?? '',
				endDateTime: start.plus({ days }).toISO({ suppressMilliseconds: true }) ?? '',
			},
			timeZone: settings.zone.windows,
			...calendarPermission(settings),
		},
		{ returnAll: false, limit: MANUAL_SAMPLE_SIZE },
	);
	return events.map((event) => shapeEvent(settings, event));
}
