import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { OutlookMail } from '../../../nodes/OutlookMail/OutlookMail.node';
import { connectedCredential } from '../../support/fixtures';
import { FAST_COSTS } from '../../support/graph-costs';
import { RulesMailbox } from '../../support/graph-mail-rules';
import { graphError, type GraphReply } from '../../support/graph-standin';
import * as retry from '../../../nodes/shared/graph/retry';
import { N8nHarness } from '../../support/n8n-harness';
import { FOLDER_ID, graphMessage, MAIL, rl, useMailNode } from './setup';

const ids = (n: number) =>
	Array.from({ length: n }, (_, k) => `AAMkBulk${String(k).padStart(3, '0')}=`);
const itemsFor = (list: string[]): INodeExecutionData[] => list.map((id) => ({ json: { id } }));
const byExpression = rl('={{ $json.id }}');

describe('bulk Update / Move / Copy / Delete through $batch', () => {
	const t = useMailNode();

	it('updates 45 items in 4 $batch calls of one dependsOn chain each, each result paired to its item', async () => {
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
		expect(
			envelopes.map((e) => (e.body as { requests: unknown[] }).requests.length).sort(),
		).toEqual([11, 11, 11, 12]);
		const calls = t.s.graph.calls();
		expect(calls).toHaveLength(45);
		expect(calls.find((call) => call.path.endsWith(encodeURIComponent(list[0])))).toEqual({
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

	it('a failed $batch call fails only its own items: 19 copies done keep their output, 6 fail with its error', async () => {
		const list = ids(25);
		// Chains of 7, 6, 6, 6: the gateway times out on the call carrying items 19–24; a POST
		// answered 504 is not sent again.
		const failLastChain = () =>
			t.s.graph.failEnvelope((_n, record) =>
				JSON.stringify(record.body).includes(encodeURIComponent(list[19]))
					? graphError(504, 'GatewayTimeout', 'The gateway did not receive a response.')
					: undefined,
			);
		t.s.graph.on('POST', '/me/messages/:id/copy', (_, p) => ({
			status: 201,
			body: graphMessage(`${p.id}copy`),
		}));
		failLastChain();
		const out = await t.run(
			{ resource: 'message', operation: 'copy', messageId: byExpression, folderId: rl('archive') },
			{ items: itemsFor(list), continueOnFail: true },
		);
		expect(t.s.graph.requests.filter((r) => r.path === '/$batch')).toHaveLength(4);
		expect(t.s.graph.calls()).toHaveLength(19);
		expect(out).toHaveLength(25);
		out.slice(0, 19).forEach((item, k) =>
			expect(item).toEqual({
				json: expect.objectContaining({ id: `${list[k]}copy` }),
				pairedItem: { item: k },
			}),
		);
		out.slice(19).forEach((item, k) =>
			expect(item).toMatchObject({
				json: { error: expect.stringMatching(/504 GatewayTimeout/), httpCode: '504' },
				pairedItem: { item: 19 + k },
			}),
		);

		// Without Continue On Fail the node stops at the first failed item, and names it.
		t.s.graph.reset();
		t.s.graph.on('POST', '/me/messages/:id/copy', (_, p) => ({
			status: 201,
			body: graphMessage(`${p.id}copy`),
		}));
		failLastChain();
		const error = await t.fail(
			{ resource: 'message', operation: 'copy', messageId: byExpression, folderId: rl('archive') },
			{ items: itemsFor(list) },
		);
		expect(error.message).toMatch(/504 GatewayTimeout/);
		expect(error.context.itemIndex).toBe(19);
	});

	it('updates, moves and deletes 1,000 messages in dependsOn chains 4 at once: never more than 4 sub-requests on the mailbox, no lane waits, each item its own result', async () => {
		const list = ids(1000);
		t.s.graph.on('PATCH', '/me/messages/:id', (request, p) => ({
			body: graphMessage(p.id, request.body as IDataObject),
		}));
		t.s.graph.on('POST', '/me/messages/:id/move', (_, p) => ({
			status: 201,
			body: graphMessage(`${p.id}moved`),
		}));
		const runs: Array<[Record<string, unknown>, (id: string) => Record<string, unknown>]> = [
			[{ operation: 'update', updateFields: { isRead: true } }, (id) => ({ id, isRead: true })],
			[{ operation: 'move', folderId: rl('archive') }, (id) => ({ id: `${id}moved` })],
			[{ operation: 'delete' }, (id) => ({ id, deleted: true })],
		];
		for (const [parameters, expected] of runs) {
			t.s.graph.requests.length = 0;
			const costs = t.s.graph.costModel(FAST_COSTS);
			const out = await t.run(
				{ resource: 'message', messageId: byExpression, ...parameters },
				{ items: itemsFor(list) },
			);
			expect(out).toHaveLength(1000);
			out.forEach((item, k) => {
				expect(item.pairedItem).toEqual({ item: k });
				expect(item.json).toMatchObject(expected(list[k]));
			});
			const envelopes = t.s.graph.requests.filter((r) => r.path === '/$batch');
			// 4 × ⌈1000 / 80⌉ = 52 chains of 19 or 20.
			expect(envelopes).toHaveLength(52);
			for (const envelope of envelopes) {
				const requests = (envelope.body as { requests: Array<{ dependsOn?: string[] }> }).requests;
				expect(requests.length).toBeGreaterThanOrEqual(19);
				expect(requests.slice(1).every((r) => r.dependsOn?.length === 1)).toBe(true);
			}
			expect(t.s.graph.calls()).toHaveLength(1000);
			expect(costs.stats.peakOnServer.me).toBeLessThanOrEqual(4);
			expect(costs.stats.peakInFlight.me).toBeLessThanOrEqual(4);
			expect(costs.stats.laneWaits).toBe(0);
		}
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

/**
 * DESIGN.md: "A request that may have had an effect is never repeated blindly." Copy makes a new
 * message each time it runs, so a Copy is not sent again after a failure that may have come after
 * Graph made the copy (a reset, a 5xx other than 429 or 503 with Retry-After); Update (PATCH) and
 * Move end in the same state however often they run, and are.
 */
describe('bulk operations after a failure that may have come after Graph did the work', () => {
	const copies: string[] = [];
	const copyParameters = {
		resource: 'message',
		operation: 'copy',
		messageId: byExpression,
		folderId: rl('archive'),
	};

	/** The first envelope runs its sub-requests (the copies are made), then its answer is `reply`. */
	function failFirstEnvelopeAfterRunning(t: ReturnType<typeof useMailNode>, reply: GraphReply) {
		t.s.graph.failEnvelope((n, record) => {
			if (n !== 1) return undefined;
			for (const sub of (record.body as { requests: Array<{ url: string }> }).requests)
				copies.push(decodeURIComponent(sub.url.split('/')[3]));
			return reply;
		});
	}

	beforeEach(() => {
		copies.length = 0;
		jest.spyOn(retry.retryClock, 'sleep').mockResolvedValue(undefined);
	});
	afterEach(() => jest.restoreAllMocks());

	describe('default retry policy', () => {
		const t = useMailNode();
		beforeEach(() =>
			t.s.graph.on('POST', '/me/messages/:id/copy', (_, p) => {
				copies.push(p.id);
				return { status: 201, body: graphMessage(`${p.id}copy${copies.length}`) };
			}),
		);

		it('a 503 without Retry-After on the envelope does not make each copy twice; each item says it may have been copied', async () => {
			const list = ids(3);
			failFirstEnvelopeAfterRunning(
				t,
				graphError(503, 'ServiceUnavailable', 'Service unavailable'),
			);
			const out = await t.run(copyParameters, { items: itemsFor(list), continueOnFail: true });
			expect(copies.sort()).toEqual([...list].sort());
			expect(t.s.graph.requests.filter((r) => r.path === '/$batch')).toHaveLength(1);
			out.forEach((item, k) =>
				expect(item).toMatchObject({
					json: { error: expect.stringMatching(/503/), httpCode: '503' },
					pairedItem: { item: k },
				}),
			);
			const error = await (async () => {
				t.s.graph.reset();
				copies.length = 0;
				failFirstEnvelopeAfterRunning(
					t,
					graphError(503, 'ServiceUnavailable', 'Service unavailable'),
				);
				return await t.fail(copyParameters, { items: itemsFor(list) });
			})();
			expect(error.description).toMatch(/may or may not have done this/);
		});

		it('Update (Mark as Read) and Move are sent again after an envelope 503: they are idempotent', async () => {
			const list = ids(3);
			const patched: string[] = [];
			const moved: string[] = [];
			t.s.graph.on('PATCH', '/me/messages/:id', (request, p) => {
				patched.push(p.id);
				return { body: graphMessage(p.id, request.body as IDataObject) };
			});
			t.s.graph.on('POST', '/me/messages/:id/move', (_, p) => {
				moved.push(p.id);
				return { status: 201, body: graphMessage(p.id) };
			});
			t.s.graph.failEnvelope((n) =>
				n === 1 || n === 3
					? graphError(503, 'ServiceUnavailable', 'Service unavailable')
					: undefined,
			);
			const read = await t.run(
				{
					resource: 'message',
					operation: 'update',
					messageId: byExpression,
					updateFields: { isRead: true },
				},
				{ items: itemsFor(list) },
			);
			const move = await t.run(
				{
					resource: 'message',
					operation: 'move',
					messageId: byExpression,
					folderId: rl('archive'),
				},
				{ items: itemsFor(list) },
			);
			expect(t.s.graph.requests.filter((r) => r.path === '/$batch')).toHaveLength(4);
			expect(patched).toEqual(list);
			expect(moved).toEqual(list);
			expect(read.map((o) => o.json.id)).toEqual(list);
			expect(move.map((o) => o.json.id)).toEqual(list);
		});
	});

	describe('Delete Permanently', () => {
		const t = useMailNode();

		it('a purge answered 504 after Graph did it is sent again, and the 404 that finds it gone counts as deleted', async () => {
			const list = ids(3);
			const present = new Set(list);
			const purges: string[] = [];
			// m1's purge times out at the gateway after Exchange purged it (504: Graph may have done it).
			t.s.graph.on('POST', '/me/messages/:id/permanentDelete', (_, p) => {
				purges.push(p.id);
				if (!present.delete(p.id))
					return graphError(
						404,
						'ErrorItemNotFound',
						'The specified object was not found in the store.',
					);
				return p.id === list[1]
					? graphError(504, 'GatewayTimeout', 'Gateway timeout')
					: { status: 204 };
			});
			const out = await t.run(
				{ resource: 'message', operation: 'delete', messageId: byExpression, permanent: true },
				{ items: itemsFor(list), continueOnFail: true },
			);
			expect(purges).toEqual([...list, list[1]]);
			expect(out.map((o) => o.json)).toEqual(
				list.map((id) => ({ id, deleted: true, permanent: true })),
			);
		});

		it('purges whose $batch call is answered 503 after Graph did them are sent again, and count as deleted', async () => {
			const list = ids(3);
			const present = new Set(list);
			t.s.graph.on('POST', '/me/messages/:id/permanentDelete', (_, p) =>
				present.delete(p.id)
					? { status: 204 }
					: graphError(
							404,
							'ErrorItemNotFound',
							'The specified object was not found in the store.',
						),
			);
			// The first call runs its purges, then is answered 503 without Retry-After.
			t.s.graph.failEnvelope((n, record) => {
				if (n !== 1) return undefined;
				for (const sub of (record.body as { requests: Array<{ url: string }> }).requests)
					present.delete(decodeURIComponent(sub.url.split('/')[3]));
				return graphError(503, 'ServiceUnavailable', 'Service unavailable');
			});
			const out = await t.run(
				{ resource: 'message', operation: 'delete', messageId: byExpression, permanent: true },
				{ items: itemsFor(list), continueOnFail: true },
			);
			expect(t.s.graph.requests.filter((r) => r.path === '/$batch')).toHaveLength(2);
			expect(out.map((o) => o.json)).toEqual(
				list.map((id) => ({ id, deleted: true, permanent: true })),
			);
		});
	});

	describe('On Any Error', () => {
		const t = useMailNode({ retryMode: 'anyError' });

		it('a connection reset after Graph made the copies does not make each copy twice', async () => {
			t.s.graph.on('POST', '/me/messages/:id/copy', (_, p) => {
				copies.push(p.id);
				return { status: 201, body: graphMessage(`${p.id}copy${copies.length}`) };
			});
			const list = ids(3);
			failFirstEnvelopeAfterRunning(t, { dropConnection: true });
			const out = await t.run(copyParameters, { items: itemsFor(list), continueOnFail: true });
			expect(copies.sort()).toEqual([...list].sort());
			expect(out.map((o) => o.json.error)).toEqual(list.map(() => expect.any(String)));
		});

		it('a Copy sub-request answered 502 after the copy was made is not sent again', async () => {
			let made = 0;
			t.s.graph.on('POST', '/me/messages/:id/copy', (_, p) => {
				made++;
				return made === 1
					? graphError(502, 'BadGateway', 'Bad gateway')
					: { status: 201, body: graphMessage(`${p.id}copy${made}`) };
			});
			const out = await t.run(copyParameters, { items: itemsFor(ids(1)), continueOnFail: true });
			expect(made).toBe(1);
			expect(out[0].json).toMatchObject({ httpCode: '502' });
		});
	});
});
