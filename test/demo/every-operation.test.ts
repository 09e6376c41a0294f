/**
 * The demo serves every operation (issue #26): each operation of Outlook Mail and Outlook
 * Calendar, taken from the nodes' resource tables, runs against the demo world of
 * `npm run dev -- --demo` as a newcomer runs it in the editor (defaults kept, the first entry of
 * each list picked, required fields typed: test/demo/newcomer.ts), through n8n-core's execution
 * code; and each event of the Outlook Trigger gives a test event ("Fetch Test Event") and, once
 * published, fires when the demo makes it happen. An operation or trigger event added tomorrow
 * runs here tomorrow, and fails until the demo serves it (test/e2e/support/demo/areas.ts).
 *
 * What each run must show, from the operation's declaration (nodes/shared/declarations.ts):
 * output items, no request outside Microsoft's Graph description, no request the demo does not
 * serve; an operation that sends puts mail in the demo's outbox, one that saves a draft leaves a
 * new or changed draft in Drafts, one that only reads leaves the outbox and Drafts as they were.
 */
import type { INodeExecutionData, INodeProperties, INodeType } from 'n8n-workflow';

import { OutlookCalendar } from '../../nodes/OutlookCalendar/OutlookCalendar.node';
import { resources as calendarResources } from '../../nodes/OutlookCalendar/actions/router';
import { OutlookMail } from '../../nodes/OutlookMail/OutlookMail.node';
import { resources as mailResources } from '../../nodes/OutlookMail/actions/router';
import { OutlookTrigger } from '../../nodes/OutlookTrigger/OutlookTrigger.node';
import type { Resource } from '../../nodes/shared/resources';
import { addDemoData, type DemoWorld } from '../e2e/support/demo-data';
import { PollRunner } from '../OutlookTrigger/support';
import {
	connectedCredential,
	expectGraphContractKept,
	startStandIns,
	type StandIns,
} from '../support/fixtures';
import { initBinaryData, N8nHarness } from '../support/n8n-harness';
import { newcomerParameters } from './newcomer';

const NODES: Array<{ type: string; label: string; node: INodeType; resources: Resource[] }> = [
	{ type: 'outlookMail', label: 'Outlook Mail', node: new OutlookMail(), resources: mailResources },
	{
		type: 'outlookCalendar',
		label: 'Outlook Calendar',
		node: new OutlookCalendar(),
		resources: calendarResources,
	},
];
const TRIGGER = new OutlookTrigger();

/** The input item of every run: what a previous node hands over (a small file as `data`). */
const INPUT: INodeExecutionData[] = [
	{
		json: { note: 'from the previous node' },
		binary: {
			data: {
				data: Buffer.from('Hello from the demo, as a file.\n').toString('base64'),
				fileName: 'hello.txt',
				mimeType: 'text/plain',
			},
		},
	},
];

/** Each operation as the editor lists it: its resource's and its own dropdown names. */
function operationsOf(resources: Resource[]) {
	return resources.flatMap((resource) => {
		const dropdown = resource.description.find((p) => p.name === 'operation')!;
		return (dropdown.options as Array<{ name: string; value: string }>).map((option) => ({
			resource: resource.option,
			operation: option,
			module: resource.operations[option.value],
		}));
	});
}

let s: StandIns;
let world: DemoWorld;
let n8n: N8nHarness;

beforeAll(async () => {
	await initBinaryData('default');
	s = await startStandIns();
});
afterAll(async () => await s.close());
beforeEach(() => {
	// Each operation meets the demo as a newcomer does: freshly started.
	s.graph.reset();
	world = addDemoData(s.graph);
	n8n = new N8nHarness(
		{
			outlookMail: NODES[0].node,
			outlookCalendar: NODES[1].node,
			outlookTrigger: TRIGGER,
		},
		// The demo credential's permissions (scripts/demo-credential.js).
		connectedCredential(s, {
			permissions: ['mailReadWrite', 'mailSend', 'calendarsReadWrite', 'mailboxSettings'],
		}),
	);
});
afterEach(() => expectGraphContractKept(s.graph));

/** The drafts in Drafts, each with its change key: what a draft saved or changed alters. */
const draftsIn = () => {
	const drafts = world.mailbox.folderId('drafts');
	return JSON.stringify(
		world.messages
			.filter((m) => m.parentFolderId === drafts && m.isDraft === true)
			.map((m) => `${m.id}:${String(m.changeKey)}`),
	);
};

for (const { type, label, node, resources } of NODES) {
	describe(`${label} on the demo: every operation, as a newcomer runs it`, () => {
		for (const { resource, operation, module } of operationsOf(resources)) {
			it(`${resource.name} → ${operation.name}`, async () => {
				const { parameters, picked } = await newcomerParameters(
					{ n8n, type, nodeType: node, items: INPUT },
					{ resource: resource.value, operation: operation.value },
				);
				const outboxBefore = world.outbox.length;
				const draftsBefore = draftsIn();
				s.graph.requests.length = 0;
				let output: INodeExecutionData[];
				try {
					[output] = await n8n.execute(type, { parameters, items: INPUT });
				} catch (error) {
					const e = error as Error & { description?: string };
					throw new Error(
						`${label} → ${resource.name} → ${operation.name} failed on the demo (picked ${picked.join(', ') || 'nothing'}): ${e.message}${e.description ? ` (${e.description})` : ''}`,
					);
				}
				expect(output.length).toBeGreaterThan(0);
				expect(output.some((item) => item.json.error !== undefined)).toBe(false);
				const { does, sendsOnlyWhenReaching } = module.declaration;
				if (does === 'send' && !sendsOnlyWhenReaching)
					expect(world.outbox.length).toBeGreaterThan(outboxBefore);
				if (does === 'draft') expect(draftsIn()).not.toBe(draftsBefore);
				if (does === 'read') {
					expect(world.outbox.length).toBe(outboxBefore);
					expect(draftsIn()).toBe(draftsBefore);
				}
			});
		}
	});
}

/** The Outlook Trigger's events, as its "Trigger On" dropdown lists them. */
const TRIGGER_EVENTS = (
	TRIGGER.description.properties.find((p: INodeProperties) => p.name === 'event')!
		.options as Array<{
		name: string;
		value: string;
	}>
).map((o) => o);

describe('Outlook Trigger on the demo: every event', () => {
	for (const event of TRIGGER_EVENTS) {
		it(`${event.name}: Fetch Test Event shows items, and once published it fires when the demo makes it happen`, async () => {
			const runner = new PollRunner(n8n, { event: event.value });
			// "Fetch Test Event": the newest few items of what the event watches (a deletion has
			// nothing left to show: nodes/OutlookTrigger/contacts.ts).
			const sample = await runner.manual();
			if (!/Deleted$/.test(event.value)) expect(sample?.length ?? 0).toBeGreaterThan(0);
			// Published: the first poll notes where things stand and emits nothing old.
			expect(await runner.poll()).toEqual([]);
			const happen = world.happenings.get(event.value);
			if (!happen)
				throw new Error(
					`the demo cannot make the Outlook Trigger event "${event.value}" happen: add world.happenings.set('${event.value}', …) to its area in test/e2e/support/demo/`,
				);
			await happen();
			const emitted = await runner.poll();
			expect(emitted.length).toBeGreaterThan(0);
		});
	}
});
