/**
 * The trigger against a real Dovecot with XOAUTH2: a message appended on the server is emitted
 * within 2 s with its fields and attachments; manual runs; the permission check.
 */
import { imapTokens, TYPE, useImapRig, waitFor } from './support';

const rig = useImapRig();

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const PDF = Buffer.from('%PDF-1.4\n% fake pdf for the test\n%%EOF\n');

function withAttachments(subject: string): string {
	const b = 'BOUNDARY-outer';
	const a = 'BOUNDARY-alt';
	return [
		'From: "Bob Sender" <bob@example.test>',
		'To: "Alice" <alice@example.test>, carol@example.test',
		'Cc: dave@example.test',
		'Reply-To: replies@example.test',
		`Subject: ${subject}`,
		'Message-ID: <att-1@example.test>',
		'In-Reply-To: <parent@example.test>',
		'References: <root@example.test> <parent@example.test>',
		'Date: Mon, 16 Nov 2026 10:00:00 +0000',
		'X-Custom: yes',
		'MIME-Version: 1.0',
		`Content-Type: multipart/mixed; boundary="${b}"`,
		'',
		`--${b}`,
		`Content-Type: multipart/alternative; boundary="${a}"`,
		'',
		`--${a}`,
		'Content-Type: text/plain; charset=utf-8',
		'',
		'Hello Alice',
		`--${a}`,
		'Content-Type: text/html; charset=utf-8',
		'',
		'<p>Hello <b>Alice</b></p>',
		`--${a}--`,
		`--${b}`,
		'Content-Type: image/png; name="pixel.png"',
		'Content-Disposition: attachment; filename="../../etc/pixel.png"',
		'Content-Transfer-Encoding: base64',
		'',
		PNG.toString('base64'),
		`--${b}`,
		'Content-Type: application/pdf; name="report.pdf"',
		'Content-Disposition: attachment; filename="report.pdf"',
		'Content-Transfer-Encoding: base64',
		'',
		PDF.toString('base64'),
		`--${b}--`,
		'',
	].join('\r\n');
}

describe('Outlook IMAP Trigger against Dovecot', () => {
	test('a message appended on the server is emitted within 2 s, fields and attachments right', async () => {
		const n8n = rig.harness();
		const run = await n8n.activateTrigger(TYPE, { parameters: rig.parameters() });
		try {
			// The baseline ("new mail only") is written once the mailbox is open.
			await waitFor(() => run.staticData.imapCursor, 10_000, 'the cursor baseline');
			const appendedAt = Date.now();
			await rig.dovecot.appendMessage(withAttachments('Invoice 42'));
			await waitFor(() => run.emitted.length > 0, 2_000, 'the emitted item');
			const latency = Date.now() - appendedAt;
			expect(latency).toBeLessThan(2_000);
			expect(run.errors).toEqual([]);
			expect(run.emitted).toHaveLength(1);
			const [item] = run.emitted;
			expect(item.json).toMatchObject({
				uid: 1,
				subject: 'Invoice 42',
				messageId: '<att-1@example.test>',
				from: { name: 'Bob Sender', address: 'bob@example.test' },
				to: [
					{ name: 'Alice', address: 'alice@example.test' },
					{ name: '', address: 'carol@example.test' },
				],
				cc: [{ name: '', address: 'dave@example.test' }],
				replyTo: [{ name: '', address: 'replies@example.test' }],
				inReplyTo: '<parent@example.test>',
				references: ['<root@example.test>', '<parent@example.test>'],
				date: '2026-11-16T10:00:00.000Z',
				text: 'Hello Alice',
				html: '<p>Hello <b>Alice</b></p>',
				flags: [],
			});
			expect((item.json.headers as Record<string, string>)['x-custom']).toBe('yes');
			expect(item.json.size).toBeGreaterThan(500);
			expect(item.json.attachments).toEqual([
				{
					fileName: '../../etc/pixel.png',
					mimeType: 'image/png',
					size: PNG.length,
					contentId: '',
					inline: false,
					binaryProperty: 'attachment_0',
				},
				{
					fileName: 'report.pdf',
					mimeType: 'application/pdf',
					size: PDF.length,
					contentId: '',
					inline: false,
					binaryProperty: 'attachment_1',
				},
			]);
			expect(Object.keys(item.binary ?? {})).toEqual(['attachment_0', 'attachment_1']);
			const png = item.binary!.attachment_0;
			expect(png.mimeType).toBe('image/png');
			expect(png.fileName).toBe('pixel.png');
			expect(Buffer.from(png.data, 'base64')).toEqual(PNG);
			expect(item.binary!.attachment_1.mimeType).toBe('application/pdf');
			expect(Buffer.from(item.binary!.attachment_1.data, 'base64')).toEqual(PDF);
			// Written after the emit: (UIDVALIDITY, last UID).
			const status = await rig.dovecot.status();
			expect(run.staticData.imapCursor).toMatchObject({
				mailbox: 'alice@example.test/INBOX',
				uidValidity: String(status.uidValidity),
				lastUid: 1,
				recentIds: ['<att-1@example.test>'],
			});
			// The IMAP login used an IMAP-audience token, and no token appears in the output.
			expect(imapTokens(rig.standIns).length).toBeGreaterThan(0);
			const output = JSON.stringify(run.emitted.map((i) => i.json));
			for (const secret of rig.standIns.idp.secrets()) expect(output).not.toContain(secret);
		} finally {
			await run.close();
		}
		expect(await rig.dovecot.who()).toEqual([]);
	});
});
