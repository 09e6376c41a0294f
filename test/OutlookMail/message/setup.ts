/** Shared setup of the Outlook Mail node tests: stand-ins, harness, and small builders. */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INodeExecutionData,
	INodeParameterResourceLocator,
	INodeParameters,
} from 'n8n-workflow';

import { OutlookMail } from '../../../nodes/OutlookMail/OutlookMail.node';
import {
	connectedCredential,
	expectGraphContractKept,
	startStandIns,
	type StandIns,
} from '../../support/fixtures';
import { N8nHarness } from '../../support/n8n-harness';

export const MAIL = 'outlookMail';
export const MSG_ID = 'AAMkAGI2TG93AAA=';
export const MSG_ID_2 = 'AAMkAGI2TG94BBB=';
export const FOLDER_ID = 'AAMkAGFolder1AAA=';

/** A resource-locator value as n8n stores it. */
export function rl(value: string, mode = 'id'): INodeParameterResourceLocator {
	return { __rl: true, mode, value };
}

/** A Graph message as the stand-in returns it. */
export function graphMessage(id: string, extra: IDataObject = {}): IDataObject {
	return {
		id,
		conversationId: `conv-${id}`,
		subject: `Subject ${id}`,
		from: { emailAddress: { name: 'Alice', address: 'alice@contoso.com' } },
		toRecipients: [{ emailAddress: { name: 'Bob', address: 'bob@contoso.com' } }],
		ccRecipients: [],
		receivedDateTime: '2024-05-01T09:00:00Z',
		sentDateTime: '2024-05-01T08:59:58Z',
		bodyPreview: 'Hello Bob',
		isRead: false,
		isDraft: false,
		hasAttachments: false,
		importance: 'normal',
		categories: [],
		flag: { flagStatus: 'notFlagged' },
		webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(id)}`,
		parentFolderId: FOLDER_ID,
		...extra,
	};
}

/**
 * The body Graph gives a reply or forward draft: the quoted original, with the comment above it
 * when Graph keeps it (later reports; Microsoft documents it as left out, see graph-mail-rules.ts).
 */
export function draftBody(comment?: string): IDataObject {
	const said = comment ? `<div>${comment.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</div>` : '';
	return {
		contentType: 'html',
		content: `<html><body>${said}<hr><div id="divRplyFwdMsg"><b>From:</b> Alice</div><p>Hello Bob</p></body></html>`,
	};
}

export interface MailTest {
	s: StandIns;
	n8n: N8nHarness;
	run(parameters: INodeParameters, options?: RunExtras): Promise<INodeExecutionData[]>;
	/** Runs the node and returns what it threw (fails the test if it did not throw). */
	fail(parameters: INodeParameters, options?: RunExtras): Promise<NodeFailure>;
}

interface RunExtras {
	items?: INodeExecutionData[];
	continueOnFail?: boolean;
}

export type NodeFailure = Error & { description?: string; context: { itemIndex?: number } };

/** Registers the stand-ins and a fresh harness per test; asserts the Graph contract after each test. */
export function useMailNode(credentialOverrides: ICredentialDataDecryptedObject = {}): MailTest {
	const t = {} as MailTest;
	beforeAll(async () => {
		t.s = await startStandIns();
	});
	afterAll(async () => await t.s.close());
	beforeEach(() => {
		t.s.graph.reset();
		t.n8n = new N8nHarness(
			{ [MAIL]: new OutlookMail() },
			connectedCredential(t.s, credentialOverrides),
		);
	});
	afterEach(() => expectGraphContractKept(t.s.graph));
	t.run = async (parameters, options = {}) => {
		const [out] = await t.n8n.execute(MAIL, {
			parameters,
			items: options.items,
			continueOnFail: options.continueOnFail,
		});
		return out;
	};
	t.fail = async (parameters, options = {}) => {
		let outcome: unknown;
		try {
			outcome = await t.run(parameters, options);
		} catch (error) {
			return error as NodeFailure;
		}
		throw new Error(
			`Expected the node to throw, it returned ${JSON.stringify(outcome).slice(0, 300)}`,
		);
	};
	return t;
}
