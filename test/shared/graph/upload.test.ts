import { createHash } from 'node:crypto';

import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { GraphTransport } from '../../../nodes/shared/graph/client';
import * as retry from '../../../nodes/shared/graph/retry';
import {
	attachBinaryProperties,
	hasLargeAttachment,
	INLINE_ATTACHMENT_LIMIT,
	isTrustedUploadUrl,
	readBinaryAttachments,
	UPLOAD_CHUNK_MULTIPLE,
	UPLOAD_CHUNK_SIZE,
	UPLOAD_SESSION_LIMIT,
} from '../../../nodes/shared/graph/upload';
import {
	connectedCredential,
	expectGraphContractKept,
	startStandIns,
	type StandIns,
} from '../../support/fixtures';
import type { GraphRequestRecord } from '../../support/graph-standin';
import { initBinaryData, N8nHarness } from '../../support/n8n-harness';

const TYPE = 'uploadProbe';

/** A test-only node: reads the named binary properties and attaches them to `messagePath`. */
class UploadProbe implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Upload Probe',
		name: TYPE,
		group: ['transform'],
		version: 1,
		description: 'Test probe',
		defaults: { name: 'Upload Probe' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'outlookOAuth2Api', required: true }],
		properties: [
			{
				displayName: 'Message Path',
				name: 'messagePath',
				type: 'string',
				default: '/me/messages/m1',
			},
			{ displayName: 'Properties', name: 'properties', type: 'string', default: 'data' },
			// Simulates binary storage without a local file path (e.g. S3): only the stream is available.
			{ displayName: 'Stream Only', name: 'streamOnly', type: 'boolean', default: false },
			// Proves the filesystem path reads the stored file directly (no stream).
			{ displayName: 'No Stream', name: 'noStream', type: 'boolean', default: false },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const out: INodeExecutionData[] = [];
		if (this.getNodeParameter('streamOnly', 0) as boolean) {
			this.helpers.getBinaryPath = () => {
				throw new Error('no local path in this storage');
			};
		}
		if (this.getNodeParameter('noStream', 0) as boolean) {
			this.helpers.getBinaryStream = async () => {
				throw new Error('streams are not used for files on the local disk');
			};
		}
		for (let i = 0; i < this.getInputData().length; i++) {
			const names = (this.getNodeParameter('properties', i) as string).split(',');
			const attachments = await readBinaryAttachments(this, i, names, { fieldName: 'Properties' });
			const transport = await GraphTransport.create(this, i);
			const attached = await attachBinaryProperties(this, transport, {
				itemIndex: i,
				messagePath: this.getNodeParameter('messagePath', i) as string,
				attachments,
			});
			out.push({
				json: { large: hasLargeAttachment(attachments), attached: attached as never },
				pairedItem: { item: i },
			});
		}
		return [out];
	}
}

const MB10 = 10 * 1024 * 1024;

/** Deterministic bytes, so the uploaded ranges can be compared with the file. */
function fileOf(size: number): Buffer {
	const buffer = Buffer.alloc(size);
	for (let i = 0; i + 4 <= size; i += 4) buffer.writeUInt32LE((i * 2654435761) >>> 0, i);
	return buffer;
}

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

function memoryItem(
	properties: Record<string, { content: Buffer; fileName: string; mimeType: string }>,
): INodeExecutionData {
	const binary: INodeExecutionData['binary'] = {};
	for (const [name, file] of Object.entries(properties)) {
		binary[name] = {
			data: file.content.toString('base64'),
			fileName: file.fileName,
			mimeType: file.mimeType,
		};
	}
	return { json: {}, binary };
}

