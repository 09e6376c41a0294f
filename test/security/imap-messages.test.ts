/**
 * The IMAP trigger's message reader on hostile input, without a server: limits hold, nothing
 * throws, attachment names stay metadata, and over-limit attachment bytes are not collected.
 */
import { prepareBinaryData } from 'n8n-core/dist/execution-engine/node-execution-context/utils/binary-helper-functions';

import {
	BinaryStoreError,
	displayFileName,
	mimeDepth,
	MESSAGE_LIMITS,
	readMessage,
	type FetchedMessage,
	type OutputOptions,
	type PrepareBinary,
} from '../../nodes/OutlookImapTrigger/messages';
import { initBinaryData } from '../support/n8n-harness';

const OPTIONS: OutputOptions = {
	format: 'parsed',
	attachmentPrefix: 'file_',
	maxAttachmentBytes: 0,
	downloadAttachments: true,
};
const prepared: Array<{ size: number; fileName?: string }> = [];
const prepare: PrepareBinary = async (data, fileName, mimeType) => {
	prepared.push({ size: data.length, fileName });
	return {
		data: data.toString('base64'),
		fileName,
		mimeType: mimeType ?? 'application/octet-stream',
	};
};
beforeEach(() => {
	prepared.length = 0;
});

function nested(depth: number): Buffer {
	const lines = [
		'Subject: nested',
		'MIME-Version: 1.0',
		'Content-Type: multipart/mixed; boundary="b0"',
		'',
	];
	for (let i = 0; i < depth; i++) {
		lines.push(`--b${i}`);
		if (i + 1 < depth) lines.push(`Content-Type: multipart/mixed;`, ` boundary="b${i + 1}"`, '');
	}
	lines.push('Content-Type: text/plain', '', 'inner');
	for (let i = depth - 1; i >= 0; i--) lines.push(`--b${i}--`);
	return Buffer.from(lines.join('\r\n'));
}

function message(source: Buffer | string, extra: Partial<FetchedMessage> = {}): FetchedMessage {
	const buffer = Buffer.isBuffer(source) ? source : Buffer.from(source);
	return {
		uid: 7,
		size: buffer.length,
		flags: new Set(['\\Seen', '\\Recent']),
		internalDate: '2026-11-16T10:00:00Z',
		source: buffer,
		...extra,
	};
}

function attachmentMail(partHeaders: string[], body: string): Buffer {
	return Buffer.from(
		[
			'Subject: att',
			'MIME-Version: 1.0',
			'Content-Type: multipart/mixed; boundary="p"',
			'',
			'--p',
			'Content-Type: text/plain',
			'',
			'hi',
			'--p',
			...partHeaders,
			'',
			body,
			'--p--',
			'',
		].join('\r\n'),
	);
}

describe('mimeDepth', () => {
	test('counts nested multiparts (folded Content-Type too), siblings do not add up', () => {
		expect(mimeDepth(Buffer.from('Subject: x\r\n\r\nbody'))).toBe(0);
		expect(mimeDepth(nested(1))).toBe(1);
		expect(mimeDepth(nested(7))).toBe(7);
		const siblings = [
			'Content-Type: multipart/mixed; boundary=a',
			'',
			'--a',
			'Content-Type: multipart/alternative; boundary=b',
			'',
			'--b',
			'',
			'x',
			'--b--',
			'--a',
			'Content-Type: multipart/alternative; boundary=c',
			'',
			'--c',
			'',
			'y',
			'--c--',
			'--a--',
			'',
		];
		expect(mimeDepth(Buffer.from(siblings.join('\n')))).toBe(2);
	});

	test('stops counting just past the limit', () => {
		expect(mimeDepth(nested(200), 100)).toBe(101);
	});
});

