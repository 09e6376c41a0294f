/**
 * Runs the Outlook Trigger's poll() the way n8n does: through n8n-core's PollContext, with the
 * workflow's static data, which n8n saves after every poll. `restart()` starts over from what was
 * saved (a new Workflow, a new node instance), as n8n does after a restart.
 */
import { PollContext } from 'n8n-core';
import type {
	IDataObject,
	INode,
	INodeExecutionData,
	INodeParameters,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { NodeHelpers, Workflow } from 'n8n-workflow';

import { OutlookTrigger } from '../../nodes/OutlookTrigger/OutlookTrigger.node';
import {
	connectedCredential,
	expectGraphContractKept,
	startStandIns,
	type StandIns,
} from '../support/fixtures';
import { DeltaMailbox } from '../support/graph-delta';
import { N8nHarness } from '../support/n8n-harness';

export const TRIGGER = 'outlookTrigger';

export class PollRunner {
	/** What n8n saved after the last poll (static data of the workflow). */
	saved: IDataObject = {};

	/** Every poll's output (null when the poll returned null). */
	readonly polls: Array<INodeExecutionData[] | null> = [];

	private workflow!: Workflow;

	private node!: INode;

	constructor(
		private readonly n8n: N8nHarness,
		private readonly parameters: INodeParameters,
		private readonly timezone = 'Europe/Madrid',
	) {
		this.restart();
	}

	/** A fresh Workflow from the saved static data, as n8n builds it when it starts again. */
	restart(): void {
		const nodeType = this.n8n.nodeTypes.getByNameAndVersion(TRIGGER, 1);
		const node = this.n8n.makeNode(TRIGGER, { parameters: this.parameters });
		node.parameters =
			NodeHelpers.getNodeParameters(
				nodeType.description.properties,
				node.parameters,
				true,
				false,
				node,
				nodeType.description,
			) ?? node.parameters;
		this.node = node;
		this.workflow = new Workflow({
			id: 'wf-trigger',
			name: 'Trigger workflow',
			nodes: [node],
			connections: {},
			active: true,
			nodeTypes: this.n8n.nodeTypes,
			staticData: structuredClone(this.saved),
			settings: { timezone: this.timezone },
		});
	}

	context(mode: WorkflowExecuteMode = 'trigger'): PollContext {
		return new PollContext(
			this.workflow,
			this.node,
			this.n8n.additionalData(),
			mode,
			mode === 'manual' ? 'manual' : 'activate',
		);
	}

	/** One scheduled poll; n8n saves the static data afterwards. Returns the emitted JSON. */
	async poll(): Promise<IDataObject[]> {
		const nodeType = this.n8n.nodeTypes.getByNameAndVersion(TRIGGER, 1);
		const result = await nodeType.poll!.call(this.context());
		const items = result?.[0] ?? null;
		this.polls.push(items);
		// n8n persists static data after every poll (emit or not).
		this.workflow.staticData.__dataChanged = false;
		this.saved = JSON.parse(JSON.stringify(this.workflow.staticData)) as IDataObject;
		return (items ?? []).map((i) => i.json);
	}

	/** A poll that throws: nothing is saved. */
	async failingPoll(): Promise<Error> {
		const nodeType = this.n8n.nodeTypes.getByNameAndVersion(TRIGGER, 1);
		try {
			await nodeType.poll!.call(this.context());
		} catch (error) {
			return error as Error;
		}
		throw new Error('the poll did not fail');
	}

	/** A manual run in the editor ("Fetch Test Event"). */
	async manual(): Promise<INodeExecutionData[] | null> {
		const nodeType = this.n8n.nodeTypes.getByNameAndVersion(TRIGGER, 1);
		const result = await nodeType.poll!.call(this.context('manual'));
		return result?.[0] ?? null;
	}

	get staticData(): IDataObject {
		return this.workflow.getStaticData('node', this.node);
	}
}

export interface TriggerTest {
	s: StandIns;
	n8n: N8nHarness;
	mailbox: DeltaMailbox;
	runner(parameters: INodeParameters, timezone?: string): PollRunner;
}

export function useTrigger(): TriggerTest {
	const t = {} as TriggerTest;
	beforeAll(async () => {
		t.s = await startStandIns();
	});
	afterAll(async () => await t.s.close());
	beforeEach(() => {
		t.s.graph.reset();
		t.n8n = new N8nHarness({ [TRIGGER]: new OutlookTrigger() }, connectedCredential(t.s));
		t.mailbox = new DeltaMailbox('/me').install(t.s.graph);
		t.runner = (parameters, timezone) => new PollRunner(t.n8n, parameters, timezone);
	});
	afterEach(() => expectGraphContractKept(t.s.graph));
	return t;
}

/** The Graph calls of the delta function, with the folder they were for. */
export function deltaCalls(t: TriggerTest) {
	return t.s.graph.calls().filter((c) => c.path.endsWith('/delta'));
}

/**
 * Exchange drops the sync state right after serving the first page of a round that has more
 * (once) on a path ending in `deltaPath`: `expire` forgets the tokens, so the nextLink answers
 * 410. Answers whether it happened.
 */
export function loseSyncStateAfterFirstPage(
	t: TriggerTest,
	deltaPath: string,
	expire: () => void,
): () => boolean {
	let armed = true;
	t.s.graph.watch((request, reply) => {
		const body = reply.body as IDataObject | undefined;
		if (armed && request.path.endsWith(deltaPath) && body?.['@odata.nextLink'] !== undefined) {
			armed = false;
			expire();
		}
	});
	return () => !armed;
}

/** Restarts from what n8n saved, with the folder list resolved 11 minutes ago: the refresh is due. */
export function restartWithFolderRefreshDue(runner: PollRunner): void {
	for (const [key, value] of Object.entries(runner.saved)) {
		const folders = (value as IDataObject).outlookTrigger as
			| { folders?: { at: string } }
			| undefined;
		if (key.startsWith('node:') && folders?.folders)
			folders.folders.at = new Date(Date.now() - 11 * 60_000).toISOString();
	}
	runner.restart();
}
