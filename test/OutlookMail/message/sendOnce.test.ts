/**
 * Sending is never repeated blindly: a send that failed after Graph may have accepted it (500,
 * 502, 504, a reset connection) is looked up before it is sent again. The Graph stand-in stores
 * the message (in Sent Items) and then fails, as Exchange does when the answer is lost.
 */
import type { IDataObject } from 'n8n-workflow';

import { SEND_ID_PROPERTY } from '../../../nodes/OutlookMail/helpers/sending';
import * as retry from '../../../nodes/shared/graph/retry';
import type { GraphReply, GraphRequestRecord } from '../../support/graph-standin';
import { graphError } from '../../support/graph-standin';
import { MSG_ID, rl, useMailNode } from './setup';

const sendParameters = {
	resource: 'message',
	operation: 'send',
	toRecipients: 'bob@contoso.com',
	subject: 'Invoice 42',
	bodyContent: 'Hello',
};

/** Sent Items of the stand-in: what Exchange stored, whatever it answered. */
function sentItemsStore(t: ReturnType<typeof useMailNode>) {
	const sent: IDataObject[] = [];
	const store = (request: GraphRequestRecord) => {
		const body = request.body as { message?: IDataObject };
		sent.push({ id: `sent-${sent.length + 1}`, ...(body.message ?? {}) });
	};
	t.s.graph.on('GET', '/me/mailFolders/:folder/messages', (request) => {
		const filter = request.query.$filter ?? '';
		const wanted = /ep\/value eq '([^']+)'/.exec(filter)?.[1];
		const matches = sent.filter((message) =>
			((message.singleValueExtendedProperties as IDataObject[]) ?? []).some(
				(property) => property.id === SEND_ID_PROPERTY && property.value === wanted,
			),
		);
		return { body: { value: matches.map((m) => ({ id: m.id })) } };
	});
	return { sent, store };
}

/** Answers the first send with `first` after storing the message (when `stored`), then 202. */
function failOnce(
	t: ReturnType<typeof useMailNode>,
	path: string,
	first: GraphReply,
	stored: boolean,
	store: (request: GraphRequestRecord) => void,
) {
	let calls = 0;
	t.s.graph.on('POST', path, (request) => {
		calls++;
		if (calls === 1) {
			if (stored) store(request);
			return first;
		}
		store(request);
		return { status: 202 };
	});
}

const sendCalls = (t: ReturnType<typeof useMailNode>, path: string) =>
	t.s.graph.calls().filter((c) => c.method === 'POST' && c.path === path);
const lookups = (t: ReturnType<typeof useMailNode>) =>
	t.s.graph.calls().filter((c) => c.path === '/me/mailFolders/sentitems/messages');

