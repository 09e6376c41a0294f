/** Option lists: time zones (IANA, from the runtime's tz database) and the mailbox's calendar groups. */
import type { IDataObject, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { getMailboxRoot } from '../../shared/descriptions';
import { GraphTransport } from '../../shared/graph/client';
import { graphCollect } from '../../shared/graph/paging';
import { defaultZoneOption } from '../helpers/mailboxZone';
import { knownTimeZones, resolveZone } from '../helpers/timeZones';

/**
 * The Time Zone list: first the empty value, named after the zone the node then uses (the
 * mailbox's, read from its settings; the workflow's with the reason when it cannot be read), then
 * every IANA zone with its Windows name.
 */
export async function getTimeZones(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return [
		await defaultZoneOption(this),
		...knownTimeZones().map((zone) => {
			const windows = resolveZone(zone)?.windows;
			return {
				name: zone,
				value: zone,
				description: windows && windows !== zone ? `Outlook: ${windows}` : undefined,
			};
		}),
	];
}

export async function getCalendarGroups(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	const transport = await GraphTransport.create(this);
	const root = getMailboxRoot(this);
	const groups: IDataObject[] = await graphCollect(
		transport,
		{ method: 'GET', path: `${root}/calendarGroups`, query: { $select: 'id,name' } },
		{ returnAll: true },
	);
	return [
		{ name: 'None', value: '' },
		...groups.map((g) => ({ name: String(g.name ?? g.id), value: String(g.id) })),
	];
}
