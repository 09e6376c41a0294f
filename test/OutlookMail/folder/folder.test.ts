import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { graphError } from '../../support/graph-standin';
import { FOLDER_ID, FOLDER_ID_2, graphFolder, rl, SHARED, SHARED_ROOT, useMailNode } from './setup';

const enc = encodeURIComponent;

describe('Folder → Create', () => {
	const t = useMailNode();

	it('creates a top-level folder', async () => {
		t.s.graph.on('POST', '/me/mailFolders', (request) => ({
			status: 201,
			body: graphFolder('AAMkNEW=', (request.body as { displayName: string }).displayName),
		}));
		const out = await t.run({ resource: 'folder', operation: 'create', displayName: ' Invoices ' });
		expect(t.s.graph.calls()).toEqual([
			{
				method: 'POST',
				path: '/me/mailFolders',
				query: {},
				body: { displayName: 'Invoices' },
				inBatch: false,
			},
		]);
		expect(out).toEqual([{ json: graphFolder('AAMkNEW=', 'Invoices'), pairedItem: { item: 0 } }]);
	});

	it('creates a hidden child folder under a well-known folder typed by its display name, in a shared mailbox', async () => {
		t.s.graph.on('POST', `${SHARED_ROOT}/mailFolders/:id/childFolders`, {
			status: 201,
			body: graphFolder('AAMkNEW=', '2025', { isHidden: true }),
		});
		await t.run({
			resource: 'folder',
			operation: 'create',
			...SHARED,
			displayName: '2025',
			location: 'child',
			parentFolderId: rl('Sent Items'),
			options: { isHidden: true },
		});
		expect(t.s.graph.calls()).toEqual([
			{
				method: 'POST',
				path: `${SHARED_ROOT}/mailFolders/sentitems/childFolders`,
				query: {},
				body: { displayName: '2025', isHidden: true },
				inBatch: false,
			},
		]);
	});

	it('creates a child folder of a folder given by ID (encoded)', async () => {
		t.s.graph.on('POST', '/me/mailFolders/:id/childFolders', {
			status: 201,
			body: graphFolder('AAMkNEW=', 'x'),
		});
		await t.run({
			resource: 'folder',
			operation: 'create',
			displayName: 'x',
			location: 'child',
			parentFolderId: rl('AAMk-a_b=', 'list'),
		});
		expect(t.s.graph.calls()[0].path).toBe('/me/mailFolders/AAMk-a_b%3D/childFolders');
	});

	it('names the field and the item for an empty name or an unknown parent folder, before any request', async () => {
		const empty = await t.fail({ resource: 'folder', operation: 'create', displayName: '' });
		expect(empty).toBeInstanceOf(NodeOperationError);
		expect(empty.message).toBe('The field Name is empty');
		const unknown = await t.fail(
			{
				resource: 'folder',
				operation: 'create',
				displayName: 'x',
				location: 'child',
				parentFolderId: rl('Projects'),
			},
			{ items: [{ json: {} }] },
		);
		expect(unknown.message).toBe(
			'"Projects" in the field Parent Folder is not a folder ID or a well-known folder name',
		);
		expect(unknown.context?.itemIndex).toBe(0);
		expect(t.s.graph.requests).toEqual([]);
	});
});

describe('Folder → Get', () => {
	const t = useMailNode();

	it('gets a folder by well-known name', async () => {
		t.s.graph.on('GET', '/me/mailFolders/:id', (_r, params) => ({
			body: graphFolder(FOLDER_ID, params.id === 'junkemail' ? 'Junk Email' : '?'),
		}));
		const out = await t.run({ resource: 'folder', operation: 'get', folderId: rl('junkemail') });
		expect(t.s.graph.calls()).toEqual([
			{
				method: 'GET',
				path: '/me/mailFolders/junkemail',
				query: {},
				body: undefined,
				inBatch: false,
			},
		]);
		expect(out[0].json).toEqual(graphFolder(FOLDER_ID, 'Junk Email'));
	});

	it.each([
		[
			'a new Outlook link to a well-known folder',
			'https://outlook.office.com/mail/sentitems',
			'sentitems',
		],
		[
			'an Outlook.com link with an account index',
			'https://outlook.live.com/mail/0/junkemail',
			'junkemail',
		],
		// OWA links carry the EWS form of the ID: / and + become - and _ in Graph's REST IDs.
		[
			'a link to a custom folder (EWS ID)',
			`https://outlook.office.com/mail/${encodeURIComponent('AAMkAGI2/Fo+ld=')}/`,
			'AAMkAGI2-Fo_ld=',
		],
	])('gets a folder by URL: %s', async (_what, url, id) => {
		t.s.graph.on('GET', '/me/mailFolders/:id', { body: graphFolder(FOLDER_ID, 'x') });
		await t.run({ resource: 'folder', operation: 'get', folderId: rl(url, 'url') });
		expect(t.s.graph.calls().map((c) => c.path)).toEqual([`/me/mailFolders/${enc(id)}`]);
	});

	it('an Outlook.com link with only the account index (mail/0/) is refused, naming the field, before any request', async () => {
		// Outlook on the web's landing address names an account, not a folder.
		const error = await t.fail({
			resource: 'folder',
			operation: 'get',
			folderId: rl('https://outlook.live.com/mail/0/', 'url'),
		});
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('The link in the field Folder holds no folder');
		expect(t.s.graph.requests).toEqual([]);
	});

	it('a folder link without /mail/ is refused, naming the field, before any request', async () => {
		const error = await t.fail({
			resource: 'folder',
			operation: 'get',
			folderId: rl('https://outlook.office.com/calendar/view/day', 'url'),
		});
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('The link in the field Folder holds no folder');
		expect(t.s.graph.requests).toEqual([]);
	});

	it('gets a folder by ID in a shared mailbox, and maps a 404 to a NodeApiError for the item', async () => {
		t.s.graph.on(
			'GET',
			`${SHARED_ROOT}/mailFolders/:id`,
			graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.'),
		);
		const error = await t.fail({
			resource: 'folder',
			operation: 'get',
			...SHARED,
			folderId: rl(FOLDER_ID),
		});
		expect(t.s.graph.calls().map((c) => c.path)).toEqual([
			`${SHARED_ROOT}/mailFolders/${enc(FOLDER_ID)}`,
		]);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.context?.itemIndex).toBe(0);
	});
});

