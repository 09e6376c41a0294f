/**
 * Draft → Send (and every send that goes draft → attachments → send) looks at the draft after a
 * failure that may have come after Exchange took it (helpers/sending.ts draftSentCheck). When that
 * look gets no answer (a 5xx after the transport's retries, 401, 403), whether it was sent is
 * unknown: the item fails and the draft is not sent again.
 */
import * as retry from '../../../nodes/shared/graph/retry';
import { graphError } from '../../support/graph-standin';
import { MSG_ID, rl, useMailNode } from '../message/setup';

describe('Draft → Send never repeats a send it could not check', () => {
	const t = useMailNode({ retryMode: 'anyError' });
	beforeEach(() => {
		jest.spyOn(retry.retryClock, 'sleep').mockResolvedValue(undefined);
	});
	afterEach(() => jest.restoreAllMocks());

	it('a 504 on send (Exchange took it), then lookups that only get 503s: not sent again', async () => {
		let sends = 0;
		t.s.graph.on('POST', '/me/messages/:id/send', () => {
			sends++;
			return graphError(504, 'GatewayTimeout', 'Timeout');
		});
		// Graph is having a bad minute: the look at the draft cannot be answered either.
		t.s.graph.on('GET', '/me/messages/:id', graphError(503, 'ServiceUnavailable', 'Busy'));
		const error = (await t
			.run({ resource: 'draft', operation: 'send', messageId: rl(MSG_ID) })
			.catch((failure: unknown) => failure)) as Error;
		expect(sends).toBe(1);
		expect(error.message).toContain('could not say whether it was sent');
	});
});
