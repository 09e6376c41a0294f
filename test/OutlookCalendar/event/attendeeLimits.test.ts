/**
 * Attendees given as objects (a `json` $fromAI, or an expression that yields Graph recipients):
 * the AI-tool limits and the node read the same address of each (shared/addressEntries.ts), so an
 * object whose `address` and `emailAddress.address` differ is checked at the address it is
 * invited at.
 */
import type { INodeParameters } from 'n8n-workflow';

import { OutlookCalendar } from '../../../nodes/OutlookCalendar/OutlookCalendar.node';
import {
	connectedCredential,
	expectGraphContractKept,
	startStandIns,
	type StandIns,
} from '../../support/fixtures';
import { OutboundLedger } from '../../support/graph-outbound';
import { GraphWorld } from '../../support/graph-world';
import { TEST_USER } from '../../support/identity-provider';
import { N8nHarness } from '../../support/n8n-harness';
import { agentTool, callTool, toolVariant } from '../../support/tool-harness';

const CALENDAR = 'outlookCalendarTool';
const calendarTool = toolVariant(new OutlookCalendar());

describe('Outlook Calendar as an AI tool: attendees given as objects', () => {
	let s: StandIns;
	let n8n: N8nHarness;
	let ledger: OutboundLedger;
	beforeAll(async () => {
		s = await startStandIns();
		ledger = new OutboundLedger(TEST_USER).attach(s.graph);
	});
	afterAll(async () => await s.close());
	beforeEach(() => {
		s.graph.reset();
		ledger.reset();
		new GraphWorld(s.graph, ledger).install();
		n8n = new N8nHarness({ [CALENDAR]: calendarTool }, connectedCredential(s));
	});
	afterEach(() => expectGraphContractKept(s.graph));

	const invite = async (who: unknown) => {
		const parameters: INodeParameters = {
			resource: 'event',
			operation: 'create',
			subject: 'Sync',
			start: '2030-01-10T09:00:00Z',
			end: '2030-01-10T10:00:00Z',
			additionalFields: { requiredAttendees: "={{ $fromAI('who', '', 'json') }}" },
			toolNoInvitations: false,
			toolAllowedRecipients: 'contoso.com',
		};
		const { error } = await callTool(
			agentTool(n8n, CALENDAR, calendarTool, parameters, { typeVersion: 1.1 }),
			{ who },
		);
		const sends = ledger.entries.filter((e) => e.kind === 'sends').map((e) => e.recipients);
		return { error, sends };
	};

	it('an object with two addresses is checked at the one it is invited at', async () => {
		expect(
			await invite([{ address: 'guest@evil.test', emailAddress: { address: 'ok@contoso.com' } }]),
		).toEqual({ error: undefined, sends: [['ok@contoso.com']] });
	});

	it('an attendee outside Allowed Recipients is refused, whichever key of the object holds it', async () => {
		for (const who of [
			[{ address: 'ok@contoso.com', emailAddress: { address: 'guest@evil.test' } }],
			[{ address: 'guest@evil.test' }],
			[{ emailAddress: { address: 'guest@evil.test', name: 'Guest' } }],
		])
			expect(await invite(who)).toEqual({
				error: expect.stringContaining('Refused by the tool\'s limit "Allowed Recipients"'),
				sends: [],
			});
	});
});
