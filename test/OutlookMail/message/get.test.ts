import { graphError } from '../../support/graph-standin';
import { FOLDER_ID, MSG_ID, graphMessage, rl, useMailNode } from './setup';

const enc = encodeURIComponent(MSG_ID);

describe('Message → Get', () => {
	const t = useMailNode();

	it('simplified: selects the fields it needs and returns a flat object', async () => {
		t.s.graph.on('GET', '/me/messages/:id', (_, p) => ({
			body: graphMessage(p.id, { body: { contentType: 'html', content: '<p>Hello Bob</p>' } }),
		}));
		const out = await t.run({ resource: 'message', operation: 'get', messageId: rl(MSG_ID) });
		const [call] = t.s.graph.calls();
		expect(call.method).toBe('GET');
		expect(call.path).toBe(`/me/messages/${enc}`);
		expect(call.query.$select.split(',')).toEqual(
			expect.arrayContaining([
				'id',
				'subject',
				'from',
				'toRecipients',
				'receivedDateTime',
				'bodyPreview',
				'isRead',
				'hasAttachments',
				'webLink',
				'conversationId',
				'body',
			]),
		);
		expect(out).toEqual([
			{
				json: {
					id: MSG_ID,
					conversationId: `conv-${MSG_ID}`,
					subject: `Subject ${MSG_ID}`,
					from: 'alice@contoso.com',
					fromName: 'Alice',
					to: ['bob@contoso.com'],
					cc: [],
					received: '2024-05-01T09:00:00Z',
					sent: '2024-05-01T08:59:58Z',
					preview: 'Hello Bob',
					isRead: false,
					isDraft: false,
					hasAttachments: false,
					importance: 'normal',
					categories: [],
					flag: 'notFlagged',
					webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(MSG_ID)}`,
					folderId: FOLDER_ID,
					body: '<p>Hello Bob</p>',
					bodyType: 'html',
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	it('raw: returns Graph JSON as is, without $select; body as text sets the Prefer header', async () => {
		const raw = graphMessage(MSG_ID, { '@odata.etag': 'W/"x"', internetMessageId: '<a@b>' });
		t.s.graph.on('GET', '/me/messages/:id', { body: raw });
		const out = await t.run({
			resource: 'message',
			operation: 'get',
			messageId: rl(MSG_ID),
			output: 'raw',
			options: { bodyAsText: true },
		});
		expect(t.s.graph.calls()[0].query).toEqual({});
		expect(t.s.graph.requests[0].headers.prefer).toBe(
			'IdType="ImmutableId", outlook.body-content-type="text"',
		);
		expect(out[0].json).toEqual(raw);
	});

	it('selected fields: $select is the ID plus the chosen fields', async () => {
		t.s.graph.on('GET', '/users/:user/messages/:id', {
			body: { id: MSG_ID, subject: 'S', isRead: true },
		});
		const out = await t.run({
			resource: 'message',
			operation: 'get',
			mailbox: 'other',
			mailboxId: 'shared@contoso.com',
			messageId: rl(MSG_ID),
			output: 'fields',
			fields: ['subject', 'isRead'],
		});
		expect(t.s.graph.calls()[0]).toMatchObject({
			path: `/users/shared%40contoso.com/messages/${enc}`,
			query: { $select: 'id,subject,isRead' },
		});
		expect(out[0].json).toEqual({ id: MSG_ID, subject: 'S', isRead: true });
		// Fields from an expression may be text: "subject, isRead" (crashed with fields.filter).
		await t.run({
			resource: 'message',
			operation: 'get',
			mailbox: 'other',
			mailboxId: 'shared@contoso.com',
			messageId: rl(MSG_ID),
			output: 'fields',
			fields: 'subject, isRead',
		});
		expect(t.s.graph.calls()[1]).toMatchObject({ query: { $select: 'id,subject,isRead' } });
	});

	it('a 404 says the item does not exist; a 403 in a shared mailbox names the Shared permission', async () => {
		t.s.graph.on(
			'GET',
			'/me/messages/:id',
			graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.'),
		);
		const notFound = await t.fail({ resource: 'message', operation: 'get', messageId: rl(MSG_ID) });
		expect(notFound.message).toMatch(/404 ErrorItemNotFound/);
		expect(notFound.description).toMatch(/does not exist/);

		t.s.graph.on(
			'GET',
			'/users/:user/messages/:id',
			graphError(403, 'ErrorAccessDenied', 'Access is denied.'),
		);
		const denied = await t.fail({
			resource: 'message',
			operation: 'get',
			mailbox: 'other',
			mailboxId: 'shared@contoso.com',
			messageId: rl(MSG_ID),
		});
		expect(denied.description).toMatch(/Mail\.ReadWrite\.Shared is needed to read mail/);
	});
});

describe('Message → Get MIME', () => {
	const t = useMailNode();

	it('downloads $value as a message/rfc822 binary', async () => {
		const mime = Buffer.from('From: alice@contoso.com\r\nSubject: Hi\r\n\r\nHello\r\n');
		t.s.graph.on('GET', '/me/messages/:id/$value', {
			body: mime,
			headers: { 'content-type': 'message/rfc822' },
		});
		const out = await t.run({
			resource: 'message',
			operation: 'getMime',
			messageId: rl(MSG_ID),
			binaryPropertyName: 'mime',
			fileName: 'hi.eml',
		});
		expect(t.s.graph.calls()).toEqual([
			{
				method: 'GET',
				path: `/me/messages/${enc}/$value`,
				query: {},
				body: undefined,
				inBatch: false,
			},
		]);
		expect(out[0].json).toEqual({ id: MSG_ID, fileName: 'hi.eml', size: mime.length });
		expect(out[0].binary?.mime).toMatchObject({ fileName: 'hi.eml', mimeType: 'message/rfc822' });
		expect(Buffer.from(out[0].binary!.mime.data, 'base64').equals(mime)).toBe(true);
	});
});
