/**
 * The AI-tool limits with the app-only credential, where the node works in the mailbox of the
 * Mailbox Address field (the Mailbox field is hidden and keeps 'me'): a model that fills that
 * address sends as that mailbox, so Allowed Send-As Mailboxes checks it.
 */
import { join } from 'node:path';

import type { INodeParameters } from 'n8n-workflow';

import { clearAppOnlyClients } from '../../nodes/shared/auth/appOnly';
import { OutlookMail } from '../../nodes/OutlookMail/OutlookMail.node';
import { expectGraphContractKept, startStandIns, type StandIns } from '../support/fixtures';
import { OutboundLedger } from '../support/graph-outbound';
import { GraphWorld } from '../support/graph-world';
import { TEST_USER } from '../support/identity-provider';
import { agentTool, callTool, fromAI, toolVariant } from '../support/tool-harness';
import {
	APP_ID,
	AppOnlyHarness,
	appOnlyFields,
	makeCertificate,
	OTHER,
	SHARED,
	type TestCertificate,
} from '../appOnly/support';
import { sourceLinesMatching } from '../support/package-sources';

const MAIL = 'outlookMailTool';
const mailTool = toolVariant(new OutlookMail());

describe('app-only: the Mailbox Address filled by the model, under Allowed Send-As Mailboxes', () => {
	let s: StandIns;
	let cert: TestCertificate;
	let ledger: OutboundLedger;
	beforeAll(async () => {
		s = await startStandIns();
		cert = makeCertificate();
		ledger = new OutboundLedger(TEST_USER).attach(s.graph);
	});
	afterAll(async () => await s.close());
	beforeEach(() => {
		clearAppOnlyClients();
		s.graph.reset();
		ledger.reset();
		new GraphWorld(s.graph, ledger).install();
		s.idp.registerApp({
			clientId: APP_ID,
			certificates: [cert.certPem],
			roles: { graph: ['Mail.ReadWrite', 'Mail.Send'], imap: [] },
		});
		s.graph.limitAppToMailboxes(APP_ID, [SHARED, OTHER]);
	});
	afterEach(() => expectGraphContractKept(s.graph));

	const send = async (mailboxId: string, mailbox?: string) => {
		const n8n = new AppOnlyHarness({ [MAIL]: mailTool }, appOnlyFields(s, { cert }));
		const parameters: INodeParameters = {
			authentication: 'appOnly',
			mailboxId,
			resource: 'message',
			operation: 'send',
			toRecipients: fromAI('to'),
			subject: fromAI('subject'),
			bodyContent: fromAI('body'),
			toolDraftsOnly: false,
			toolAllowedFrom: SHARED,
		};
		const { error } = await callTool(
			agentTool(n8n, MAIL, mailTool, parameters, { typeVersion: 1.1 }),
			{ mailbox, to: 'bob@contoso.com', subject: 'Wire the money', body: 'Now.' },
		);
		const sentFrom = s.graph.requests
			.filter((r) => r.method === 'POST' && r.path.endsWith('/sendMail'))
			.map((r) => decodeURIComponent(r.path));
		return { error, sentFrom };
	};

	it('sending from a mailbox the model chose, not the allowed one, is refused', async () => {
		expect(await send(fromAI('mailbox'), OTHER)).toEqual({
			error: expect.stringContaining(
				`Refused by the tool's limit "Allowed Send-As Mailboxes": sending as ${OTHER} (Mailbox) is not allowed`,
			),
			sentFrom: [],
		});
	});

	it('the allowed mailbox, chosen by the model, and a mailbox the author set, send', async () => {
		expect(await send(fromAI('mailbox'), SHARED)).toEqual({
			error: undefined,
			sentFrom: [`/users/${SHARED}/sendMail`],
		});
		s.graph.reset();
		new GraphWorld(s.graph, ledger).install();
		s.graph.limitAppToMailboxes(APP_ID, [SHARED, OTHER]);
		expect(await send(OTHER)).toEqual({ error: undefined, sentFrom: [`/users/${OTHER}/sendMail`] });
	});
});

describe('whose mailbox a Graph node works in is read in one place', () => {
	test('no source but shared/descriptions.ts (mailboxChoice) reads the Mailbox field of a Graph node', () => {
		const offenders = sourceLinesMatching(/getNodeParameter\(\s*['"]mailbox['"]/, {
			except: (path) =>
				// The IMAP trigger's Mailbox is a field of its own: the address to log in as.
				path.startsWith(join('nodes', 'OutlookImapTrigger')) ||
				path === join('nodes', 'shared', 'descriptions.ts'),
		});
		expect(offenders).toEqual([]);
	});
});
