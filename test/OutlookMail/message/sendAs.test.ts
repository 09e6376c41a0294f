/** From (send as / on behalf of) and inline images on Send, Draft → Create/Update and Reply/Forward. */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { initBinaryData } from '../../support/n8n-harness';
import { graphError } from '../../support/graph-standin';
import { MSG_ID, MSG_ID_2, graphMessage, rl, useMailNode } from './setup';

const enc = encodeURIComponent(MSG_ID);

/** Graph's answer when the account holds neither Send As nor Send on Behalf on `from`. */
const SEND_AS_DENIED = graphError(
	403,
	'ErrorSendAsDenied',
	'The user account which was used to submit this request does not have the right to send mail on behalf of the specified sending account., Cannot submit message.',
);

function images(files: Record<string, number>): INodeExecutionData {
	const binary: INodeExecutionData['binary'] = {};
	for (const [key, size] of Object.entries(files)) {
		binary[key] = {
			data: Buffer.alloc(size, 3).toString('base64'),
			fileName: `${key}.png`,
			mimeType: 'image/png',
		};
	}
	return { json: {}, binary };
}

const send = (extra: INodeParameters = {}, options: INodeParameters = {}): INodeParameters => ({
	resource: 'message',
	operation: 'send',
	toRecipients: 'bob@contoso.com',
	subject: 'Hello',
	bodyContentType: 'html',
	bodyContent: '<p>Our logo: <img src="cid:logo" alt=""></p>',
	additionalFields: options,
	...extra,
});

describe('From (send as / on behalf of)', () => {
	const t = useMailNode();
	beforeAll(async () => await initBinaryData('default'));

	it('Send puts the From address in the message', async () => {
		t.s.graph.on('POST', '/me/sendMail', { status: 202 });
		await t.run(send({}, { from: 'Support <support@contoso.com>' }));
		const body = t.s.graph.calls()[0].body as { message: IDataObject };
		expect(body.message.from).toEqual({
			emailAddress: { address: 'support@contoso.com', name: 'Support' },
		});
	});

	it('Draft → Create and Draft → Update set From', async () => {
		t.s.graph.on('POST', '/me/messages', (r) => ({
			status: 201,
			body: graphMessage(MSG_ID, { ...(r.body as IDataObject), isDraft: true }),
		}));
		t.s.graph.on('PATCH', '/me/messages/:id', (r) => ({
			body: graphMessage(MSG_ID, { ...(r.body as IDataObject), isDraft: true }),
		}));
		const created = await t.run({
			resource: 'draft',
			operation: 'create',
			subject: 'x',
			additionalFields: { from: 'team@contoso.com' },
		});
		await t.run({
			resource: 'draft',
			operation: 'update',
			messageId: rl(MSG_ID),
			updateFields: { from: 'sales@contoso.com' },
		});
		const [create, update] = t.s.graph.calls();
		expect((create.body as IDataObject).from).toEqual({
			emailAddress: { address: 'team@contoso.com' },
		});
		expect(update.body).toEqual({ from: { emailAddress: { address: 'sales@contoso.com' } } });
		expect(created[0].json.from).toBe('team@contoso.com');
	});

	it('Message → Reply and Forward send From in the message', async () => {
		t.s.graph.on('POST', '/me/messages/:id/reply', { status: 202 });
		t.s.graph.on('POST', '/me/messages/:id/forward', { status: 202 });
		await t.run({
			resource: 'message',
			operation: 'reply',
			messageId: rl(MSG_ID),
			comment: 'ok',
			additionalFields: { from: 'support@contoso.com' },
		});
		await t.run({
			resource: 'message',
			operation: 'forward',
			messageId: rl(MSG_ID),
			comment: 'fyi',
			toRecipients: 'bob@contoso.com',
			additionalFields: { from: 'support@contoso.com' },
		});
		for (const call of t.s.graph.calls()) {
			expect((call.body as { message: IDataObject }).message.from).toEqual({
				emailAddress: { address: 'support@contoso.com' },
			});
		}
	});

	it('ErrorSendAsDenied names the Exchange rights (Send As, Send on Behalf) and how to grant them', async () => {
		t.s.graph.on('POST', '/me/sendMail', SEND_AS_DENIED);
		const error = await t.fail(send({}, { from: 'ceo@contoso.com' }));
		expect(error.message).toMatch(/403 ErrorSendAsDenied/);
		expect(error.constructor.name).toBe('NodeApiError');
		expect(error.description).toMatch(/neither Send As nor Send on Behalf/);
		expect(error.description).toMatch(/Delegation/);
		expect(error.description).toMatch(/Add-RecipientPermission .*-AccessRights SendAs/);
		expect(error.description).toMatch(/GrantSendOnBehalfTo/);
		expect(error.description).toMatch(/Mail\.Send\.Shared/);
		// Not the generic "add Mail.Send to the credential": the credential is not what is missing.
		expect(error.description).not.toMatch(/Mail\.Send is needed/);
		// Refused for good: the send is not repeated.
		expect(t.s.graph.calls()).toHaveLength(1);
	});

	it('ErrorSendAsDenied on Draft → Send (the From was set on the draft) says the same', async () => {
		t.s.graph.on('POST', '/me/messages/:id/send', SEND_AS_DENIED);
		const error = await t.fail({ resource: 'draft', operation: 'send', messageId: rl(MSG_ID) });
		expect(error.description).toMatch(/Send As .*Send on Behalf/);
	});

	it.each([
		[
			'an unknown sender (not an address)',
			{ from: 'the support team' },
			/"the support team" in the field From is not an email address/,
		],
		[
			'two senders',
			{ from: 'a@contoso.com, b@contoso.com' },
			/The field From must hold exactly one address/,
		],
	])('refuses %s before any request', async (_, options, message) => {
		const error = await t.fail(send({}, options));
		expect(error.message).toMatch(message);
		expect(t.s.graph.requests).toHaveLength(0);
	});
});

