/**
 * 3. Workflows executed by n8n itself: Outlook Mail (send with a binary attachment that n8n's
 * Read/Write Files from Disk node read, get many, bulk update) and Outlook Calendar (create, get
 * many between dates). Each asserts the execution's output and the requests the Graph stand-in got.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { E2eEnvironment } from '../support/environment';
import { hasNode, nodeType } from '../support/environment';
import { chain, createWorkflow, runWorkflow } from '../support/executions';

const MANUAL = {
	name: 'Manual Trigger',
	type: 'n8n-nodes-base.manualTrigger',
	typeVersion: 1,
	parameters: {},
};
const rl = (value: string, mode = 'id') => ({ __rl: true, mode, value });

export function workflowsScenario(env: E2eEnvironment) {
	let credential: { id: string; name: string };
	const outlook = (name: string, type: string, parameters: Record<string, unknown>) => ({
		name,
		type,
		typeVersion: 1,
		parameters,
		credentials: { outlookOAuth2Api: credential },
	});

	beforeAll(async () => {
		credential = await env.connectedCredential(
			{ permissions: ['mailReadWrite', 'mailSend', 'calendarsReadWrite'] },
			'Workflows',
		);
	});

	beforeEach(() => {
		env.graph.requests.length = 0;
	});

	afterEach(() => {
		expect(env.graph.violations).toEqual([]);
		expect(env.graph.unhandled).toEqual([]);
	});

	const mailTest = hasNode('OutlookMail') ? test : test.skip;
	const calendarTest = hasNode('OutlookCalendar') ? test : test.skip;

	mailTest(
		'Outlook Mail sends a message with the file Read/Write Files from Disk read as its attachment',
		async () => {
			const files = env.server.filesFolder;
			mkdirSync(files, { recursive: true });
			const pdf = Buffer.concat([
				Buffer.from('%PDF-1.4\n'),
				Buffer.from(Array.from({ length: 2048 }, (_, i) => i % 256)),
				Buffer.from('\n%%EOF\n'),
			]);
			writeFileSync(join(files, 'report.pdf'), pdf);
			const workflow = await createWorkflow(
				env.rest,
				'Mail: send with attachment',
				chain([
					MANUAL,
					{
						name: 'Read Report',
						type: 'n8n-nodes-base.readWriteFile',
						typeVersion: 1,
						parameters: { operation: 'read', fileSelector: join(files, 'report.pdf'), options: {} },
					},
					outlook('Send Report', nodeType('outlookMail'), {
						resource: 'message',
						operation: 'send',
						toRecipients: 'bob@example.test, "Carol C." <carol@example.test>',
						subject: 'Quarterly report',
						bodyContentType: 'text',
						bodyContent: 'The report is attached.',
						additionalFields: { attachments: 'data' },
					}),
				]),
			);
			const execution = await runWorkflow(env.rest, workflow);
			expect(execution.error('Send Report')).toBeUndefined();
			expect(execution.status).toBe('success');
			expect(execution.output('Read Report')[0].binary?.data).toMatchObject({
				fileName: 'report.pdf',
				mimeType: 'application/pdf',
			});
			expect(execution.output('Send Report').map((i) => i.json)).toEqual([
				expect.objectContaining({ sent: true, attachments: ['report.pdf'] }),
			]);

			const calls = env.graph.calls();
			expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual(['POST /me/sendMail']);
			const message = (calls[0].body as { message: Record<string, unknown> }).message;
			expect(message).toMatchObject({
				subject: 'Quarterly report',
				body: { contentType: 'text', content: 'The report is attached.' },
				toRecipients: [
					{ emailAddress: { address: 'bob@example.test' } },
					{ emailAddress: { address: 'carol@example.test', name: 'Carol C.' } },
				],
			});
			expect(message.attachments).toEqual([
				expect.objectContaining({
					'@odata.type': '#microsoft.graph.fileAttachment',
					name: 'report.pdf',
					contentType: 'application/pdf',
					contentBytes: pdf.toString('base64'),
				}),
			]);
		},
	);

	mailTest('Outlook Mail gets many messages and marks them all read in one $batch', async () => {
		const unread = env.mailbox.messages.filter((m) => !m.isRead).length;
		expect(unread).toBeGreaterThan(1);
		const workflow = await createWorkflow(
			env.rest,
			'Mail: get many, bulk update',
			chain([
				MANUAL,
				outlook('Get Messages', nodeType('outlookMail'), {
					resource: 'message',
					operation: 'getAll',
					returnAll: true,
					output: 'raw',
				}),
				outlook('Mark Read', nodeType('outlookMail'), {
					resource: 'message',
					operation: 'update',
					messageId: rl('={{ $json.id }}'),
					updateFields: { isRead: true, categories: 'Done' },
				}),
			]),
		);
		const execution = await runWorkflow(env.rest, workflow);
		expect(execution.error('Mark Read')).toBeUndefined();
		expect(execution.status).toBe('success');
		const ids = env.mailbox.messages.map((m) => m.id);
		expect(execution.output('Get Messages').map((i) => i.json.id)).toEqual(ids);
		const updated = execution.output('Mark Read').map((i) => i.json);
		expect(updated.map((m) => m.id)).toEqual(ids);
		for (const m of updated) expect(m).toMatchObject({ isRead: true, categories: ['Done'] });

		const calls = env.graph.calls();
		expect(calls[0]).toMatchObject({ method: 'GET', path: '/me/messages', inBatch: false });
		const patches = calls.filter((c) => c.method === 'PATCH');
		expect(patches).toEqual(
			ids.map((id) => ({
				method: 'PATCH',
				path: `/me/messages/${encodeURIComponent(id)}`,
				query: {},
				body: { isRead: true, categories: ['Done'] },
				inBatch: true,
			})),
		);
		// One $batch envelope for up to 20 updates (Graph's JSON batching limit).
		expect(env.graph.requests.filter((r) => r.path === '/$batch')).toHaveLength(1);
		expect(env.mailbox.messages.every((m) => m.isRead)).toBe(true);
	});

	calendarTest(
		'Outlook Calendar creates an event, then gets the events between two dates',
		async () => {
			const workflow = await createWorkflow(
				env.rest,
				'Calendar: create, get many',
				chain([
					MANUAL,
					outlook('Create Event', nodeType('outlookCalendar'), {
						resource: 'event',
						operation: 'create',
						subject: 'Release planning',
						start: '2026-03-30T09:00:00',
						end: '2026-03-30T10:30:00',
					}),
					outlook('Get Events', nodeType('outlookCalendar'), {
						resource: 'event',
						operation: 'getAll',
						from: '2026-03-30T00:00:00',
						to: '2026-03-31T00:00:00',
						returnAll: true,
					}),
				]),
				{ timezone: 'Europe/Madrid' },
			);
			const eventsBefore = env.mailbox.events.length;
			const execution = await runWorkflow(env.rest, workflow);
			expect(execution.error('Create Event')).toBeUndefined();
			expect(execution.error('Get Events')).toBeUndefined();
			expect(execution.status).toBe('success');

			const created = execution.output('Create Event').map((i) => i.json);
			expect(created).toEqual([
				expect.objectContaining({
					subject: 'Release planning',
					start: '2026-03-30T09:00:00+02:00',
					end: '2026-03-30T10:30:00+02:00',
				}),
			]);
			expect(env.mailbox.events).toHaveLength(eventsBefore + 1);

			const calls = env.graph.calls();
			expect(calls[0]).toMatchObject({
				method: 'POST',
				path: '/me/events',
				body: expect.objectContaining({
					subject: 'Release planning',
					start: { dateTime: '2026-03-30T09:00:00', timeZone: 'Romance Standard Time' },
					end: { dateTime: '2026-03-30T10:30:00', timeZone: 'Romance Standard Time' },
				}),
			});
			expect(calls[1]).toMatchObject({
				method: 'GET',
				path: '/me/calendarView',
				query: expect.objectContaining({
					startDateTime: '2026-03-30T00:00:00+02:00',
					endDateTime: '2026-03-31T00:00:00+02:00',
				}),
			});
			const listed = execution.output('Get Events').map((i) => i.json.id);
			expect(listed).toContain(created[0].id);
		},
	);
}
