// Checks a running `npm run dev -- --demo` the way a new user meets it: signs in with the demo
// login the README gives, and asks n8n which of the package's nodes and credentials it loaded and
// whether the demo credential is there. Prints one line per check; exits 1 when one fails.
// Usage: node scripts/dev-check.js <n8n url>
const url = process.argv[2];
const BROWSER_ID = 'outlook-oauth-dev-check';
// The Outlook Trigger's type name files it under Outlook Mail in n8n's node panel (see its class).
const NODES = ['outlookMail', 'outlookCalendar', 'outlookImapTrigger', 'outlookMailTrigger'].map(
	(name) => `n8n-nodes-outlook-oauth.${name}`,
);

async function main() {
	const login = await fetch(`${url}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'browser-id': BROWSER_ID },
		body: JSON.stringify({ emailOrLdapLoginId: 'demo@example.test', password: 'Demo-password-1' }),
	});
	if (!login.ok) throw new Error(`signing in as demo@example.test answered ${login.status}`);
	const cookie = (login.headers.getSetCookie?.() ?? [login.headers.get('set-cookie')])
		.filter(Boolean)
		.map((c) => c.split(';')[0])
		.join('; ');
	const get = async (path) => {
		const response = await fetch(`${url}${path}`, {
			headers: { cookie, 'browser-id': BROWSER_ID },
		});
		if (!response.ok) throw new Error(`GET ${path} answered ${response.status}`);
		const body = await response.json();
		return body && typeof body === 'object' && 'data' in body ? body.data : body;
	};
	let failed = 0;
	const check = (ok, text) => {
		console.log(`[dev-check] ${ok ? 'ok  ' : 'FAIL'} ${text}`);
		if (!ok) failed++;
	};
	const nodes = (await get('/types/nodes.json')).map((node) => node.name);
	for (const name of NODES) check(nodes.includes(name), `node ${name} is loaded`);
	const credentialTypes = (await get('/types/credentials.json')).map((c) => c.name);
	for (const type of ['outlookOAuth2Api', 'outlookAppOnlyApi'])
		check(credentialTypes.includes(type), `credential type ${type} is loaded`);
	const credentials = await get('/rest/credentials');
	check(
		credentials.some((c) => c.name === 'Outlook (demo stand-ins)' && c.type === 'outlookOAuth2Api'),
		'the demo credential "Outlook (demo stand-ins)" is listed',
	);
	if (failed) process.exit(1);
}

main().catch((error) => {
	console.error(`[dev-check] FAIL ${error.message}`);
	process.exit(1);
});
