/**
 * Message → Get and Get Many with the option Download Attachments: every attachment as binary
 * data on the item, streamed from `/$value` (attached emails as their MIME), filtered by name,
 * type and size.
 */
import { createHash } from 'node:crypto';

import { wildcardTest } from '../../../nodes/OutlookMail/helpers/attachmentDownload';
import { serveAttachments, type StoredAttachment } from '../../support/graph-mailbox';
import { initBinaryData } from '../../support/n8n-harness';
import { MSG_ID, MSG_ID_2, graphMessage, rl, useMailNode } from './setup';

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

function bytes(size: number, seed = 7): Buffer {
	const buffer = Buffer.alloc(size);
	for (let i = 0; i < size; i++) buffer[i] = (i * 31 + seed) & 0xff;
	return buffer;
}

const file = (
	id: string,
	name: string,
	contentType: string,
	content: Buffer,
): StoredAttachment => ({
	'@odata.type': '#microsoft.graph.fileAttachment',
	id,
	name,
	contentType,
	isInline: false,
	content,
});

const PDF = bytes(120_000, 1);
const PNG = bytes(40_000, 2);
const MIME = Buffer.from('From: carol@contoso.com\r\nSubject: Old thread\r\n\r\nHi\r\n');

const ATTACHMENTS: Record<string, StoredAttachment[]> = {
	[MSG_ID]: [
		file('A-PDF', 'invoice.pdf', 'application/pdf', PDF),
		file('A-PNG', 'logo.png', 'image/png', PNG),
		{
			'@odata.type': '#microsoft.graph.itemAttachment',
			id: 'A-MAIL',
			name: 'Old thread',
			content: MIME,
		},
		{
			'@odata.type': '#microsoft.graph.referenceAttachment',
			id: 'A-LINK',
			name: 'Plan.docx',
			size: 10,
		},
	],
	[MSG_ID_2]: [file('B-PDF', 'other.pdf', 'application/pdf', PNG)],
};