describe('upload: attachments from n8n binary data', () => {
	let s: StandIns;
	let n8n: N8nHarness;
	let received: Array<{ range: string; length: string; raw: Buffer; authorization?: string }>;

	function stubUploadSession(messagePath = '/me/messages/m1', uploadUrl?: () => string) {
		s.graph.on('POST', `${messagePath}/attachments/createUploadSession`, () => ({
			status: 201,
			body: {
				uploadUrl: uploadUrl ? uploadUrl() : s.graph.uploadUrl('session-1'),
				expirationDateTime: '2030-01-01T00:00:00Z',
				nextExpectedRanges: ['0-'],
			},
		}));
		s.graph.on('PUT', '/upload/:id', (request: GraphRequestRecord) => {
			received.push({
				range: request.headers['content-range'],
				length: request.headers['content-length'],
				raw: request.raw,
				authorization: request.headers.authorization,
			});
			const [, , end, total] =
				/bytes (\d+)-(\d+)\/(\d+)/.exec(request.headers['content-range']) ?? [];
			if (Number(end) + 1 === Number(total)) {
				return {
					status: 201,
					headers: {
						Location: `https://outlook.office.com/api/v2.0/Users('u1')/Messages('m1')/Attachments('AAMkATT%3D%3D')`,
					},
				};
			}
			return {
				status: 200,
				body: {
					expirationDateTime: '2030-01-01T00:00:00Z',
					nextExpectedRanges: [`${Number(end) + 1}-`],
				},
			};
		});
	}

	beforeAll(async () => {
		s = await startStandIns();
	});
	afterAll(async () => await s.close());
	beforeEach(() => {
		s.graph.reset();
		received = [];
		n8n = new N8nHarness({ [TYPE]: new UploadProbe() }, connectedCredential(s));
	});

	describe('memory mode', () => {
		beforeAll(async () => await initBinaryData('default'));
		afterEach(() => expectGraphContractKept(s.graph));

		it('posts a small file inline as a fileAttachment', async () => {
			s.graph.on('POST', '/me/messages/m1/attachments', (request) => ({
				status: 201,
				body: { id: 'att-1', ...(request.body as object) },
			}));
			const content = Buffer.from('hello, world');
			const [out] = await n8n.execute(TYPE, {
				parameters: { properties: 'data' },
				items: [memoryItem({ data: { content, fileName: 'hello.txt', mimeType: 'text/plain' } })],
			});
			expect(s.graph.calls()).toEqual([
				{
					method: 'POST',
					path: '/me/messages/m1/attachments',
					query: {},
					body: {
						'@odata.type': '#microsoft.graph.fileAttachment',
						name: 'hello.txt',
						contentType: 'text/plain',
						contentBytes: content.toString('base64'),
					},
					inBatch: false,
				},
			]);
			expect(out[0].json).toEqual({
				large: false,
				attached: [
					{ name: 'hello.txt', contentType: 'text/plain', size: 12, method: 'inline', id: 'att-1' },
				],
			});
		});

		it('uploads a 10 MB file through one upload session in 3 chunks with correct Content-Range and no Authorization', async () => {
			stubUploadSession();
			const content = fileOf(MB10);
			const [out] = await n8n.execute(TYPE, {
				parameters: { properties: 'data' },
				items: [
					memoryItem({ data: { content, fileName: 'big.bin', mimeType: 'application/pdf' } }),
				],
			});
			expect(s.graph.calls()).toEqual([
				{
					method: 'POST',
					path: '/me/messages/m1/attachments/createUploadSession',
					query: {},
					body: {
						AttachmentItem: {
							attachmentType: 'file',
							name: 'big.bin',
							size: MB10,
							contentType: 'application/pdf',
						},
					},
					inBatch: false,
				},
			]);
			expect(received.map((r) => r.range)).toEqual([
				`bytes 0-${UPLOAD_CHUNK_SIZE - 1}/${MB10}`,
				`bytes ${UPLOAD_CHUNK_SIZE}-${2 * UPLOAD_CHUNK_SIZE - 1}/${MB10}`,
				`bytes ${2 * UPLOAD_CHUNK_SIZE}-${MB10 - 1}/${MB10}`,
			]);
			expect(received.map((r) => r.length)).toEqual([
				String(UPLOAD_CHUNK_SIZE),
				String(UPLOAD_CHUNK_SIZE),
				String(MB10 - 2 * UPLOAD_CHUNK_SIZE),
			]);
			expect(received.every((r) => r.authorization === undefined)).toBe(true);
			expect(sha(Buffer.concat(received.map((r) => r.raw)))).toBe(sha(content));
			expect(out[0].json).toEqual({
				large: true,
				attached: [
					{
						name: 'big.bin',
						contentType: 'application/pdf',
						size: MB10,
						method: 'uploadSession',
						chunks: 3,
						id: 'AAMkATT==',
					},
				],
			});
		});

		it('attaches several properties in order, small inline and large by session, in a shared mailbox', async () => {
			const path = '/users/shared%40contoso.com/messages/m%2F2';
			s.graph.on('POST', `${path}/attachments`, { status: 201, body: { id: 'att-small' } });
			stubUploadSession(path);
			const item = memoryItem({
				a: { content: Buffer.from('a'), fileName: 'a.txt', mimeType: 'text/plain' },
				b: {
					content: fileOf(INLINE_ATTACHMENT_LIMIT),
					fileName: 'b.bin',
					mimeType: 'application/octet-stream',
				},
			});
			const [out] = await n8n.execute(TYPE, {
				parameters: { properties: 'a, b', messagePath: path },
				items: [item],
			});
			expect(s.graph.calls().map((c) => `${c.method} ${c.path}`)).toEqual([
				`POST ${path}/attachments`,
				`POST ${path}/attachments/createUploadSession`,
			]);
			expect(received.map((r) => r.range)).toEqual([
				`bytes 0-${INLINE_ATTACHMENT_LIMIT - 1}/${INLINE_ATTACHMENT_LIMIT}`,
			]);
			expect((out[0].json.attached as Array<{ method: string }>).map((a) => a.method)).toEqual([
				'inline',
				'uploadSession',
			]);
		});

		it('retries a throttled chunk after Retry-After and then goes on', async () => {
			stubUploadSession();
			let throttled = 0;
			const content = fileOf(2 * UPLOAD_CHUNK_SIZE + 10);
			s.graph.on('PUT', '/upload/:id', (request: GraphRequestRecord) => {
				if (
					request.headers['content-range'].startsWith(`bytes ${UPLOAD_CHUNK_SIZE}-`) &&
					throttled++ === 0
				) {
					return {
						status: 503,
						headers: { 'Retry-After': '0' },
						body: { error: { code: 'ServiceUnavailable', message: 'later' } },
					};
				}
				received.push({
					range: request.headers['content-range'],
					length: request.headers['content-length'],
					raw: request.raw,
				});
				return {
					status: request.headers['content-range'].endsWith(
						`-${content.length - 1}/${content.length}`,
					)
						? 201
						: 200,
					body: {},
				};
			});
			await n8n.execute(TYPE, {
				parameters: {},
				items: [memoryItem({ data: { content, fileName: 'x.bin', mimeType: 'application/zip' } })],
			});
			expect(throttled).toBe(2);
			expect(received.map((r) => r.range)).toEqual([
				`bytes 0-${UPLOAD_CHUNK_SIZE - 1}/${content.length}`,
				`bytes ${UPLOAD_CHUNK_SIZE}-${2 * UPLOAD_CHUNK_SIZE - 1}/${content.length}`,
				`bytes ${2 * UPLOAD_CHUNK_SIZE}-${content.length - 1}/${content.length}`,
			]);
			expect(sha(Buffer.concat(received.map((r) => r.raw)))).toBe(sha(content));
		});

		it('fails with a Graph error (and no upload URL in it) when a chunk is refused', async () => {
			stubUploadSession();
			s.graph.on('PUT', '/upload/:id', {
				status: 400,
				body: { error: { code: 'InvalidRange', message: 'The range is wrong' } },
			});
			const error = await n8n
				.execute(TYPE, {
					parameters: {},
					items: [
						memoryItem({
							data: {
								content: fileOf(INLINE_ATTACHMENT_LIMIT + 4),
								fileName: 'x.bin',
								mimeType: 'application/zip',
							},
						}),
					],
				})
				.catch((e: Error) => e);
			expect(error).toBeInstanceOf(Error);
			expect(
				JSON.stringify({
					message: (error as Error).message,
					description: (error as NodeOperationError).description,
				}),
			).not.toContain('/upload/');
			expect((error as Error).message + String((error as NodeOperationError).description)).toMatch(
				/range is wrong|Bad request/i,
			);
		});

		it('deletes the upload session (without the token) when a chunk fails', async () => {
			stubUploadSession();
			const deleted: Array<string | undefined> = [];
			s.graph.on('PUT', '/upload/:id', {
				status: 413,
				body: { error: { code: 'RequestEntityTooLarge', message: 'too large' } },
			});
			s.graph.on('DELETE', '/upload/:id', (request: GraphRequestRecord) => {
				deleted.push(request.headers.authorization);
				return { status: 204 };
			});
			await n8n
				.execute(TYPE, {
					parameters: {},
					items: [
						memoryItem({
							data: {
								content: fileOf(INLINE_ATTACHMENT_LIMIT + 4),
								fileName: 'x.bin',
								mimeType: 'application/zip',
							},
						}),
					],
				})
				.catch(() => undefined);
			expect(deleted).toEqual([undefined]);
			expect(s.graph.uploads.map((u) => u.path)).toEqual([
				'/upload/session-1',
				'/upload/session-1',
			]);
		});

		it('fails when the file has fewer bytes than its metadata announced', async () => {
			stubUploadSession();
			const content = fileOf(INLINE_ATTACHMENT_LIMIT + 1000);
			const item: INodeExecutionData = {
				json: {},
				binary: {
					data: {
						data: content.toString('base64'),
						bytes: content.length + 5000,
						fileName: 'short.bin',
						mimeType: 'application/zip',
					},
				},
			};
			const error = await n8n
				.execute(TYPE, { parameters: {}, items: [item] })
				.catch((e: Error) => e);
			expect(error).toBeInstanceOf(NodeOperationError);
			expect((error as Error).message).toBe(
				`The file "short.bin" in binary property "data" does not have the ${content.length + 5000} bytes its metadata says`,
			);
		});

		it('refuses an upload URL on a foreign host before sending any bytes', async () => {
			stubUploadSession('/me/messages/m1', () => 'https://evil.example.com/upload/x');
			const error = await n8n
				.execute(TYPE, {
					parameters: {},
					items: [
						memoryItem({
							data: {
								content: fileOf(INLINE_ATTACHMENT_LIMIT),
								fileName: 'x.bin',
								mimeType: 'application/zip',
							},
						}),
					],
				})
				.catch((e: Error) => e);
			expect(error).toBeInstanceOf(NodeOperationError);
			expect((error as Error).message).toContain('evil.example.com');
			expect(s.graph.uploads).toEqual([]);
		});

		it('names the property and the item when a binary property does not exist, before any request', async () => {
			const error = await n8n
				.execute(TYPE, {
					parameters: { properties: 'data,missing' },
					items: [
						{ json: {} },
						memoryItem({
							data: { content: Buffer.from('x'), fileName: 'x', mimeType: 'text/plain' },
						}),
					],
				})
				.catch((e: Error) => e);
			expect(error).toBeInstanceOf(NodeOperationError);
			expect((error as Error).message).toBe(
				'The binary property "data" named in the field Properties does not exist on item 0',
			);
			expect(s.graph.requests).toEqual([]);
			const second = await n8n
				.execute(TYPE, {
					parameters: { properties: 'data,missing' },
					items: [
						memoryItem({
							data: { content: Buffer.from('x'), fileName: 'x', mimeType: 'text/plain' },
						}),
					],
				})
				.catch((e: Error) => e);
			expect((second as Error).message).toBe(
				'The binary property "missing" named in the field Properties does not exist on item 0',
			);
			expect((second as NodeOperationError).description).toBe(
				'The item has these binary properties: data',
			);
			expect(s.graph.requests).toEqual([]);
		});

		it('refuses a file over 150 MB before any request', async () => {
			const item: INodeExecutionData = {
				json: {},
				binary: {
					data: {
						data: '',
						bytes: UPLOAD_SESSION_LIMIT + 1,
						fileName: 'huge.iso',
						mimeType: 'application/octet-stream',
					},
				},
			};
			const error = await n8n
				.execute(TYPE, { parameters: {}, items: [item] })
				.catch((e: Error) => e);
			expect(error).toBeInstanceOf(NodeOperationError);
			expect((error as Error).message).toBe(
				'The file "huge.iso" in binary property "data" (field Properties, item 0) is 150.0 MB: Outlook attachments can be at most 150 MB',
			);
			expect(s.graph.requests).toEqual([]);
		});
	});

	describe('resuming after an interruption', () => {
		// Microsoft: after an interruption, ask the session (GET the upload URL) for
		// nextExpectedRanges and go on from there. https://learn.microsoft.com/graph/outlook-large-attachments
		const content = fileOf(2 * UPLOAD_CHUNK_SIZE + 10);
		const total = content.length;
		let waits: number[];
		beforeEach(() => {
			waits = [];
			jest
				.spyOn(retry.retryClock, 'sleep')
				.mockImplementation(async (ms: number) => void waits.push(ms));
		});
		afterEach(() => jest.restoreAllMocks());

		/** Runs the upload against a session whose PUT of `dropAt` loses its connection. */
		async function uploadWithDrop(dropAt: number, when: 'dropBeforeStoring' | 'dropAfterStoring') {
			let dropped = 0;
			const session = s.graph.uploadSession('session-1', total, ({ start }) =>
				start === dropAt && dropped++ === 0 ? when : undefined,
			);
			s.graph.on('POST', '/me/messages/m1/attachments/createUploadSession', {
				status: 201,
				body: { uploadUrl: session.url, expirationDateTime: '2030-01-01T00:00:00Z' },
			});
			const outcome = await n8n
				.execute(TYPE, {
					parameters: {},
					items: [
						memoryItem({ data: { content, fileName: 'big.bin', mimeType: 'application/zip' } }),
					],
				})
				.then(
					([out]) => ({ out }),
					(error: NodeOperationError) => ({ error }),
				);
			const traffic = s.graph.uploads.map(
				(u) => `${u.headers['content-range'] ? 'PUT ' + u.headers['content-range'] : 'GET/DELETE'}`,
			);
			return { outcome, session, traffic, dropped };
		}

		it('goes on from nextExpectedRanges when the connection drops after a chunk was stored', async () => {
			const { outcome, session, traffic, dropped } = await uploadWithDrop(
				UPLOAD_CHUNK_SIZE,
				'dropAfterStoring',
			);
			expect(dropped).toBe(1);
			expect('out' in outcome && outcome.out[0].json.attached).toEqual([
				expect.objectContaining({ method: 'uploadSession', id: 'session-1' }),
			]);
			// The stored chunk is not sent again; the session was asked once, with no token, and kept.
			expect(traffic).toEqual([
				`PUT bytes 0-${UPLOAD_CHUNK_SIZE - 1}/${total}`,
				`PUT bytes ${UPLOAD_CHUNK_SIZE}-${2 * UPLOAD_CHUNK_SIZE - 1}/${total}`,
				'GET/DELETE',
				`PUT bytes ${2 * UPLOAD_CHUNK_SIZE}-${total - 1}/${total}`,
			]);
			expect(s.graph.uploads[2].headers.authorization).toBeUndefined();
			expect(session.bytes.equals(content)).toBe(true);
			expect(waits).toHaveLength(1);
		});

		it('sends the chunk again when the connection dropped before the session stored it', async () => {
			const { outcome, session, traffic } = await uploadWithDrop(
				UPLOAD_CHUNK_SIZE,
				'dropBeforeStoring',
			);
			expect('out' in outcome).toBe(true);
			expect(traffic).toEqual([
				`PUT bytes 0-${UPLOAD_CHUNK_SIZE - 1}/${total}`,
				`PUT bytes ${UPLOAD_CHUNK_SIZE}-${2 * UPLOAD_CHUNK_SIZE - 1}/${total}`,
				'GET/DELETE',
				`PUT bytes ${UPLOAD_CHUNK_SIZE}-${2 * UPLOAD_CHUNK_SIZE - 1}/${total}`,
				`PUT bytes ${2 * UPLOAD_CHUNK_SIZE}-${total - 1}/${total}`,
			]);
			expect(session.bytes.equals(content)).toBe(true);
		});

		it('says the file may or may not be attached when the session is gone after its last bytes were sent', async () => {
			const { outcome, traffic } = await uploadWithDrop(2 * UPLOAD_CHUNK_SIZE, 'dropAfterStoring');
			expect('error' in outcome && outcome.error.message).toMatch(
				/upload session of "big.bin" ended while its last bytes were being sent/,
			);
			expect('error' in outcome && outcome.error.description).toMatch(
				/may or may not have been added/,
			);
			// Asked once (404), never sent again; the upload URL is in no error.
			expect(traffic.filter((t) => t.startsWith('PUT'))).toHaveLength(3);
			expect(JSON.stringify('error' in outcome && outcome.error.message)).not.toContain('/upload/');
		});
	});

	describe('filesystem mode', () => {
		let service: Awaited<ReturnType<typeof initBinaryData>>;
		beforeAll(async () => (service = await initBinaryData('filesystem')));
		afterAll(async () => await initBinaryData('default'));
		afterEach(() => expectGraphContractKept(s.graph));

		async function storedItem(
			content: Buffer,
			fileName: string,
			mimeType: string,
		): Promise<INodeExecutionData> {
			const binary = await service.store(
				{ type: 'execution', workflowId: 'wf-test', executionId: 'test-execution' },
				content,
				{ data: '', fileName, mimeType },
			);
			expect(binary.id).toMatch(/^filesystem/);
			return { json: {}, binary: { data: binary } };
		}

		it('reads a 10 MB stored file from disk, chunk by chunk, into the upload session (3 chunks)', async () => {
			stubUploadSession();
			const content = fileOf(MB10);
			const item = await storedItem(content, 'report.pdf', 'application/pdf');
			const [out] = await n8n.execute(TYPE, { parameters: { noStream: true }, items: [item] });
			expect(received.map((r) => r.range)).toEqual([
				`bytes 0-${UPLOAD_CHUNK_SIZE - 1}/${MB10}`,
				`bytes ${UPLOAD_CHUNK_SIZE}-${2 * UPLOAD_CHUNK_SIZE - 1}/${MB10}`,
				`bytes ${2 * UPLOAD_CHUNK_SIZE}-${MB10 - 1}/${MB10}`,
			]);
			expect(sha(Buffer.concat(received.map((r) => r.raw)))).toBe(sha(content));
			expect(received.every((r) => r.authorization === undefined)).toBe(true);
			expect(out[0].json.attached).toEqual([
				{
					name: 'report.pdf',
					contentType: 'application/pdf',
					size: MB10,
					method: 'uploadSession',
					chunks: 3,
					id: 'AAMkATT==',
				},
			]);
		});

		it("streams through n8n's binary stream when the storage has no local file path", async () => {
			stubUploadSession();
			const content = fileOf(MB10 + 12345);
			const item = await storedItem(content, 'stream.bin', 'application/octet-stream');
			const [out] = await n8n.execute(TYPE, { parameters: { streamOnly: true }, items: [item] });
			expect(received.map((r) => r.range)).toEqual([
				`bytes 0-${UPLOAD_CHUNK_SIZE - 1}/${content.length}`,
				`bytes ${UPLOAD_CHUNK_SIZE}-${2 * UPLOAD_CHUNK_SIZE - 1}/${content.length}`,
				`bytes ${2 * UPLOAD_CHUNK_SIZE}-${content.length - 1}/${content.length}`,
			]);
			expect(sha(Buffer.concat(received.map((r) => r.raw)))).toBe(sha(content));
			expect((out[0].json.attached as Array<{ chunks: number }>)[0].chunks).toBe(3);
		});

		it('reads the size from the stored metadata when the item does not carry it, and sends small stored files inline', async () => {
			s.graph.on('POST', '/me/messages/m1/attachments', { status: 201, body: { id: 'att-2' } });
			const item = await storedItem(Buffer.from('stored bytes'), 'notes.txt', 'text/plain');
			delete item.binary!.data.bytes;
			const [out] = await n8n.execute(TYPE, { parameters: {}, items: [item] });
			expect(s.graph.calls()[0].body).toEqual({
				'@odata.type': '#microsoft.graph.fileAttachment',
				name: 'notes.txt',
				contentType: 'text/plain',
				contentBytes: Buffer.from('stored bytes').toString('base64'),
			});
			expect(out[0].json.attached).toEqual([
				{ name: 'notes.txt', contentType: 'text/plain', size: 12, method: 'inline', id: 'att-2' },
			]);
		});
	});
});

