// Creates n8n's owner account for the demo (only when none exists yet), so the demo credential,
// which n8n's CLI gave to the instance owner, is the signed-in user's.
// Usage: node scripts/demo-owner.js <n8n url>
const url = process.argv[2];
(async () => {
	const response = await fetch(`${url}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'browser-id': 'outlook-oauth-demo' },
		body: JSON.stringify({
			email: 'demo@example.test',
			firstName: 'Demo',
			lastName: 'User',
			password: 'Demo-password-1',
		}),
	});
	// 400 "Instance owner already setup" on later runs is expected.
	if (!response.ok && response.status !== 400)
		console.error(`[dev] owner setup answered ${response.status}`);
})().catch((error) => console.error(`[dev] owner setup failed: ${error.message}`));
