/**
 * The one redaction step (nodes/shared/redact.ts): what it removes, and that nothing the package
 * ships can go around it. The second half is generated from the package itself (every node that
 * package.json lists, every source file under nodes/ and credentials/), so a node, a method or a
 * log line added tomorrow is covered tomorrow. What a hostile token endpoint gets through is in
 * hostile-token-endpoint.test.ts.
 */
import { join } from 'node:path';
import type { INode, Logger } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { outlookAppOnlyApiTest } from '../../nodes/shared/auth/appOnlyCredentialTest';
import {
	credentialSecrets,
	knownSecrets,
	logFor,
	redact,
	REDACTED_METHOD,
	redactError,
	redactOpaque,
	rememberSecrets,
} from '../../nodes/shared/redact';
import { packageNodes, sourceLinesMatching } from '../support/package-sources';

const NODE: INode = {
	id: 'n',
	name: 'Outlook',
	type: 'outlookMail',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};
const SECRET = 'Zx8Q~s3cr3t.value+with/odd=chars';

describe('what redact() removes', () => {
	test('a known secret as it is, URL- and form-encoded, JSON-escaped and in base64', () => {
		const text = [
			SECRET,
			encodeURIComponent(SECRET),
			new URLSearchParams({ s: SECRET }).toString().slice(2),
			JSON.stringify(`"${SECRET}"`),
			Buffer.from(SECRET).toString('base64'),
		].join(' | ');
		const out = redact(text, [SECRET]);
		expect(out).not.toContain('s3cr3t');
		expect(out).not.toContain(Buffer.from(SECRET).toString('base64'));
		expect(out.match(/\[redacted\]/g)).toHaveLength(5);
	});

	test('whatever is shaped like a secret: Bearer and Basic values, JWTs, SASL, secret fields, PEM keys', () => {
		const jwt = `eyJhbGciOiJQUzI1NiJ9.${Buffer.from('{"aud":"x"}').toString('base64url')}.c2lnbmF0dXJl`;
		const text = [
			'Authorization: Bearer abc.def-123',
			'Authorization: Basic Y2xpZW50OnNlY3JldA==',
			`assertion ${jwt}`,
			Buffer.from('user=a@b.c\x01auth=Bearer t\x01\x01').toString('base64'),
			'grant_type=refresh_token&refresh_token=M.R3_BAY.abc&client_secret=xyz&code=0.AAA',
			'{"refresh_token": "M.R3", "client_assertion":"j.w.t", "code":"c"}',
			'-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----',
			'-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA (cut',
		].join('\n');
		const out = redact(text);
		for (const fragment of [
			'abc.def',
			'Y2xpZW50',
			'eyJhbGci',
			'dXNlcj1h',
			'M.R3',
			'xyz',
			'0.AAA',
			'j.w.t',
			'MIIEvQ',
			'MIIEpA',
		])
			expect(out).not.toContain(fragment);
		// What is not secret stays readable.
		expect(out).toContain('grant_type=refresh_token');
		expect(out).toContain('Authorization: Bearer [redacted]');
	});

	test('SASL OAUTHBEARER payloads (RFC 7628), whole, cut short, and in a framing the patterns do not know', () => {
		const token = 'at-imap.UwRYG6nQ2x8LkPz4Vb7dM1sFt0hJc9eA';
		const oauthbearer = (header: string) =>
			Buffer.from(
				`${header}\x01host=imap.example.test\x01port=993\x01auth=Bearer ${token}\x01\x01`,
			).toString('base64');
		const whole = oauthbearer('n,a=alice@example.test,');
		const noAuthzid = oauthbearer('n,,');
		// A framing no pattern names: found by decoding the base64 run.
		const other = Buffer.from(`x-sasl\x01auth=Bearer ${token}\x01`).toString('base64');
		const out = redact(
			`NO [AUTHENTICATIONFAILED] invalid SASL ${whole}\ncut ${whole.slice(0, 60)}\n${noAuthzid}\n${other}`,
		);
		for (const fragment of [whole.slice(0, 24), noAuthzid.slice(0, 24), other.slice(0, 24)])
			expect(out).not.toContain(fragment);
		expect(out).toBe(
			'NO [AUTHENTICATIONFAILED] invalid SASL [redacted]\ncut [redacted]\n[redacted]\n[redacted]',
		);
		// Base64 that carries no token stays.
		const harmless = Buffer.from('a harmless attachment name, long enough to be a run').toString(
			'base64',
		);
		expect(redact(`name ${harmless}`)).toBe(`name ${harmless}`);
	});

	test('redactOpaque: every run of 24+ token characters but GUIDs (text from a token endpoint)', () => {
		const out = redactOpaque(
			'AADSTS70000: grant revoked rt.ABCDEFGHIJKLMNOPQRSTUVWXYZ012345 Trace ID: 0d4c2a5e-6b7f-4a8b-9c0d-1e2f3a4b5c6d',
		);
		expect(out).toBe(
			'AADSTS70000: grant revoked [redacted] Trace ID: 0d4c2a5e-6b7f-4a8b-9c0d-1e2f3a4b5c6d',
		);
	});

	test('credentialSecrets: both credentials’ secret fields, the stored tokens, a PEM key line by line', () => {
		const key = `-----BEGIN PRIVATE KEY-----\n${'A'.repeat(64)}\n${'B'.repeat(40)}\n-----END PRIVATE KEY-----\n`;
		const secrets = credentialSecrets({
			clientId: 'not-a-secret-client-id',
			clientSecret: SECRET,
			privateKey: key,
			pfxPassword: 'pfx-password',
			oauthTokenData: {
				access_token: 'at-1234567',
				refresh_token: 'rt-1234567',
				scope: 'Mail.Read',
			},
		});
		expect(secrets).toEqual(
			expect.arrayContaining([
				SECRET,
				key,
				'A'.repeat(64),
				'B'.repeat(40),
				'pfx-password',
				'at-1234567',
				'rt-1234567',
			]),
		);
		expect(secrets).not.toContain('not-a-secret-client-id');
		expect(secrets).not.toContain('Mail.Read');
	});
});

