// Prints (JSON, for `n8n import:credentials`) the demo credential pointing at the stand-ins, and,
// with --workflow, the demo workflow "Outlook demo: new mail" (the Outlook IMAP Trigger on the demo
// Dovecot mailbox), for `n8n import:workflow`.
// Usage: node scripts/demo-credential.js <standins.json> [--workflow]
const standIns = require(require('path').resolve(process.argv[2]));
const imap = standIns.imap && standIns.imap.port ? standIns.imap : undefined;
const credentialRef = { id: 'outlookDemoCred01', name: 'Outlook (demo stand-ins)' };

if (process.argv.includes('--workflow')) {
	if (!imap) process.exit(0);
	const workflow = {
		id: 'outlookDemoMailTrig',
		name: 'Outlook demo: new mail',
		active: false,
		settings: { executionOrder: 'v1' },
		connections: {},
		nodes: [
			{
				id: '3c0b6c1e-5d2a-4f53-9a53-0d6f0c7d2a01',
				name: 'Outlook IMAP Trigger',
				type: 'n8n-nodes-outlook-oauth.outlookImapTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {
					mailbox: imap.user,
					folder: { __rl: true, mode: 'path', value: 'INBOX' },
					startFrom: 'new',
					receiveMode: 'idle',
					output: 'parsed',
					// The demo's Dovecot listens on a local port with a self-signed certificate.
					options: { host: imap.host, port: imap.port, security: 'tlsUnverified' },
				},
				credentials: { outlookOAuth2Api: credentialRef },
			},
		],
	};
	process.stdout.write(JSON.stringify([workflow], null, 2) + '\n');
	process.exit(0);
}

const credential = {
	...credentialRef,
	type: 'outlookOAuth2Api',
	data: {
		clientId: standIns.clientId,
		clientSecret: standIns.clientSecret,
		environment: 'custom',
		customAuthorityUrl: standIns.authority,
		customGraphUrl: standIns.graph,
		// The IMAP host of the Custom environment; the demo workflow's trigger also names the port.
		customImapHost: imap ? imap.host : '127.0.0.1',
		accountType: 'organizations',
		permissions: [
			'mailReadWrite',
			'mailSend',
			'calendarsReadWrite',
			'mailboxSettings',
			// Contacts, categories and inbox rules, and the demo organisation's rooms.
			'contactsReadWrite',
			'mailboxSettingsReadWrite',
			'places',
			...(imap ? ['imap'] : []),
		],
		prompt: 'select_account',
	},
};
process.stdout.write(JSON.stringify([credential], null, 2) + '\n');
