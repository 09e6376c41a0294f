// Prints (JSON, for `n8n import:credentials`) the demo credential pointing at the stand-ins.
// Usage: node scripts/demo-credential.js <standins.json>
const standIns = require(require('path').resolve(process.argv[2]));
const credential = {
	id: 'outlookDemoCred01',
	name: 'Outlook (demo stand-ins)',
	type: 'outlookOAuth2Api',
	data: {
		clientId: standIns.clientId,
		clientSecret: standIns.clientSecret,
		environment: 'custom',
		customAuthorityUrl: standIns.authority,
		customGraphUrl: standIns.graph,
		customImapHost: '127.0.0.1',
		accountType: 'organizations',
		permissions: ['mailReadWrite', 'mailSend', 'calendarsReadWrite', 'mailboxSettings'],
		prompt: 'select_account',
	},
};
process.stdout.write(JSON.stringify([credential], null, 2) + '\n');
