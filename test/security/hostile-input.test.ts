/**
 * Values from items reach Graph only as encoded path segments, JSON values or quote-escaped OData
 * literals: each hostile value below is either sent harmlessly (and the test pins exactly what was
 * sent) or refused before any request with an error naming the field and the item.
 */
import { MESSAGE_CLASS_EXPAND } from '../../nodes/OutlookMail/helpers/teamsChats';
import { rl, useMailNode, MSG_ID, graphMessage } from '../OutlookMail/message/setup';

describe('hostile input to Outlook Mail', () => {
	const t = useMailNode();

	it('a message ID that walks up the path is refused before any request, naming the field', async () => {
		const error = await t.fail({
			resource: 'message',
			operation: 'get',
			messageId: rl('../../users/ceo@contoso.com/messages'),
		});
		expect(error.message).toMatch(/Message/);
		expect(error.context.itemIndex).toBe(0);
		expect(t.s.graph.requests).toEqual([]);
	});

	it('an encoded traversal in a message ID is refused too', async () => {
		await t.fail({
			resource: 'message',
			operation: 'delete',
			messageId: rl('..%2F..%2Fusers%2Fceo'),
		});
		expect(t.s.graph.requests).toEqual([]);
	});

	it('a mailbox address that carries a path is refused, naming the Mailbox field', async () => {
		const error = await t.fail({
			resource: 'message',
			operation: 'get',
			mailbox: 'other',
			mailboxId: 'ceo@contoso.com/../../me',
			messageId: rl(MSG_ID),
		});
		expect(error.message).toMatch(/Mailbox Address or ID/);
		expect(t.s.graph.requests).toEqual([]);
	});

	it('a category with a quote and an OData clause stays one quoted literal in $filter', async () => {
		t.s.graph.on('GET', '/me/messages', { body: { value: [graphMessage(MSG_ID)] } });
		await t.run({
			resource: 'message',
			operation: 'getAll',
			limit: 5,
			filters: { categories: "Red') or (1 eq 1" },
		});
		const filter = t.s.graph.calls()[0].query.$filter;
		expect(filter).toContain("'Red'') or (1 eq 1'");
		// Every quote in the filter is paired: the literal cannot end early.
		expect(filter.replace(/''/g, '').split("'").length % 2).toBe(1);
	});

	it('a search with quotes, & and = is sent as one $search value, nothing more', async () => {
		t.s.graph.on('GET', '/me/messages', { body: { value: [] } });
		const search = `budget "Q3" & owner=ceo`;
		await t.run({ resource: 'message', operation: 'getAll', limit: 5, filters: { search } });
		const [call] = t.s.graph.calls();
		// One $search value holding the whole text (quotes escaped for KQL), no parameter split off at & or =.
		expect(call.query).toEqual({
			$search: expect.any(String),
			$top: '5',
			$select: expect.any(String),
			// The message class, to leave out Teams chats (helpers/teamsChats.ts): the node's own value.
			$expand: MESSAGE_CLASS_EXPAND,
		});
		expect(call.query.$search).toBe('"budget \\"Q3\\" & owner=ceo"');
	});

	it('an internet header value with CR/LF is refused before sending, naming the header', async () => {
		const error = await t.fail({
			resource: 'message',
			operation: 'send',
			toRecipients: 'bob@contoso.com',
			subject: 'Hi',
			bodyContent: 'Hello',
			additionalFields: {
				internetMessageHeaders: {
					headers: [{ name: 'x-tag', value: 'ok\r\nBcc: victim@contoso.com' }],
				},
			},
		});
		expect(error.message).toMatch(/x-tag|header/i);
		expect(t.s.graph.requests).toEqual([]);
	});

	it('a recipient list with a newline-smuggled address is refused, naming the field', async () => {
		const error = await t.fail({
			resource: 'message',
			operation: 'send',
			toRecipients: 'bob@contoso.com\nBcc: eve@evil.test',
			subject: 'Hi',
			bodyContent: 'x',
		});
		expect(error.message).toMatch(/To|recipient/i);
		expect(t.s.graph.requests).toEqual([]);
	});
});
