import type { INodeExecutionData } from 'n8n-workflow';

import { initBinaryData } from '../../support/n8n-harness';
import { RulesMailbox, type MailBehaviour } from '../../support/graph-mail-rules';
import { graphError } from '../../support/graph-standin';
import { MSG_ID, useMailNode } from './setup';

function fileItem(
	files: Record<string, { bytes: Buffer; name: string; type?: string }>,
): INodeExecutionData {
	const binary: INodeExecutionData['binary'] = {};
	for (const [key, file] of Object.entries(files)) {
		binary[key] = {
			data: file.bytes.toString('base64'),
			fileName: file.name,
			mimeType: file.type ?? 'application/pdf',
			fileSize: String(file.bytes.length),
		};
	}
	return { json: {}, binary };
}

const send = (extra: Record<string, unknown> = {}) => ({
	resource: 'message',
	operation: 'send',
	toRecipients: 'bob@contoso.com, "Carol C." <carol@contoso.com>',
	subject: 'Quarterly report',
	bodyContentType: 'html',
	bodyContent: '<p>Hi</p>',
	...extra,
});

describe('Message → Send', () => {
	const t = useMailNode();
	beforeAll(async () => await initBinaryData('default'));

	it('sends one sendMail with recipients, body, options, headers and saveToSentItems', async () => {
		t.s.graph.on('POST', '/me/sendMail', { status: 202 });
		const out = await t.run(
			send({
				additionalFields: {
					ccRecipients: 'dave@contoso.com',
					bccRecipients: 'erin@contoso.com; frank@contoso.com',
					replyTo: 'replies@contoso.com',
					importance: 'high',
					isReadReceiptRequested: true,
					categories: 'Red category, Project X',
					internetMessageHeaders: { headers: [{ name: 'x-campaign-id', value: 'Q3' }] },
					saveToSentItems: false,
				},
			}),
		);
		expect(t.s.graph.calls()).toEqual([
			{
				method: 'POST',
				path: '/me/sendMail',
				query: {},
				inBatch: false,
				body: {
					message: {
						toRecipients: [
							{ emailAddress: { address: 'bob@contoso.com' } },
							{ emailAddress: { address: 'carol@contoso.com', name: 'Carol C.' } },
						],
						ccRecipients: [{ emailAddress: { address: 'dave@contoso.com' } }],
						bccRecipients: [
							{ emailAddress: { address: 'erin@contoso.com' } },
							{ emailAddress: { address: 'frank@contoso.com' } },
						],
						replyTo: [{ emailAddress: { address: 'replies@contoso.com' } }],
						subject: 'Quarterly report',
						body: { contentType: 'html', content: '<p>Hi</p>' },
						importance: 'high',
						isReadReceiptRequested: true,
						categories: ['Red category', 'Project X'],
						internetMessageHeaders: [{ name: 'x-campaign-id', value: 'Q3' }],
					},
					saveToSentItems: false,
				},
			},
		]);
		expect(out).toEqual([
			{
				json: {
					sent: true,
					subject: 'Quarterly report',
					to: ['bob@contoso.com', 'carol@contoso.com'],
					cc: ['dave@contoso.com'],
					bcc: ['erin@contoso.com', 'frank@contoso.com'],
					attachments: [],
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	it('sends from a shared mailbox under /users/{address}', async () => {
		t.s.graph.on('POST', '/users/:user/sendMail', { status: 202 });
		await t.run(send({ mailbox: 'other', mailboxId: 'shared@contoso.com' }));
		expect(t.s.graph.calls().map((c) => `${c.method} ${c.path}`)).toEqual([
			'POST /users/shared%40contoso.com/sendMail',
		]);
		expect((t.s.graph.calls()[0].body as { saveToSentItems: boolean }).saveToSentItems).toBe(true);
	});

	it('puts small files from several binary properties inline in the one sendMail', async () => {
		t.s.graph.on('POST', '/me/sendMail', { status: 202 });
		const item = fileItem({
			data: { bytes: Buffer.from('%PDF-1.4 report'), name: 'report.pdf' },
			logo: { bytes: Buffer.from('PNG'), name: 'logo.png', type: 'image/png' },
		});
		const out = await t.run(send({ additionalFields: { attachments: 'data, logo' } }), {
			items: [item],
		});
		const calls = t.s.graph.calls();
		expect(calls).toHaveLength(1);
		expect((calls[0].body as { message: { attachments: unknown } }).message.attachments).toEqual([
			{
				'@odata.type': '#microsoft.graph.fileAttachment',
				name: 'report.pdf',
				contentType: 'application/pdf',
				contentBytes: Buffer.from('%PDF-1.4 report').toString('base64'),
			},
			{
				'@odata.type': '#microsoft.graph.fileAttachment',
				name: 'logo.png',
				contentType: 'image/png',
				contentBytes: Buffer.from('PNG').toString('base64'),
			},
		]);
		expect(out[0].json.attachments).toEqual(['report.pdf', 'logo.png']);
	});

	it('sends a message with a large file as draft → upload session → send', async () => {
		const big = Buffer.alloc(3_500_000, 7);
		t.s.graph.on('POST', '/me/messages', {
			status: 201,
			body: { id: MSG_ID, subject: 'Quarterly report' },
		});
		t.s.graph.on('POST', '/me/messages/:id/attachments/createUploadSession', {
			body: { uploadUrl: t.s.graph.uploadUrl('u1'), nextExpectedRanges: ['0-'] },
		});
		t.s.graph.on('POST', '/me/messages/:id/send', { status: 202 });
		const out = await t.run(send({ additionalFields: { attachments: 'data' } }), {
			items: [
				fileItem({ data: { bytes: big, name: 'big.bin', type: 'application/octet-stream' } }),
			],
		});
		const calls = t.s.graph.calls();
		expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
			'POST /me/messages',
			`POST /me/messages/${encodeURIComponent(MSG_ID)}/attachments/createUploadSession`,
			`POST /me/messages/${encodeURIComponent(MSG_ID)}/send`,
		]);
		expect(calls[0].body).toMatchObject({
			subject: 'Quarterly report',
			toRecipients: [
				{ emailAddress: { address: 'bob@contoso.com' } },
				{ emailAddress: { address: 'carol@contoso.com', name: 'Carol C.' } },
			],
		});
		expect(calls[0].body).not.toHaveProperty('attachments');
		expect(t.s.graph.uploads.reduce((sum, u) => sum + u.size, 0)).toBe(big.length);
		expect(out[0].json).toMatchObject({ sent: true, id: MSG_ID, attachments: ['big.bin'] });
	});

	describe('refuses bad input before any request, naming the field and the item', () => {
		it.each([
			[
				'a To address',
				send({ toRecipients: 'bob@contoso.com, not-an-address' }),
				/"not-an-address" in the field To is not an email address/,
			],
			[
				'a CC address',
				send({ additionalFields: { ccRecipients: 'dave@' } }),
				/"dave@" in the field CC is not an email address/,
			],
			['an empty To', send({ toRecipients: '' }), /The field To is empty/],
			[
				'a header not starting with x-',
				send({
					additionalFields: {
						internetMessageHeaders: { headers: [{ name: 'Subject', value: 'x' }] },
					},
				}),
				/"Subject" in the field Internet Headers is not a custom header name/,
			],
			[
				'a header value with CR/LF',
				send({
					additionalFields: {
						internetMessageHeaders: {
							headers: [{ name: 'x-a', value: 'ok\r\nBcc: evil@example.com' }],
						},
					},
				}),
				/header x-a .* contains a line break/,
			],
			[
				'a missing binary property',
				send({ additionalFields: { attachments: 'nothere' } }),
				// The field as the editor labels it (descriptions/compose.ts attachmentsField).
				/binary property "nothere" named in the field Binary Attachments does not exist on item 0/,
			],
			[
				'a bad shared mailbox',
				send({ mailbox: 'other', mailboxId: 'not a mailbox' }),
				/Mailbox Address or ID/,
			],
		])('%s', async (_, parameters, message) => {
			const error = await t.fail(parameters);
			expect(error).toBeInstanceOf(Error);
			expect((error as Error).message).toMatch(message);
			expect((error as { context?: { itemIndex?: number } }).context?.itemIndex).toBe(0);
			expect(t.s.graph.requests).toHaveLength(0);
		});

		it('a file over 150 MB', async () => {
			const item: INodeExecutionData = {
				json: {},
				binary: {
					data: { data: '', mimeType: 'video/mp4', fileName: 'huge.mp4', bytes: 151 * 1024 * 1024 },
				},
			};
			const error = await t.fail(send({ additionalFields: { attachments: 'data' } }), {
				items: [item],
			});
			expect((error as Error).message).toMatch(/huge\.mp4.*150 MB/);
			expect(t.s.graph.requests).toHaveLength(0);
		});
	});

	it('a 403 says Mail.Send is missing and what to add', async () => {
		t.s.graph.on(
			'POST',
			'/me/sendMail',
			graphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.'),
		);
		const error = await t.fail(send());
		expect(error.message).toMatch(/403 ErrorAccessDenied/);
		expect(error.description).toMatch(/Mail\.Send is needed to send mail/);
	});

	it('with continueOnFail, a bad address fails only its item', async () => {
		t.s.graph.on('POST', '/me/sendMail', { status: 202 });
		const out = await t.run(
			{ ...send(), toRecipients: '={{ $json.to }}' },
			{
				items: [{ json: { to: 'bob@contoso.com' } }, { json: { to: 'bob@@contoso' } }],
				continueOnFail: true,
			},
		);
		expect(out[0].json.sent).toBe(true);
		expect(out[1]).toMatchObject({
			json: { error: expect.stringMatching(/"bob@@contoso" in the field To/) },
			pairedItem: { item: 1 },
		});
		expect(t.s.graph.calls()).toHaveLength(1);
	});
});

/**
 * A large file from another user's mailbox with the delegated credential: Microsoft documents a
 * 403 (known-issues, "Attaching large files to messages with delegated permissions can fail"),
 * later reports say it works; the node is right under both.
 */
describe.each<MailBehaviour['delegatedUploadElsewhere']>(['refused', 'allowed'])(
	'Message → Send with a large file from a shared mailbox (upload session %s)',
	(answer) => {
		const t = useMailNode();
		beforeAll(async () => await initBinaryData('default'));
		const root = `/users/${encodeURIComponent('shared@contoso.com')}`;

		it(
			answer === 'refused'
				? 'fails saying why and what to do, sends nothing, and leaves no draft behind'
				: 'sends it with the attachment',
			async () => {
				const mailbox = new RulesMailbox(root, { delegatedUploadElsewhere: answer }).install(
					t.s.graph,
				);
				const parameters = send({
					mailbox: 'other',
					mailboxId: 'shared@contoso.com',
					additionalFields: { attachments: 'data' },
				});
				const items = [
					fileItem({
						data: { bytes: Buffer.alloc(3_200_000, 7), name: 'scan.pdf', type: 'application/pdf' },
					}),
				];
				if (answer === 'allowed') {
					const out = await t.run(parameters, { items });
					expect(out[0].json).toMatchObject({ sent: true, attachments: ['scan.pdf'] });
					const [sent] = mailbox.inFolder('sentitems');
					expect(mailbox.attachmentsOf(String(sent.id))).toEqual([
						expect.objectContaining({ name: 'scan.pdf', size: 3_200_000 }),
					]);
					return;
				}
				const error = await t.fail(parameters, { items });
				expect(error.message).toContain('403 ErrorAccessDenied');
				expect((error as { description?: string }).description).toMatch(
					/does not let delegated permissions add files of 3 MB or more .* "scan\.pdf" is 3\.1 MB\. Use the Outlook App-Only credential .* or attach files under 3 MB\..*Nothing was sent; the draft made to carry the attachments was deleted\./,
				);
				expect(mailbox.inFolder('drafts')).toEqual([]);
				expect(mailbox.inFolder('sentitems')).toEqual([]);
			},
		);
	},
);
