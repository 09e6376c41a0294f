/**
 * Hostile and malformed mail on a real Dovecot never hurts the IMAP trigger: each hostile message
 * is followed by a normal one, and the normal one always arrives. A message that cannot be read is
 * emitted with what could be read plus `error` (default) or skipped with a logged reason; either
 * way the cursor moves past it. Attachment names from mail are metadata only: binary properties
 * are `${prefix}${index}` and nothing is written outside n8n's binary storage.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { BinaryDataConfig } from 'n8n-core';
import { Container } from '@n8n/di';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { MESSAGE_LIMITS } from '../../nodes/OutlookImapTrigger/messages';
import {
	captureLogs,
	startImapRig,
	textMessage,
	TYPE,
	waitFor,
	type ImapRig,
} from '../OutlookImapTrigger/support';
import { initBinaryData } from '../support/n8n-harness';

let rig: ImapRig;
let storagePath: string;
beforeAll(async () => {
	rig = await startImapRig();
	// Binary data on disk, so the test can see where attachment bytes were written.
	await initBinaryData('filesystem');
	storagePath = Container.get(BinaryDataConfig).localStoragePath;
}, 30_000);
afterAll(async () => {
	await rig?.close();
});

const MB = 1024 * 1024;

function headers(subject: string, contentType: string): string[] {
	return [
		'From: "Mallory" <mallory@example.test>',
		'To: alice@example.test',
		`Subject: ${subject}`,
		'Date: Mon, 16 Nov 2026 10:00:00 +0000',
		'MIME-Version: 1.0',
		`Content-Type: ${contentType}`,
	];
}

/** Boundaries that never match, a part with no header/body separator, and no closing boundary. */
function brokenMime(): string {
	return [
		...headers('broken mime', 'multipart/mixed; boundary="declared"'),
		'This line is not a header at all',
		'',
		'--other-boundary',
		'Content-Type: text/plain',
		'--declared',
		'Content-Type: text/plain; charset=utf-8',
		'Content-Transfer-Encoding: quoted-printable',
		'',
		'=ZZ=4 broken soft break =',
		'--declared',
		'Content-Type: multipart/alternative; boundary=',
		'',
		'no end',
		'',
	].join('\r\n');
}

/** A header block of about `bytes` bytes (many X-Pad lines within RFC 5322's 998-character limit). */
function hugeHeader(subject: string, bytes: number): Buffer {
	const line = `X-Pad: ${'a'.repeat(990)}\r\n`;
	const count = Math.ceil(bytes / line.length);
	const head = Buffer.from(
		`From: mallory@example.test\r\nTo: alice@example.test\r\nSubject: ${subject}\r\n`,
	);
	const tail = Buffer.from('Content-Type: text/plain\r\n\r\nbody after a huge header\r\n');
	return Buffer.concat([head, Buffer.from(line.repeat(count)), tail]);
}

function deeplyNested(depth: number): string {
	const lines = headers(`nested ${depth}`, 'multipart/mixed; boundary="b0"');
	lines.push('');
	for (let i = 0; i < depth; i++) {
		lines.push(`--b${i}`);
		if (i + 1 < depth) lines.push(`Content-Type: multipart/mixed; boundary="b${i + 1}"`, '');
	}
	lines.push('Content-Type: text/plain', '', 'the innermost part');
	for (let i = depth - 1; i >= 0; i--) lines.push(`--b${i}--`);
	lines.push('');
	return lines.join('\r\n');
}

function withPart(subject: string, partHeaders: string[], body: string): string {
	return [
		...headers(subject, 'multipart/mixed; boundary="p"'),
		'',
		'--p',
		'Content-Type: text/plain',
		'',
		'see attached',
		'--p',
		...partHeaders,
		'',
		body,
		'--p--',
		'',
	].join('\r\n');
}

const LARGE_PART_BYTES = 6 * MB;
function largeBase64(): string {
	const base64 = Buffer.alloc(LARGE_PART_BYTES, 0x41)
		.toString('base64')
		.replace(/.{76}/g, '$&\r\n');
	return withPart(
		'large base64',
		[
			'Content-Type: application/octet-stream',
			'Content-Disposition: attachment; filename="big.bin"',
			'Content-Transfer-Encoding: base64',
		],
		base64,
	);
}