describe('upload: limits and trusted upload hosts', () => {
	it('uses chunks of at most 4 MB in multiples of 320 KiB', () => {
		expect(UPLOAD_CHUNK_SIZE % UPLOAD_CHUNK_MULTIPLE).toBe(0);
		expect(UPLOAD_CHUNK_SIZE).toBeLessThanOrEqual(4_000_000);
		expect(Math.ceil(MB10 / UPLOAD_CHUNK_SIZE)).toBe(3);
	});

	it.each([
		[
			"https://outlook.office.com/api/v2.0/Users('x')/Messages('y')/AttachmentSessions('z')?authtoken=t",
			true,
		],
		['https://outlook.office365.com/api/v2.0/x', true],
		['https://outlook.office365.us/api/v2.0/x', true],
		['https://outlook-dod.office365.us/api/v2.0/x', true],
		['https://partner.outlook.cn/api/v2.0/x', true],
		['https://graph.microsoft.com/v1.0/x', true],
		['http://outlook.office.com/api/v2.0/x', false],
		['https://outlook.office.com:8443/api/v2.0/x', false],
		['https://outlook.office.com.evil.example/x', false],
		['https://user:pw@outlook.office.com/x', false],
		['https://evil.example.com/x', false],
		['not a url', false],
	])('%s trusted: %s', (url, trusted) => {
		expect(isTrustedUploadUrl(url, 'https://graph.microsoft.com/v1.0')).toBe(trusted);
	});
});
