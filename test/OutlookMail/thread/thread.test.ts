/** Thread → Get: a conversation in order, quoted text removed, as plain text for a model. */
import type { IDataObject, NodeOperationError } from 'n8n-workflow';

import { htmlToText } from '../../../nodes/OutlookMail/helpers/thread';
import { GRAPH_AS_DOCUMENTED, serveMessages } from '../../support/graph-mailbox';
import { MSG_ID, graphMessage, rl, useMailNode } from '../message/setup';

const CONV = 'AAQkAGI2THREAD=';

function threadMessage(id: string, sent: string, extra: IDataObject): IDataObject {
	return graphMessage(id, {
		conversationId: CONV,
		sentDateTime: sent,
		receivedDateTime: sent,
		...extra,
	});
}

/** Graph returns a conversation's messages in no particular order (no $orderby with this filter). */
const MESSAGES = [
	threadMessage('m3', '2026-11-03T10:00:00Z', {
		subject: 'RE: RE: Offer',
		from: { emailAddress: { name: 'Alice', address: 'alice@contoso.com' } },
		uniqueBody: {
			contentType: 'html',
			content:
				'<div><p>Deal. See <a href="https://x.example/c">the contract</a>.</p><img src="cid:sig"></div>',
		},
	}),
	threadMessage('m1', '2026-11-01T09:00:00Z', {
		subject: 'Offer',
		from: { emailAddress: { name: 'Bob', address: 'bob@fabrikam.com' } },
		toRecipients: [{ emailAddress: { name: 'Alice', address: 'alice@contoso.com' } }],
		uniqueBody: {
			contentType: 'html',
			content: '<p>Hello Alice,</p><p>our offer: <b>10 units</b>.</p>',
		},
	}),
	threadMessage('draft', '2026-11-04T10:00:00Z', {
		isDraft: true,
		sentDateTime: null,
		receivedDateTime: '2026-11-04T10:00:00Z',
		subject: 'RE: Offer',
		uniqueBody: { contentType: 'html', content: '<p>unsent</p>' },
	}),
	threadMessage('m2', '2026-11-02T09:00:00Z', {
		subject: 'RE: Offer',
		from: { emailAddress: { name: 'Alice', address: 'alice@contoso.com' } },
		toRecipients: [{ emailAddress: { name: 'Bob', address: 'bob@fabrikam.com' } }],
		ccRecipients: [{ emailAddress: { address: 'carol@contoso.com' } }],
		uniqueBody: { contentType: 'text', content: 'Can you do 12?\r\n' },
	}),
];

