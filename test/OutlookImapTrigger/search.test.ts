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
