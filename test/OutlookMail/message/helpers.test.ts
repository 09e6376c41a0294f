import type { IExecuteFunctions, INode } from 'n8n-workflow';

import {
	getFolderId,
	getMessageId,
	messageIdFromUrl,
} from '../../../nodes/OutlookMail/descriptions/locators';
import { buildMessage } from '../../../nodes/OutlookMail/helpers/compose';
import { bodyHasComment, bodyWithComment } from '../../../nodes/OutlookMail/helpers/draftComment';
import { isEmailAddress, parseRecipients } from '../../../nodes/OutlookMail/helpers/recipients';
import { simplifyMessage } from '../../../nodes/OutlookMail/helpers/simplify';

/** Just enough of an execute context for the helpers: parameters by name, and the node. */
function ctx(parameters: Record<string, unknown>): IExecuteFunctions {
	const node = { name: 'Outlook Mail', type: 'outlookMail', typeVersion: 1 } as INode;
	return {
		getNode: () => node,
		getNodeParameter: (name: string, _i: number, fallback?: unknown) =>
			parameters[name] ?? fallback,
	} as unknown as IExecuteFunctions;
}

describe('recipients', () => {
	it('splits on commas and semicolons outside quotes and angle brackets', () => {
		expect(
			parseRecipients(
				ctx({}),
				0,
				'To',
				'"Doe, Jane" <jane@contoso.com>; bob@contoso.com ,Carol<carol@contoso.com>',
			),
		).toEqual([
			{ emailAddress: { address: 'jane@contoso.com', name: 'Doe, Jane' } },
			{ emailAddress: { address: 'bob@contoso.com' } },
			{ emailAddress: { address: 'carol@contoso.com', name: 'Carol' } },
		]);
	});

	it('accepts arrays and Graph recipient objects from expressions', () => {
		expect(
			parseRecipients(ctx({}), 0, 'To', [
				'a@contoso.com',
				{ emailAddress: { address: 'b@contoso.com', name: 'B' } },
			]),
		).toEqual([
			{ emailAddress: { address: 'a@contoso.com' } },
			{ emailAddress: { address: 'b@contoso.com', name: 'B' } },
		]);
	});

	it.each([
		'a@b',
		'a b@contoso.com',
		'@contoso.com',
		'a@contoso..com',
		'.a@contoso.com',
		'a@-contoso.com',
		'a@contoso.com\r\nBcc: x@y.com',
	])('refuses %j', (address) => {
		expect(isEmailAddress(address)).toBe(false);
	});

	it('names the field and the item in the error', () => {
		expect(() => parseRecipients(ctx({}), 3, 'BCC', 'ok@contoso.com, nope')).toThrow(
			expect.objectContaining({
				message: '"nope" in the field BCC is not an email address',
				context: expect.objectContaining({ itemIndex: 3 }),
			}),
		);
	});
});

describe('message and folder locators', () => {
	it.each([
		['https://outlook.office.com/mail/inbox/id/AAMkAGI2%2BAB%2FCD%3D', 'AAMkAGI2_AB-CD='],
		[
			'https://outlook.office365.com/owa/?ItemID=AAMkAGI2%2BAB%2FCD%3D&exvsurl=1&viewmodel=ReadMessageItem',
			'AAMkAGI2_AB-CD=',
		],
		['https://outlook.office.com/mail/inbox', undefined],
	])('reads the message ID in %s', (url, id) => {
		expect(messageIdFromUrl(url)).toBe(id);
	});

	it('takes a pasted link in the ID mode too', () => {
		expect(
			getMessageId(
				ctx({
					messageId: {
						__rl: true,
						mode: 'id',
						value: ' https://outlook.office.com/mail/id/AAMk%3D ',
					},
				}),
				0,
			),
		).toBe('AAMk=');
	});

	it('accepts well-known folder names in any case, and folder IDs', () => {
		expect(getFolderId(ctx({ folderId: { mode: 'id', value: 'Sent Items' } }), 0)).toBe(
			'sentitems',
		);
		expect(getFolderId(ctx({ folderId: { mode: 'list', value: 'AAMkAGFolder1AAA=' } }), 0)).toBe(
			'AAMkAGFolder1AAA=',
		);
		expect(() => getFolderId(ctx({ folderId: { mode: 'id', value: 'inbox/../x' } }), 0)).toThrow(
			/not a folder ID/,
		);
	});
});

describe('buildMessage', () => {
	it('leaves out fields that were not given (for Draft → Update)', () => {
		expect(buildMessage(ctx({}), 0, { subject: 'Only this' })).toEqual({ subject: 'Only this' });
	});

	it('clears categories with an empty list', () => {
		expect(buildMessage(ctx({}), 0, { categories: '' })).toEqual({ categories: [] });
	});
});

describe('simplifyMessage', () => {
	it('flattens what Graph returned and leaves out what it did not', () => {
		expect(
			simplifyMessage({
				id: 'm',
				subject: 'S',
				from: { emailAddress: { address: 'a@contoso.com' } },
				flag: { flagStatus: 'flagged' },
			}),
		).toEqual({
			id: 'm',
			subject: 'S',
			from: 'a@contoso.com',
			fromName: '',
			to: [],
			cc: [],
			preview: '',
			categories: [],
			flag: 'flagged',
		});
	});
});

describe('draft comment check (helpers/draftComment.ts)', () => {
	const html = (content: string) => ({ contentType: 'html', content });

	it('finds the comment in an HTML body whatever its line breaks and entities', () => {
		const comment = 'Price: 5 € & <b>final</b>\nThanks';
		expect(
			bodyHasComment(
				html(
					'<html><body><div>Price: 5&nbsp;&#8364; &amp; &lt;b&gt;final&lt;/b&gt;<br>Thanks</div><hr>…',
				),
				comment,
			),
		).toBe(true);
		expect(bodyHasComment(html('<html><body><hr><div>quoted</div></body></html>'), comment)).toBe(
			false,
		);
		expect(bodyHasComment({ contentType: 'text', content: 'Thanks\n\n> quoted' }, 'Thanks')).toBe(
			true,
		);
		expect(bodyHasComment(undefined, 'Thanks')).toBe(false);
	});

	it('writes the comment escaped, right after <body>, and finds it there', () => {
		const comment = 'a < b & "c"\nd';
		const body = bodyWithComment(
			html('<html><head></head><body dir="ltr"><hr>quoted</body></html>'),
			comment,
		);
		expect(body).toEqual(
			html(
				'<html><head></head><body dir="ltr"><div>a &lt; b &amp; &quot;c&quot;<br>d</div><hr>quoted</body></html>',
			),
		);
		expect(bodyHasComment(body, comment)).toBe(true);
		expect(bodyWithComment({ contentType: 'text', content: '> quoted' }, 'hi')).toEqual({
			contentType: 'text',
			content: 'hi\n\n> quoted',
		});
	});
});
