/**
 * Files go in the one request (sendMail, a reply, a new draft) only when they fit in it together
 * with what goes alongside them: Graph caps a request body at 4 MB
 * (https://learn.microsoft.com/graph/outlook-large-attachments), and a large HTML body leaves less
 * room. Otherwise the message is sent from a draft the files are added to.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { initBinaryData } from '../../support/n8n-harness';
import { MSG_ID, useMailNode } from './setup';

const GRAPH_REQUEST_LIMIT = 4 * 1024 * 1024;

function fileItem(bytes: Buffer): INodeExecutionData {
	return {
		json: {},
		binary: {
			data: {
				data: bytes.toString('base64'),
				fileName: 'report.pdf',
				mimeType: 'application/pdf',
				fileSize: String(bytes.length),
			},
		},
	};
}

describe('Message → Send keeps every request under Graph’s 4 MB request limit', () => {
	const t = useMailNode();
	beforeAll(async () => await initBinaryData('default'));

	it('a 2.9 MB file with a 600 KB HTML body is not put in one sendMail request', async () => {
		t.s.graph.on('POST', '/me/sendMail', { status: 202 });
		t.s.graph.on('POST', '/me/messages', { status: 201, body: { id: MSG_ID } });
		t.s.graph.on('POST', '/me/messages/:id/attachments', {
			status: 201,
			body: { id: 'att-1' },
		});
		t.s.graph.on('POST', '/me/messages/:id/send', { status: 202 });
		const html = `<html><body>${'<p>Quarterly numbers row</p>'.repeat(24_000)}</body></html>`;
		await t.run(
			{
				resource: 'message',
				operation: 'send',
				toRecipients: 'bob@contoso.com',
				subject: 'Quarterly report',
				bodyContentType: 'html',
				bodyContent: html,
				additionalFields: { attachments: 'data' },
			},
			{ items: [fileItem(Buffer.alloc(2_900_000, 7))] },
		);
		const sizes = t.s.graph
			.calls()
			.map((c) => ({ call: `${c.method} ${c.path}`, bytes: JSON.stringify(c.body ?? {}).length }));
		for (const { call, bytes } of sizes) {
			expect({ call, withinLimit: bytes <= GRAPH_REQUEST_LIMIT, bytes }).toEqual({
				call,
				withinLimit: true,
				bytes,
			});
		}
		// Sent from a draft the file was added to.
		expect(sizes.map((size) => size.call)).toEqual([
			'POST /me/messages',
			`POST /me/messages/${encodeURIComponent(MSG_ID)}/attachments`,
			`POST /me/messages/${encodeURIComponent(MSG_ID)}/send`,
		]);
	});

	it('the same file with a short body still goes in the one sendMail request', async () => {
		t.s.graph.on('POST', '/me/sendMail', { status: 202 });
		await t.run(
			{
				resource: 'message',
				operation: 'send',
				toRecipients: 'bob@contoso.com',
				subject: 'Quarterly report',
				bodyContent: 'Attached.',
				additionalFields: { attachments: 'data' },
			},
			{ items: [fileItem(Buffer.alloc(2_900_000, 7))] },
		);
		expect(t.s.graph.calls().map((c) => `${c.method} ${c.path}`)).toEqual(['POST /me/sendMail']);
	});
});
