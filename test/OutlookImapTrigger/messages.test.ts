import {
	readMessage,
	toExecutionData,
	type OutputOptions,
	type PrepareBinary,
} from '../../nodes/OutlookImapTrigger/messages';

const OPTIONS: OutputOptions = {
	format: 'parsed',
	attachmentPrefix: 'att_',
	maxAttachmentBytes: 0,
	downloadAttachments: true,
};

const prepare: PrepareBinary = async (data, fileName, mimeType) => ({
	data: data.toString('base64'),
	fileName,
	mimeType: mimeType ?? 'application/octet-stream',
});

const MESSAGE = Buffer.from(
	[
		'From: Team: "Ann" <ann@example.test>, bob@example.test;',
		'To: undisclosed-recipients:;',
		'Subject: =?UTF-8?B?w5xiZXJ3ZWlzdW5n?=',
		'Received: from a',
		'Received: from b',
		'MIME-Version: 1.0',
		'Content-Type: multipart/mixed; boundary="x"',
		'',
		'--x',
		'Content-Type: text/plain; charset=utf-8',
		'',
		'hi',
		'--x',
		'Content-Type: application/octet-stream',
		'Content-Disposition: attachment; filename="../secret/../a.bin"',
		'Content-Transfer-Encoding: base64',
		'',
		Buffer.from([0, 1, 2, 3]).toString('base64'),
		'--x--',
		'',
	].join('\r\n'),
);

test('parsed: groups flattened, encoded subject decoded, repeated headers as a list, attachments as prefix+index', async () => {
	const item = await toExecutionData(
		{ uid: 9, size: MESSAGE.length, flags: new Set(['\\Seen', '\\Recent']), source: MESSAGE },
		OPTIONS,
		prepare,
	);
	expect(item.json).toMatchObject({
		uid: 9,
		subject: 'Überweisung',
		from: { name: 'Ann', address: 'ann@example.test' },
		to: [],
		flags: ['\\Seen'],
		text: 'hi',
		size: MESSAGE.length,
	});
	expect((item.json.headers as Record<string, unknown>).received).toEqual(['from a', 'from b']);
	expect(Object.keys(item.binary ?? {})).toEqual(['att_0']);
	expect(item.binary!.att_0).toEqual({
		data: 'AAECAw==',
		fileName: 'a.bin',
		mimeType: 'application/octet-stream',
	});
});

test('downloadAttachments off lists attachments without binary data', async () => {
	const item = await toExecutionData(
		{ uid: 1, source: MESSAGE },
		{ ...OPTIONS, downloadAttachments: false },
		prepare,
	);
	expect(item.binary).toBeUndefined();
	expect(item.json.attachments).toEqual([
		expect.objectContaining({
			fileName: '../secret/../a.bin',
			size: 4,
			skipped: 'attachments not downloaded',
		}),
	]);
});

test('readMessage: a message that cannot be parsed is unreadable; n8n failing to store it is not', async () => {
	const hostile = Buffer.from(`X-Big: ${'a'.repeat(1_100_000)}\r\n\r\nbody\r\n`);
	const broken = await readMessage({ uid: 5, source: hostile }, OPTIONS, prepare);
	expect(broken.unreadable).toMatch(/^The header block is \d+ bytes/);

	const full: PrepareBinary = async () => {
		throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
	};
	await expect(
		readMessage({ uid: 4, source: MESSAGE, size: MESSAGE.length }, OPTIONS, full),
	).rejects.toMatchObject({
		name: 'BinaryStoreError',
		uid: 4,
		code: 'ENOSPC',
		message:
			'n8n could not store the binary data of the message with UID 4: ENOSPC: no space left on device',
	});
});
