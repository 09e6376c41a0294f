/**
 * A mailbox for the benches that looks like a real one to a compressor and to date ranges:
 * - message and conversation IDs as Exchange writes them (a long prefix shared by the mailbox and
 *   folder, a part unique to each item), so gzip finds what a real page offers and no more;
 * - subjects, previews and HTML bodies drawn from a vocabulary (a preview is up to 255 characters,
 *   a body a few KB of markup), a few correspondents that recur;
 * - dates over two years that grow denser (the mailbox fills up), with working hours and weekends,
 *   stored with milliseconds (Exchange's precision) and shown to the second.
 * Everything comes from a seeded generator: the same mailbox for every run and every contender.
 */
import type { IDataObject } from 'n8n-workflow';

/** mulberry32: small, fast, seeded. */
function generator(seed: number) {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/**
 * A vocabulary of 5,000 made-up words with English letter frequencies, drawn by Zipf's law: text
 * from it compresses like English prose (gzip about 2.5×; a vocabulary of a hundred words would
 * compress far better than real mail and flatter the bytes).
 */
function vocabulary(random: () => number): () => string {
	const letters =
		'eeeeeeeeeeeetttttttttaaaaaaaaoooooooiiiiiiinnnnnnnssssssrrrrrrhhhhhlllldddccuummwwffggyyppbbvkjxqz';
	const words = Array.from({ length: 5000 }, () => {
		const length = 3 + Math.floor(random() * random() * 9);
		let word = '';
		for (let k = 0; k < length; k++) word += letters[Math.floor(random() * letters.length)];
		return word;
	});
	const total = words.reduce((sum, _w, k) => sum + 1 / (k + 1), 0);
	const cumulative: number[] = [];
	let sum = 0;
	for (let k = 0; k < words.length; k++) cumulative.push((sum += 1 / (k + 1) / total));
	return () => {
		const u = random();
		let low = 0;
		let high = cumulative.length - 1;
		while (low < high) {
			const middle = (low + high) >> 1;
			if (cumulative[middle] < u) low = middle + 1;
			else high = middle;
		}
		return words[low];
	};
}

const PEOPLE = Array.from({ length: 40 }, (_, k) => ({
	name: `Person ${String.fromCharCode(65 + (k % 26))}${k}`,
	address: `person${k}@${k % 3 === 0 ? 'contoso.com' : k % 3 === 1 ? 'fabrikam.com' : 'example.org'}`,
}));

/** Exchange item IDs: the mailbox and folder part is shared, about 20 characters are the item's. */
const MAILBOX_PREFIX =
	'AAMkAGVmMDEzMTM4LTZmYWUtNDdkNC1hMDZiLTU1OGY5OTZhYmY4OABGAAAAAAAiQ8W967B7TKBjgx9rVEURBwAiIsqMbYjsT5e-T7KzowPTAAAAAAEMAAAiIsqMbYjsT5e-T7KzowPTAA';
const CONVERSATION_PREFIX = 'AAQkAGVmMDEzMTM4LTZmYWUtNDdkNC1hMDZiLTU1OGY5OTZhYmY4OAAQA';
const FOLDER_ID = `${MAILBOX_PREFIX.slice(0, 100)}AAAAAAEMAAA=`;

export interface MailboxSpec {
	messages: number;
	seed?: number;
	/** Newest message's time (ms); the mailbox spans two years before it. */
	newest?: number;
}

/**
 * `spec.messages` received times over two years, oldest first: density grows with time, working
 * hours and weekdays get most mail. Milliseconds are kept (Exchange stores them).
 */
function receivedTimes(count: number, newest: number, random: () => number): number[] {
	const span = 2 * 365 * 86_400_000;
	const times: number[] = [];
	while (times.length < count) {
		// Density ∝ (1 + 3x) over the span: inverse of the CDF of a linear density.
		const u = random();
		const x = (-1 + Math.sqrt(1 + 15 * u)) / 3;
		const t = newest - span + Math.min(1, Math.max(0, x)) * span;
		const date = new Date(t);
		const hour = date.getUTCHours();
		const weekend = date.getUTCDay() === 0 || date.getUTCDay() === 6;
		const keep = (hour >= 7 && hour <= 19 ? 1 : 0.15) * (weekend ? 0.25 : 1);
		if (random() < keep) times.push(Math.floor(t));
	}
	return times.sort((a, b) => a - b);
}

function sentence(random: () => number, word: () => string, words: number): string {
	const out: string[] = [];
	for (let k = 0; k < words; k++) out.push(word());
	const text = out.join(' ') + (random() < 0.1 ? `, ${Math.floor(random() * 10_000)}` : '');
	return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

function uniquePart(random: () => number, length: number): string {
	let out = '';
	for (let k = 0; k < length; k++) out += BASE64[Math.floor(random() * 64)];
	return out;
}

/** Graph's default properties of a message (what a request without `$select` returns). */
export function buildMailbox(spec: MailboxSpec): IDataObject[] {
	const random = generator(spec.seed ?? 29);
	const word = vocabulary(random);
	const newest = spec.newest ?? Date.parse('2026-11-30T17:00:00Z');
	return receivedTimes(spec.messages, newest, random).map((time, k) => {
		const id = `${MAILBOX_PREFIX}${uniquePart(random, 20)}AAA=`;
		const from = PEOPLE[Math.floor(random() * random() * PEOPLE.length)];
		const to = PEOPLE[Math.floor(random() * PEOPLE.length)];
		const subject = sentence(random, word, 3 + Math.floor(random() * 6)).slice(0, -1);
		const paragraphs = Array.from({ length: 2 + Math.floor(random() * 6) }, () =>
			sentence(random, word, 20 + Math.floor(random() * 60)),
		);
		const text = paragraphs.join(' ');
		const shown = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
		// Stored with milliseconds; the stand-in shows them to the second (see graph-mailbox.ts).
		const stored = new Date(time).toISOString();
		return {
			'@odata.etag': `W/"CQAAABYAAAAiIsqMbYjsT5e+T7KzowPTAAA${uniquePart(random, 4)}"`,
			id,
			createdDateTime: shown(time),
			lastModifiedDateTime: shown(time + 2000),
			changeKey: `CQAAABYAAAAiIsqMbYjsT5e+T7KzowPTAAA${uniquePart(random, 4)}`,
			categories: k % 17 === 0 ? ['Blue category'] : [],
			receivedDateTime: stored,
			sentDateTime: shown(time - 1000 - Math.floor(random() * 5000)),
			hasAttachments: k % 7 === 0,
			internetMessageId: `<${uniquePart(random, 24)}@${from.address.split('@')[1]}>`,
			subject,
			bodyPreview: text.slice(0, 255),
			importance: k % 23 === 0 ? 'high' : 'normal',
			parentFolderId: FOLDER_ID,
			conversationId: `${CONVERSATION_PREFIX}${uniquePart(random, 22)}=`,
			conversationIndex: `AQHa${uniquePart(random, 28)}`,
			isDeliveryReceiptRequested: false,
			isReadReceiptRequested: false,
			isRead: random() < 0.7,
			isDraft: false,
			webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(id)}&exvsurl=1&viewmodel=ReadMessageItem`,
			inferenceClassification: 'focused',
			body: {
				contentType: 'html',
				content: `<html><head>\r\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8"><style type="text/css" style="display:none">P {margin-top:0;margin-bottom:0;}</style></head><body dir="ltr"><div class="elementToProof" style="font-family: Aptos, Aptos_EmbeddedFont, Calibri, Helvetica, sans-serif; font-size: 12pt; color: rgb(0, 0, 0);">${paragraphs.map((p) => `<p>${p}</p>`).join('\r\n')}</div><div id="Signature"><p>${from.name}<br>${from.address}</p></div></body></html>`,
			},
			sender: { emailAddress: from },
			from: { emailAddress: from },
			toRecipients: [{ emailAddress: to }],
			ccRecipients: k % 5 === 0 ? [{ emailAddress: PEOPLE[(k * 7) % PEOPLE.length] }] : [],
			bccRecipients: [],
			replyTo: [],
			flag: { flagStatus: k % 31 === 0 ? 'flagged' : 'notFlagged' },
		};
	});
}
