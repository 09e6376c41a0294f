/** Draft → Create Reply, Create Reply All, Create Forward: a draft in the thread, never sent. */
import type { IDataObject } from 'n8n-workflow';

import { RulesMailbox, type MailBehaviour } from '../../support/graph-mail-rules';
import { graphError } from '../../support/graph-standin';
import { initBinaryData } from '../../support/n8n-harness';
import { MSG_ID, MSG_ID_2, draftBody, graphMessage, rl, useMailNode } from '../message/setup';

const enc = encodeURIComponent(MSG_ID);
const enc2 = encodeURIComponent(MSG_ID_2);

/** What Graph answers createReply & co: the new draft, in the original's conversation. */
function draftReply(request: { body?: unknown }, subjectPrefix: string) {
	const sent = (request.body as IDataObject | undefined) ?? {};
	const message = (sent.message ?? {}) as IDataObject;
	return {
		status: 201,
		body: graphMessage(MSG_ID_2, {
			subject: `${subjectPrefix}: Subject ${MSG_ID}`,
			conversationId: `conv-${MSG_ID}`,
			isDraft: true,
			webLink: `https://outlook.office365.com/owa/?ItemID=${enc2}&exvsurl=1&viewmodel=ReadMessageItem`,
			// The comment above the quoted original, as later reports show Graph doing.
			body: draftBody(sent.comment as string | undefined),
			...message,
		}),
	};
}

function file(name: string, size: number, mimeType = 'application/octet-stream', fileName = name) {
	return { data: Buffer.alloc(size, 7).toString('base64'), mimeType, fileName };
}

