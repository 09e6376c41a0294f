import type { ImapFlow } from 'imapflow';

import {
	hasAttachment,
	parseRawSearch,
	searchCriteria,
	uidSearch,
	uidSet,
	type SearchFilters,
} from '../../nodes/OutlookImapTrigger/search';

/** What uidSearch sends to a server without UTF8=ACCEPT (Exchange Online), literals as {literal …}. */
async function sentSearch(filters: SearchFilters, enabled: string[] = []): Promise<unknown[]> {
	const sent: unknown[][] = [];
	const client = {
		capabilities: new Map<string, boolean>([['IMAP4rev1', true]]),
		enabled: new Set(enabled),
		async exec(_command: string, attributes: unknown[]) {
			sent.push(attributes);
			return { next() {} };
		},
	};
	const { criteria, extra } = searchCriteria(filters);
	await uidSearch(client as unknown as Pick<ImapFlow, 'search'>, 'INBOX', '5:*', criteria, extra);
	const show = (list: unknown[]): unknown[] =>
		list.map((a) =>
			Array.isArray(a)
				? show(a)
				: Buffer.isBuffer((a as { value: unknown }).value)
					? `{literal ${(a as { value: Buffer }).value.toString()}}`
					: (a as { value: unknown }).value,
		);
	return show(sent[0]);
}

test('parseRawSearch: atoms, quoted strings and lists; no line breaks or literals', () => {
	expect(parseRawSearch('OR HEADER X-Priority 1 (FLAGGED SUBJECT "a \\"b\\" c")')).toEqual([
		{ type: 'ATOM', value: 'OR' },
		{ type: 'ATOM', value: 'HEADER' },
		{ type: 'ATOM', value: 'X-Priority' },
		{ type: 'ATOM', value: '1' },
		[
			{ type: 'ATOM', value: 'FLAGGED' },
			{ type: 'ATOM', value: 'SUBJECT' },
			{ type: 'STRING', value: 'a "b" c' },
		],
	]);
	expect(() => parseRawSearch('ALL\r\nA1 LOGOUT')).toThrow('one line');
	expect(() => parseRawSearch('TEXT {5}')).toThrow('literals');
	expect(() => parseRawSearch('(ALL')).toThrow('Unbalanced "("');
	expect(() => parseRawSearch('ALL)')).toThrow('Unbalanced ")"');
	expect(() => parseRawSearch('SUBJECT "open')).toThrow('Unterminated');
});

test('uidSet compresses runs (RFC 9051 sequence-set)', () => {
	expect(uidSet([7, 1, 2, 3, 9, 10])).toBe('1:3,7,9:10');
	expect(uidSet([5])).toBe('5');
});

test('hasAttachment reads the body structure', () => {
	expect(hasAttachment({ type: 'text/plain' })).toBe(false);
	expect(
		hasAttachment({
			type: 'multipart/mixed',
			childNodes: [{ type: 'text/plain' }, { type: 'application/pdf', disposition: 'attachment' }],
		}),
	).toBe(true);
	expect(
		hasAttachment({
			type: 'multipart/related',
			childNodes: [
				{ type: 'text/html' },
				{ type: 'image/png', disposition: 'inline', parameters: { name: 'a.png' } },
			],
		}),
	).toBe(false);
	expect(hasAttachment({ type: 'application/zip', parameters: { name: 'a.zip' } })).toBe(true);
});

test('hasAttachment: a forwarded message (message/rfc822) is an attachment, as the parsed item lists it', () => {
	// imapflow gives a message/rfc822 part the encapsulated message's structure as childNodes;
	// the part's own disposition counts before them (Outlook "Forward as Attachment").
	const forwarded = (extra: object) => ({
		type: 'multipart/mixed',
		childNodes: [
			{ type: 'text/plain' },
			{ type: 'message/rfc822', childNodes: [{ type: 'text/plain' }], ...extra },
		],
	});
	expect(
		hasAttachment(
			forwarded({ disposition: 'attachment', dispositionParameters: { filename: 'Original.eml' } }),
		),
	).toBe(true);
	expect(hasAttachment(forwarded({}))).toBe(true);
	expect(hasAttachment(forwarded({ disposition: 'inline', encoding: 'base64' }))).toBe(true);
	// Inline and readable: mailparser reads the message inside, which has no attachment.
	expect(hasAttachment(forwarded({ disposition: 'inline', encoding: '7bit' }))).toBe(false);
	expect(
		hasAttachment({
			type: 'multipart/mixed',
			disposition: 'attachment',
			childNodes: [{ type: 'text/plain' }],
		}),
	).toBe(true);
});

test('a non-ASCII filter with a raw search sends CHARSET first (RFC 9051 §6.4.4 allows it nowhere else)', async () => {
	expect(await sentSearch({ subjectContains: 'Prüfung', rawSearch: 'NOT KEYWORD done' })).toEqual([
		'CHARSET',
		'UTF-8',
		'UID',
		'5:*',
		'SUBJECT',
		'{literal Prüfung}',
		'NOT',
		'KEYWORD',
		'done',
	]);
	// A CHARSET written in the raw search goes first too.
	expect(await sentSearch({ unreadOnly: true, rawSearch: 'CHARSET US-ASCII FLAGGED' })).toEqual([
		'CHARSET',
		'US-ASCII',
		'UID',
		'5:*',
		'UNSEEN',
		'FLAGGED',
	]);
});

test('non-ASCII text in the raw search goes as UTF-8 literals, with CHARSET UTF-8 unless UTF8=ACCEPT is on', async () => {
	expect(await sentSearch({ rawSearch: 'OR SUBJECT "Prüfung" (FROM Müller)' })).toEqual([
		'CHARSET',
		'UTF-8',
		'UID',
		'5:*',
		'OR',
		'SUBJECT',
		'{literal Prüfung}',
		['FROM', '{literal Müller}'],
	]);
	expect(await sentSearch({ rawSearch: 'CHARSET utf-8 SUBJECT "Prüfung"' })).toEqual([
		'CHARSET',
		'UTF-8',
		'UID',
		'5:*',
		'SUBJECT',
		'{literal Prüfung}',
	]);
	expect(await sentSearch({ rawSearch: 'SUBJECT "Prüfung"' }, ['UTF8=ACCEPT'])).toEqual([
		'UID',
		'5:*',
		'SUBJECT',
		'{literal Prüfung}',
	]);
	// Another charset cannot go with text sent as UTF-8.
	await expect(
		sentSearch({ subjectContains: 'Prüfung', rawSearch: 'CHARSET ISO-8859-1 FLAGGED' }),
	).rejects.toThrow('CHARSET ISO-8859-1');
});
