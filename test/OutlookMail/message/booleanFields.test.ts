/**
 * Boolean fields filled by an expression: data from a webhook, a form or a sheet gives the text
 * "false" or "true". n8n converts it only for fields that declare `validateType: 'boolean'`
 * (nodes/shared/parameters.ts withBooleanValidation); before, the text "false" in Delete
 * Permanently was truthy and purged the message, and "true" in Is Read marked it unread. A value
 * that is no boolean fails its own item, naming the field, and Continue On Fail goes on.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { graphMessage, rl, useMailNode } from './setup';

const ID = 'AAMkBoolA0001=';

describe('boolean fields filled by expressions', () => {
	const t = useMailNode();

	it('Delete with Delete Permanently = "false" (string) moves to Deleted Items, never purges', async () => {
		t.s.graph.on('POST', '/me/messages/:id/move', (_, p) => ({
			status: 201,
			body: graphMessage(`${p.id}moved`),
		}));
		t.s.graph.on('POST', '/me/messages/:id/permanentDelete', () => ({ status: 204 }));
		const items: INodeExecutionData[] = [{ json: { id: ID, purge: 'false' } }];
		const out = await t.run(
			{
				resource: 'message',
				operation: 'delete',
				messageId: rl('={{ $json.id }}'),
				permanent: '={{ $json.purge }}',
			},
			{ items },
		);
		expect(t.s.graph.calls().map((c) => `${c.method} ${c.path}`)).toEqual([
			`POST /me/messages/${encodeURIComponent(ID)}/move`,
		]);
		expect(out[0].json).toEqual({ id: ID, deleted: true, permanent: false });
	});

	it('a value that is no boolean fails its item, naming the field; Continue On Fail goes on', async () => {
		t.s.graph.on('POST', '/me/messages/:id/move', (_, p) => ({
			status: 201,
			body: graphMessage(`${p.id}moved`),
		}));
		const items: INodeExecutionData[] = [
			{ json: { id: ID, purge: 'maybe' } },
			{ json: { id: 'AAMkBoolB0002=', purge: 'FALSE' } },
		];
		const parameters = {
			resource: 'message',
			operation: 'delete',
			messageId: rl('={{ $json.id }}'),
			permanent: '={{ $json.purge }}',
		};
		const error = await t.fail(parameters, { items });
		expect(error.message).toBe("Invalid input for 'Delete Permanently' [item 0]");
		const out = await t.run(parameters, { items, continueOnFail: true });
		expect(out.map((o) => [o.pairedItem, o.json.error ?? o.json.permanent])).toEqual([
			[{ item: 0 }, "Invalid input for 'Delete Permanently' [item 0]"],
			[{ item: 1 }, false],
		]);
	});

	it('Update with Is Read = "true" (string) marks the message read', async () => {
		t.s.graph.on('PATCH', '/me/messages/:id', (request, p) => ({
			body: graphMessage(p.id, request.body as IDataObject),
		}));
		const items: INodeExecutionData[] = [{ json: { id: ID, read: 'true' } }];
		await t.run(
			{
				resource: 'message',
				operation: 'update',
				messageId: rl('={{ $json.id }}'),
				updateFields: { isRead: '={{ $json.read }}' },
			},
			{ items },
		);
		expect(t.s.graph.calls()[0].body).toEqual({ isRead: true });
	});
});

const A = 'AAMkDelA0001=';
const B = 'AAMkDelB0002=';
const C = 'AAMkDelC0003=';
const items: INodeExecutionData[] = [
	{ json: { id: A, purge: false } },
	{ json: { id: B, fromNode: 'Settings' } }, // the expression below throws for this item only
	{ json: { id: C, purge: false } },
];
const parameters = {
	resource: 'message',
	operation: 'delete',
	messageId: rl('={{ $json.id }}'),
	permanent: '={{ $json.fromNode ? $($json.fromNode).item.json.purge : $json.purge }}',
};

describe('Message → Delete, one item whose Delete Permanently cannot be read', () => {
	const t = useMailNode();
	beforeEach(() =>
		t.s.graph.on('POST', '/me/messages/:id/move', (_, p) => ({
			status: 201,
			body: graphMessage(`${p.id}moved`),
		})),
	);

	it('with Continue On Fail, only the bad item fails; the others are deleted', async () => {
		const out = await t.run(parameters, { items, continueOnFail: true });
		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(out[0].json).toEqual({ id: A, deleted: true, permanent: false });
		expect(out[1].json.error).toBeDefined();
		expect(out[2].json).toEqual({ id: C, deleted: true, permanent: false });
	});

	it('without Continue On Fail, the error names the bad item (1)', async () => {
		const error = await t.fail(parameters, { items });
		expect(error.context.itemIndex).toBe(1);
	});
});
