/**
 * 1. Loading: n8n lists the package's nodes and credential under the package's name, next to its
 * own Microsoft Outlook node and credential (no clash of type names).
 */
import type { E2eEnvironment } from '../support/environment';
import {
	NODE_NAMES as ALL_NODE_NAMES,
	PACKAGE_NAME,
	packedNodeNames,
} from '../support/environment';

interface NodeTypeDescription {
	name: string;
	displayName: string;
	version: number | number[];
	credentials?: Array<{ name: string }>;
}

interface CredentialTypeDescription {
	name: string;
	displayName: string;
	extends?: string[];
	supportedNodes?: string[];
}

/** Each node file's node name (environment.ts NODE_NAMES, by the node's folder). */
const NODE_NAMES: Record<string, string> = {
	OutlookMail: ALL_NODE_NAMES.outlookMail,
	OutlookCalendar: ALL_NODE_NAMES.outlookCalendar,
	OutlookImapTrigger: ALL_NODE_NAMES.outlookImapTrigger,
	OutlookTrigger: ALL_NODE_NAMES.outlookTrigger,
	// The Outlook Trigger's first type name, hidden, for workflows saved before the rename.
	OutlookTriggerLegacy: 'outlookTrigger',
};
const TRIGGER_FILES = ['OutlookImapTrigger', 'OutlookTrigger', 'OutlookTriggerLegacy'];

export function loadingScenario(env: E2eEnvironment) {
	let nodes: NodeTypeDescription[];
	let credentials: CredentialTypeDescription[];

	beforeAll(async () => {
		const nodesResponse = await env.rest.request<NodeTypeDescription[]>('GET', '/types/nodes.json');
		const credentialsResponse = await env.rest.request<CredentialTypeDescription[]>(
			'GET',
			'/types/credentials.json',
		);
		expect(nodesResponse.status).toBe(200);
		expect(credentialsResponse.status).toBe(200);
		nodes = nodesResponse.body;
		credentials = credentialsResponse.body;
	});

	test('the log shows no error loading the package', () => {
		const log = env.server.logText();
		expect(log).not.toMatch(new RegExp(`${PACKAGE_NAME}[^\\n]*(error|failed)`, 'i'));
		expect(log).not.toMatch(/Error loading package/i);
	});

	test("the package's nodes are listed under the package's name, each once", () => {
		const packed = packedNodeNames();
		expect(packed.length).toBeGreaterThan(0);
		const ours = nodes.filter((n) => n.name.startsWith(`${PACKAGE_NAME}.`));
		const expected = packed.map((file) => `${PACKAGE_NAME}.${NODE_NAMES[file]}`).sort();
		// usableAsTool: n8n adds an AI-agent tool variant ("…Tool") of each action node, not of triggers.
		const tools = packed
			.filter((file) => !TRIGGER_FILES.includes(file))
			.map((file) => `${PACKAGE_NAME}.${NODE_NAMES[file]}Tool`);
		// A node with webhooks and a Send and Wait operation also gets n8n's Human-review tool
		// ("…HitlTool", n8n tool-generation/hitl-tools.ts): Outlook Mail only.
		const hitl = [`${PACKAGE_NAME}.outlookMailHitlTool`];
		expect([...new Set(ours.map((n) => n.name))].sort()).toEqual(
			[...expected, ...tools, ...hitl].sort(),
		);
		for (const name of expected) {
			const versions = ours.filter((n) => n.name === name);
			// A versioned node is listed once per version; each must ask for our credential.
			expect(versions.length).toBeGreaterThan(0);
			for (const version of versions)
				expect(version.credentials?.map((c) => c.name)).toContain('outlookOAuth2Api');
		}
	});

	test('all four nodes (and the Outlook Trigger under its first, hidden type name) are in the package', () => {
		expect(packedNodeNames().sort()).toEqual([
			'OutlookCalendar',
			'OutlookImapTrigger',
			'OutlookMail',
			'OutlookTrigger',
			'OutlookTriggerLegacy',
		]);
	});

	test("the credential outlookOAuth2Api is listed once, as ours, extending n8n's OAuth2", () => {
		const ours = credentials.filter((c) => c.name === 'outlookOAuth2Api');
		expect(ours).toHaveLength(1);
		expect(ours[0].displayName).toBe('Outlook OAuth2 (Graph + IMAP) API');
		expect(ours[0].extends).toEqual(['oAuth2Api']);
	});

	test("n8n's own Outlook node and credential are still there, with other names and display names", () => {
		const builtInNode = nodes.find((n) => n.name === 'n8n-nodes-base.microsoftOutlook');
		const builtInCredential = credentials.find((c) => c.name === 'microsoftOutlookOAuth2Api');
		expect(builtInNode).toBeDefined();
		expect(builtInCredential).toBeDefined();
		const ourDisplayNames = new Set(
			nodes.filter((n) => n.name.startsWith(`${PACKAGE_NAME}.`)).map((n) => n.displayName),
		);
		const theirDisplayNames = new Set(
			nodes.filter((n) => !n.name.startsWith(`${PACKAGE_NAME}.`)).map((n) => n.displayName),
		);
		for (const name of ourDisplayNames) expect(theirDisplayNames.has(name)).toBe(false);
		expect(
			credentials.filter((c) => c.displayName === 'Outlook OAuth2 (Graph + IMAP) API'),
		).toHaveLength(1);
		// The picker shows both: the names must not read alike.
		expect(builtInCredential?.displayName).toBe('Microsoft Outlook OAuth2 API');
	});
}