describe('Folder → Get Many', () => {
	const t = useMailNode();

	/** inbox(AAMkIN=) → [Projects(AAMkP=) → [2025(AAMkP25=)], Receipts(AAMkR=)], Archive(AAMkAR=) */
	function stubTree() {
		const tree: Record<string, Array<Record<string, unknown>>> = {
			root: [
				graphFolder('AAMkIN=', 'Inbox', { childFolderCount: 2 }),
				graphFolder('AAMkAR=', 'Archive'),
			],
			'AAMkIN=': [
				graphFolder('AAMkP=', 'Projects', { childFolderCount: 1, parentFolderId: 'AAMkIN=' }),
				graphFolder('AAMkR=', 'Receipts', { parentFolderId: 'AAMkIN=' }),
			],
			'AAMkP=': [graphFolder('AAMkP25=', '2025', { parentFolderId: 'AAMkP=' })],
		};
		t.s.graph.collection('GET', '/me/mailFolders', () => tree.root);
		for (const id of ['AAMkIN=', 'AAMkP='])
			t.s.graph.collection('GET', `/me/mailFolders/${enc(id)}/childFolders`, () => tree[id]);
	}

	it('lists the top-level folders up to the limit', async () => {
		stubTree();
		const out = await t.run({ resource: 'folder', operation: 'getAll', limit: 5 });
		expect(t.s.graph.calls()).toEqual([
			{
				method: 'GET',
				path: '/me/mailFolders',
				query: { $top: '5' },
				body: undefined,
				inBatch: false,
			},
		]);
		expect(out.map((o) => o.json.path)).toEqual(['Inbox', 'Archive']);
		expect(out[0].json).toEqual({
			...graphFolder('AAMkIN=', 'Inbox', { childFolderCount: 2 }),
			path: 'Inbox',
		});
	});

	it('walks child folders depth first with Include Child Folders, giving each its path', async () => {
		stubTree();
		const out = await t.run({
			resource: 'folder',
			operation: 'getAll',
			returnAll: true,
			options: { recursive: true, includeHiddenFolders: true },
		});
		expect(out.map((o) => [o.json.id, o.json.path])).toEqual([
			['AAMkIN=', 'Inbox'],
			['AAMkP=', 'Inbox/Projects'],
			['AAMkP25=', 'Inbox/Projects/2025'],
			['AAMkR=', 'Inbox/Receipts'],
			['AAMkAR=', 'Archive'],
		]);
		expect(t.s.graph.calls().map((c) => [c.path, c.query])).toEqual([
			['/me/mailFolders', { includeHiddenFolders: 'true', $top: '250' }],
			[
				`/me/mailFolders/${enc('AAMkIN=')}/childFolders`,
				{ includeHiddenFolders: 'true', $top: '250' },
			],
			[
				`/me/mailFolders/${enc('AAMkP=')}/childFolders`,
				{ includeHiddenFolders: 'true', $top: '250' },
			],
		]);
	});

	it('stops walking once the limit is reached', async () => {
		stubTree();
		const out = await t.run({
			resource: 'folder',
			operation: 'getAll',
			limit: 2,
			options: { recursive: true },
		});
		expect(out.map((o) => o.json.path)).toEqual(['Inbox', 'Inbox/Projects']);
		expect(t.s.graph.calls().map((c) => c.path)).toEqual([
			'/me/mailFolders',
			`/me/mailFolders/${enc('AAMkIN=')}/childFolders`,
		]);
	});

	it('lists the child folders of a folder, following nextLink pages', async () => {
		const children = Array.from({ length: 5 }, (_, i) =>
			graphFolder(`AAMkC${i}=`, `C${i}`, { parentFolderId: 'AAMkIN=' }),
		);
		t.s.graph.collection('GET', '/me/mailFolders/inbox/childFolders', () => children, {
			maxPageSize: 2,
		});
		const out = await t.run({
			resource: 'folder',
			operation: 'getAll',
			location: 'child',
			parentFolderId: rl('inbox'),
			returnAll: true,
		});
		expect(out.map((o) => o.json.path)).toEqual(['C0', 'C1', 'C2', 'C3', 'C4']);
		expect(t.s.graph.calls()).toHaveLength(3);
	});
});