describe('redactError and the logger', () => {
	test('an n8n node error keeps its class, item index and HTTP code; message, description, stack, context, response and cause lose the secret', () => {
		const api = new NodeApiError(
			NODE,
			{ message: `echo ${SECRET}` },
			{
				message: `refused: ${SECRET}`,
				description: `you sent ${SECRET}`,
				httpCode: '400',
				itemIndex: 3,
			},
		);
		api.context.request = { body: `client_secret=${SECRET}` };
		api.cause = Object.assign(new Error(`library: ${SECRET}`), { config: { data: SECRET } });
		const out = redactError(api, NODE, [SECRET]);
		expect(out).toBe(api);
		expect((out as NodeApiError).httpCode).toBe('400');
		expect(out.context.itemIndex).toBe(3);
		const all = [
			out.message,
			out.description,
			out.stack,
			JSON.stringify(out),
			JSON.stringify(out.context),
			JSON.stringify(out.errorResponse),
			String((out.cause as Error).message),
			JSON.stringify(out.cause),
			out.messages.join(' '),
		].join('\n');
		expect(all).not.toContain('s3cr3t');
		expect(out.message).toBe('refused: [redacted]');
	});

	test('anything else becomes a NodeOperationError with the message redacted', () => {
		const out = redactError(new TypeError(`bad ${SECRET}`), NODE, [SECRET]);
		expect(out).toBeInstanceOf(NodeOperationError);
		expect(out.message).toBe('bad [redacted]');
	});

	test('logFor(ctx): message and metadata redacted with the secrets remembered for that context', () => {
		const lines: unknown[][] = [];
		const record =
			(level: string) =>
			(...args: unknown[]) =>
				lines.push([level, ...args]);
		const logger = {
			error: record('error'),
			warn: record('warn'),
			info: record('info'),
			debug: record('debug'),
		} as unknown as Logger;
		const ctx = { logger };
		rememberSecrets(ctx, 'credential', [SECRET]);
		rememberSecrets(ctx, 'imapToken', ['imap-token-1']);
		rememberSecrets(ctx, 'imapToken', ['imap-token-2']);
		expect(knownSecrets(ctx)).toEqual([SECRET, 'imap-token-2']);
		logFor(ctx).warn(`retrying with ${SECRET}`, { error: { responseText: 'NO imap-token-2' } });
		logFor(ctx).debug('plain');
		expect(lines).toEqual([
			['warn', 'retrying with [redacted]', { error: { responseText: 'NO [redacted]' } }],
			['debug', 'plain', undefined],
		]);
	});
});

describe('nothing goes around it (generated from the package)', () => {
	test('no source file uses the n8n logger of a context except through logFor()', () => {
		const offenders = sourceLinesMatching(/\b(this|ctx|context)\.logger\b|\.ctx\.logger\b/, {
			except: (path) => path === join('nodes', 'shared', 'redact.ts'),
		});
		expect(offenders).toEqual([]);
	});

	const nodes = packageNodes();

	test.each(nodes)(
		'%s: every list-search and load-options method redacts what it throws; the credential test is the redacting one',
		(_name, node) => {
			for (const group of ['listSearch', 'loadOptions'] as const) {
				const methods = (node.methods?.[group] ?? {}) as Record<string, unknown>;
				for (const [name, method] of Object.entries(methods))
					expect([name, (method as Record<symbol, unknown>)[REDACTED_METHOD]]).toEqual([
						name,
						true,
					]);
			}
			for (const test of Object.values(node.methods?.credentialTest ?? {}))
				expect(test).toBe(outlookAppOnlyApiTest);
		},
	);
});
