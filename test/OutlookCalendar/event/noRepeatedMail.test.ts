/**
 * Requests that make Exchange send mail are not repeated after a failure that may have come after
 * Graph did the work (a 503 without Retry-After: retry.ts sendFailureKind). Create with attendees
 * (invitations) and Respond with Send Response (a reply to the organizer) are POSTs that are not
 * idempotent; an Update of a meeting mails its attendees again; Cancel and Forward send.
 */
import { byId, calendarSuite } from '../setup';

const t = calendarSuite();

function failFirst(path: string, ok: { status: number; body?: unknown }) {
	let calls = 0;
	t.s.graph.on('POST', path, (request) => {
		calls++;
		if (calls === 1)
			return { status: 503, body: { error: { code: 'ServiceUnavailable', message: 'x' } } };
		return { ...ok, body: ok.body ?? { id: 'AAMkNEW=', ...(request.body as object) } };
	});
}

const posts = (path: string) =>
	t.s.graph.requests.filter((r) => r.method === 'POST' && r.path === path).length;

describe('a 503 without Retry-After on a request that makes Exchange send mail', () => {
	it('Cancel is not repeated', async () => {
		failFirst('/me/events/:id/cancel', { status: 202, body: {} });
		await t
			.run(
				{ resource: 'event', operation: 'cancel', eventId: byId('AAMkEV=') },
				{ continueOnFail: true },
			)
			.catch(() => undefined);
		expect(posts('/me/events/AAMkEV%3D/cancel')).toBe(1);
	});

	it('Create with attendees (sends invitations) is not repeated', async () => {
		failFirst('/me/events', { status: 201 });
		await t
			.run(
				{
					resource: 'event',
					operation: 'create',
					subject: 'Kick-off',
					start: '2026-06-01T09:00:00',
					end: '2026-06-01T10:00:00',
					additionalFields: { requiredAttendees: 'bob@contoso.com' },
				},
				{ continueOnFail: true },
			)
			.catch(() => undefined);
		expect(posts('/me/events')).toBe(1);
	});

	it('Respond (Accept, Send Response) is not repeated', async () => {
		failFirst('/me/events/:id/accept', { status: 202, body: {} });
		await t
			.run(
				{
					resource: 'event',
					operation: 'respond',
					eventId: byId('AAMkEV='),
					response: 'accept',
					sendResponse: true,
				},
				{ continueOnFail: true },
			)
			.catch(() => undefined);
		expect(posts('/me/events/AAMkEV%3D/accept')).toBe(1);
	});

	it('Update of a meeting (mails its attendees) is not repeated', async () => {
		let calls = 0;
		t.s.graph.on('PATCH', '/me/events/:id', (request) => {
			calls++;
			if (calls === 1)
				return { status: 503, body: { error: { code: 'ServiceUnavailable', message: 'x' } } };
			return { body: { id: 'AAMkEV=', ...(request.body as object) } };
		});
		const error = (await t
			.run({
				resource: 'event',
				operation: 'update',
				eventId: byId('AAMkEV='),
				updateFields: { subject: 'Moved' },
			})
			.catch((failure: unknown) => failure)) as { description?: string };
		expect(calls).toBe(1);
		expect(error.description).toMatch(/may or may not have done this/);
	});
});
