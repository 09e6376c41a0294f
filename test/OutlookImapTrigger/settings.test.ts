/**
 * readEndpoint: the port the trigger (and its folder picker) connects to when the node's
 * "IMAP Port" option is not set follows "Connection Security", as the choices say: TLS on 993,
 * STARTTLS on 143 (RFC 8314 §7; docs/imap-trigger.md, "Only over TLS").
 */
import type { INode } from 'n8n-workflow';

import { readEndpoint } from '../../nodes/OutlookImapTrigger/settings';

const node: INode = {
	id: 'imap',
	name: 'Outlook IMAP Trigger',
	type: 'n8n-nodes-outlook-oauth.outlookImapTrigger',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};
const custom = {
	environment: 'custom',
	customAuthorityUrl: 'https://login.test',
	customGraphUrl: 'https://graph.test',
	customImapHost: 'imap.test',
};

describe('readEndpoint: the IMAP port', () => {
	test.each([
		['tls', 993],
		['starttls', 143],
		['tlsUnverified', 993],
		['plain', 143],
	])('Connection Security %s without "IMAP Port" connects to port %i', (security, port) => {
		expect(readEndpoint(node, { security }, custom)).toEqual({
			host: 'imap.test',
			port,
			security,
		});
	});

	test('no options at all: TLS on 993, to the credential’s IMAP host', () => {
		expect(readEndpoint(node, {}, { environment: 'global' })).toEqual({
			host: 'outlook.office365.com',
			port: 993,
			security: 'tls',
		});
	});

	test('an "IMAP Port" that is set wins, whatever the security', () => {
		expect(readEndpoint(node, { security: 'starttls', port: 1143 }, custom).port).toBe(1143);
		expect(readEndpoint(node, { security: 'tls', port: 143 }, custom).port).toBe(143);
	});
});

describe('readEndpoint: the test-only security choices', () => {
	// docs/imap-trigger.md: only a Custom environment whose IMAP Host is none of Microsoft's.
	test.each([
		'outlook.office365.com',
		'outlook.office365.us',
		'outlook-dod.office365.us',
		'partner.outlook.cn',
	])('a Custom environment whose IMAP Host is Microsoft’s %s is refused them', (customImapHost) => {
		for (const security of ['plain', 'tlsUnverified'])
			expect(() => readEndpoint(node, { security }, { ...custom, customImapHost })).toThrow(
				`is for test servers: the credential's IMAP host is Microsoft's ${customImapHost}`,
			);
	});

	test.each(['global', 'usGov', 'usGovDod', 'china'])(
		'the %s environment is refused them',
		(environment) => {
			expect(() => readEndpoint(node, { security: 'plain' }, { environment })).toThrow(
				'"Plaintext" is for test servers and needs a credential with the Custom environment',
			);
		},
	);
});