describe('Draft → Create Reply / Reply All / Forward', () => {
	const t = useMailNode();
	beforeAll(async () => await initBinaryData('default'));

	it('Create Reply posts createReply with the comment and returns the draft ID and its web link', async () => {
		t.s.graph.on('POST', '/me/messages/:id/createReply', (r) => draftReply(r, 'RE'));
		const out = await t.run({
			resource: 'draft',
			operation: 'createReply',
			messageId: rl(MSG_ID),
			comment: 'Thanks, I will look into it.',
		});
		expect(t.s.graph.calls()).toEqual([
			{
				method: 'POST',
				path: `/me/messages/${enc}/createReply`,
				query: {},
				inBatch: false,
				// Nothing but the comment: no send ID, no send; Graph keeps the thread (conversation, headers).
				body: { comment: 'Thanks, I will look into it.' },
			},
		]);
		expect(out).toHaveLength(1);
		expect(out[0].json).toMatchObject({
			id: MSG_ID_2,
			isDraft: true,
			conversationId: `conv-${MSG_ID}`,
			subject: `RE: Subject ${MSG_ID}`,
			webLink: expect.stringContaining(`ItemID=${enc2}`),
			inReplyTo: MSG_ID,
		});
	});

	it('Create Reply All with a whole HTML body, extra and CC recipients, From and an inline image', async () => {
		t.s.graph.on('POST', '/users/:user/messages/:id/createReplyAll', (r) => draftReply(r, 'RE'));
		t.s.graph.on('PATCH', '/users/:user/messages/:id', (r) => ({
			body: graphMessage(MSG_ID_2, { isDraft: true, ...(r.body as IDataObject) }),
		}));
		const item = {
			json: {},
			binary: {
				logo: file('logo', 200, 'image/png', 'logo.png'),
				data: file('data', 10, 'text/plain', 'a.txt'),
			},
		};
		const out = await t.run(
			{
				resource: 'draft',
				operation: 'createReplyAll',
				mailbox: 'other',
				mailboxId: 'support@contoso.com',
				messageId: rl(MSG_ID),
				replyContent: 'body',
				bodyContentType: 'html',
				bodyContent: '<p>Hello</p><img src="cid:logo">',
				additionalFields: {
					toRecipients: 'extra@contoso.com',
					ccRecipients: 'Carol <carol@contoso.com>',
					from: 'Support <support@contoso.com>',
					attachments: 'data',
					inlineImages: 'logo',
				},
			},
			{ items: [item] },
		);
		const [call, patch] = t.s.graph.calls();
		expect(call.path).toBe(`/users/support%40contoso.com/messages/${enc}/createReplyAll`);
		// The extra recipients are not given to createReplyAll (Graph may put them in place of the
		// ones it works out: helpers/replyRecipients.ts), but added to the draft's lists after.
		expect(patch).toMatchObject({
			method: 'PATCH',
			path: `/users/support%40contoso.com/messages/${enc2}`,
			body: {
				toRecipients: [
					{ emailAddress: { name: 'Bob', address: 'bob@contoso.com' } },
					{ emailAddress: { address: 'extra@contoso.com' } },
				],
				ccRecipients: [{ emailAddress: { address: 'carol@contoso.com', name: 'Carol' } }],
			},
		});
		expect(call.body).toEqual({
			message: {
				from: { emailAddress: { address: 'support@contoso.com', name: 'Support' } },
				body: { contentType: 'html', content: '<p>Hello</p><img src="cid:logo">' },
				attachments: [
					{
						'@odata.type': '#microsoft.graph.fileAttachment',
						name: 'a.txt',
						contentType: 'text/plain',
						contentBytes: Buffer.alloc(10, 7).toString('base64'),
					},
					{
						'@odata.type': '#microsoft.graph.fileAttachment',
						name: 'logo.png',
						contentType: 'image/png',
						contentBytes: Buffer.alloc(200, 7).toString('base64'),
						isInline: true,
						contentId: 'logo',
					},
				],
			},
		});
		// "Specifying both [comment and body] will return an HTTP 400": only the body is sent.
		expect(call.body).not.toHaveProperty('comment');
		expect(out[0].json).toMatchObject({ id: MSG_ID_2, attachments: ['a.txt', 'logo.png'] });
	});

	it('Create Forward with a large attachment: createForward, then an upload session on the draft, and no send', async () => {
		t.s.graph.on('POST', '/me/messages/:id/createForward', (r) => draftReply(r, 'FW'));
		t.s.graph.on('POST', '/me/messages/:id/attachments/createUploadSession', {
			body: { uploadUrl: t.s.graph.uploadUrl('f1') },
		});
		const out = await t.run(
			{
				resource: 'draft',
				operation: 'createForward',
				messageId: rl(MSG_ID),
				comment: 'See the logs',
				toRecipients: 'ops@contoso.com',
				additionalFields: { attachments: 'data' },
			},
			{
				items: [
					{ json: {}, binary: { data: file('data', 3_200_000, 'application/zip', 'logs.zip') } },
				],
			},
		);
		expect(t.s.graph.calls().map((c) => `${c.method} ${c.path}`)).toEqual([
			`POST /me/messages/${enc}/createForward`,
			`POST /me/messages/${enc2}/attachments/createUploadSession`,
		]);
		expect(t.s.graph.calls()[0].body).toEqual({
			comment: 'See the logs',
			toRecipients: [{ emailAddress: { address: 'ops@contoso.com' } }],
		});
		expect(t.s.graph.uploads.length).toBeGreaterThan(0);
		expect(out[0].json).toMatchObject({
			id: MSG_ID_2,
			isDraft: true,
			hasAttachments: true,
			attachments: ['logs.zip'],
			webLink: expect.any(String),
		});
	});

	it('Create Forward may leave To empty (a person adds recipients in Outlook)', async () => {
		t.s.graph.on('POST', '/me/messages/:id/createForward', (r) => draftReply(r, 'FW'));
		await t.run({
			resource: 'draft',
			operation: 'createForward',
			messageId: rl(MSG_ID),
			comment: 'FYI',
		});
		expect(t.s.graph.calls()[0].body).toEqual({ comment: 'FYI' });
	});

	it.each([
		[
			'an inline image with a comment (no HTML body)',
			{ operation: 'createReply', comment: 'hi', additionalFields: { inlineImages: 'logo' } },
			/Inline images need an HTML body/,
		],
		[
			'an inline image with a text body',
			{
				operation: 'createReply',
				replyContent: 'body',
				bodyContentType: 'text',
				bodyContent: 'see cid:logo',
				additionalFields: { inlineImages: 'logo' },
			},
			/Inline images need an HTML body/,
		],
		[
			'an inline image the HTML does not reference',
			{
				operation: 'createForward',
				replyContent: 'body',
				bodyContentType: 'html',
				bodyContent: '<img src="cid:logo2">',
				additionalFields: { inlineImages: 'logo' },
			},
			/does not reference the inline image "logo"/,
		],
		[
			'a From that is not an address',
			{ operation: 'createReply', comment: 'x', additionalFields: { from: 'support team' } },
			/"support team" in the field From is not an email address/,
		],
		[
			'two From addresses',
			{
				operation: 'createReplyAll',
				comment: 'x',
				additionalFields: { from: 'a@contoso.com, b@contoso.com' },
			},
			/The field From must hold exactly one address/,
		],
		[
			'a bad forward address',
			{ operation: 'createForward', toRecipients: 'bob at contoso' },
			/"bob at contoso" in the field To/,
		],
	])('refuses %s before any request', async (_, parameters, message) => {
		const error = await t.fail(
			{ resource: 'draft', messageId: rl(MSG_ID), ...parameters },
			{ items: [{ json: {}, binary: { logo: file('logo', 100, 'image/png', 'logo.png') } }] },
		);
		expect(error.message).toMatch(message);
		expect(error.context.itemIndex).toBe(0);
		expect(t.s.graph.requests).toHaveLength(0);
	});

	it('with Continue On Fail, a bad item fails alone', async () => {
		t.s.graph.on('POST', '/me/messages/:id/createReply', (r) => draftReply(r, 'RE'));
		const out = await t.run(
			{
				resource: 'draft',
				operation: 'createReply',
				messageId: rl(MSG_ID),
				comment: 'ok',
				additionalFields: { from: '={{ $json.from }}' },
			},
			{
				items: [{ json: { from: 'not an address' } }, { json: { from: '' } }],
				continueOnFail: true,
			},
		);
		expect(out[0].json.error).toMatch(/in the field From is not an email address/);
		expect(out[1].json).toMatchObject({ id: MSG_ID_2 });
		expect(t.s.graph.calls()).toHaveLength(1);
	});
});

