/** Mailbox → Get/Set Automatic Replies (mailboxSettings) and Get Mail Tips. */
import type { IDataObject } from 'n8n-workflow';

import { simplifyAutomaticReplies } from '../../../nodes/OutlookMail/helpers/automaticReplies';
import { ALL_GRAPH_PERMISSIONS } from '../../support/fixtures';
import { graphError } from '../../support/graph-standin';
import { useMailNode } from '../message/setup';

const SETTING = {
	status: 'scheduled',
	externalAudience: 'contactsOnly',
	internalReplyMessage: '<p>Back on Monday</p>',
	externalReplyMessage: 'Away',
	scheduledStartDateTime: { dateTime: '2026-12-24T08:00:00.0000000', timeZone: 'UTC' },
	scheduledEndDateTime: { dateTime: '2026-12-28T08:00:00.0000000', timeZone: 'UTC' },
};

describe('Mailbox → Automatic replies', () => {
	const t = useMailNode({ permissions: [...ALL_GRAPH_PERMISSIONS, 'mailboxSettingsReadWrite'] });

	it('Get reads automaticRepliesSetting from mailboxSettings and flattens the schedule', async () => {
		t.s.graph.on('GET', '/users/:user/mailboxSettings', {
			body: { automaticRepliesSetting: SETTING, timeZone: 'W. Europe Standard Time' },
		});
		const out = await t.run({
			resource: 'mailbox',
			operation: 'getAutomaticReplies',
			mailbox: 'other',
			mailboxId: 'shared@contoso.com',
		});
		expect(t.s.graph.calls()).toEqual([
			{
				method: 'GET',
				path: '/users/shared%40contoso.com/mailboxSettings',
				query: { $select: 'automaticRepliesSetting,timeZone' },
				inBatch: false,
			},
		]);
		const inSchedule =
			Date.now() >= Date.parse('2026-12-24T08:00:00Z') &&
			Date.now() < Date.parse('2026-12-28T08:00:00Z');
		expect(out[0].json).toEqual({
			on: inSchedule,
			status: 'scheduled',
			externalAudience: 'contactsOnly',
			internalReplyMessage: '<p>Back on Monday</p>',
			externalReplyMessage: 'Away',
			scheduledStart: '2026-12-24T08:00:00Z',
			scheduledStartTimeZone: 'UTC',
			scheduledEnd: '2026-12-28T08:00:00Z',
			scheduledEndTimeZone: 'UTC',
			mailboxTimeZone: 'W. Europe Standard Time',
		});
	});

	it('Get says first whether replies go out now: always when on, within the schedule when scheduled, never when off', async () => {
		const reply = (status: string) => ({
			body: { automaticRepliesSetting: { ...SETTING, status }, timeZone: 'UTC' },
		});
		t.s.graph.on('GET', '/me/mailboxSettings', reply('alwaysEnabled'));
		const [on] = await t.run({ resource: 'mailbox', operation: 'getAutomaticReplies' });
		expect(Object.keys(on.json).slice(0, 2)).toEqual(['on', 'status']);
		expect(on.json).toMatchObject({ on: true, status: 'alwaysEnabled' });
		t.s.graph.on('GET', '/me/mailboxSettings', reply('disabled'));
		const [off] = await t.run({ resource: 'mailbox', operation: 'getAutomaticReplies' });
		expect(off.json).toMatchObject({ on: false, status: 'disabled' });
		const scheduled = { ...SETTING, status: 'scheduled' };
		expect(simplifyAutomaticReplies(scheduled, new Date('2026-12-25T00:00:00Z')).on).toBe(true);
		expect(simplifyAutomaticReplies(scheduled, new Date('2026-12-24T07:59:59Z')).on).toBe(false);
		expect(simplifyAutomaticReplies(scheduled, new Date('2026-12-28T08:00:00Z')).on).toBe(false);
	});

	it('Set Scheduled patches status, the dates in the time zone, both texts and the audience', async () => {
		t.s.graph.on('PATCH', '/me/mailboxSettings', (r) => ({ body: r.body as IDataObject }));
		const out = await t.run({
			resource: 'mailbox',
			operation: 'setAutomaticReplies',
			status: 'scheduled',
			scheduledStart: '2026-12-24T17:00:00',
			scheduledEnd: '2027-01-04T08:00:00+01:00',
			timeZone: 'Europe/Berlin',
			internalReplyMessage: 'Back on 4 January',
			externalReplyMessage: 'I am away until 4 January.',
			externalAudience: 'all',
		});
		expect(t.s.graph.calls()).toEqual([
			{
				method: 'PATCH',
				path: '/me/mailboxSettings',
				query: {},
				inBatch: false,
				body: {
					automaticRepliesSetting: {
						status: 'scheduled',
						scheduledStartDateTime: {
							dateTime: '2026-12-24T17:00:00',
							timeZone: 'W. Europe Standard Time',
						},
						scheduledEndDateTime: {
							dateTime: '2027-01-04T08:00:00',
							timeZone: 'W. Europe Standard Time',
						},
						internalReplyMessage: 'Back on 4 January',
						externalReplyMessage: 'I am away until 4 January.',
						externalAudience: 'all',
					},
				},
			},
		]);
		expect(out[0].json).toMatchObject({
			status: 'scheduled',
			scheduledStart: '2026-12-24T17:00:00+01:00',
			scheduledEnd: '2027-01-04T08:00:00+01:00',
		});
	});

	it('Set On with an offset-free audience; empty texts are left as they are', async () => {
		t.s.graph.on('PATCH', '/me/mailboxSettings', (r) => ({ body: r.body as IDataObject }));
		await t.run({
			resource: 'mailbox',
			operation: 'setAutomaticReplies',
			status: 'alwaysEnabled',
			internalReplyMessage: 'Out today',
			externalAudience: 'none',
		});
		expect(t.s.graph.calls()[0].body).toEqual({
			automaticRepliesSetting: {
				status: 'alwaysEnabled',
				internalReplyMessage: 'Out today',
				externalAudience: 'none',
			},
		});
	});

	it('Set Off sends only the status', async () => {
		t.s.graph.on('PATCH', '/me/mailboxSettings', (r) => ({ body: r.body as IDataObject }));
		const out = await t.run({
			resource: 'mailbox',
			operation: 'setAutomaticReplies',
			status: 'disabled',
		});
		expect(t.s.graph.calls()[0].body).toEqual({ automaticRepliesSetting: { status: 'disabled' } });
		expect(out[0].json.status).toBe('disabled');
	});

	it.each([
		[
			'an end before the start',
			{ scheduledStart: '2026-12-28T08:00:00', scheduledEnd: '2026-12-24T08:00:00' },
			/The field End is not after the field Start/,
		],
		[
			'an end equal to the start (in another offset)',
			{ scheduledStart: '2026-12-24T09:00:00+01:00', scheduledEnd: '2026-12-24T08:00:00Z' },
			/The field End is not after the field Start/,
		],
		[
			'no start',
			{ scheduledStart: '', scheduledEnd: '2026-12-24T08:00:00' },
			/The field Start is empty/,
		],
		[
			'an end that is not a date',
			{ scheduledStart: '2026-12-24T08:00:00', scheduledEnd: 'next week' },
			/"next week" in the field End is not a date and time/,
		],
		[
			'an unknown time zone',
			{ scheduledStart: '2026-12-24', scheduledEnd: '2026-12-25', timeZone: 'Mars/Olympus' },
			/"Mars\/Olympus" in the field Time Zone is not a time zone/,
		],
	])('Set Scheduled refuses %s before any request', async (_, parameters, message) => {
		const error = await t.fail({
			resource: 'mailbox',
			operation: 'setAutomaticReplies',
			status: 'scheduled',
			...parameters,
		});
		expect(error.message).toMatch(message);
		expect(error.context.itemIndex).toBe(0);
		expect(t.s.graph.requests).toHaveLength(0);
	});
});

