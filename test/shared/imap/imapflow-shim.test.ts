/**
 * The imapflow private API the shim (nodes/shared/imap/imapflow.ts) relies on. When an upgrade
 * changes any of it, this fails loudly: re-read imapflow's exec(), preCheck and search compiler,
 * adjust the shim, run the Dovecot suites (raw search is in options.dovecot.test.ts), then bump
 * IMAPFLOW_VERIFIED_VERSION.
 */
import { ImapFlow } from 'imapflow';
import { readFileSync } from 'node:fs';

import { compileSearch, IMAPFLOW_VERIFIED_VERSION } from '../../../nodes/shared/imap/imapflow';

test('imapflow is the version the shim was checked against', () => {
	const { version } = JSON.parse(
		readFileSync(require.resolve('imapflow/package.json'), 'utf8'),
	) as { version: string };
	if (version !== IMAPFLOW_VERIFIED_VERSION)
		throw new Error(
			`imapflow is ${version}, the shim in nodes/shared/imap/imapflow.ts was checked against ${IMAPFLOW_VERIFIED_VERSION}: re-check exec(), preCheck and the search compiler, then update IMAPFLOW_VERIFIED_VERSION`,
		);
});

test('ImapFlow still has exec(command, attributes, options) and a preCheck slot', () => {
	const client = new ImapFlow({ host: '127.0.0.1', port: 1, logger: false });
	const internal = client as unknown as { exec?: unknown; preCheck?: unknown };
	expect(typeof internal.exec).toBe('function');
	expect((internal.exec as (...args: unknown[]) => unknown).length).toBe(3);
	// false when nothing is to be broken off; a function while IDLE runs.
	expect(['undefined', 'boolean', 'function']).toContain(typeof internal.preCheck);
	client.close();
});

test('the search compiler turns criteria into IMAP attributes', () => {
	const client = new ImapFlow({ host: '127.0.0.1', port: 1, logger: false });
	expect(compileSearch(client, { seen: false, from: 'bob@example.test' })).toEqual([
		{ type: 'ATOM', value: 'UNSEEN' },
		{ type: 'ATOM', value: 'FROM' },
		{ type: 'ATOM', value: 'bob@example.test' },
	]);
	expect(compileSearch(client, {})).toEqual([]);
	client.close();
});
