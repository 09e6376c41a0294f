/**
 * What the trigger's real-server suites share: the identity-provider and Graph stand-ins, a
 * Dovecot of their own (free ports, own folder), a harness with a connected credential that has
 * the IMAP permission, and small helpers (messages, waiting, captured log lines).
 */
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import type { ICredentialDataDecryptedObject, IDataObject, INodeParameters } from 'n8n-workflow';

import { OutlookImapTrigger } from '../../nodes/OutlookImapTrigger/OutlookImapTrigger.node';
import { startDovecot, type Dovecot } from '../support/dovecot';
import {
	ALL_GRAPH_PERMISSIONS,
	connectedCredential,
	startStandIns,
	type StandIns,
} from '../support/fixtures';
import { IMAP_AUDIENCE } from '../support/identity-provider';
import { initBinaryData, N8nHarness, type TriggerRun } from '../support/n8n-harness';

export const TYPE = 'outlookImapTrigger';

export interface ImapRig {
	standIns: StandIns;
	dovecot: Dovecot;
	harness(overrides?: ICredentialDataDecryptedObject): N8nHarness;
	/** Node parameters pointing at this Dovecot (TLS, self-signed certificate accepted). */
	parameters(extra?: INodeParameters): INodeParameters;
	close(): Promise<void>;
}

export async function startImapRig(): Promise<ImapRig> {
	await initBinaryData('default');
	const standIns = await startStandIns();
	const dovecot = await startDovecot({ idpUrl: standIns.idp.url });
	return {
		standIns,
		dovecot,
		harness(overrides = {}) {
			return new N8nHarness(
				{ [TYPE]: new OutlookImapTrigger() },
				connectedCredential(standIns, {
					permissions: [...ALL_GRAPH_PERMISSIONS, 'imap'],
					...overrides,
				}),
			);
		},
		parameters(extra = {}) {
			const { options, ...rest } = extra;
			return {
				mailbox: dovecot.user,
				folder: { __rl: true, mode: 'path', value: 'INBOX' },
				...rest,
				options: {
					host: dovecot.host,
					port: dovecot.port,
					security: 'tlsUnverified',
					...((options as IDataObject) ?? {}),
				},
			};
		},
		async close() {
			await dovecot.stop();
			await standIns.close();
		},
	};
}

/**
 * The suite's rig: started before its tests and closed after them. Used like the rig itself
 * (`rig.dovecot`, `rig.harness()`) once the suite's tests run.
 */
export function useImapRig(): ImapRig {
	let started: ImapRig | undefined;
	beforeAll(async () => {
		started = await startImapRig();
	}, 30_000);
	afterAll(async () => {
		await started?.close();
	});
	return new Proxy({} as ImapRig, {
		get(_, key: keyof ImapRig) {
			if (!started) throw new Error('the IMAP rig is used before the suite started it');
			return started[key];
		},
	});
}

export async function waitFor<T>(
	probe: () => T | undefined | false | Promise<T | undefined | false>,
	timeoutMs = 10_000,
	what = 'condition',
): Promise<T> {
	const until = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value) return value;
		if (Date.now() > until) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
		await sleep(25);
	}
}

export const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

/** A plain text message with a recognisable subject. */
export function textMessage(
	subject: string,
	body = `Body of ${subject}`,
	extraHeaders: string[] = [],
): string {
	return [
		'From: "Bob Sender" <bob@example.test>',
		'To: alice@example.test',
		`Subject: ${subject}`,
		`Message-ID: <${subject.replace(/[^A-Za-z0-9]/g, '.')}.${Date.now()}@example.test>`,
		'Date: Mon, 16 Nov 2026 10:00:00 +0000',
		...extraHeaders,
		'MIME-Version: 1.0',
		'Content-Type: text/plain; charset=utf-8',
		'',
		body,
		'',
	].join('\r\n');
}

export function subjects(run: TriggerRun): string[] {
	return run.emitted.map((item) => String(item.json.subject));
}

/** IMAP tokens the identity-provider stand-in issued, oldest first. */
export function imapTokens(standIns: StandIns): string[] {
	return [...standIns.idp.accessTokens.values()]
		.filter((token) => token.audience === IMAP_AUDIENCE)
		.map((token) => token.token);
}

export interface CapturedLog {
	level: 'warn' | 'error' | 'info' | 'debug';
	message: string;
}

/** Captures n8n's logger (the one `this.logger` is) while a test runs. */
export function captureLogs(): { lines: CapturedLog[]; restore(): void } {
	const logger = Container.get(Logger);
	const lines: CapturedLog[] = [];
	const spies = (['warn', 'error', 'info', 'debug'] as const).map((level) =>
		jest.spyOn(logger, level).mockImplementation((...args: [string, unknown?]) => {
			const [message, meta] = args;
			lines.push({
				level,
				message: `${new Date().toISOString().slice(11, 23)} ${meta ? `${message} ${JSON.stringify(meta)}` : message}`,
			});
		}),
	);
	return {
		lines,
		restore() {
			for (const spy of spies) spy.mockRestore();
		},
	};
}