function garbageBase64(): string {
	return withPart(
		'garbage base64',
		[
			'Content-Type: application/octet-stream',
			'Content-Disposition: attachment; filename="garbage.bin"',
			'Content-Transfer-Encoding: base64',
		],
		'!!!! this is *not* base64 ~~~ ###\r\n@@@@====AAAA====\r\n\x01\x02\x7f%%%',
	);
}

const LONG_NAME = `${'n'.repeat(296)}.txt`;
/** Attachments named for path traversal, with NUL, with 300 characters, and with RFC 2231 continuations. */
function hostileNames(): string {
	const part = (disposition: string, content: string) => [
		'--p',
		'Content-Type: text/plain',
		disposition,
		'Content-Transfer-Encoding: base64',
		'',
		Buffer.from(content).toString('base64'),
	];
	return [
		...headers('hostile names', 'multipart/mixed; boundary="p"'),
		'',
		'--p',
		'Content-Type: text/plain',
		'',
		'four attachments',
		...part(
			'Content-Disposition: attachment; filename="../../etc/passwd"',
			'root:x:0:0::/root:/bin/sh\n',
		),
		...part("Content-Disposition: attachment; filename*=utf-8''evil%00name.txt", 'nul'),
		...part(`Content-Disposition: attachment; filename="${LONG_NAME}"`, 'long'),
		...part(
			"Content-Disposition: attachment;\r\n filename*0*=utf-8''..%2F..%2Ftmp%2Fpart%20one;\r\n filename*1*=%20part%20two.txt",
			'rfc2231',
		),
		'--p--',
		'',
	].join('\r\n');
}

function byUid(run: { emitted: INodeExecutionData[] }): Map<number, INodeExecutionData> {
	return new Map(run.emitted.map((item) => [Number(item.json.uid), item]));
}

function filesUnder(dir: string): string[] {
	if (!existsSync(dir)) return [];
	return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) =>
		statSync(join(dir, name)).isFile(),
	);
}

const sha = (path: string) =>
	existsSync(path) ? createHash('sha256').update(readFileSync(path)).digest('hex') : 'absent';

function expectNoSecrets(text: string) {
	for (const secret of rig.standIns.idp.secrets()) expect(text).not.toContain(secret);
}

