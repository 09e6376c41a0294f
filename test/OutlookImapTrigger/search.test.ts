import { hasAttachment, parseRawSearch, uidSet } from '../../nodes/OutlookImapTrigger/search';

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