describe('Folder → Rename', () => {
	const t = useMailNode();

	it('patches the display name', async () => {
		t.s.graph.on('PATCH', '/me/mailFolders/:id', (request) => ({
			body: graphFolder(FOLDER_ID, (request.body as { displayName: string }).displayName),
		}));
		const out = await t.run({
			resource: 'folder',
			operation: 'update',
			folderId: rl(FOLDER_ID),
			displayName: 'Invoices 2025',
		});
		expect(t.s.graph.calls()).toEqual([
			{
				method: 'PATCH',
				path: `/me/mailFolders/${enc(FOLDER_ID)}`,
				query: {},
				body: { displayName: 'Invoices 2025' },
				inBatch: false,
			},
		]);
		expect(out[0].json.displayName).toBe('Invoices 2025');
	});

	it('refuses to rename a default folder, before any request', async () => {
		const error = await t.fail({
			resource: 'folder',
			operation: 'update',
			folderId: rl('inbox'),
			displayName: 'x',
		});
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe(
			'The folder "inbox" in the field Folder is a default Outlook folder, which cannot be renamed',
		);
		expect(t.s.graph.requests).toEqual([]);
	});
});

describe('Folder → Move', () => {
	const t = useMailNode();

	it('moves a folder into another (destinationId) and returns the moved folder', async () => {
		t.s.graph.on('POST', `${SHARED_ROOT}/mailFolders/:id/move`, {
			body: graphFolder(FOLDER_ID, 'Old', { parentFolderId: 'AAMkAR=' }),
		});
		const out = await t.run({
			resource: 'folder',
			operation: 'move',
			...SHARED,
			folderId: rl(FOLDER_ID),
			destinationFolderId: rl('archive'),
		});
		expect(t.s.graph.calls()).toEqual([
			{
				method: 'POST',
				path: `${SHARED_ROOT}/mailFolders/${enc(FOLDER_ID)}/move`,
				query: {},
				body: { destinationId: 'archive' },
				inBatch: false,
			},
		]);
		expect(out[0].json.parentFolderId).toBe('AAMkAR=');
	});

	it('refuses to move a default folder or a folder into itself, and names an unknown destination, before any request', async () => {
		const wellKnown = await t.fail({
			resource: 'folder',
			operation: 'move',
			folderId: rl('drafts'),
			destinationFolderId: rl(FOLDER_ID),
		});
		expect(wellKnown.message).toBe(
			'The folder "drafts" in the field Folder is a default Outlook folder, which cannot be moved',
		);
		const itself = await t.fail({
			resource: 'folder',
			operation: 'move',
			folderId: rl(FOLDER_ID),
			destinationFolderId: rl(FOLDER_ID),
		});
		expect(itself.message).toBe('The fields Folder and Destination Folder name the same folder');
		const unknown = await t.fail({
			resource: 'folder',
			operation: 'move',
			folderId: rl(FOLDER_ID),
			destinationFolderId: rl(''),
		});
		expect(unknown.message).toBe('The field Destination Folder is empty');
		expect(t.s.graph.requests).toEqual([]);
	});
});

describe('Folder → Delete', () => {
	const t = useMailNode();

	it('deletes a folder', async () => {
		t.s.graph.on('DELETE', '/me/mailFolders/:id', { status: 204 });
		const out = await t.run({ resource: 'folder', operation: 'delete', folderId: rl(FOLDER_ID_2) });
		expect(t.s.graph.calls()).toEqual([
			{
				method: 'DELETE',
				path: `/me/mailFolders/${enc(FOLDER_ID_2)}`,
				query: {},
				body: undefined,
				inBatch: false,
			},
		]);
		expect(out).toEqual([{ json: { id: FOLDER_ID_2, deleted: true }, pairedItem: { item: 0 } }]);
	});

	it('refuses to delete a default folder; with Continue On Fail the other items still run', async () => {
		t.s.graph.on('DELETE', '/me/mailFolders/:id', { status: 204 });
		const out = await t.run(
			{ resource: 'folder', operation: 'delete', folderId: rl('={{ $json.f }}') },
			{
				items: [{ json: { f: 'deleteditems' } }, { json: { f: FOLDER_ID } }],
				continueOnFail: true,
			},
		);
		expect(out[0]).toEqual({
			json: {
				error:
					'The folder "deleteditems" in the field Folder is a default Outlook folder, which cannot be deleted',
				description: 'Pick one of your own folders.',
			},
			pairedItem: { item: 0 },
		});
		expect(out[1]).toEqual({ json: { id: FOLDER_ID, deleted: true }, pairedItem: { item: 1 } });
		expect(t.s.graph.calls().map((c) => c.path)).toEqual([`/me/mailFolders/${enc(FOLDER_ID)}`]);
	});
});