describe('Inline images', () => {
	const t = useMailNode();
	beforeAll(async () => await initBinaryData('default'));

	it('Send: an inline image is an attachment with isInline and the property name as contentId', async () => {
		t.s.graph.on('POST', '/me/sendMail', { status: 202 });
		const out = await t.run(send({}, { inlineImages: 'logo' }), { items: [images({ logo: 500 })] });
		const body = t.s.graph.calls()[0].body as { message: IDataObject };
		expect(body.message.attachments).toEqual([
			{
				'@odata.type': '#microsoft.graph.fileAttachment',
				name: 'logo.png',
				contentType: 'image/png',
				contentBytes: Buffer.alloc(500, 3).toString('base64'),
				isInline: true,
				contentId: 'logo',
			},
		]);
		expect(out[0].json.attachments).toEqual(['logo.png']);
	});

	it('Send with a large attachment: the draft gets the inline image in a POST with isInline and contentId', async () => {
		t.s.graph.on('POST', '/me/messages', { status: 201, body: { id: MSG_ID_2 } });
		t.s.graph.on('POST', '/me/messages/:id/attachments', (r) => ({
			status: 201,
			body: { id: 'att', ...(r.body as IDataObject) },
		}));
		t.s.graph.on('POST', '/me/messages/:id/attachments/createUploadSession', {
			body: { uploadUrl: t.s.graph.uploadUrl('big') },
		});
		t.s.graph.on('POST', '/me/messages/:id/send', { status: 202 });
		const item = images({ logo: 300 });
		item.binary!.big = {
			data: Buffer.alloc(3_100_000, 1).toString('base64'),
			fileName: 'big.zip',
			mimeType: 'application/zip',
		};
		await t.run(send({}, { inlineImages: 'logo', attachments: 'big' }), { items: [item] });
		const enc2 = encodeURIComponent(MSG_ID_2);
		expect(t.s.graph.calls().map((c) => `${c.method} ${c.path}`)).toEqual([
			'POST /me/messages',
			`POST /me/messages/${enc2}/attachments/createUploadSession`,
			`POST /me/messages/${enc2}/attachments`,
			`POST /me/messages/${enc2}/send`,
		]);
		expect(t.s.graph.calls()[2].body).toMatchObject({ isInline: true, contentId: 'logo' });
	});

	it('Draft → Create carries inline images in the one request', async () => {
		t.s.graph.on('POST', '/me/messages', (r) => ({
			status: 201,
			body: graphMessage(MSG_ID, { ...(r.body as IDataObject), isDraft: true }),
		}));
		await t.run(
			{
				resource: 'draft',
				operation: 'create',
				subject: 'x',
				bodyContentType: 'html',
				bodyContent: '<img src="cid:chart"><img src="CID:logo">',
				additionalFields: { inlineImages: 'logo, chart' },
			},
			{ items: [images({ logo: 10, chart: 20 })] },
		);
		const attachments = (t.s.graph.calls()[0].body as IDataObject).attachments as IDataObject[];
		expect(attachments.map((a) => [a.contentId, a.isInline])).toEqual([
			['logo', true],
			['chart', true],
		]);
	});

	it.each([
		[
			'an inline image without an HTML body',
			send({ bodyContentType: 'text', bodyContent: 'see cid:logo' }, { inlineImages: 'logo' }),
			/Inline images need an HTML body/,
		],
		[
			'an inline image the HTML does not reference',
			send({ bodyContent: '<img src="cid:logo-dark">' }, { inlineImages: 'logo' }),
			/The HTML body does not reference the inline image "logo"/,
		],
		[
			'an inline image that is not on the item',
			send({}, { inlineImages: 'logo' }),
			/The binary property "logo" named in the field Inline Images does not exist/,
		],
		[
			'an inline image of 3 MB or more',
			send({}, { inlineImages: 'logo' }),
			/The inline image "logo.png" .* is too large/,
		],
		[
			'Draft → Update with an inline image but no new HTML body',
			{
				resource: 'draft',
				operation: 'update',
				messageId: rl(MSG_ID),
				updateFields: { inlineImages: 'logo' },
			},
			/Inline images need an HTML body/,
		],
	])('refuses %s before any request', async (name, parameters, message) => {
		const item = name.includes('not on the item')
			? { json: {} }
			: images({ logo: name.includes('3 MB') ? 3_000_000 : 10 });
		const error = await t.fail(parameters, { items: [item] });
		expect(error.message).toMatch(message);
		expect(error.context.itemIndex).toBe(0);
		expect(t.s.graph.requests).toHaveLength(0);
	});

	it('Message → Reply with a whole HTML body sends the body (no comment) and the inline image', async () => {
		t.s.graph.on('POST', '/me/messages/:id/reply', { status: 202 });
		const out = await t.run(
			{
				resource: 'message',
				operation: 'reply',
				messageId: rl(MSG_ID),
				replyContent: 'body',
				bodyContentType: 'html',
				bodyContent: '<p>Here is the chart:</p><img src="cid:chart">',
				additionalFields: { inlineImages: 'chart' },
			},
			{ items: [images({ chart: 50 })] },
		);
		const body = t.s.graph.calls()[0].body as { comment?: string; message: IDataObject };
		expect(body).not.toHaveProperty('comment');
		expect(body.message.body).toEqual({
			contentType: 'html',
			content: '<p>Here is the chart:</p><img src="cid:chart">',
		});
		expect(body.message.attachments).toEqual([
			expect.objectContaining({ name: 'chart.png', isInline: true, contentId: 'chart' }),
		]);
		expect(out[0].json).toMatchObject({ sent: true, attachments: ['chart.png'] });
	});

	it('Message → Forward refuses an inline image with a comment before any request', async () => {
		const error = await t.fail(
			{
				resource: 'message',
				operation: 'forward',
				messageId: rl(MSG_ID),
				comment: 'see <img src="cid:chart">',
				toRecipients: 'bob@contoso.com',
				additionalFields: { inlineImages: 'chart' },
			},
			{ items: [images({ chart: 50 })] },
		);
		expect(error.message).toMatch(/Inline images need an HTML body/);
		expect(t.s.graph.requests).toHaveLength(0);
	});

	it('Message → Reply keeps working without inline images (comment only)', async () => {
		t.s.graph.on('POST', '/me/messages/:id/reply', { status: 202 });
		await t.run({ resource: 'message', operation: 'reply', messageId: rl(MSG_ID), comment: 'ok' });
		expect(t.s.graph.calls()[0].path).toBe(`/me/messages/${enc}/reply`);
	});
});
