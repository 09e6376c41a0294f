import { createHash } from 'node:crypto';

import type { INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { UPLOAD_CHUNK_SIZE, UPLOAD_SESSION_LIMIT } from '../../../nodes/shared/graph/upload';
import { serveAttachments, type StoredAttachment } from '../../support/graph-mailbox';
import { delegatedUploadRefusal, type MailBehaviour } from '../../support/graph-mail-rules';
import { graphError, type GraphRequestRecord } from '../../support/graph-standin';
import { initBinaryData } from '../../support/n8n-harness';
import { MSG_ID, rl, SHARED, SHARED_ROOT, useMailNode } from '../folder/setup';

const MSG_PATH = `/me/messages/${encodeURIComponent(MSG_ID)}`;
const SELECT = 'id,name,contentType,size,isInline,lastModifiedDateTime';

const fileAttachment = (id: string, name: string, extra: Record<string, unknown> = {}) => ({
	'@odata.type': '#microsoft.graph.fileAttachment',
	'@odata.mediaContentType': 'application/pdf',
	id,
	name,
	contentType: 'application/pdf',
	size: 1234,
	isInline: false,
	lastModifiedDateTime: '2024-05-01T09:00:00Z',
	...extra,
});

function bytes(size: number): Buffer {
	const buffer = Buffer.alloc(size);
	for (let i = 0; i < size; i++) buffer[i] = (i * 31 + 7) & 0xff;
	return buffer;
}

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

function binaryItem(
	content: Buffer,
	fileName: string,
	mimeType: string,
	property = 'data',
): INodeExecutionData {
	return {
		json: {},
		binary: { [property]: { data: content.toString('base64'), fileName, mimeType } },
	};
}

describe('Attachment → Get Many', () => {
	const t = useMailNode();

	it('lists the metadata of a message’s attachments, without content', async () => {
		t.s.graph.on('GET', '/me/messages/:id/attachments', {
			body: {
				value: [
					fileAttachment('A1', 'a.pdf'),
					{
						'@odata.type': '#microsoft.graph.itemAttachment',
						id: 'A2',
						name: 'Fwd: hello',
						contentType: null,
						size: 900,
						isInline: false,
					},
				],
			},
		});
		const out = await t.run({ resource: 'attachment', operation: 'getAll', messageId: rl(MSG_ID) });
		expect(t.s.graph.calls()).toEqual([
			{
				method: 'GET',
				path: `${MSG_PATH}/attachments`,
				query: { $select: SELECT, $top: '50' },
				body: undefined,
				inBatch: false,
			},
		]);
		expect(out).toEqual([
			{
				json: {
					messageId: MSG_ID,
					id: 'A1',
					name: 'a.pdf',
					contentType: 'application/pdf',
					size: 1234,
					isInline: false,
					lastModifiedDateTime: '2024-05-01T09:00:00Z',
					attachmentType: 'file',
				},
				pairedItem: { item: 0 },
			},
			{
				json: {
					messageId: MSG_ID,
					id: 'A2',
					name: 'Fwd: hello',
					contentType: null,
					size: 900,
					isInline: false,
					attachmentType: 'item',
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	it('follows nextLink pages with Return All, in a shared mailbox, for a message given by Outlook on the web link', async () => {
		const all = Array.from({ length: 7 }, (_, i) => fileAttachment(`A${i}`, `f${i}.pdf`));
		t.s.graph.collection('GET', `${SHARED_ROOT}/messages/:id/attachments`, () => all, {
			maxPageSize: 3,
		});
		const link = `https://outlook.office.com/mail/inbox/id/${encodeURIComponent('AAMkAGI2TG93AAA=')}`;
		const out = await t.run({
			resource: 'attachment',
			operation: 'getAll',
			...SHARED,
			messageId: rl(link, 'url'),
			returnAll: true,
		});
		expect(out.map((o) => o.json.id)).toEqual(['A0', 'A1', 'A2', 'A3', 'A4', 'A5', 'A6']);
		const calls = t.s.graph.calls();
		expect(calls).toHaveLength(3);
		expect(calls[0]).toMatchObject({
			method: 'GET',
			path: `${SHARED_ROOT}/messages/${encodeURIComponent(MSG_ID)}/attachments`,
			query: { $select: SELECT, $top: '1000' },
		});
		expect(calls[1].query.$skiptoken).toBeDefined();
	});

	it('names the field and the item when the message ID is not an ID, before any request', async () => {
		const error = await t.fail({
			resource: 'attachment',
			operation: 'getAll',
			messageId: rl('../../me'),
		});
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('"../../me" in the field Message is not a message ID');
		expect(t.s.graph.requests).toEqual([]);
	});
});

describe('Attachment → Download', () => {
	const t = useMailNode();
	const MIME = Buffer.from(
		'From: alice@contoso.com\r\nSubject: Fwd: hello\r\nContent-Type: text/plain\r\n\r\nHello\r\n',
	);
	const stored = (content: Buffer): StoredAttachment[] => [
		{ ...fileAttachment('AAMkATT/1=', 'report.pdf', { size: content.length }), content },
		{
			'@odata.type': '#microsoft.graph.itemAttachment',
			id: 'ITEM1',
			name: 'Fwd: hello',
			size: 900,
			content: MIME,
		},
		{
			'@odata.type': '#microsoft.graph.referenceAttachment',
			id: 'REF1',
			name: 'Budget.xlsx',
			size: 100,
		},
	];
	const download = (attachmentId: string, extra: Record<string, unknown> = {}) => ({
		resource: 'attachment',
		operation: 'download',
		messageId: rl(MSG_ID),
		attachmentId,
		...extra,
	});

	it('streams the file from $value into the binary field with its name and MIME type', async () => {
		const content = bytes(300_000);
		serveAttachments(t.s.graph, '/me', () => stored(content));
		const out = await t.run(download('AAMkATT/1=', { binaryPropertyName: 'file' }));
		expect(t.s.graph.calls()).toEqual([
			{
				method: 'GET',
				path: `${MSG_PATH}/attachments/AAMkATT%2F1%3D`,
				query: { $select: SELECT },
				body: undefined,
				inBatch: false,
			},
			{
				method: 'GET',
				path: `${MSG_PATH}/attachments/AAMkATT%2F1%3D/$value`,
				query: {},
				body: undefined,
				inBatch: false,
			},
		]);
		expect(out).toHaveLength(1);
		expect(out[0].json).toEqual({
			messageId: MSG_ID,
			id: 'AAMkATT/1=',
			name: 'report.pdf',
			contentType: 'application/pdf',
			size: 300_000,
			isInline: false,
			lastModifiedDateTime: '2024-05-01T09:00:00Z',
			attachmentType: 'file',
		});
		const binary = out[0].binary!.file;
		expect(binary).toMatchObject({
			fileName: 'report.pdf',
			mimeType: 'application/pdf',
			fileExtension: 'pdf',
		});
		// Memory mode (n8n's default): the file is in the item as base64.
		expect(sha(Buffer.from(binary.data, 'base64'))).toBe(sha(content));
		expect(out[0].pairedItem).toEqual({ item: 0 });
	});

	it('falls back to the JSON contentBytes when $value fails, with the same bytes', async () => {
		const content = bytes(70_000);
		serveAttachments(t.s.graph, '/me', () => [
			{
				...stored(content)[0],
				valueReply: graphError(500, 'InternalServerError', 'Something went wrong.'),
			},
		]);
		const out = await t.run(download('AAMkATT/1='));
		expect(
			t.s.graph.calls().map((c) => `${c.path.split('/').pop()} ${c.query.$select ?? ''}`),
		).toEqual([`AAMkATT%2F1%3D ${SELECT}`, '$value ', 'AAMkATT%2F1%3D ']);
		expect(sha(Buffer.from(out[0].binary!.data.data, 'base64'))).toBe(sha(content));
	});

	it('retries a throttled $value (Retry-After) and still streams', async () => {
		const content = bytes(10_000);
		serveAttachments(t.s.graph, '/me', () => stored(content));
		t.s.graph.throttle('GET', '/me/messages/:id/attachments/:attachmentId/$value', 1, {
			retryAfter: '0',
		});
		const out = await t.run(download('AAMkATT/1='));
		expect(t.s.graph.calls().filter((c) => c.path.endsWith('/$value'))).toHaveLength(2);
		expect(sha(Buffer.from(out[0].binary!.data.data, 'base64'))).toBe(sha(content));
	});

	it('returns an attached email as its MIME (.eml)', async () => {
		serveAttachments(t.s.graph, '/me', () => stored(bytes(10)));
		const out = await t.run(download('ITEM1'));
		const binary = out[0].binary!.data;
		expect(binary).toMatchObject({ fileName: 'Fwd: hello.eml', mimeType: 'message/rfc822' });
		expect(Buffer.from(binary.data, 'base64').equals(MIME)).toBe(true);
		expect(out[0].json).toMatchObject({ name: 'Fwd: hello', attachmentType: 'item' });
	});

	it('says that a cloud link has no file to download, without asking for its bytes', async () => {
		serveAttachments(t.s.graph, '/me', () => stored(bytes(10)));
		const error = await t.fail(download('REF1'));
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe(
			'The attachment "Budget.xlsx" is a link to a file in the cloud (OneDrive or SharePoint), not a file: there is no file to download',
		);
		expect(t.s.graph.calls()).toHaveLength(1);
	});

	it('names the Attachment ID field when it is empty, before any request', async () => {
		const error = await t.fail(download('  '));
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('The field Attachment ID is empty');
		expect(t.s.graph.requests).toEqual([]);
	});

	it('turns a 404 into an error item with Continue On Fail, and goes on with the next item', async () => {
		serveAttachments(t.s.graph, '/me', () => [
			{
				...fileAttachment('ok', 'ok.txt', { contentType: 'text/plain' }),
				content: Buffer.from('hi'),
			},
		]);
		const out = await t.run(download('={{ $json.a }}'), {
			items: [{ json: { a: 'gone' } }, { json: { a: 'ok' } }],
			continueOnFail: true,
		});
		expect(out[0].json.httpCode).toBe('404');
		expect(out[0].pairedItem).toEqual({ item: 0 });
		expect(out[1].json.name).toBe('ok.txt');
		expect(Buffer.from(out[1].binary!.data.data, 'base64').toString()).toBe('hi');
	});

	it('fails with a NodeApiError naming the missing permission on 403', async () => {
		t.s.graph.on(
			'GET',
			'/users/:user/messages/:id/attachments/:attachmentId',
			graphError(403, 'ErrorAccessDenied', 'Access is denied.'),
		);
		const error = await t.fail({ ...download('A1'), ...SHARED });
		expect(error).toBeInstanceOf(NodeApiError);
		expect(`${error.message} ${error.description}`).toContain('Mail.ReadWrite.Shared');
	});

	describe('into filesystem binary storage', () => {
		beforeAll(async () => await initBinaryData('filesystem'));
		afterAll(async () => await initBinaryData('default'));

		it('writes the streamed 8 MB file to the store with the source bytes', async () => {
			const service = await initBinaryData('filesystem');
			const content = bytes(8 * 1024 * 1024);
			serveAttachments(t.s.graph, SHARED_ROOT, () => stored(content));
			const out = await t.run({ ...download('AAMkATT/1='), ...SHARED });
			const binary = out[0].binary!.data;
			// Filesystem mode: the item holds a reference, the bytes are in the store.
			expect(binary.id).toMatch(/^filesystem/);
			expect(binary.data).not.toBe(content.toString('base64'));
			expect(sha(await service.getAsBuffer(binary))).toBe(sha(content));
			expect(t.s.graph.calls().map((c) => c.path.split('/').pop())).toEqual([
				'AAMkATT%2F1%3D',
				'$value',
			]);
		});
	});
});

describe('Attachment → Add', () => {
	const t = useMailNode();
	let chunks: Array<{ range: string; raw: Buffer; authorization?: string }>;

	beforeEach(() => (chunks = []));

	/** An upload session; in another user's mailbox a delegated token gets what `answer` says (known-issues). */
	function stubSession(
		path: string,
		answer: MailBehaviour['delegatedUploadElsewhere'] = 'refused',
	) {
		t.s.graph.on(
			'POST',
			`${path}/attachments/createUploadSession`,
			(request) =>
				delegatedUploadRefusal(request, { delegatedUploadElsewhere: answer }) ?? {
					status: 201,
					body: {
						uploadUrl: t.s.graph.uploadUrl('s1'),
						expirationDateTime: '2030-01-01T00:00:00Z',
						nextExpectedRanges: ['0-'],
					},
				},
		);
		t.s.graph.on('PUT', '/upload/:id', (request: GraphRequestRecord) => {
			chunks.push({
				range: request.headers['content-range'],
				raw: request.raw,
				authorization: request.headers.authorization,
			});
			const [, end, total] = /bytes \d+-(\d+)\/(\d+)/.exec(request.headers['content-range']) ?? [];
			return Number(end) + 1 === Number(total)
				? {
						status: 201,
						headers: {
							Location:
								"https://outlook.office.com/api/v2.0/Users('u')/Messages('m')/Attachments('AAMkBIG=')",
						},
					}
				: { status: 200, body: { nextExpectedRanges: [`${Number(end) + 1}-`] } };
		});
	}

	it('adds a small file with one POST', async () => {
		t.s.graph.on('POST', '/me/messages/:id/attachments', {
			status: 201,
			body: { id: 'AAMkSMALL=', name: 'hi.txt' },
		});
		const out = await t.run(
			{ resource: 'attachment', operation: 'add', messageId: rl(MSG_ID) },
			{ items: [binaryItem(Buffer.from('hi'), 'hi.txt', 'text/plain')] },
		);
		expect(t.s.graph.calls()).toEqual([
			{
				method: 'POST',
				path: `${MSG_PATH}/attachments`,
				query: {},
				body: {
					'@odata.type': '#microsoft.graph.fileAttachment',
					name: 'hi.txt',
					contentType: 'text/plain',
					contentBytes: 'aGk=',
				},
				inBatch: false,
			},
		]);
		expect(out).toEqual([
			{
				json: {
					messageId: MSG_ID,
					name: 'hi.txt',
					contentType: 'text/plain',
					size: 2,
					method: 'inline',
					id: 'AAMkSMALL=',
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	it('uploads a 10 MB file to a shared mailbox’s draft where Graph allows it (reports): one upload session, 3 chunks with correct Content-Range', async () => {
		const path = `${SHARED_ROOT}/messages/${encodeURIComponent(MSG_ID)}`;
		stubSession(path, 'allowed');
		const size = 10 * 1024 * 1024;
		const content = bytes(size);
		const out = await t.run(
			{
				resource: 'attachment',
				operation: 'add',
				...SHARED,
				messageId: rl(MSG_ID),
				binaryPropertyName: 'big',
			},
			{ items: [binaryItem(content, 'video.mp4', 'video/mp4', 'big')] },
		);
		expect(t.s.graph.calls()).toEqual([
			{
				method: 'POST',
				path: `${path}/attachments/createUploadSession`,
				query: {},
				body: {
					AttachmentItem: {
						attachmentType: 'file',
						name: 'video.mp4',
						size,
						contentType: 'video/mp4',
					},
				},
				inBatch: false,
			},
		]);
		expect(chunks.map((c) => c.range)).toEqual([
			`bytes 0-${UPLOAD_CHUNK_SIZE - 1}/${size}`,
			`bytes ${UPLOAD_CHUNK_SIZE}-${2 * UPLOAD_CHUNK_SIZE - 1}/${size}`,
			`bytes ${2 * UPLOAD_CHUNK_SIZE}-${size - 1}/${size}`,
		]);
		expect(chunks.map((c) => c.authorization)).toEqual([undefined, undefined, undefined]);
		expect(sha(Buffer.concat(chunks.map((c) => c.raw)))).toBe(sha(content));
		expect(out.map((o) => o.json)).toEqual([
			{
				messageId: MSG_ID,
				name: 'video.mp4',
				contentType: 'video/mp4',
				size,
				method: 'uploadSession',
				chunks: 3,
				id: 'AAMkBIG=',
			},
		]);
	});

	it('a 10 MB file to a shared mailbox’s draft where Graph refuses it (documented): the 403 says why and what to do', async () => {
		const path = `${SHARED_ROOT}/messages/${encodeURIComponent(MSG_ID)}`;
		stubSession(path, 'refused');
		const error = await t.fail(
			{
				resource: 'attachment',
				operation: 'add',
				...SHARED,
				messageId: rl(MSG_ID),
				binaryPropertyName: 'big',
			},
			{ items: [binaryItem(bytes(10 * 1024 * 1024), 'video.mp4', 'video/mp4', 'big')] },
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toContain('403 ErrorAccessDenied');
		expect((error as NodeApiError).description).toMatch(
			/known issue: https:\/\/learn\.microsoft\.com\/graph\/known-issues#attaching-large-files-to-messages-with-delegated-permissions-can-fail.*"video\.mp4" is 10\.0 MB\. Use the Outlook App-Only credential/,
		);
		expect(chunks).toEqual([]);
	});

	it('names the field and the item when a binary property does not exist, before any request', async () => {
		const error = await t.fail(
			{
				resource: 'attachment',
				operation: 'add',
				messageId: rl(MSG_ID),
				binaryPropertyName: 'data, invoice',
			},
			{ items: [binaryItem(Buffer.from('x'), 'x.txt', 'text/plain')] },
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe(
			'The binary property "invoice" named in the field Input Binary Fields does not exist on item 0',
		);
		expect(error.context?.itemIndex).toBe(0);
		expect(t.s.graph.requests).toEqual([]);
	});

	it('refuses a file over 150 MB before any request', async () => {
		const item: INodeExecutionData = {
			json: {},
			binary: {
				data: {
					data: '',
					bytes: UPLOAD_SESSION_LIMIT + 1024 * 1024,
					fileName: 'disk.iso',
					mimeType: 'application/octet-stream',
				},
			},
		};
		const error = await t.fail(
			{ resource: 'attachment', operation: 'add', messageId: rl(MSG_ID) },
			{ items: [item] },
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe(
			'The file "disk.iso" in binary property "data" (field Input Binary Fields, item 0) is 151.0 MB: Outlook attachments can be at most 150 MB',
		);
		expect(t.s.graph.requests).toEqual([]);
	});

	describe('from filesystem binary storage', () => {
		beforeAll(async () => await initBinaryData('filesystem'));
		afterAll(async () => await initBinaryData('default'));

		it('streams a stored 10 MB file in 3 chunks', async () => {
			const service = await initBinaryData('filesystem');
			const size = 10 * 1024 * 1024;
			const content = bytes(size);
			const stored = await service.store(
				{ type: 'execution', workflowId: 'wf-test', executionId: 'test-execution' },
				content,
				{ data: '', fileName: 'scan.tiff', mimeType: 'image/tiff' },
			);
			stubSession(MSG_PATH);
			const out = await t.run(
				{ resource: 'attachment', operation: 'add', messageId: rl(MSG_ID) },
				{ items: [{ json: {}, binary: { data: stored } }] },
			);
			expect(chunks).toHaveLength(3);
			expect(chunks[2].range).toBe(`bytes ${2 * UPLOAD_CHUNK_SIZE}-${size - 1}/${size}`);
			expect(sha(Buffer.concat(chunks.map((c) => c.raw)))).toBe(sha(content));
			expect(out[0].json).toMatchObject({ name: 'scan.tiff', method: 'uploadSession', chunks: 3 });
		});
	});
});
