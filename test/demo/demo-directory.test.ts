/**
 * The demo serves contacts, contact folders, categories, inbox rules and rooms (test/e2e/support/
 * demo-directory.ts): every operation of those resources runs against the demo stand-in, within
 * Microsoft's description and without a request nobody answers. The table below must name every
 * operation of the resources, so an operation added tomorrow needs its demo run tomorrow.
 */
import type { INodeParameters, INodeType } from 'n8n-workflow';

import { resources as calendarResources } from '../../nodes/OutlookCalendar/actions/router';
import { OutlookCalendar } from '../../nodes/OutlookCalendar/OutlookCalendar.node';
import { resources as mailResources } from '../../nodes/OutlookMail/actions/router';
import { OutlookMail } from '../../nodes/OutlookMail/OutlookMail.node';
import { OutlookTrigger } from '../../nodes/OutlookTrigger/OutlookTrigger.node';
import { addDemoData, type DemoMailbox } from '../e2e/support/demo-data';
import {
	ALL_GRAPH_PERMISSIONS,
	connectedCredential,
	expectGraphContractKept,
	startStandIns,
	type StandIns,
} from '../support/fixtures';
import { N8nHarness } from '../support/n8n-harness';
import { PollRunner } from '../OutlookTrigger/support';

let s: StandIns;
let demo: DemoMailbox;
beforeAll(async () => {
	s = await startStandIns();
	demo = addDemoData(s.graph);
});
afterAll(async () => await s.close());
afterEach(() => expectGraphContractKept(s.graph));

const rl = (value: string) => ({ __rl: true, mode: 'id', value });
const first = <T>(list: T[]) => list[0];

/** One run per operation, with parameters that fit the demo's data (read when the test runs). */
const RUNS: Record<string, Record<string, () => INodeParameters>> = {
	contact: {
		getAll: () => ({ returnAll: true }),
		get: () => ({ contactId: rl(String(first([...demo.directory!.contacts.contacts.keys()]))) }),
		create: () => ({ givenName: 'Dan', emailAddresses: 'dan@example.test' }),
		update: () => ({
			contactId: rl(String(first([...demo.directory!.contacts.contacts.keys()]))),
			updateFields: { jobTitle: 'Head buyer' },
		}),
		delete: () => ({ contactId: rl(String([...demo.directory!.contacts.contacts.keys()].at(-1))) }),
	},
	contactFolder: {
		getAll: () => ({}),
		get: () => ({ contactFolderId: rl(first([...demo.directory!.contacts.folders.keys()])) }),
		create: () => ({ displayName: 'Partners' }),
		update: () => ({
			contactFolderId: rl(first([...demo.directory!.contacts.folders.keys()])),
			displayName: 'Vendors',
		}),
		delete: () => ({ contactFolderId: rl([...demo.directory!.contacts.folders.keys()].at(-1)!) }),
	},
	category: {
		getAll: () => ({}),
		create: () => ({ displayName: 'Partners', color: 'preset4' }),
		update: () => ({
			categoryId: { __rl: true, mode: 'name', value: 'Customers' },
			color: 'preset8',
		}),
		delete: () => ({ categoryId: { __rl: true, mode: 'name', value: 'Partners' } }),
	},
	inboxRule: {
		getAll: () => ({}),
		create: () => ({
			displayName: 'Receipts read',
			sequence: 2,
			conditions: { subjectContains: 'receipt' },
			actions: { markAsRead: true },
		}),
		update: () => ({
			ruleId: rl(String(first(demo.directory!.rules.rules).id)),
			updateFields: { isEnabled: false },
		}),
		delete: () => ({ ruleId: rl(String(demo.directory!.rules.rules.at(-1)!.id)) }),
	},
	room: {
		getAll: () => ({ roomList: { __rl: true, mode: 'list', value: 'building1@example.test' } }),
		getRoomLists: () => ({}),
		get: () => ({ room: rl('boardroom@example.test') }),
	},
};

const NODES: Array<[string, INodeType, typeof mailResources]> = [
	['outlookMail', new OutlookMail(), mailResources],
	['outlookCalendar', new OutlookCalendar(), calendarResources],
];

describe('the demo serves contacts, categories, inbox rules and rooms', () => {
	it('the table names every operation of those resources', () => {
		for (const [resource, runs] of Object.entries(RUNS)) {
			const table = [...mailResources, ...calendarResources].find(
				(r) => r.option.value === resource,
			)!;
			expect([resource, Object.keys(runs).sort()]).toEqual([
				resource,
				Object.keys(table.operations).sort(),
			]);
		}
	});

	const cases = NODES.flatMap(([type, , resources]) =>
		Object.entries(RUNS)
			.filter(([resource]) => resources.some((r) => r.option.value === resource))
			.flatMap(([resource, runs]) =>
				Object.keys(runs).map((operation) => [type, resource, operation] as const),
			),
	);
	it.each(cases)('%s → %s → %s', async (type, resource, operation) => {
		const node = NODES.find(([name]) => name === type)![1];
		// The same demo all along (one case creates what a later one deletes): only the record is cleared.
		s.graph.requests.length = 0;
		const n8n = new N8nHarness(
			{ [type]: node },
			connectedCredential(s, {
				permissions: [
					...ALL_GRAPH_PERMISSIONS,
					'contactsReadWrite',
					'mailboxSettingsReadWrite',
					'places',
				],
			}),
		);
		const [out] = await n8n.execute(type, {
			parameters: { resource, operation, ...RUNS[resource][operation]() },
		});
		expect(out.length).toBeGreaterThan(0);
	});

	it('a room booked on an event, and the Outlook Trigger seeing a contact created in the demo', async () => {
		// The same demo all along (one case creates what a later one deletes): only the record is cleared.
		s.graph.requests.length = 0;
		const calendar = new N8nHarness(
			{ outlookCalendar: new OutlookCalendar() },
			connectedCredential(s),
		);
		const [[event]] = await calendar.execute('outlookCalendar', {
			parameters: {
				resource: 'event',
				operation: 'create',
				subject: 'Board meeting',
				start: '2026-12-03T09:00:00Z',
				end: '2026-12-03T10:00:00Z',
				additionalFields: { rooms: ['Boardroom <boardroom@example.test>'] },
			},
		});
		expect(event.json).toMatchObject({ subject: 'Board meeting' });
		const trigger = new N8nHarness(
			{ outlookTrigger: new OutlookTrigger() },
			connectedCredential(s),
		);
		const runner = new PollRunner(trigger, { event: 'contactCreated' });
		expect(await runner.poll()).toEqual([]);
		demo.directory!.contacts.addContact({ givenName: 'Erin' });
		expect(await runner.poll()).toEqual([expect.objectContaining({ displayName: 'Erin' })]);
	});
});
