import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { OutlookMail } from '../../../nodes/OutlookMail/OutlookMail.node';
import { connectedCredential } from '../../support/fixtures';
import { RulesMailbox } from '../../support/graph-mail-rules';
import { graphError } from '../../support/graph-standin';
import { N8nHarness } from '../../support/n8n-harness';
import { FOLDER_ID, graphMessage, MAIL, rl, useMailNode } from './setup';

const ids = (n: number) =>
	Array.from({ length: n }, (_, k) => `AAMkBulk${String(k).padStart(3, '0')}=`);
const itemsFor = (list: string[]): INodeExecutionData[] => list.map((id) => ({ json: { id } }));
const byExpression = rl('={{ $json.id }}');

describe('bulk Update / Move / Copy / Delete through $batch', () => {
	const t = useMailNode();

	it('updates 45 items in 3 $batch calls (20 + 20 + 5), each result paired to its item', async () => {
		const list = ids(45);
		t.s.graph.on('PATCH', '/me/messages/:id', (request, p) => ({
			body: graphMessage(p.id, request.body as IDataObject),
		}));
		const out = await t.run(
			{
				resource: 'message',
				operation: 'update',
				messageId: byExpression,
				updateFields: {
					isRead: true,
					flagStatus: 'flagged',
					categories: 'Done',
					importance: 'low',
				},
			},
			{ items: itemsFor(list) },
		);
		const envelopes = t.s.graph.requests.filter((r) => r.path === '/$batch');
		expect(envelopes.map((e) => (e.body as { requests: unknown[] }).requests.length)).toEqual([
			20, 20, 5,
		]);
		const calls = t.s.graph.calls();
		expect(calls).toHaveLength(45);
		expect(calls[0]).toEqual({
			method: 'PATCH',
			path: `/me/messages/${encodeURIComponent(list[0])}`,
			query: {},
			body: {
				isRead: true,
				categories: ['Done'],
				importance: 'low',
				flag: { flagStatus: 'flagged' },
			},
			inBatch: true,
		});
		expect(t.s.graph.requests.find((r) => r.inBatch)?.headers.prefer).toBe('IdType="ImmutableId"');
		expect(out).toHaveLength(45);
		out.forEach((item, k) => {
			expect(item.pairedItem).toEqual({ item: k });
			expect(item.json).toMatchObject({
				id: list[k],
				isRead: true,
				flag: 'flagged',
				categories: ['Done'],
				importance: 'low',
			});
		});
	});

	it('retries only the throttled sub-request', async () => {
		const list = ids(3);
		t.s.graph.on('PATCH', '/me/messages/:id', (_, p) => ({
			body: graphMessage(p.id, { isRead: false }),
		}));
		t.s.graph.throttle('PATCH', `/me/messages/${encodeURIComponent(list[1])}`, 1, {
			retryAfter: '0',
		});
		const out = await t.run(
			{
				resource: 'message',
				operation: 'update',
				messageId: byExpression,
				updateFields: { isRead: false },
			},
			{ items: itemsFor(list) },
		);
		const patched = t.s.graph
			.calls()
			.map((c) => decodeURIComponent(c.path.split('/').pop() as string));
		expect(patched).toEqual([list[0], list[1], list[2], list[1]]);
		expect(t.s.graph.requests.filter((r) => r.path === '/$batch')).toHaveLength(2);
		expect(out.map((o) => o.json.id)).toEqual(list);
	});

	it('with continueOnFail, a 404 fails only its item; without it, the node throws that error', async () => {
		const list = ids(3);
		t.s.graph.on('POST', '/me/messages/:id/move', (_, p) =>
			p.id === list[1]
				? graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.')
				: { status: 201, body: graphMessage(`${p.id}moved`) },
		);
		const parameters = {
			resource: 'message',
			operation: 'move',
			messageId: byExpression,
			folderId: rl('archive'),
		};
		const out = await t.run(parameters, { items: itemsFor(list), continueOnFail: true });
		expect(t.s.graph.calls().map((c) => c.body)).toEqual([
			{ destinationId: 'archive' },
			{ destinationId: 'archive' },
			{ destinationId: 'archive' },
		]);
		expect(out[0]).toMatchObject({ json: { id: `${list[0]}moved` }, pairedItem: { item: 0 } });
		expect(out[1]).toMatchObject({
			json: { error: expect.stringMatching(/404 ErrorItemNotFound/), httpCode: '404' },
			pairedItem: { item: 1 },
		});
		expect(out[2]).toMatchObject({ json: { id: `${list[2]}moved` }, pairedItem: { item: 2 } });

		const error = await t.fail(parameters, { items: itemsFor(list) });
		expect(error.message).toMatch(/404 ErrorItemNotFound/);
		expect(error.context.itemIndex).toBe(1);
	});

	it('a failed $batch call fails only its own items: 20 copies done keep their output, 5 fail with its error', async () => {
		const list = ids(25);
		t.s.graph.on('POST', '/me/messages/:id/copy', (_, p) => ({
			status: 201,
			body: graphMessage(`${p.id}copy`),
		}));
		// The gateway times out on the second call; a POST answered 504 is not sent again.
		t.s.graph.failEnvelope((n) =>
			n === 2
				? graphError(504, 'GatewayTimeout', 'The gateway did not receive a response.')
				: undefined,
		);
		const out = await t.run(
			{ resource: 'message', operation: 'copy', messageId: byExpression, folderId: rl('archive') },
			{ items: itemsFor(list), continueOnFail: true },
		);
		expect(t.s.graph.requests.filter((r) => r.path === '/$batch')).toHaveLength(2);
		expect(t.s.graph.calls()).toHaveLength(20);
		expect(out).toHaveLength(25);
		out.slice(0, 20).forEach((item, k) =>
			expect(item).toEqual({
				json: expect.objectContaining({ id: `${list[k]}copy` }),
				pairedItem: { item: k },
			}),
		);
		out.slice(20).forEach((item, k) =>
			expect(item).toMatchObject({
				json: { error: expect.stringMatching(/504 GatewayTimeout/), httpCode: '504' },
				pairedItem: { item: 20 + k },
			}),
		);

		// Without Continue On Fail the node stops at the first failed item, and names it.
		t.s.graph.reset();
		t.s.graph.on('POST', '/me/messages/:id/copy', (_, p) => ({
			status: 201,
			body: graphMessage(`${p.id}copy`),
		}));
		t.s.graph.failEnvelope((n) =>
			n === 2
				? graphError(504, 'GatewayTimeout', 'The gateway did not receive a response.')
				: undefined,
		);
		const error = await t.fail(
			{ resource: 'message', operation: 'copy', messageId: byExpression, folderId: rl('archive') },
			{ items: itemsFor(list) },
		);
		expect(error.message).toMatch(/504 GatewayTimeout/);
		expect(error.context.itemIndex).toBe(20);
	});

	it('copies to a folder by ID in a shared mailbox', async () => {
		t.s.graph.on('POST', '/users/:user/messages/:id/copy', (_, p) => ({
			status: 201,
			body: graphMessage(`${p.id}copy`),
		}));
		const out = await t.run(
			{
				resource: 'message',
				operation: 'copy',
				mailbox: 'other',
				mailboxId: 'shared@contoso.com',
				messageId: byExpression,
				folderId: rl(FOLDER_ID, 'list'),
			},
			{ items: itemsFor(ids(2)) },
		);
		expect(t.s.graph.calls()).toEqual(
			ids(2).map((id) => ({
				method: 'POST',
				path: `/users/shared%40contoso.com/messages/${encodeURIComponent(id)}/copy`,
				query: {},
				body: { destinationId: FOLDER_ID },
				inBatch: true,
			})),
		);
		expect(out.map((o) => o.json.id)).toEqual(ids(2).map((id) => `${id}copy`));
	});

	it('deletes to Deleted Items (a move) or permanently (permanentDelete: nothing left to recover)', async () => {
		const mailbox = new RulesMailbox('/me').install(t.s.graph);
		const [soft, hard] = [mailbox.deliver('inbox'), mailbox.deliver('inbox')];
		const softOut = await t.run(
			{ resource: 'message', operation: 'delete', messageId: byExpression },
			{ items: itemsFor([soft]) },
		);
		const hardOut = await t.run(
			{ resource: 'message', operation: 'delete', messageId: byExpression, permanent: true },
			{ items: itemsFor([hard]) },
		);
		expect(t.s.graph.calls()).toEqual([
			{
				method: 'POST',
				path: `/me/messages/${encodeURIComponent(soft)}/move`,
				query: {},
				body: { destinationId: 'deleteditems' },
				inBatch: true,
			},
			{
				method: 'POST',
				path: `/me/messages/${encodeURIComponent(hard)}/permanentDelete`,
				query: {},
				body: undefined,
				inBatch: true,
			},
		]);
		expect(softOut[0].json).toEqual({ id: soft, deleted: true, permanent: false });
		expect(hardOut[0].json).toEqual({ id: hard, deleted: true, permanent: true });
		expect(mailbox.inFolder('deleteditems').map((m) => m.id)).toEqual([soft]);
		// DELETE would have left it in Recoverable Items, where the user can restore it.
		expect(mailbox.inFolder('recoverableitemsdeletions')).toEqual([]);
		expect(mailbox.purged.has(hard)).toBe(true);
	});

	it('Delete Permanently in a national cloud: refused before any request (permanentDelete is global-only)', async () => {
		const n8n = new N8nHarness(
			{ [MAIL]: new OutlookMail() },
			connectedCredential(t.s, { environment: 'usGov' }),
		);
		const [out] = await n8n.execute(MAIL, {
			parameters: {
				resource: 'message',
				operation: 'delete',
				messageId: byExpression,
				permanent: true,
			},
			items: itemsFor(ids(1)),
			continueOnFail: true,
		});
		expect(out[0].json.error).toMatch(
			/Delete Permanently is not available in US Government \(GCC High\): Microsoft Graph offers permanentDelete in its global service only/,
		);
		expect(t.s.graph.requests).toHaveLength(0);
	});

	it('an item with bad input fails alone, before any request; the others still go out', async () => {
		t.s.graph.on('POST', '/me/messages/:id/move', (_, p) => ({
			status: 201,
			body: graphMessage(p.id),
		}));
		const items = [
			{ json: { id: ids(1)[0], folder: 'archive' } },
			{ json: { id: 'bad id!', folder: 'archive' } },
			{ json: { id: ids(2)[1], folder: 'My Stuff' } },
		];
		const out = await t.run(
			{
				resource: 'message',
				operation: 'move',
				messageId: byExpression,
				folderId: rl('={{ $json.folder }}'),
			},
			{ items, continueOnFail: true },
		);
		expect(t.s.graph.calls()).toHaveLength(1);
		expect(out[0].json.id).toBe(ids(1)[0]);
		expect(out[1].json.error).toMatch(/"bad id!" in the field Message is not a message ID/);
		expect(out[2].json.error).toMatch(
			/"My Stuff" in the field Destination Folder is not a folder ID or a well-known folder name/,
		);
	});

	it('refuses an Update without fields', async () => {
		const error = await t.fail(
			{ resource: 'message', operation: 'update', messageId: byExpression, updateFields: {} },
			{ items: itemsFor(ids(1)) },
		);
		expect(error.message).toMatch(/No field to update/);
		expect(t.s.graph.requests).toHaveLength(0);
	});
});