describe('Sending once: On Any Error never sends a mail twice', () => {
	const t = useMailNode({ retryMode: 'anyError' });
	/** The waits between looks in Sent Items (not slept: the test moves on at once). */
	let lookWaits: number[];
	/** What happens in the mailbox during a wait between looks. */
	let duringLookWait: (() => void) | undefined;
	beforeEach(() => {
		lookWaits = [];
		duringLookWait = undefined;
		const realSleep = retry.retryClock.sleep.bind(retry.retryClock);
		jest.spyOn(retry.retryClock, 'sleep').mockImplementation(async (ms, signal) => {
			if (ms !== retry.SENT_CHECK_DELAY_MS) return await realSleep(ms, signal);
			lookWaits.push(ms);
			duringLookWait?.();
		});
	});
	afterEach(() => jest.restoreAllMocks());

	it('a 500 after Graph stored the message: found in Sent Items, not sent again, and the item says so', async () => {
		const { sent, store } = sentItemsStore(t);
		failOnce(t, '/me/sendMail', graphError(500, 'InternalServerError', 'Oops'), true, store);
		const out = await t.run(sendParameters);
		expect(sent).toHaveLength(1);
		expect(sendCalls(t, '/me/sendMail')).toHaveLength(1);
		expect(lookups(t)).toHaveLength(1);
		expect(lookups(t)[0].query.$filter).toBe(
			`singleValueExtendedProperties/any(ep: ep/id eq '${SEND_ID_PROPERTY}' and ep/value eq '${String((sent[0].singleValueExtendedProperties as IDataObject[])[0].value)}')`,
		);
		expect(out[0].json).toMatchObject({
			sent: true,
			subject: 'Invoice 42',
			sendCheck: expect.stringMatching(/found in Sent Items and not sent again/),
		});
	});

	it('a connection reset after Graph stored the message: found, not sent again', async () => {
		const { sent, store } = sentItemsStore(t);
		failOnce(t, '/me/sendMail', { dropConnection: true }, true, store);
		const out = await t.run(sendParameters);
		expect(sent).toHaveLength(1);
		expect(sendCalls(t, '/me/sendMail')).toHaveLength(1);
		expect(out[0].json.sendCheck).toMatch(/not sent again/);
	});

	it('a 502 before anything was stored: not in Sent Items, so sent again (once), and the item says so', async () => {
		const { sent, store } = sentItemsStore(t);
		failOnce(t, '/me/sendMail', graphError(502, 'BadGateway', 'Bad gateway'), false, store);
		const out = await t.run(sendParameters);
		expect(sent).toHaveLength(1);
		expect(sendCalls(t, '/me/sendMail')).toHaveLength(2);
		// Exchange copies to Sent Items asynchronously: looked again after a pause, bounded.
		expect(lookups(t)).toHaveLength(retry.SENT_CHECK_LOOKS);
		expect(lookWaits).toEqual(
			Array(retry.SENT_CHECK_LOOKS - 1).fill(retry.SENT_CHECK_DELAY_MS) as number[],
		);
		expect(out[0].json.sendCheck).toMatch(
			/not in Sent Items \(looked 3 times, 5 s apart\), so it was sent again/,
		);
	});

	it('a 500 after which Exchange copies the message to Sent Items a moment later: found on the second look, not sent again', async () => {
		const { sent, store } = sentItemsStore(t);
		let pending: GraphRequestRecord | undefined;
		failOnce(
			t,
			'/me/sendMail',
			graphError(500, 'InternalServerError', 'Oops'),
			true,
			(request) => (pending = request),
		);
		// The copy lands in Sent Items during the first pause.
		duringLookWait = () => {
			if (pending) store(pending);
			pending = undefined;
		};
		const out = await t.run(sendParameters);
		expect(sent).toHaveLength(1);
		expect(sendCalls(t, '/me/sendMail')).toHaveLength(1);
		expect(lookups(t)).toHaveLength(2);
		expect(lookWaits).toEqual([retry.SENT_CHECK_DELAY_MS]);
		expect(out[0].json.sendCheck).toMatch(/found in Sent Items and not sent again/);
	});

	it('429 (throttled before processing) is sent again without a lookup', async () => {
		const { sent, store } = sentItemsStore(t);
		failOnce(
			t,
			'/me/sendMail',
			{ ...graphError(429, 'ApplicationThrottled', 'Too many'), headers: { 'Retry-After': '0' } },
			false,
			store,
		);
		const out = await t.run(sendParameters);
		expect(sent).toHaveLength(1);
		expect(sendCalls(t, '/me/sendMail')).toHaveLength(2);
		expect(lookups(t)).toHaveLength(0);
		expect(out[0].json.sendCheck).toBeUndefined();
	});

	it('without a copy in Sent Items to look for, an ambiguous failure is reported, never sent again', async () => {
		const { sent, store } = sentItemsStore(t);
		failOnce(t, '/me/sendMail', graphError(500, 'InternalServerError', 'Oops'), true, store);
		const error = await t.fail({ ...sendParameters, additionalFields: { saveToSentItems: false } });
		expect(sent).toHaveLength(1);
		expect(sendCalls(t, '/me/sendMail')).toHaveLength(1);
		expect(error.message).toMatch(/500 InternalServerError/);
		expect(error.description).toMatch(/may have accepted the message.*Sent Items/);
	});

	it('a reply that failed with 504 after it was sent is not sent again', async () => {
		const { sent, store } = sentItemsStore(t);
		const path = `/me/messages/${encodeURIComponent(MSG_ID)}/reply`;
		failOnce(
			t,
			'/me/messages/:id/reply',
			graphError(504, 'GatewayTimeout', 'Timeout'),
			true,
			store,
		);
		const out = await t.run({
			resource: 'message',
			operation: 'reply',
			messageId: rl(MSG_ID),
			comment: 'Thanks!',
		});
		expect(sent).toHaveLength(1);
		expect(sendCalls(t, path)).toHaveLength(1);
		expect(out[0].json.sendCheck).toMatch(/not sent again/);
	});

	it('a draft whose send failed with 500 after it was sent (no longer a draft) is not sent again', async () => {
		let sends = 0;
		let isDraft = true;
		t.s.graph.on('POST', '/me/messages/:id/send', () => {
			sends++;
			isDraft = false;
			return graphError(500, 'InternalServerError', 'Oops');
		});
		t.s.graph.on('GET', '/me/messages/:id', () =>
			isDraft
				? { body: { id: MSG_ID, isDraft } }
				: graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.'),
		);
		const out = await t.run({ resource: 'draft', operation: 'send', messageId: rl(MSG_ID) });
		expect(sends).toBe(1);
		expect(out[0].json).toMatchObject({ id: MSG_ID, sent: true, sendCheck: expect.any(String) });
	});
});
