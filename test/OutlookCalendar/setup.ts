/** Starting the stand-ins and an n8n harness with the Outlook Calendar node, for every calendar test. */
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { OutlookCalendar } from '../../nodes/OutlookCalendar/OutlookCalendar.node';
import {
	ALL_GRAPH_PERMISSIONS,
	connectedCredential,
	expectGraphContractKept,
	startStandIns,
	type StandIns,
} from '../support/fixtures';
import { N8nHarness, type RunOptions } from '../support/n8n-harness';

export const TYPE = 'outlookCalendar';

export interface CalendarSuite {
	s: StandIns;
	n8n: N8nHarness;
	run(
		parameters: INodeParameters,
		options?: Omit<RunOptions, 'parameters'>,
	): Promise<INodeExecutionData[]>;
	json(
		parameters: INodeParameters,
		options?: Omit<RunOptions, 'parameters'>,
	): Promise<Array<Record<string, unknown>>>;
}

/** Registers beforeAll/afterAll/beforeEach/afterEach; the returned object is filled in before each test. */
export function calendarSuite(): CalendarSuite {
	const suite = {} as CalendarSuite;
	beforeAll(async () => {
		suite.s = await startStandIns();
	});
	afterAll(async () => await suite.s.close());
	beforeEach(() => {
		suite.s.graph.reset();
		// Without Mailbox Settings, times default to the workflow's zone (Europe/Madrid in the harness)
		// and no mailboxSettings request precedes the operation's own; test/OutlookCalendar/event/
		// mailboxZone.test.ts covers the mailbox's zone.
		suite.n8n = new N8nHarness(
			{ [TYPE]: new OutlookCalendar() },
			connectedCredential(suite.s, {
				permissions: ALL_GRAPH_PERMISSIONS.filter((p) => p !== 'mailboxSettings'),
			}),
		);
	});
	afterEach(() => expectGraphContractKept(suite.s.graph));
	suite.run = async (parameters, options = {}) => {
		const [out] = await suite.n8n.execute(TYPE, { ...options, parameters });
		return out;
	};
	suite.json = async (parameters, options = {}) =>
		(await suite.run(parameters, options)).map((item) => item.json as Record<string, unknown>);
	return suite;
}

/** A resource locator value as n8n stores it. */
export function byId(value: string) {
	return { __rl: true, mode: 'id', value };
}

export function byUrl(value: string) {
	return { __rl: true, mode: 'url', value };
}

/** A Graph event as the stand-in returns it (times in the zone the Prefer header asked for). */
export function graphEvent(
	id: string,
	start: string,
	end: string,
	timeZone: string,
	extra: Record<string, unknown> = {},
) {
	return {
		id,
		subject: `Event ${id}`,
		start: { dateTime: `${start}.0000000`, timeZone },
		end: { dateTime: `${end}.0000000`, timeZone },
		isAllDay: false,
		showAs: 'busy',
		organizer: { emailAddress: { name: 'Ana', address: 'ana@contoso.com' } },
		attendees: [],
		webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(id)}&exvsurl=1&path=/calendar/item`,
		...extra,
	};
}
