/** Shared setup of the Attachment, Folder and list-search tests: stand-ins, the real Outlook Mail node, builders. */
import type {
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
export const FOLDER_ID = 'AAMkAGFolder1AAA=';
export const FOLDER_ID_2 = 'AAMkAGFolder2BBB=';
export const SHARED = { mailbox: 'other', mailboxId: 'shared@contoso.com' };
export const SHARED_ROOT = '/users/shared%40contoso.com';

/** A resource-locator value as n8n stores it. */
export function rl(value: string, mode = 'id'): INodeParameterResourceLocator {
	return { __rl: true, mode, value };
}

export function graphFolder(id: string, displayName: string, extra: IDataObject = {}): IDataObject {
	return {
		id,
		displayName,
		parentFolderId: 'AAMkRoot=',
		childFolderCount: 0,
		unreadItemCount: 1,
		totalItemCount: 3,
		isHidden: false,
		...extra,
	};
}

export interface MailTest {
	s: StandIns;
	n8n: N8nHarness;
	run(
		parameters: INodeParameters,
		options?: { items?: INodeExecutionData[]; continueOnFail?: boolean },
	): Promise<INodeExecutionData[]>;
	/** Runs and returns the error it throws (fails the test if it does not throw). */
	fail(
		parameters: INodeParameters,
		options?: { items?: INodeExecutionData[] },
	): Promise<Error & { description?: string | null; context?: IDataObject }>;
}

/** Starts the stand-ins once, a fresh harness per test, and checks the Graph contract after each test. */
export function useMailNode(): MailTest {
	const t = {} as MailTest;
	beforeAll(async () => {
		t.s = await startStandIns();
	});
	afterAll(async () => await t.s.close());
	beforeEach(() => {
		t.s.graph.reset();
		t.n8n = new N8nHarness({ [MAIL]: new OutlookMail() }, connectedCredential(t.s));
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
		try {
			await t.n8n.execute(MAIL, { parameters, items: options.items });
		} catch (error) {
			return error as Error & { description?: string | null; context?: IDataObject };
		}
		throw new Error('expected the node to throw');
	};
	return t;
}
