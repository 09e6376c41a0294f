// Delivers a new mail to the demo mailbox of `npm run dev -- --demo`: Microsoft Graph lists it and
// reports it in its delta (the Outlook Trigger), and the demo's IMAP server (Dovecot) gets it too
// (the Outlook IMAP Trigger). One mail, seen by both triggers.
// Usage: node scripts/demo-mail.js ["Subject"] [--from bob@example.test] [--text "Body"]
//        OUTLOOK_DEMO_MAIL_PORT (default 18082) when the demo runs with other ports: the start-up
//        banner of `npm run dev -- --demo` prints the command with the port it started on.
const args = process.argv.slice(2);
const mail = {};
for (let i = 0; i < args.length; i++) {
	if (args[i] === '--from') mail.from = args[++i];
	else if (args[i] === '--text') mail.text = args[++i];
	else if (args[i] === '-h' || args[i] === '--help') {
		console.log('node scripts/demo-mail.js ["Subject"] [--from address] [--text "Body"]');
		process.exit(0);
	} else mail.subject = args[i];
}
const url = `http://127.0.0.1:${process.env.OUTLOOK_DEMO_MAIL_PORT || 18082}/mail`;
fetch(url, {
	method: 'POST',
	headers: { 'content-type': 'application/json' },
	body: JSON.stringify(mail),
})
	.then(async (response) => {
		const body = await response.json().catch(() => ({}));
		if (!response.ok) throw new Error(body.error || `answered ${response.status}`);
		const where =
			body.imap === undefined
				? 'Graph (Outlook Trigger) only: this demo runs without its IMAP server'
				: `Graph (Outlook Trigger) and IMAP (Outlook IMAP Trigger); the Inbox now holds ${body.messages} messages`;
		console.log(
			`[demo] delivered "${mail.subject || 'Hello from the demo'}" to ${body.mailbox}: ${where}`,
		);
	})
	.catch((error) => {
		console.error(
			`[demo] could not deliver the mail through ${url}: ${error.cause ? error.cause.code || error.cause.message : error.message}.` +
				' Is `npm run dev -- --demo` running? Its start-up banner prints this command with the port it uses.',
		);
		process.exit(1);
	});
