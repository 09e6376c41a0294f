// Proves the demo's IMAP trigger end to end against a running `npm run dev -- --demo`: signs in as
// the demo user, connects the demo credential (the identity-provider stand-in answers the sign-in
// at once), activates "Outlook demo: new mail", delivers a mail with scripts/demo-mail.js and waits
// for the execution it starts. Prints ok/FAIL lines; exit code 1 on failure.
// Usage: node scripts/demo-trigger-check.js <n8n url>     (OUTLOOK_DEMO_MAIL_PORT as for demo-mail.js)
const { execFileSync } = require('child_process');
const path = require('path');

const url = process.argv[2] || 'http://127.0.0.1:5678';
const WORKFLOW = 'outlookDemoMailTrig';
const CREDENTIAL = 'outlookDemoCred01';
let cookie = '';

async function rest(method, route, body) {
	const response = await fetch(`${url}${route}`, {
		method,
		redirect: 'manual',
		headers: {
			'browser-id': 'outlook-oauth-demo',
			...(cookie ? { cookie } : {}),
			...(body !== undefined ? { 'content-type': 'application/json' } : {}),
		},
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const set = response.headers.getSetCookie().find((c) => c.startsWith('n8n-auth='));
	if (set) cookie = set.split(';')[0];
	const text = await response.text();
	let parsed = text;
	try {
		parsed = JSON.parse(text);
	} catch {
		// the OAuth2 callback answers HTML
	}
	if (response.status >= 400)
		throw new Error(`${method} ${route} answered ${response.status}: ${text.slice(0, 300)}`);
	return parsed && parsed.data !== undefined ? parsed.data : parsed;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

(async () => {
	await rest('POST', '/rest/login', {
		emailOrLdapLoginId: 'demo@example.test',
		password: 'Demo-password-1',
	});
	const authorize = await fetch(
		await rest('GET', `/rest/oauth2-credential/auth?id=${CREDENTIAL}`),
		{ redirect: 'manual' },
	);
	const callback = new URL(authorize.headers.get('location'));
	await rest('GET', `${callback.pathname}${callback.search}`);
	console.log('[demo-check] ok   the demo credential is connected');
	const workflow = await rest('GET', `/rest/workflows/${WORKFLOW}`);
	await rest('POST', `/rest/workflows/${WORKFLOW}/activate`, { versionId: workflow.versionId });
	console.log('[demo-check] ok   "Outlook demo: new mail" is active');
	// "New mail only": the trigger records where INBOX ends once it has opened it.
	await sleep(3000);
	const subject = `Demo check ${Date.now()}`;
	execFileSync(process.execPath, [path.join(__dirname, 'demo-mail.js'), subject], {
		stdio: 'inherit',
	});
	const until = Date.now() + 60_000;
	// Any successful execution with the subject. Mail delivered earlier in the same second as the
	// activation (dev-check's "Invoice 42") counts as new too: IMAP dates have whole seconds, and
	// the trigger would rather start one execution too many than lose a mail.
	const checked = new Set();
	for (;;) {
		const list = await rest(
			'GET',
			`/rest/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId: WORKFLOW }))}`,
		);
		const results = Array.isArray(list) ? list : list.results || [];
		for (const done of results.filter((e) => e.status === 'success' && !checked.has(e.id))) {
			checked.add(done.id);
			const full = await rest('GET', `/rest/executions/${done.id}`);
			if (!JSON.stringify(full).includes(subject)) continue;
			console.log(`[demo-check] ok   the mail started execution ${done.id} with its subject`);
			await rest('POST', `/rest/workflows/${WORKFLOW}/deactivate`, {});
			process.exit(0);
		}
		if (Date.now() > until) {
			console.log(
				`[demo-check] FAIL no finished execution with the mail's subject 60 s after the mail (${JSON.stringify(results.map((e) => e.status))})`,
			);
			process.exit(1);
		}
		await sleep(1000);
	}
})().catch((error) => {
	console.log(`[demo-check] FAIL ${error.message}`);
	process.exit(1);
});
