/**
 * Outside data is data: names such as `__proto__`, `constructor`, `toString` or `map` that come
 * from a mail, from Graph's JSON or from a node parameter are ordinary keys wherever the package
 * builds or reads an object by them (nodes/shared/outsideData.ts). Each case failed before: a
 * `Constructor:` header became `[Object, "evil"]`, repeated `__proto__:` headers replaced the
 * headers object's prototype and `Map:` then read `Array.prototype.map`.
 */
import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { attachmentMetadata } from '../../nodes/OutlookMail/actions/attachment/shared';
import { readMessage, type OutputOptions } from '../../nodes/OutlookImapTrigger/messages';
import { TriggerState } from '../../nodes/OutlookTrigger/cursor';
import { resolveEnvironment } from '../../nodes/shared/auth/environments';
import { dataRecord, ownValue } from '../../nodes/shared/outsideData';
import { resourceMap, defineResource } from '../../nodes/shared/resources';
import { routeItems } from '../../nodes/shared/router';
import { resolveCredential } from '../support/n8n-harness';

const HOSTILE_NAMES = ['__proto__', 'constructor', 'toString', 'map', 'hasOwnProperty', 'valueOf'];

const OPTIONS: OutputOptions = {
	format: 'parsed',
	attachmentPrefix: 'attachment_',
	maxAttachmentBytes: 0,
	downloadAttachments: true,
	onUnreadable: 'emitWithError',
};

function mail(headers: string[]): Buffer {
	return Buffer.from(
		[
			'From: bob@example.test',
			'Subject: hostile headers',
			...headers,
			'Content-Type: text/plain',
			'',
			'body',
		].join('\r\n'),
	);
}

describe('IMAP trigger: mail headers are data', () => {
	test('__proto__ (repeated), Constructor, toString, Map and hasOwnProperty are ordinary headers', async () => {
		const source = mail([
			'__proto__: first',
			'__proto__: second',
			'Constructor: evil',
			'toString: text',
			'Map: mapped',
			'hasOwnProperty: own',
		]);
		const result = await readMessage(
			{ uid: 1, size: source.length, flags: new Set(), source },
			OPTIONS,
			async () => {
				throw new Error('no binary expected');
			},
		);
		expect(result.unreadable).toBeUndefined();
		const headers = result.item.json.headers as Record<string, unknown>;
		expect(Object.getPrototypeOf(headers)).toBeNull();
		expect(Object.keys(headers)).toEqual(
			expect.arrayContaining(['__proto__', 'constructor', 'tostring', 'map', 'hasownproperty']),
		);
		expect(headers['__proto__']).toEqual(['first', 'second']);
		expect(headers.constructor).toBe('evil');
		expect(headers.tostring).toBe('text');
		expect(headers.map).toBe('mapped');
		expect(headers.hasownproperty).toBe('own');
		// Nothing inherited: a header that is not there is not there.
		expect(headers.toString).toBeUndefined();
		expect(headers.valueOf).toBeUndefined();
		// What n8n stores is the same data.
		expect(JSON.parse(JSON.stringify(headers))).toMatchObject({
			constructor: 'evil',
			map: 'mapped',
		});
		expect(Object.hasOwn(JSON.parse(JSON.stringify(headers)) as object, '__proto__')).toBe(true);
	});
});