test('each hostile message is emitted with an error field or read safely, and the normal message after it always arrives', async () => {
	await rig.dovecot.createMailbox('Hostile');
	const passwdBefore = sha('/etc/passwd');
	const n8n = rig.harness();
	const logs = captureLogs();
	const run = await n8n.activateTrigger(TYPE, {
		parameters: rig.parameters({
			folder: { __rl: true, mode: 'path', value: 'Hostile' },
			options: { maxAttachmentSizeMb: 1 },
		}),
	});
	try {
		await waitFor(() => run.staticData.imapCursor, 10_000, 'the cursor baseline');
		const hostile: Array<[string, string | Buffer]> = [
			['broken mime', brokenMime()],
			['huge header', hugeHeader('huge header', 50 * MB)],
			['nested 200', deeplyNested(200)],
			['large base64', largeBase64()],
			['garbage base64', garbageBase64()],
			['hostile names', hostileNames()],
		];
		for (const [name, eml] of hostile) {
			await rig.dovecot.appendMessage(eml, 'Hostile');
			await rig.dovecot.appendMessage(textMessage(`normal after ${name}`), 'Hostile');
		}
		await waitFor(() => run.emitted.length >= hostile.length * 2, 40_000, 'every message');
		expect(run.errors).toEqual([]);
		expect(run.emitted).toHaveLength(12);
		const items = byUid(run);
		// UIDs 1…12 in order: hostile messages are the odd ones, each normal one follows.
		expect([...items.keys()]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
		hostile.forEach(([name], i) => {
			expect(items.get(2 * i + 2)!.json.subject).toBe(`normal after ${name}`);
			expect(String(items.get(2 * i + 2)!.json.text).trim()).toBe(`Body of normal after ${name}`);
			expect(items.get(2 * i + 2)!.json.error).toBeUndefined();
		});
		expect((run.staticData.imapCursor as IDataObject).lastUid).toBe(12);

		// Broken MIME: parsed as far as it goes, no error needed, fields kept.
		expect(items.get(1)!.json).toMatchObject({
			uid: 1,
			subject: 'broken mime',
			from: { address: 'mallory@example.test' },
		});

		// 50 MB header: not parsed; the item has the UID, size, flags and the first bytes of the header.
		const huge = items.get(3)!.json;
		expect(huge.error).toMatch(
			/^The header block is \d+ bytes, more than the 1048576 bytes the trigger parses$/,
		);
		expect(huge.size).toBeGreaterThan(50 * MB);
		expect(huge.flags).toEqual([]);
		expect(String(huge.rawHeaders)).toMatch(
			/^From: mallory@example\.test\r\nTo: alice@example\.test\r\nSubject: huge header\r\nX-Pad: a/,
		);
		expect(String(huge.rawHeaders).length).toBe(MESSAGE_LIMITS.rawHeaderPreviewBytes);
		expect(huge.rawHeadersTruncated).toBe(true);
		expect(items.get(3)!.binary).toBeUndefined();

		// 200-deep multiparts: over the nesting limit.
		expect(items.get(5)!.json).toMatchObject({
			uid: 5,
			error: 'MIME parts are nested more than 100 levels deep',
		});
		expect(String(items.get(5)!.json.rawHeaders)).toContain('Subject: nested 200');

		// Large base64 part: counted while streaming, listed, not attached (over the 1 MB option).
		const large = items.get(7)!;
		expect(large.json.error).toBeUndefined();
		expect(large.json.attachments).toEqual([
			{
				fileName: 'big.bin',
				mimeType: 'application/octet-stream',
				size: LARGE_PART_BYTES,
				contentId: '',
				inline: false,
				skipped: 'larger than the size limit',
			},
		]);
		expect(large.binary).toBeUndefined();

		// Garbage in a base64 part: emitted, whatever the decoder made of it, under a prefix+index name.
		const garbage = items.get(9)!;
		expect(garbage.json.subject).toBe('garbage base64');
		expect(garbage.json.error).toBeUndefined();
		expect((garbage.json.attachments as IDataObject[]).map((a) => a.fileName)).toEqual([
			'garbage.bin',
		]);
		expect(Object.keys(garbage.binary ?? {})).toEqual(['attachment_0']);

		// Hostile names: kept as metadata, never in a property name.
		const named = items.get(11)!;
		expect(named.json.error).toBeUndefined();
		const names = (named.json.attachments as IDataObject[]).map((a) => a.fileName);
		expect(names).toEqual([
			'../../etc/passwd',
			'evil\u0000name.txt',
			LONG_NAME,
			'../../tmp/part one part two.txt',
		]);
		expect((named.json.attachments as IDataObject[]).map((a) => a.binaryProperty)).toEqual([
			'attachment_0',
			'attachment_1',
			'attachment_2',
			'attachment_3',
		]);
		expect(Object.keys(named.binary ?? {})).toEqual([
			'attachment_0',
			'attachment_1',
			'attachment_2',
			'attachment_3',
		]);
		// The binary's display name: last segment, control characters removed, at most 255 characters.
		expect(named.binary!.attachment_0.fileName).toBe('passwd');
		expect(named.binary!.attachment_1.fileName).toBe('evilname.txt');
		expect(named.binary!.attachment_2.fileName).toBe(LONG_NAME.slice(0, 255));
		expect(named.binary!.attachment_3.fileName).toBe('part one part two.txt');

		// Every binary property of every item is prefix + index.
		for (const item of run.emitted)
			for (const key of Object.keys(item.binary ?? {})) expect(key).toMatch(/^attachment_\d+$/);

		// Nothing written outside n8n's binary storage: /etc/passwd untouched, no file named after an
		// attachment anywhere near, and the stored files carry n8n's own names.
		expect(sha('/etc/passwd')).toBe(passwdBefore);
		for (const dir of [
			process.cwd(),
			resolve(process.cwd(), '..'),
			resolve(storagePath, '..'),
			resolve(storagePath, '../../tmp'),
		]) {
			for (const name of readdirSync(dir))
				expect(name).not.toMatch(/passwd|evil|part one|nnnnnnnn/);
		}
		const stored = filesUnder(storagePath);
		expect(stored.length).toBeGreaterThanOrEqual(5);
		for (const file of stored) expect(file).not.toMatch(/passwd|evil|part one|nnnnnnnn|\.\./);

		// The unreadable ones were logged with their UID and reason; no secret anywhere.
		const warnings = logs.lines
			.filter((line) => line.level === 'warn' && line.message.includes('could not be read'))
			.map((line) => line.message);
		expect(warnings).toHaveLength(2);
		expect(warnings[0]).toContain('"uid":3');
		expect(warnings[1]).toContain('"uid":5');
		expectNoSecrets(JSON.stringify(run.emitted.map((item) => [item.json, item.binary])));
		expectNoSecrets(logs.lines.map((line) => line.message).join('\n'));
	} finally {
		logs.restore();
		await run.close();
	}
}, 90_000);

test('"Skip and Log" emits nothing for an unreadable message, logs why, and moves the cursor past it', async () => {
	await rig.dovecot.createMailbox('Skip');
	const n8n = rig.harness();
	const logs = captureLogs();
	const run = await n8n.activateTrigger(TYPE, {
		parameters: rig.parameters({
			folder: { __rl: true, mode: 'path', value: 'Skip' },
			options: { onUnreadable: 'skip' },
		}),
	});
	try {
		await waitFor(() => run.staticData.imapCursor, 10_000, 'the cursor baseline');
		await rig.dovecot.appendMessage(deeplyNested(200), 'Skip');
		await rig.dovecot.appendMessage(textMessage('normal 1'), 'Skip');
		await rig.dovecot.appendMessage(hugeHeader('big header', 2 * MB), 'Skip');
		await rig.dovecot.appendMessage(textMessage('normal 2'), 'Skip');
		await waitFor(() => run.emitted.length >= 2, 15_000, 'the normal messages');
		await waitFor(
			() => (run.staticData.imapCursor as IDataObject).lastUid === 4,
			5_000,
			'the cursor past the last message',
		);
		expect(run.errors).toEqual([]);
		expect(run.emitted.map((item) => [item.json.uid, item.json.subject])).toEqual([
			[2, 'normal 1'],
			[4, 'normal 2'],
		]);
		const skipped = logs.lines
			.filter(
				(line) =>
					line.level === 'warn' &&
					line.message.includes('skipped a message that could not be read'),
			)
			.map((line) => line.message);
		expect(skipped).toHaveLength(2);
		expect(skipped[0]).toContain('"uid":1');
		expect(skipped[0]).toContain('MIME parts are nested more than 100 levels deep');
		expect(skipped[1]).toContain('"uid":3');
		expect(skipped[1]).toContain('The header block is');
		expectNoSecrets(logs.lines.map((line) => line.message).join('\n'));
	} finally {
		logs.restore();
		await run.close();
	}
}, 40_000);

test('a message over the download limit is not downloaded: emitted from its metadata with an error, and the next one arrives', async () => {
	await rig.dovecot.createMailbox('TooLarge');
	const limit = MESSAGE_LIMITS.maxMessageBytes;
	// The production limit is 150 MB; 1 MB here keeps the test quick.
	MESSAGE_LIMITS.maxMessageBytes = 1 * MB;
	const n8n = rig.harness();
	const run = await n8n.activateTrigger(TYPE, {
		parameters: rig.parameters({ folder: { __rl: true, mode: 'path', value: 'TooLarge' } }),
	});
	try {
		await waitFor(() => run.staticData.imapCursor, 10_000, 'the cursor baseline');
		const big = textMessage('too large', 'x'.repeat(2 * MB));
		await rig.dovecot.appendMessage(big, 'TooLarge');
		await rig.dovecot.appendMessage(textMessage('normal after too large'), 'TooLarge');
		await waitFor(() => run.emitted.length >= 2, 15_000, 'both messages');
		expect(run.errors).toEqual([]);
		const [first, second] = run.emitted;
		expect(first.json).toEqual({
			uid: 1,
			size: Buffer.byteLength(big),
			flags: [],
			receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
			error: `The message is ${Buffer.byteLength(big)} bytes, more than the 1048576 bytes the trigger downloads`,
		});
		expect(second.json).toMatchObject({ uid: 2, subject: 'normal after too large' });
		expect((run.staticData.imapCursor as IDataObject).lastUid).toBe(2);
	} finally {
		MESSAGE_LIMITS.maxMessageBytes = limit;
		await run.close();
	}
}, 30_000);