describe('Thread → Get', () => {
	const t = useMailNode();

	it('finds the thread by a message and returns its messages oldest first, without drafts', async () => {
		t.s.graph.on('GET', '/me/messages/:id', { body: { id: MSG_ID, conversationId: CONV } });
		t.s.graph.collection('GET', '/me/messages', () => MESSAGES, { defaultPageSize: 2 });
		const out = await t.run({ resource: 'thread', operation: 'get', messageId: rl(MSG_ID) });
		const calls = t.s.graph.calls();
		expect(calls[0]).toMatchObject({
			method: 'GET',
			path: `/me/messages/${encodeURIComponent(MSG_ID)}`,
			query: { $select: 'conversationId,subject' },
		});
		expect(calls[1].query).toMatchObject({
			$filter: `conversationId eq '${CONV}'`,
			$select: expect.stringContaining('uniqueBody'),
		});
		// Graph refuses $orderby with a conversationId filter: the node sorts.
		expect(calls[1].query.$orderby).toBeUndefined();
		expect(out).toHaveLength(1);
		const thread = out[0].json as IDataObject & { messages: IDataObject[] };
		expect(thread.conversationId).toBe(CONV);
		expect(thread.subject).toBe('Offer');
		expect(thread.messageCount).toBe(3);
		expect(thread.truncated).toBe(false);
		expect(thread.messages.map((m) => m.id)).toEqual(['m1', 'm2', 'm3']);
		expect(thread.messages.map((m) => m.text)).toEqual([
			'Hello Alice,\n\nour offer: 10 units.',
			'Can you do 12?',
			'Deal. See the contract [https://x.example/c].',
		]);
		expect(thread.messages[1]).toMatchObject({
			from: 'Alice <alice@contoso.com>',
			to: ['Bob <bob@fabrikam.com>'],
			cc: ['carol@contoso.com'],
			sent: '2026-11-02T09:00:00Z',
		});
		expect(thread.messages[0]).not.toHaveProperty('uniqueBody');
		expect(thread.participants).toEqual([
			'Bob <bob@fabrikam.com>',
			'Alice <alice@contoso.com>',
			'carol@contoso.com',
			'Bob <bob@contoso.com>',
		]);
		expect(thread.text).toBe(
			[
				'From: Bob <bob@fabrikam.com>\nDate: 2026-11-01T09:00:00Z\nTo: Alice <alice@contoso.com>\nSubject: Offer\n\nHello Alice,\n\nour offer: 10 units.',
				'From: Alice <alice@contoso.com>\nDate: 2026-11-02T09:00:00Z\nTo: Bob <bob@fabrikam.com>\nCc: carol@contoso.com\nSubject: RE: Offer\n\nCan you do 12?',
				'From: Alice <alice@contoso.com>\nDate: 2026-11-03T10:00:00Z\nTo: Bob <bob@contoso.com>\nSubject: RE: RE: Offer\n\nDeal. See the contract [https://x.example/c].',
			].join('\n\n---\n\n'),
		);
	});

	it('by conversation ID, with drafts and HTML, quoting the ID as an OData string', async () => {
		const quoted = "conv'with'quotes";
		t.s.graph.collection('GET', '/users/:user/messages', () =>
			MESSAGES.map((m) => ({ ...m, conversationId: quoted })),
		);
		const out = await t.run({
			resource: 'thread',
			operation: 'get',
			mailbox: 'other',
			mailboxId: 'shared@contoso.com',
			threadBy: 'conversationId',
			conversationId: quoted,
			options: { includeDrafts: true, includeHtml: true },
		});
		expect(t.s.graph.calls()[0].query.$filter).toBe("conversationId eq 'conv''with''quotes'");
		const thread = out[0].json as IDataObject & { messages: IDataObject[] };
		expect(thread.messages.map((m) => m.id)).toEqual(['m1', 'm2', 'm3', 'draft']);
		expect(thread.messages[0].uniqueBody).toBe(
			'<p>Hello Alice,</p><p>our offer: <b>10 units</b>.</p>',
		);
	});

	it('stops at Max Messages and says the thread was cut', async () => {
		t.s.graph.collection('GET', '/me/messages', () => MESSAGES);
		const out = await t.run({
			resource: 'thread',
			operation: 'get',
			threadBy: 'conversationId',
			conversationId: CONV,
			options: { maxMessages: 2 },
		});
		expect(out[0].json).toMatchObject({ messageCount: 2, truncated: true });
	});

	it('Max Messages counts the messages it returns: drafts left out neither use it up nor cut the thread', async () => {
		// Three messages and a draft; Graph lists the draft among them (no order with this filter).
		t.s.graph.collection('GET', '/me/messages', () => MESSAGES);
		const out = await t.run({
			resource: 'thread',
			operation: 'get',
			threadBy: 'conversationId',
			conversationId: CONV,
			options: { maxMessages: 3 },
		});
		const thread = out[0].json as IDataObject & { messages: IDataObject[] };
		expect(thread.messages.map((m) => m.id)).toEqual(['m1', 'm2', 'm3']);
		expect(thread).toMatchObject({ messageCount: 3, truncated: false });
	});

	it('a long thread is read in pages Graph can answer: hundreds of messages with their uniqueBody in one page time out (504)', async () => {
		// 250 messages in the conversation, among other mail; Graph as documented answers 504 for a
		// page of more than 200 messages with their full payload (user-list-messages).
		const thread = Array.from({ length: 250 }, (_, n) =>
			threadMessage(`t${n}`, new Date(Date.UTC(2026, 10, 1) + n * 60_000).toISOString(), {
				uniqueBody: { contentType: 'text', content: `message ${n}` },
			}),
		);
		const other = graphMessage('other', { uniqueBody: { contentType: 'text', content: 'x' } });
		serveMessages(t.s.graph, '/me/messages', () => [...thread, other], GRAPH_AS_DOCUMENTED);
		const out = await t.run({
			resource: 'thread',
			operation: 'get',
			threadBy: 'conversationId',
			conversationId: CONV,
		});
		const result = out[0].json as IDataObject & { messages: IDataObject[] };
		expect(result).toMatchObject({ messageCount: 200, truncated: true });
		expect(new Set(result.messages.map((m) => m.id)).size).toBe(200);
	});

	it('refuses an empty conversation ID before any request', async () => {
		const error = await t.fail({
			resource: 'thread',
			operation: 'get',
			threadBy: 'conversationId',
			conversationId: ' ',
		});
		expect(error.message).toMatch(/The field Conversation ID is empty/);
		expect(t.s.graph.requests).toHaveLength(0);
	});

	it('a picked message without a conversation: says so of that message, not of a field the user never saw', async () => {
		t.s.graph.on('GET', '/me/messages/:id', {
			body: { id: MSG_ID, subject: 'Imported note', conversationId: null },
		});
		const error = await t.fail({ resource: 'thread', operation: 'get', messageId: rl(MSG_ID) });
		expect(error.message).toBe(
			'The message in the field Message ("Imported note") belongs to no conversation: Microsoft Graph returned no conversationId for it',
		);
		expect(error.message).not.toMatch(/Conversation ID/);
		expect((error as NodeOperationError).description).toMatch(/Pick another message of the thread/);
		// Nothing was listed for an empty conversation.
		expect(t.s.graph.calls()).toHaveLength(1);
	});
});

describe('htmlToText', () => {
	it('keeps paragraphs and lists, drops images and styles, does not wrap long lines', () => {
		const long = 'word '.repeat(40).trim();
		expect(
			htmlToText(
				`<style>p{color:red}</style><h2>Plan</h2><ul><li>one</li><li>two</li></ul><p>${long}</p><img src="cid:x" alt="logo">`,
			),
		).toBe(`Plan\n\n * one\n * two\n\n${long}`);
	});
});