describe('Message → Get / Get Many: Download Attachments', () => {
	const t = useMailNode();

	beforeEach(() => {
		serveAttachments(t.s.graph, '/me', (id) => ATTACHMENTS[id] ?? []);
		t.s.graph.on('GET', '/me/messages/:id', (_, p) => ({
			body: graphMessage(p.id, { hasAttachments: true }),
		}));
	});

	it('Get: every attachment as binary, streamed from $value, an attached email as .eml', async () => {
		const [item] = await t.run({
			resource: 'message',
			operation: 'get',
			messageId: rl(MSG_ID),
			options: { downloadAttachments: true },
		});
		expect(Object.keys(item.binary ?? {})).toEqual([
			'attachment_0',
			'attachment_1',
			'attachment_2',
		]);
		const { attachment_0: pdf, attachment_1: png, attachment_2: mail } = item.binary!;
		expect(pdf).toMatchObject({ fileName: 'invoice.pdf', mimeType: 'application/pdf' });
		expect(sha(Buffer.from(pdf.data, 'base64'))).toBe(sha(PDF));
		expect(sha(Buffer.from(png.data, 'base64'))).toBe(sha(PNG));
		expect(mail).toMatchObject({ fileName: 'Old thread.eml', mimeType: 'message/rfc822' });
		expect(Buffer.from(mail.data, 'base64').equals(MIME)).toBe(true);
		expect(item.json).toMatchObject({ id: MSG_ID, subject: `Subject ${MSG_ID}` });
		expect(item.json.skippedAttachments).toEqual([
			expect.objectContaining({ name: 'Plan.docx', attachmentType: 'reference' }),
		]);
		const paths = t.s.graph.calls().map((c) => c.path.split('/').slice(-2).join('/'));
		// No attachment is read as JSON with contentBytes: the bytes come from $value.
		expect(paths.filter((p) => p.endsWith('$value'))).toHaveLength(3);
		expect(t.s.graph.calls().filter((c) => /attachments\/[^/]+$/.test(c.path))).toEqual([]);
		expect(item.pairedItem).toEqual({ item: 0 });
	});

	it('filters by name and type patterns and leaves out what is over the size limit', async () => {
		const run = async (options: Record<string, unknown>) => {
			t.s.graph.requests.length = 0;
			const [item] = await t.run({
				resource: 'message',
				operation: 'get',
				messageId: rl(MSG_ID),
				options: { downloadAttachments: true, ...options },
			});
			return item;
		};
		const pdfOnly = await run({ attachmentNames: '*.PDF, nothing?' });
		expect(Object.values(pdfOnly.binary!).map((b) => b.fileName)).toEqual(['invoice.pdf']);

		const images = await run({ attachmentTypes: 'image/*', attachmentPrefix: 'img' });
		expect(Object.keys(images.binary!)).toEqual(['img0']);
		expect(images.binary!.img0.fileName).toBe('logo.png');

		const small = await run({ attachmentMaxSizeMb: 0.1 });
		expect(Object.values(small.binary!).map((b) => b.fileName)).toEqual([
			'logo.png',
			'Old thread.eml',
		]);
		expect(small.json.skippedAttachments).toEqual([
			expect.objectContaining({ name: 'invoice.pdf', reason: 'larger than the size limit' }),
			expect.objectContaining({ name: 'Plan.docx' }),
		]);
		// The PDF's bytes were never asked for.
		expect(t.s.graph.calls().some((c) => c.path.includes('A-PDF'))).toBe(false);
	});

	it('Get Many: attachments per message; messages without attachments are not asked', async () => {
		t.s.graph.on('GET', '/me/messages', {
			body: {
				value: [
					graphMessage(MSG_ID, { hasAttachments: true }),
					graphMessage('AAMkNoAtt=', { hasAttachments: false }),
					graphMessage(MSG_ID_2, { hasAttachments: true }),
				],
			},
		});
		const out = await t.run({
			resource: 'message',
			operation: 'getAll',
			returnAll: false,
			limit: 10,
			options: { downloadAttachments: true, attachmentNames: '*.pdf' },
		});
		expect(out.map((item) => item.json.id)).toEqual([MSG_ID, 'AAMkNoAtt=', MSG_ID_2]);
		expect(sha(Buffer.from(out[0].binary!.attachment_0.data, 'base64'))).toBe(sha(PDF));
		expect(out[1].binary).toBeUndefined();
		expect(sha(Buffer.from(out[2].binary!.attachment_0.data, 'base64'))).toBe(sha(PNG));
		expect(t.s.graph.calls().some((c) => c.path.includes('AAMkNoAtt'))).toBe(false);
		expect(out.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
	});

	it('without the option, Get returns no binary and asks for no attachment', async () => {
		const [item] = await t.run({ resource: 'message', operation: 'get', messageId: rl(MSG_ID) });
		expect(item.binary).toBeUndefined();
		expect(t.s.graph.calls()).toHaveLength(1);
	});

	describe('into filesystem binary storage', () => {
		beforeAll(async () => await initBinaryData('filesystem'));
		afterAll(async () => await initBinaryData('default'));

		it('stores the streamed attachments with the source bytes', async () => {
			const service = await initBinaryData('filesystem');
			const [item] = await t.run({
				resource: 'message',
				operation: 'get',
				messageId: rl(MSG_ID),
				options: { downloadAttachments: true },
			});
			const { attachment_0: pdf, attachment_2: mail } = item.binary!;
			expect(pdf.id).toMatch(/^filesystem/);
			expect(sha(await service.getAsBuffer(pdf))).toBe(sha(PDF));
			expect((await service.getAsBuffer(mail)).equals(MIME)).toBe(true);
		});
	});

	it('wildcard patterns: comma-separated, * and ?, case-insensitive, nothing special else', () => {
		const test = wildcardTest(' *.pdf , report-?.TXT ')!;
		expect(test('Invoice.PDF')).toBe(true);
		expect(test('report-1.txt')).toBe(true);
		expect(test('report-10.txt')).toBe(false);
		expect(test('a.pdf.exe')).toBe(false);
		expect(wildcardTest('a+b (1).txt')!('a+b (1).txt')).toBe(true);
		expect(wildcardTest('  ')).toBeUndefined();
	});
});