describe('Graph JSON is data', () => {
	test('attachment metadata keeps a "__proto__" property of Graph’s JSON as a key, never as a prototype', () => {
		const attachment = JSON.parse(
			'{"id":"AAMk1","name":"a.txt","contentBytes":"QQ==","__proto__":{"isInline":true},"constructor":"c","@odata.type":"#microsoft.graph.fileAttachment"}',
		) as Record<string, unknown>;
		const out = attachmentMetadata(attachment as IDataObject);
		expect(Object.getPrototypeOf(out)).toBeNull();
		expect(out.isInline).toBeUndefined();
		expect(out['__proto__']).toEqual({ isInline: true });
		expect(out.constructor).toBe('c');
		expect(out.contentBytes).toBeUndefined();
		expect(out.attachmentType).toBe('file');
	});

	test('Outlook Trigger cursors keyed by folder IDs: an ID named like a built-in starts a fresh cursor', () => {
		for (const saved of [false, true]) {
			const staticData = saved
				? JSON.parse(
						JSON.stringify({
							outlookTrigger: {
								v: 1,
								config: 'cfg',
								startedAt: '2026-01-01T00:00:00.000Z',
								sources: { inbox: { initial: false, link: 'https://graph/x' } },
								emitted: [],
								known: { abc: 'k|1' },
							},
						}),
					)
				: {};
			const state = TriggerState.load(staticData, 'cfg', new Date());
			for (const name of HOSTILE_NAMES) expect(state.source(name)).toEqual({ initial: true });
			for (const name of HOSTILE_NAMES) expect(state.known[name]).toBeUndefined();
		}
	});
});

describe('parameter values pick nothing they do not name', () => {
	test('resolveEnvironment refuses an environment named like a built-in', () => {
		for (const environment of HOSTILE_NAMES)
			expect(() => resolveEnvironment({ environment })).toThrow(
				`Unknown environment "${environment}"`,
			);
	});

	test("the credential's own expressions resolve no URL for them, and ignore such permissions", () => {
		for (const environment of HOSTILE_NAMES) {
			const resolved = resolveCredential('outlookOAuth2Api', {
				clientId: 'c',
				clientSecret: 's',
				environment,
			});
			// As for any unknown environment: the expression fails, so there is no URL to go to.
			expect(resolved.authUrl).toBeUndefined();
			expect(resolved.accessTokenUrl).toBeUndefined();
		}
		// Permissions named like built-ins are ignored: the default set is asked for.
		const scope = resolveCredential('outlookOAuth2Api', {
			clientId: 'c',
			clientSecret: 's',
			permissions: [...HOSTILE_NAMES],
		}).scope as string;
		expect(scope).toContain('Mail.ReadWrite');
		expect(scope).not.toMatch(/undefined/);
	});

	test('the router finds no operation for resource or operation values named like built-ins', async () => {
		const module = {
			description: [],
			declaration: { does: 'read' as const },
			execute: async () => ({ ok: true }),
		};
		const map = resourceMap([
			defineResource(
				{ name: 'Message', value: 'message' },
				[{ option: { name: 'Get', value: 'get', action: 'Get', description: 'Get' }, module }],
				'get',
			),
		]);
		for (const [resource, operation] of [
			['constructor', '__proto__'],
			['toString', 'call'],
			['message', 'constructor'],
			['__proto__', 'toString'],
		]) {
			const ctx = {
				getInputData: () => [{ json: {} }],
				getNodeParameter: (name: string) => (name === 'resource' ? resource : operation),
				getNode: () => ({ name: 'Outlook', type: 'outlookMail', typeVersion: 1, parameters: {} }),
				continueOnFail: () => false,
			};
			const run = routeItems.call(ctx as never, map);
			await expect(run).rejects.toBeInstanceOf(NodeOperationError);
			await expect(run).rejects.toThrow(
				`The operation "${operation}" of "${resource}" is not supported`,
			);
		}
	});
});

describe('the helpers', () => {
	test('dataRecord and ownValue treat every name as a key', () => {
		const record = dataRecord(HOSTILE_NAMES.map((name) => [name, `${name}!`] as const));
		for (const name of HOSTILE_NAMES) expect(record[name]).toBe(`${name}!`);
		expect(Object.getPrototypeOf(record)).toBeNull();
		const table = { known: 1 };
		for (const name of HOSTILE_NAMES) expect(ownValue(table, name)).toBeUndefined();
		expect(ownValue(table, 'known')).toBe(1);
	});
});
