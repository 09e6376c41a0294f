import type { IDataObject } from 'n8n-workflow';

import { initBinaryData } from '../../support/n8n-harness';
import { graphError } from '../../support/graph-standin';
import { MSG_ID, graphMessage, rl, useMailNode } from '../message/setup';

const enc = encodeURIComponent(MSG_ID);

describe('Draft', () => {
	const t = useMailNode();
	beforeAll(async () => await initBinaryData('default'));

	it('Create posts the message (no recipient needed) with inline files and returns it simplified', async () => {
		t.s.graph.on('POST', '/me/messages', (request) => ({
			status: 201,
			body: graphMessage(MSG_ID, {
				...(request.body as IDataObject),
				isDraft: true,
				toRecipients: [],
			}),
		}));
		const item = {
			json: {},
			binary: {
				data: {
					data: Buffer.from('a,b\n1,2').toString('base64'),
					mimeType: 'text/csv',
					fileName: 'data.csv',
				},
			},
		};
		const out = await t.run(
			{
				resource: 'draft',
				operation: 'create',
				subject: 'Draft subject',
				bodyContent: 'Draft body',
				additionalFields: {
					attachments: 'data',
					importance: 'low',
					internetMessageHeaders: { headers: [{ name: 'X-Ticket', value: '42' }] },
				},
			},
			{ items: [item] },
		);
		expect(t.s.graph.calls()).toEqual([
			{
				method: 'POST',
				path: '/me/messages',
				query: {},
				inBatch: false,
				body: {
					toRecipients: [],
					subject: 'Draft subject',
					body: { contentType: 'text', content: 'Draft body' },
					importance: 'low',
					internetMessageHeaders: [{ name: 'X-Ticket', value: '42' }],
					attachments: [
						{
							'@odata.type': '#microsoft.graph.fileAttachment',
							name: 'data.csv',
							contentType: 'text/csv',
							contentBytes: Buffer.from('a,b\n1,2').toString('base64'),
						},
					],
				},
			},
		]);
		expect(out[0].json).toMatchObject({
			id: MSG_ID,
			subject: 'Draft subject',
			isDraft: true,
			importance: 'low',
			attachments: ['data.csv'],
		});
	});

	it('Create with a large file creates the draft, then uploads the file to it', async () => {
		t.s.graph.on('POST', '/me/messages', {
			status: 201,
			body: graphMessage(MSG_ID, { isDraft: true }),
		});
		t.s.graph.on('POST', '/me/messages/:id/attachments/createUploadSession', {
			body: { uploadUrl: t.s.graph.uploadUrl('d1') },
		});
		const big = Buffer.alloc(3_100_000, 3);
		const item = {
			json: {},
			binary: {
				data: { data: big.toString('base64'), mimeType: 'application/pdf', fileName: 'big.pdf' },
			},
		};
		const out = await t.run(
			{
				resource: 'draft',
				operation: 'create',
				toRecipients: 'bob@contoso.com',
				subject: 'S',
				additionalFields: { attachments: 'data' },
			},
			{ items: [item] },
		);
		expect(t.s.graph.calls().map((c) => `${c.method} ${c.path}`)).toEqual([
			'POST /me/messages',
			`POST /me/messages/${enc}/attachments/createUploadSession`,
		]);
		expect(t.s.graph.uploads.reduce((sum, u) => sum + u.size, 0)).toBe(big.length);
		expect(out[0].json).toMatchObject({ id: MSG_ID, attachments: ['big.pdf'] });
	});

	it('Update patches only the chosen fields and adds attachments', async () => {
		t.s.graph.on('PATCH', '/me/messages/:id', (request, p) => ({
			body: graphMessage(p.id, request.body as IDataObject),
		}));
		t.s.graph.on('POST', '/me/messages/:id/attachments', { status: 201, body: { id: 'att1' } });
		const item = {
			json: {},
			binary: {
				data: {
					data: Buffer.from('x').toString('base64'),
					mimeType: 'text/plain',
					fileName: 'x.txt',
				},
			},
		};
		const out = await t.run(
			{
				resource: 'draft',
				operation: 'update',
				messageId: rl(MSG_ID),
				updateFields: {
					subject: 'New',
					toRecipients: 'carol@contoso.com',
					bodyContentType: 'html',
					bodyContent: '<b>x</b>',
					attachments: 'data',
				},
			},
			{ items: [item] },
		);
		expect(t.s.graph.calls()).toEqual([
			{
				method: 'PATCH',
				path: `/me/messages/${enc}`,
				query: {},
				inBatch: false,
				body: {
					toRecipients: [{ emailAddress: { address: 'carol@contoso.com' } }],
					subject: 'New',
					body: { contentType: 'html', content: '<b>x</b>' },
				},
			},
			{
				method: 'POST',
				path: `/me/messages/${enc}/attachments`,
				query: {},
				inBatch: false,
				body: {
					'@odata.type': '#microsoft.graph.fileAttachment',
					name: 'x.txt',
					contentType: 'text/plain',
					contentBytes: Buffer.from('x').toString('base64'),
				},
			},
		]);
		expect(out[0].json).toMatchObject({
			id: MSG_ID,
			subject: 'New',
			to: ['carol@contoso.com'],
			attachments: ['x.txt'],
		});
	});

	it('Update that only adds attachments outputs the draft as it is, not empty fields', async () => {
		t.s.graph.on('GET', '/me/messages/:id', (_request, p) => ({
			body: graphMessage(p.id, {
				subject: 'Quarterly report',
				isDraft: true,
				hasAttachments: true,
			}),
		}));
		t.s.graph.on('POST', '/me/messages/:id/attachments', { status: 201, body: { id: 'att1' } });
		const item = {
			json: {},
			binary: {
				data: {
					data: Buffer.from('x').toString('base64'),
					mimeType: 'text/plain',
					fileName: 'x.txt',
				},
			},
		};
		const out = await t.run(
			{
				resource: 'draft',
				operation: 'update',
				messageId: rl(MSG_ID),
				updateFields: { attachments: 'data' },
			},
			{ items: [item] },
		);
		// Nothing was patched: the draft's subject and recipients are still there.
		expect(out[0].json).toMatchObject({
			id: MSG_ID,
			subject: 'Quarterly report',
			to: ['bob@contoso.com'],
			from: 'alice@contoso.com',
			isDraft: true,
			attachments: ['x.txt'],
		});
	});

	it('Update refuses a bad address and an empty update before any request', async () => {
		const bad = await t.fail({
			resource: 'draft',
			operation: 'update',
			messageId: rl(MSG_ID),
			updateFields: { ccRecipients: 'x@y' },
		});
		expect(bad.message).toMatch(/"x@y" in the field CC is not an email address/);
		const empty = await t.fail({
			resource: 'draft',
			operation: 'update',
			messageId: rl(MSG_ID),
			updateFields: {},
		});
		expect(empty.message).toMatch(/No field to update/);
		expect(t.s.graph.requests).toHaveLength(0);
	});

	it('Send posts .../send; a 403 names Mail.Send.Shared for a shared mailbox', async () => {
		t.s.graph.on('POST', '/me/messages/:id/send', { status: 202 });
		const out = await t.run({ resource: 'draft', operation: 'send', messageId: rl(MSG_ID) });
		expect(t.s.graph.calls()).toEqual([
			{ method: 'POST', path: `/me/messages/${enc}/send`, query: {}, body: {}, inBatch: false },
		]);
		expect(out[0].json).toEqual({ id: MSG_ID, sent: true });

		t.s.graph.on(
			'POST',
			'/users/:user/messages/:id/send',
			graphError(403, 'ErrorAccessDenied', 'Access is denied.'),
		);
		const error = await t.fail({
			resource: 'draft',
			operation: 'send',
			mailbox: 'other',
			mailboxId: 'shared@contoso.com',
			messageId: rl(MSG_ID),
		});
		expect(error.description).toMatch(/Mail\.Send\.Shared is needed to send mail/);
	});

	it('Delete sends DELETE', async () => {
		t.s.graph.on('DELETE', '/me/messages/:id', { status: 204 });
		const out = await t.run({ resource: 'draft', operation: 'delete', messageId: rl(MSG_ID) });
		expect(t.s.graph.calls()).toEqual([
			{ method: 'DELETE', path: `/me/messages/${enc}`, query: {}, body: undefined, inBatch: false },
		]);
		expect(out[0].json).toEqual({ id: MSG_ID, deleted: true });
	});
});