describe('Mailbox → permissions', () => {
	// The default test credential holds Mailbox Settings (MailboxSettings.Read) only.
	const t = useMailNode();

	it('a 403 on Set names MailboxSettings.ReadWrite and the credential permission to add', async () => {
		t.s.graph.on(
			'PATCH',
			'/me/mailboxSettings',
			graphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.'),
		);
		const error = await t.fail({
			resource: 'mailbox',
			operation: 'setAutomaticReplies',
			status: 'disabled',
		});
		expect(error.description).toMatch(
			/MailboxSettings\.ReadWrite is needed to change automatic replies, and the credential's granted permissions do not include it\. Add \*Read and Write Mailbox Settings\*/,
		);
	});

	it('a 403 on Get with MailboxSettings.Read granted blames the mailbox, not the credential', async () => {
		t.s.graph.on(
			'GET',
			'/me/mailboxSettings',
			graphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.'),
		);
		const error = await t.fail({ resource: 'mailbox', operation: 'getAutomaticReplies' });
		expect(error.description).toMatch(
			/MailboxSettings\.Read is needed to read automatic replies\. The credential holds it/,
		);
	});
});

describe('Mailbox → Get Mail Tips', () => {
	const t = useMailNode();
	beforeEach(() => {
		// getMailTips is a documented Graph action (https://learn.microsoft.com/graph/api/user-getmailtips)
		// missing from the repo's OpenAPI subset and from ../shared/graph: see test/support/graph/README.md.
		t.s.graph.allowOutsideContract('POST', '/me/getMailTips');
		t.s.graph.allowOutsideContract('POST', '/users/:user/getMailTips');
	});

	it('posts the addresses and options, one item per recipient', async () => {
		t.s.graph.on('POST', '/me/getMailTips', {
			body: {
				value: [
					{
						emailAddress: { address: 'alice@contoso.com' },
						automaticReplies: {
							message: '<p>Away</p>',
							scheduledStartTime: { dateTime: '2026-12-24T08:00:00', timeZone: 'UTC' },
						},
						mailboxFull: false,
						externalMemberCount: 0,
						isModerated: false,
					},
					{
						emailAddress: { address: 'team@contoso.com' },
						automaticReplies: { message: '' },
						mailboxFull: true,
						externalMemberCount: 3,
						isModerated: true,
					},
				],
			},
		});
		const out = await t.run({
			resource: 'mailbox',
			operation: 'getMailTips',
			recipients: 'alice@contoso.com, Team <team@contoso.com>',
		});
		expect(t.s.graph.calls()).toEqual([
			{
				method: 'POST',
				path: '/me/getMailTips',
				query: {},
				inBatch: false,
				body: {
					EmailAddresses: ['alice@contoso.com', 'team@contoso.com'],
					MailTipsOptions:
						'automaticReplies, mailboxFullStatus, externalMemberCount, moderationStatus',
				},
			},
		]);
		expect(out.map((o) => o.json)).toEqual([
			expect.objectContaining({
				address: 'alice@contoso.com',
				hasAutomaticReplies: true,
				mailboxFull: false,
				externalMemberCount: 0,
			}),
			expect.objectContaining({
				address: 'team@contoso.com',
				hasAutomaticReplies: false,
				mailboxFull: true,
				externalMemberCount: 3,
				isModerated: true,
			}),
		]);
		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 0 }]);
	});

	it('takes the Mail Tips from an expression as a list or as text separated by commas', async () => {
		t.s.graph.on('POST', '/me/getMailTips', { body: { value: [] } });
		for (const mailTips of [
			'={{ ["automaticReplies", "mailboxFullStatus"] }}',
			'={{ "automaticReplies, mailboxFullStatus" }}',
		])
			await t.run({
				resource: 'mailbox',
				operation: 'getMailTips',
				recipients: 'alice@contoso.com',
				mailTips,
			});
		expect(t.s.graph.calls().map((c) => c.body)).toEqual([
			{
				EmailAddresses: ['alice@contoso.com'],
				MailTipsOptions: 'automaticReplies, mailboxFullStatus',
			},
			{
				EmailAddresses: ['alice@contoso.com'],
				MailTipsOptions: 'automaticReplies, mailboxFullStatus',
			},
		]);
	});

	it.each([
		['no recipients', { recipients: '' }, /The field Recipients is empty/],
		['a bad address', { recipients: 'alice, bob@contoso.com' }, /"alice" in the field Recipients/],
		[
			'no mail tips chosen',
			{ recipients: 'a@contoso.com', mailTips: [] },
			/The field Mail Tips is empty/,
		],
		[
			'more than 100 recipients',
			{ recipients: Array.from({ length: 101 }, (_, n) => `u${n}@contoso.com`).join(',') },
			/holds 101 addresses; Microsoft Graph answers for at most 100/,
		],
	])('refuses %s before any request', async (_, parameters, message) => {
		const error = await t.fail({ resource: 'mailbox', operation: 'getMailTips', ...parameters });
		expect(error.message).toMatch(message);
		expect(t.s.graph.requests).toHaveLength(0);
	});
});