describe.each<MailBehaviour['draftComment']>(['dropped', 'kept'])(
	'Draft → Create Reply when Graph has the comment %s (known-issues vs later reports)',
	(reading) => {
		const t = useMailNode();

		it('the draft holds the comment above the quoted message', async () => {
			const mailbox = new RulesMailbox('/me', { draftComment: reading }).install(t.s.graph);
			const original = mailbox.deliver('inbox', { subject: 'Offer' });
			const out = await t.run({
				resource: 'draft',
				operation: 'createReply',
				messageId: rl(original),
				comment: 'Yes, 12 units.',
			});
			const [draft] = mailbox.inFolder('drafts');
			expect(out[0].json).toMatchObject({ id: draft.id, isDraft: true, inReplyTo: original });
			expect(String((draft.body as { content: string }).content)).toMatch(
				/<body><div>Yes, 12 units\.<\/div><hr><div id="divRplyFwdMsg">/,
			);
		});
	},
);

/** Extra To and CC on a reply draft, whether Graph adds them or puts them in place (graph-mail-rules.ts). */
describe.each<MailBehaviour['replyRecipients']>(['added', 'replaced'])(
	'Draft → Create Reply All with extra recipients when Graph has them %s',
	(reading) => {
		const t = useMailNode();
		const addresses = (list: unknown) =>
			((list as Array<{ emailAddress: { address: string } }>) ?? []).map((r) =>
				r.emailAddress.address.toLowerCase(),
			);

		it('the draft holds the people Exchange works out and the extra ones, and is the output', async () => {
			const mailbox = new RulesMailbox('/me', { replyRecipients: reading }).install(t.s.graph);
			const original = mailbox.deliver('inbox', {
				toRecipients: [
					{ emailAddress: { address: 'alice@contoso.com' } },
					{ emailAddress: { address: 'dan@contoso.com' } },
				],
			});
			const out = await t.run({
				resource: 'draft',
				operation: 'createReplyAll',
				messageId: rl(original),
				replyContent: 'body',
				bodyContentType: 'text',
				bodyContent: 'Adding Carol',
				additionalFields: { toRecipients: 'carol@contoso.com', ccRecipients: 'dan@contoso.com' },
			});
			const [draft] = mailbox.inFolder('drafts');
			expect(addresses(draft.toRecipients)).toEqual([
				'bob@contoso.com',
				'dan@contoso.com',
				'carol@contoso.com',
			]);
			expect(addresses(draft.ccRecipients)).toEqual(['dan@contoso.com']);
			expect(out[0].json).toMatchObject({
				id: draft.id,
				to: ['bob@contoso.com', 'dan@contoso.com', 'carol@contoso.com'],
				cc: ['dan@contoso.com'],
			});
		});

		it('when the recipients cannot be added, the item fails and the draft is deleted', async () => {
			const mailbox = new RulesMailbox('/me', { replyRecipients: reading }).install(t.s.graph);
			const original = mailbox.deliver('inbox');
			t.s.graph.on('PATCH', '/me/messages/:id', () =>
				graphError(400, 'ErrorInvalidRecipients', 'At least one recipient is not valid.'),
			);
			const error = await t
				.run({
					resource: 'draft',
					operation: 'createReply',
					messageId: rl(original),
					replyContent: 'body',
					bodyContentType: 'text',
					bodyContent: 'x',
					additionalFields: { toRecipients: 'carol@contoso.com' },
				})
				.catch((e: unknown) => e as { message: string; description?: string });
			expect(error).toMatchObject({
				message: expect.stringContaining('ErrorInvalidRecipients'),
				description: expect.stringContaining('The draft made without them was deleted.'),
			});
			expect(mailbox.inFolder('drafts')).toEqual([]);
		});
	},
);
