/**
 * One idiom for both Graph nodes: the same ID rule and locator reader (an EWS ID from a link or
 * typed by ID is converted, not refused, in Mail and Calendar alike), and a 403 hint keyed by what
 * the operation does (a Calendar read names Calendars.Read, not Calendars.ReadWrite).
 */
import type { IExecuteFunctions, INode } from 'n8n-workflow';

import { getMessageId } from '../../nodes/OutlookMail/descriptions/locators';
import { readLocatorId } from '../../nodes/OutlookCalendar/descriptions/locators';
import { ewsToRestId, readGraphId } from '../../nodes/shared/locators';
import { permissionHint } from '../../nodes/shared/permissions';
import { graphError } from '../support/graph-standin';
import { byId, calendarSuite } from '../OutlookCalendar/setup';

const node = { name: 'Outlook', type: 'x', typeVersion: 1 } as INode;

/** Just enough of an execute context for the readers: parameters by name. */
function context(parameters: Record<string, unknown>): IExecuteFunctions {
	return {
		getNode: () => node,
		getNodeParameter: (name: string, _i: number, fallback?: unknown) =>
			name in parameters ? parameters[name] : fallback,
	} as unknown as IExecuteFunctions;
}

const ews = 'AAMkAGI2+abc/def=';
const rest = 'AAMkAGI2_abc-def=';

describe('one ID rule for Mail and Calendar', () => {
	it('converts EWS IDs once (+ → _, / → -)', () => {
		expect(ewsToRestId(ews)).toBe(rest);
		expect(ewsToRestId(rest)).toBe(rest);
	});

	it.each([
		['by ID', { __rl: true, mode: 'id', value: ews }],
		[
			'by URL',
			{
				__rl: true,
				mode: 'url',
				value: `https://outlook.office.com/mail/inbox/id/${encodeURIComponent(ews)}`,
			},
		],
		['as a plain string (older workflows)', ews],
	])('Mail and Calendar read an EWS ID given %s the same way', (_, value) => {
		expect(getMessageId(context({ messageId: value }), 0)).toBe(rest);
		const calendarValue =
			typeof value === 'object' && value.mode === 'url'
				? {
						...value,
						value: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(ews)}`,
					}
				: value;
		expect(readLocatorId(context({ eventId: calendarValue }), 0, 'eventId')).toBe(rest);
	});

	it('both refuse characters Graph IDs never have, naming the field', () => {
		expect(() => getMessageId(context({ messageId: 'bad id!' }), 0)).toThrow(
			'"bad id!" in the field Message is not a message ID',
		);
		expect(() => readLocatorId(context({ eventId: 'bad id!' }), 0, 'eventId')).toThrow(
			'"bad id!" in the field Event is not an event ID',
		);
	});

	it('an empty optional field is undefined; an empty required one an error', () => {
		const field = { name: 'x', label: 'X', kind: 'thing', fromUrl: () => undefined };
		expect(readGraphId(context({}), 0, { ...field, optional: true })).toBeUndefined();
		expect(() => readGraphId(context({}), 0, field)).toThrow('The field X is empty');
	});
});

describe('one permission table keyed by read / write / send', () => {
	it('names the permission for what the operation does, and the .Shared one in another mailbox', () => {
		const own = context({ mailbox: 'me' });
		const shared = context({ mailbox: 'other', mailboxId: 'boss@contoso.com' });
		expect(permissionHint(own, 0, 'calendar', 'read', 'x').permission).toBe('Calendars.Read');
		expect(permissionHint(own, 0, 'calendar', 'write', 'x').permission).toBe('Calendars.ReadWrite');
		expect(permissionHint(shared, 0, 'calendar', 'read', 'x').permission).toBe(
			'Calendars.ReadWrite.Shared',
		);
		expect(permissionHint(own, 0, 'mail', 'send', 'x').permission).toBe('Mail.Send');
		expect(permissionHint(shared, 0, 'mail', 'send', 'x').permission).toBe('Mail.Send.Shared');
	});
});

describe('Calendar 403 hints through n8n-core', () => {
	const t = calendarSuite();

	it('a 403 on reading an event names Calendars.Read (not Calendars.ReadWrite)', async () => {
		t.s.graph.on(
			'GET',
			'/me/events/:id',
			graphError(403, 'ErrorAccessDenied', 'Access is denied.'),
		);
		const error = (await t
			.run({ resource: 'event', operation: 'get', eventId: byId('AAMk1=') })
			.catch((e: unknown) => e)) as Error & { description?: string };
		expect(error.message).toMatch(/403 ErrorAccessDenied/);
		expect(error.description).toMatch(/Calendars\.Read is needed/);
		expect(error.description).not.toMatch(/Calendars\.ReadWrite/);
	});
});