describe('displayFileName', () => {
	test('keeps only the last segment ("/" or "\\"), without control characters, at most 255 characters', () => {
		expect(displayFileName('../../etc/passwd')).toBe('passwd');
		expect(displayFileName('..\\..\\Startup\\evil.bat')).toBe('evil.bat');
		expect(displayFileName('C:\\Users\\a/b\\c.txt')).toBe('c.txt');
		expect(displayFileName('report.pdf/..')).toBe('report.pdf');
		expect(displayFileName('../..')).toBeUndefined();
		expect(displayFileName('dir\\')).toBe('dir');
		expect(displayFileName('evil\u0000name\r\n.txt')).toBe('evilname.txt');
		expect(displayFileName(`dir/${'x'.repeat(300)}`)).toBe('x'.repeat(255));
		expect(displayFileName('\u0000')).toBeUndefined();
		expect(displayFileName(undefined)).toBeUndefined();
	});
});

describe('readMessage', () => {
	test('a 200-deep message becomes an item with the UID, size, flags, raw headers and the reason', async () => {
		const result = await readMessage(message(nested(200)), OPTIONS, prepare);
		expect(result.unreadable).toBe('MIME parts are nested more than 100 levels deep');
		expect(result.item).toEqual({
			json: {
				uid: 7,
				size: nested(200).length,
				flags: ['\\Seen'],
				receivedAt: '2026-11-16T10:00:00.000Z',
				rawHeaders:
					'Subject: nested\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b0"\r\n\r\n',
				error: 'MIME parts are nested more than 100 levels deep',
			},
		});
	});

	test('a header over the limit is refused in every output format, before any parsing', async () => {
		const header = Buffer.from(
			`Subject: big\r\n${'X-Pad: 0123456789abcdef\r\n'.repeat(Math.ceil((MESSAGE_LIMITS.maxHeaderBytes + 10) / 24))}\r\nbody`,
		);
		for (const format of ['parsed', 'raw', 'headers'] as const) {
			const fetched =
				format === 'headers'
					? message(header, { source: undefined, headers: header.subarray(0, header.length - 4) })
					: message(header);
			const result = await readMessage(fetched, { ...OPTIONS, format }, prepare);
			expect(result.unreadable).toMatch(
				/^The header block is \d+ bytes, more than the 1048576 bytes the trigger parses$/,
			);
			expect(result.item.binary).toBeUndefined();
			expect(String(result.item.json.rawHeaders)).toHaveLength(
				MESSAGE_LIMITS.rawHeaderPreviewBytes,
			);
			expect(result.item.json.rawHeadersTruncated).toBe(true);
		}
		expect(prepared).toEqual([]);
	});

	test("a failure of n8n storing binary data is not the message's: a BinaryStoreError, which ends the sync below it", async () => {
		const failing: PrepareBinary = async () => {
			throw new Error('disk full');
		};
		const source = attachmentMail(
			[
				'Content-Type: application/pdf',
				'Content-Disposition: attachment; filename="a.pdf"',
				'Content-Transfer-Encoding: base64',
			],
			'AAAA',
		);
		const failure = await readMessage(message(source), OPTIONS, failing).catch(
			(error: unknown) => error,
		);
		expect(failure).toBeInstanceOf(BinaryStoreError);
		expect((failure as Error).message).toBe(
			'n8n could not store the binary data of the message with UID 7: disk full',
		);
	});

	test('an attachment over the size option is counted but its bytes are never handed on', async () => {
		const bytes = 3 * 1024 * 1024;
		const base64 = Buffer.alloc(bytes, 7).toString('base64').replace(/.{76}/g, '$&\r\n');
		const source = attachmentMail(
			[
				'Content-Type: application/octet-stream',
				'Content-Disposition: attachment; filename="big.bin"',
				'Content-Transfer-Encoding: base64',
			],
			base64,
		);
		const result = await readMessage(
			message(source),
			{ ...OPTIONS, maxAttachmentBytes: 1024 * 1024 },
			prepare,
		);
		expect(result.unreadable).toBeUndefined();
		expect(result.item.json.attachments).toEqual([
			{
				fileName: 'big.bin',
				mimeType: 'application/octet-stream',
				size: bytes,
				contentId: '',
				inline: false,
				skipped: 'larger than the size limit',
			},
		]);
		expect(prepared).toEqual([]);
		// Within the limit, the same part is attached whole.
		const within = await readMessage(
			message(source),
			{ ...OPTIONS, maxAttachmentBytes: 4 * 1024 * 1024 },
			prepare,
		);
		expect(Object.keys(within.item.binary ?? {})).toEqual(['file_0']);
		expect(prepared).toEqual([{ size: bytes, fileName: 'big.bin' }]);
	});

	test('hostile attachment names stay metadata; binary properties are prefix + index', async () => {
		const source = Buffer.from(
			[
				'Subject: names',
				'MIME-Version: 1.0',
				'Content-Type: multipart/mixed; boundary="p"',
				'',
				'--p',
				'Content-Type: application/octet-stream',
				"Content-Disposition: attachment; filename*0*=utf-8''..%2F..%2F; filename*1*=etc%2Fshadow%00.txt",
				'',
				'one',
				'--p',
				'Content-Type: application/octet-stream; name="__proto__"',
				'',
				'two',
				'--p--',
				'',
			].join('\r\n'),
		);
		const result = await readMessage(message(source), OPTIONS, prepare);
		expect(result.unreadable).toBeUndefined();
		expect(
			(result.item.json.attachments as Array<{ fileName: string; binaryProperty: string }>).map(
				(a) => [a.fileName, a.binaryProperty],
			),
		).toEqual([
			['../../etc/shadow\u0000.txt', 'file_0'],
			['__proto__', 'file_1'],
		]);
		expect(Object.keys(result.item.binary ?? {})).toEqual(['file_0', 'file_1']);
		expect(prepared.map((p) => p.fileName)).toEqual(['shadow.txt', '__proto__']);
	});

	test('garbage everywhere: never throws', async () => {
		const inputs = [
			Buffer.alloc(0),
			Buffer.from('\u0000\u0001\u0002'),
			Buffer.from('Content-Type: multipart/mixed; boundary=\r\n\r\n--\r\n--\r\n'),
			Buffer.from('no headers at all\n\nbody'),
		];
		for (const input of inputs) {
			const result = await readMessage(message(input), OPTIONS, prepare);
			expect(result.item.json.uid).toBe(7);
		}
	});

	test("attachment names reach n8n's prepareBinaryData without a path: no directory, whichever separator", async () => {
		await initBinaryData('default');
		// n8n's own helper, as the node passes it (this.helpers.prepareBinaryData): its path.parse
		// splits on "/" only on Linux and keeps the rest as the binary's directory.
		const n8nPrepare: PrepareBinary = async (data, fileName, mimeType) =>
			await prepareBinaryData(data, 'exec1', 'wf1', fileName, mimeType);
		const seen = [];
		for (const name of ['..\\..\\Startup\\evil.bat', '../../etc/evil.bat', '../..']) {
			const source = attachmentMail(
				[
					'Content-Type: application/octet-stream',
					// RFC 2231, so the name arrives as written (a quoted-string would eat the backslashes).
					`Content-Disposition: attachment; filename*=utf-8''${encodeURIComponent(name)}`,
					'Content-Transfer-Encoding: base64',
				],
				Buffer.from('payload').toString('base64'),
			);
			const { item } = await readMessage(message(source), OPTIONS, n8nPrepare);
			const { fileName, directory } = item.binary!.file_0;
			seen.push({ name, fileName, directory });
		}
		expect(seen).toEqual([
			{ name: '..\\..\\Startup\\evil.bat', fileName: 'evil.bat', directory: undefined },
			{ name: '../../etc/evil.bat', fileName: 'evil.bat', directory: undefined },
			{ name: '../..', fileName: undefined, directory: undefined },
		]);
	});
});
