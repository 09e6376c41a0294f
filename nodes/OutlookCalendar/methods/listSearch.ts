/** List search for the Calendar and Event pickers, in the mailbox the Mailbox field names. */
import type {
	IDataObject,
	ILoadOptionsFunctions,
	INodeListSearchItems,
	INodeListSearchResult,
} from 'n8n-workflow';

import { getMailboxRoot } from '../../shared/descriptions';
import { GraphTransport } from '../../shared/graph/client';
import { odataString } from '../../shared/graph/request';
import { isoWithOffset, fromGraphDateTime, resolveZone } from '../helpers/timeZones';

/** One page of the picker; the next page is Graph's @odata.nextLink, passed back as the token. */
const PAGE_SIZE = 50;

interface Page {
	value?: IDataObject[];
	'@odata.nextLink'?: string;
}

export async function searchCalendars(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await listCalendars(this, filter, paginationToken, false);
}

/**
 * The calendars that can be deleted (Graph's `isRemovable`: not the default calendar, not the
 * Birthdays calendar): the list of Calendar → Delete, so that it offers what the operation can do.
 * https://learn.microsoft.com/graph/api/resources/calendar
 */
export async function searchRemovableCalendars(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await listCalendars(this, filter, paginationToken, true);
}

async function listCalendars(
	ctx: ILoadOptionsFunctions,
	filter: string | undefined,
	paginationToken: string | undefined,
	removableOnly: boolean,
): Promise<INodeListSearchResult> {
	const transport = await GraphTransport.create(ctx);
	const root = getMailboxRoot(ctx);
	const page = await transport.request<Page>({
		method: 'GET',
		path: paginationToken ?? `${root}/calendars`,
		query: paginationToken ? undefined : { $select: 'id,name,owner,isRemovable', $top: PAGE_SIZE },
	});
	// Calendar lists are short; filtering here avoids depending on $filter support for calendars.
	const wanted = (filter ?? '').trim().toLowerCase();
	const results: INodeListSearchItems[] = (page.value ?? [])
		.filter((c) => !removableOnly || c.isRemovable !== false)
		.filter(
			(c) =>
				!wanted ||
				String(c.name ?? '')
					.toLowerCase()
					.includes(wanted),
		)
		.map((c) => ({ name: String(c.name ?? c.id), value: String(c.id) }));
	return { results, paginationToken: page['@odata.nextLink'] };
}

export async function searchEvents(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const transport = await GraphTransport.create(this);
	const root = getMailboxRoot(this);
	const zone = resolveZone(this.getTimezone()) ?? { iana: 'UTC', windows: 'UTC' };
	const text = (filter ?? '').trim();
	const page = await transport.request<Page>({
		method: 'GET',
		path: paginationToken ?? `${root}/events`,
		query: paginationToken
			? undefined
			: {
					$select: 'id,subject,start,end,webLink',
					$orderby: 'start/dateTime desc',
					$top: PAGE_SIZE,
					...(text ? { $filter: `contains(subject,${odataString(text)})` } : {}),
				},
		timeZone: zone.windows,
	});
	const results: INodeListSearchItems[] = (page.value ?? []).map((event) => {
		const start = fromGraphDateTime(event.start, zone);
		const when = start ? ` (${isoWithOffset(start, zone).slice(0, 16).replace('T', ' ')})` : '';
		return {
			name: `${String(event.subject ?? '(no subject)')}${when}`,
			value: String(event.id),
			url: event.webLink ? String(event.webLink) : undefined,
		};
	});
	return { results, paginationToken: page['@odata.nextLink'] };
}
