import {
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
		fileName: '../secret/../a.bin',
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
