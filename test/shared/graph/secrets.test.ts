/**
 * No token or secret in any error the transport throws. Each case provokes a failure whose raw
 * form (axios error with the request config, token response) would carry the Authorization
 * header, the refresh token or the client secret, and checks everything a user or a log could see
 * of the error. test/run.sh also greps the whole run's output for every secret the stand-in issued.
 */
import type { INodeParameters } from 'n8n-workflow';

import * as retry from '../../../nodes/shared/graph/retry';
import { connectedCredential, startStandIns, type StandIns } from '../../support/fixtures';
import { graphError } from '../../support/graph-standin';
import { N8nHarness } from '../../support/n8n-harness';
import { GraphProbe, PROBE_NODE_TYPE } from '../../support/probe-node';

const TYPED_WRONG_SECRET = 'typed-wrong-secret-6d1f0c';

/** Everything of an error that reaches the UI, the execution log or a support ticket. */
function exposedText(error: unknown): string {
	const e = error as Error & {
		description?: unknown;
		toJSON?: () => unknown;
		cause?: unknown;
		context?: unknown;
	};
	return [
		e.message,
		String(e.description ?? ''),
		JSON.stringify(error),
		JSON.stringify(e.toJSON?.() ?? null),
		String(e.stack ?? ''),
		JSON.stringify(e.context ?? null),
		e.cause instanceof Error
			? `${e.cause.message} ${e.cause.stack ?? ''}`
			: JSON.stringify(e.cause ?? null),
	].join('\n');
}

describe('no token or secret in errors', () => {
	let s: StandIns;

	beforeAll(async () => (s = await startStandIns()));
	afterAll(async () => await s.close());
	beforeEach(() => {
		s.graph.reset();
		jest.spyOn(retry.retryClock, 'sleep').mockResolvedValue();
	});
	afterEach(() => jest.restoreAllMocks());

	const failure = async (n8n: N8nHarness, parameters: INodeParameters = { path: '/me' }) => {
		const error = await n8n.execute(PROBE_NODE_TYPE, { parameters }).then(
			() => undefined,
			(e: unknown) => e,
		);
		if (!error) throw new Error('expected the node to fail');
		return error as Error;
	};

	const expectNoSecrets = (error: Error, n8n: N8nHarness) => {
		const stored = n8n.credential().oauthTokenData as Record<string, string>;
		const secrets = [
			...s.idp.secrets(),
			stored.access_token,
			stored.refresh_token,
			s.idp.clientSecret,
			TYPED_WRONG_SECRET,
		];
		const text = exposedText(error);
		expect(text.length).toBeGreaterThan(20);
		for (const secret of secrets) expect(text).not.toContain(secret);
		expect(text).not.toMatch(/Bearer\s+at-/);
		expect(text).not.toMatch(/authorization/i);
	};

	const harness = (overrides = {}) =>
		new N8nHarness({ [PROBE_NODE_TYPE]: new GraphProbe() }, connectedCredential(s, overrides));

	it('network failure (the library error holds the request config with the Authorization header)', async () => {
		const n8n = harness({
			customGraphUrl: 'http://127.0.0.1:1',
			retryMode: 'anyError',
			maxRetries: 1,
		});
		const error = await failure(n8n);
		expect(error.message).toMatch(/^Could not reach Microsoft Graph/);
		expectNoSecrets(error, n8n);
	});

	it('401 after the refresh', async () => {
		const n8n = harness();
		s.graph.on(
			'GET',
			'/me',
			graphError(401, 'InvalidAuthenticationToken', 'Access token validation failure.'),
		);
		const error = await failure(n8n);
		expect(error.message).toMatch(/401 InvalidAuthenticationToken/);
		expectNoSecrets(error, n8n);
	});

	it('403', async () => {
		const n8n = harness();
		s.graph.on('POST', '/me/sendMail', graphError(403, 'ErrorAccessDenied', 'Access is denied.'));
		const error = await failure(n8n, {
			method: 'POST',
			path: '/me/sendMail',
			permission: 'Mail.Send',
			body: '{"message":{"subject":"x"}}',
		});
		expect(error.message).toMatch(/403 ErrorAccessDenied/);
		expectNoSecrets(error, n8n);
	});

	it('429 with retries exhausted', async () => {
		const n8n = harness({ maxRetries: 1 });
		s.graph.throttle('GET', '/me', 5, { retryAfter: '1' });
		const error = await failure(n8n);
		expect(error.message).toMatch(/429 TooManyRequests.*after 2 attempts/);
		expectNoSecrets(error, n8n);
	});

	it("invalid_grant on refresh (n8n's reconnect error)", async () => {
		const n8n = harness();
		s.graph.on('GET', '/me', { body: { id: 'u1' } });
		s.idp.expireAccessTokens();
		s.idp.revokeRefreshTokens();
		const error = await failure(n8n);
		expect(error.message).toMatch(/needs to be reconnected/);
		expectNoSecrets(error, n8n);
	});

	it('a wrong client secret on refresh (AADSTS7000215): the typed secret is not repeated', async () => {
		const n8n = harness({ clientSecret: TYPED_WRONG_SECRET });
		s.graph.on('GET', '/me', { body: { id: 'u1' } });
		s.idp.expireAccessTokens();
		const error = await failure(n8n);
		expect(error.message).toMatch(/invalid_client.*AADSTS7000215/);
		expectNoSecrets(error, n8n);
	});

	it('the sign-in endpoint unreachable during the refresh (the library error holds the refresh token and secret)', async () => {
		const n8n = new N8nHarness(
			{ [PROBE_NODE_TYPE]: new GraphProbe() },
			{ ...connectedCredential(s), customAuthorityUrl: 'http://127.0.0.1:1' },
		);
		s.graph.on('GET', '/me', { body: { id: 'u1' } });
		s.idp.expireAccessTokens();
		const error = await failure(n8n);
		expect(error.message).toMatch(
			/^Could not reach the Microsoft sign-in endpoint at http:\/\/127\.0\.0\.1:1 to refresh the access token: /,
		);
		expectNoSecrets(error, n8n);
	});
});
