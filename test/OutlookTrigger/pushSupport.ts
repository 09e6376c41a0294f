/**
 * n8n 2.41 around a push-mode Outlook Trigger, as its code does it (docs/outlook-trigger.md,
 * "What n8n does"):
 *
 * - Publishing (`activate`) builds one Workflow from the saved static data and runs, side by side,
 *   the webhook phase (webhookMethods.checkExists, then create if it answered false; n8n retries a
 *   failure) and the poll phase (the first poll; its items are emitted); then it saves the static
 *   data (WorkflowTriggerActivator.activateInternal).
 * - A poll's items are emitted: the static data is saved, then the execution created. A poll that
 *   returns null saves nothing (PollTriggerExecutor without durable cursors).
 * - A webhook request (LiveWebhooks.executeWebhook) loads the workflow and its static data from the
 *   database for that request, runs webhook(), saves that copy's static data if it changed, then
 *   creates the execution of `workflowData`.
 * - Unpublishing runs webhookMethods.delete on a Workflow loaded from the database; a restart
 *   closes the pollers without calling delete and publishes again ('init').
 *
 * The HTTP server is n8n's webhook endpoint: Graph's stand-in posts its validation requests and
 * notifications there.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { HookContext, PollContext, WebhookContext } from 'n8n-core';
import type {
	IDataObject,
	INode,
	INodeExecutionData,
	INodeParameters,
	IWebhookData,
	IWorkflowExecuteAdditionalData,
	WorkflowActivateMode,
} from 'n8n-workflow';
import { NodeHelpers, Workflow } from 'n8n-workflow';

import type { N8nHarness } from '../support/n8n-harness';
import { TRIGGER } from './support';

export const WEBHOOK_ID = '5f1c3b7e-28aa-4d0b-9a57-6d2f0c1e9b28';

export interface HostExecution {
	source: 'activation' | 'poll' | 'webhook';
	items: IDataObject[];
}

export interface HostResponse {
	status: number;
	body: string;
	/** When webhook() was called (ms since epoch). */
	startedAt?: number;
	/** How long webhook() kept the request (n8n holds an expression isolate for all of it), ms. */
	heldMs?: number;
	/** What webhook() returned, or the error it threw. */
	error?: Error;
}

export class PushHost {
	/** The workflow's static data as n8n last saved it (the database row). */
	saved: IDataObject = {};

	readonly executions: HostExecution[] = [];

	readonly responses: HostResponse[] = [];

	/** What n8n logged through the node's logger (warn and above). */
	readonly warnings: string[] = [];

	/** When set, the endpoint answers 404 to everything (Graph cannot reach this n8n). */
	unreachable = false;

	private server!: http.Server;

	private base = '';

	/** The Workflow n8n activated (pollers run on it); undefined while unpublished. */
	private active: Workflow | undefined;

	private node!: INode;

	private constructor(
		private readonly n8n: N8nHarness,
		private readonly parameters: INodeParameters,
	) {}

	static async start(n8n: N8nHarness, parameters: INodeParameters): Promise<PushHost> {
		const host = new PushHost(n8n, parameters);
		host.server = http.createServer((req, res) => {
			host.handle(req, res).catch((error: Error) => {
				if (!res.headersSent) res.writeHead(500);
				res.end(error.message);
			});
		});
		await new Promise<void>((resolve) => host.server.listen(0, '127.0.0.1', resolve));
		host.base = `http://127.0.0.1:${(host.server.address() as AddressInfo).port}`;
		host.node = host.makeNode();
		return host;
	}

	async close(): Promise<void> {
		this.active = undefined;
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	get webhookUrl(): string {
		return `${this.base}/webhook/${WEBHOOK_ID}/notifications`;
	}

	get testWebhookUrl(): string {
		return `${this.base}/webhook-test/${WEBHOOK_ID}/notifications`;
	}

	/** The editor's "Listen for test event": the registration's own static data (TestWebhooks). */
	private test: { workflow: Workflow; staticData: IDataObject } | undefined;

	readonly testExecutions: IDataObject[][] = [];

	/**
	 * TestWebhooks.needsWebhook: checkExists/create in 'manual' mode with the test URL; the first
	 * request that returns workflowData ends the listening (deleteWebhook, mode 'internal').
	 */
	async listenForTestEvent(): Promise<void> {
		const workflow = this.loadWorkflow();
		workflow.staticData = {} as IDataObject;
		const additionalData = this.additionalData();
		const context = new HookContext(
			workflow,
			this.node,
			additionalData,
			'manual',
			'manual',
			this.webhookData(workflow, additionalData, true),
		);
		const methods = this.n8n.nodeTypes.getByNameAndVersion(TRIGGER, 1).webhookMethods!.default!;
		// Registered before create(), so that Graph's validation request finds it.
		this.test = { workflow, staticData: workflow.staticData };
		if (!(await methods.checkExists.call(context))) await methods.create.call(context);
	}

	private async stopListening(): Promise<void> {
		const test = this.test;
		if (!test) return;
		this.test = undefined;
		const additionalData = this.additionalData();
		const context = new HookContext(
			test.workflow,
			this.node,
			additionalData,
			'internal',
			'update',
			this.webhookData(test.workflow, additionalData, true),
		);
		await this.n8n.nodeTypes
			.getByNameAndVersion(TRIGGER, 1)
			.webhookMethods!.default!.delete.call(context);
	}

	private makeNode(): INode {
		const nodeType = this.n8n.nodeTypes.getByNameAndVersion(TRIGGER, 1);
		const node = this.n8n.makeNode(TRIGGER, { parameters: this.parameters });
		node.webhookId = WEBHOOK_ID;
		node.name = 'New Mail';
		node.parameters =
			NodeHelpers.getNodeParameters(
				nodeType.description.properties,
				node.parameters,
				true,
				false,
				node,
				nodeType.description,
			) ?? node.parameters;
		return node;
	}

	private loadWorkflow(): Workflow {
		return new Workflow({
			id: 'wf-push',
			name: 'Push workflow',
			nodes: [this.node],
			connections: {},
			active: true,
			nodeTypes: this.n8n.nodeTypes,
			staticData: JSON.parse(JSON.stringify(this.saved)) as IDataObject,
			settings: { timezone: 'Europe/Madrid' },
		});
	}

	private additionalData(extra: Partial<IWorkflowExecuteAdditionalData> = {}) {
		const data = this.n8n.additionalData();
		data.webhookBaseUrl = `${this.base}/webhook`;
		data.webhookTestBaseUrl = `${this.base}/webhook-test`;
		Object.assign(data, extra);
		return data;
	}

	private webhookData(
		workflow: Workflow,
		additionalData: IWorkflowExecuteAdditionalData,
		isTest = false,
	): IWebhookData {
		const nodeType = this.n8n.nodeTypes.getByNameAndVersion(TRIGGER, 1);
		return {
			httpMethod: 'POST',
			node: this.node.name,
			path: `${WEBHOOK_ID}/notifications`,
			webhookDescription: nodeType.description.webhooks![0],
			workflowId: workflow.id,
			workflowExecuteAdditionalData: additionalData,
			webhookId: WEBHOOK_ID,
			...(isTest ? { isTest: true } : {}),
		};
	}

	/** WorkflowStaticDataService.saveStaticData: only when the change flag is set. */
	private save(workflow: Workflow): void {
		const data = workflow.staticData as IDataObject & { __dataChanged?: boolean };
		if (data.__dataChanged !== true) return;
		data.__dataChanged = false;
		this.saved = JSON.parse(JSON.stringify(data)) as IDataObject;
	}

	private hook(workflow: Workflow, activation: WorkflowActivateMode | 'internal') {
		const additionalData = this.additionalData();
		return new HookContext(
			workflow,
			this.node,
			additionalData,
			'trigger',
			activation === 'internal' ? 'update' : activation,
			this.webhookData(workflow, additionalData),
		);
	}

	private pollContext(workflow: Workflow): PollContext {
		const context = new PollContext(
			workflow,
			this.node,
			this.additionalData(),
			'trigger',
			'activate',
		);
		this.captureLogs(context);
		return context;
	}

	/** The node's log lines of warn level and above, as n8n's log would show them. */
	private captureLogs(context: object): void {
		const warnings = this.warnings;
		Object.defineProperty(context, 'logger', {
			value: {
				debug: () => undefined,
				info: () => undefined,
				warn: (message: string) => warnings.push(message),
				error: (message: string) => warnings.push(message),
			},
		});
	}

	/**
	 * Publishes (or starts, with 'init'): the webhook phase and the first poll side by side, then the
	 * static data is saved. Resolves to the webhook phase's error, if it failed (n8n then reports the
	 * publication as failed, and 2.41 leaves the poller running).
	 */
	async activate(
		activation: WorkflowActivateMode = 'activate',
		options: { pollFirst?: boolean } = {},
	): Promise<Error | undefined> {
		const workflow = this.loadWorkflow();
		const nodeType = this.n8n.nodeTypes.getByNameAndVersion(TRIGGER, 1);
		const methods = nodeType.webhookMethods!.default!;
		const webhookPhase = async () => {
			const context = this.hook(workflow, activation);
			if (!(await methods.checkExists.call(context))) await methods.create.call(context);
		};
		const pollPhase = async () => {
			const items = await nodeType.poll!.call(this.pollContext(workflow));
			if (items?.[0]?.length) this.emit(workflow, 'activation', items[0]);
		};
		// Side by side, as n8n 2.41 does; `pollFirst` lets the first poll finish first (one order
		// the race can take).
		const [webhook, poll] = options.pollFirst
			? [
					...(await Promise.allSettled([pollPhase()])),
					...(await Promise.allSettled([webhookPhase()])),
				].reverse()
			: await Promise.allSettled([webhookPhase(), pollPhase()]);
		if (poll.status === 'rejected') throw poll.reason;
		this.active = workflow;
		this.save(workflow);
		return webhook.status === 'rejected' ? (webhook.reason as Error) : undefined;
	}

	private emit(workflow: Workflow, source: HostExecution['source'], items: INodeExecutionData[]) {
		this.save(workflow);
		this.executions.push({ source, items: items.map((i) => i.json) });
	}

	/**
	 * One scheduled poll of the active workflow. A poll that returns after its workflow was
	 * unpublished or published again is discarded: nothing is emitted or saved, and it answers []
	 * (n8n-core 2.41 PollTriggerExecutor: "Discarding in-flight poll result for superseded workflow").
	 */
	async poll(): Promise<IDataObject[]> {
		const workflow = this.active;
		if (!workflow) throw new Error('not published');
		const nodeType = this.n8n.nodeTypes.getByNameAndVersion(TRIGGER, 1);
		const items = await nodeType.poll!.call(this.pollContext(workflow));
		if (this.active !== workflow) return [];
		if (items?.[0]?.length) this.emit(workflow, 'poll', items[0]);
		return (items?.[0] ?? []).map((i) => i.json);
	}

	/** Unpublishes: delete() on the workflow as saved, then the static data is saved. */
	async deactivate(): Promise<void> {
		this.active = undefined;
		const workflow = this.loadWorkflow();
		const nodeType = this.n8n.nodeTypes.getByNameAndVersion(TRIGGER, 1);
		await nodeType.webhookMethods!.default!.delete.call(this.hook(workflow, 'internal'));
		this.save(workflow);
	}

	/** n8n stops (pollers closed, delete() not called), `whileDown` runs, n8n starts again. */
	async restart(
		whileDown?: () => Promise<void>,
		options: { pollFirst?: boolean } = {},
	): Promise<Error | undefined> {
		this.active = undefined;
		const wasReachable = !this.unreachable;
		this.unreachable = true;
		await whileDown?.();
		this.unreachable = !wasReachable;
		return await this.activate('init', options);
	}

	/** The node's static data in the running poller (what n8n holds in memory, not yet saved). */
	get live(): IDataObject {
		if (!this.active) throw new Error('not published');
		return this.active.getStaticData('node', this.node);
	}

	/** Every item emitted, in order, with where it came from. */
	emitted(): IDataObject[] {
		return this.executions.flatMap((e) => e.items);
	}

	/** Waits until `probe` holds (the webhook runs asynchronously to the test). */
	async until(probe: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
		const end = Date.now() + timeoutMs;
		while (!probe()) {
			if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
			await new Promise((r) => setTimeout(r, 10));
		}
	}

	/** A request to the test URL while listening (TestWebhooks.executeWebhook, mode 'manual'). */
	private async handleTest(
		req: http.IncomingMessage,
		res: http.ServerResponse,
		url: URL,
		raw: string,
	): Promise<void> {
		const body = (req.headers['content-type'] ?? '').includes('json') && raw ? JSON.parse(raw) : {};
		const request = Object.assign(req, {
			body,
			query: Object.fromEntries(url.searchParams),
			params: {},
		});
		const { workflow } = this.test!;
		const additionalData = this.additionalData({
			httpRequest: request as never,
			httpResponse: res as never,
		});
		const context = new WebhookContext(
			workflow,
			this.node,
			additionalData,
			'manual',
			this.webhookData(workflow, additionalData, true),
			[],
			null,
		);
		this.captureLogs(context);
		const result = await this.n8n.nodeTypes.getByNameAndVersion(TRIGGER, 1).webhook!.call(context);
		const items = result.workflowData?.[0] ?? [];
		if (!items.length) return;
		this.testExecutions.push(items.map((i) => i.json));
		await this.stopListening();
	}

	private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', this.base);
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const raw = Buffer.concat(chunks).toString('utf8');
		const testRequest = url.pathname === `/webhook-test/${WEBHOOK_ID}/notifications`;
		if (testRequest && this.test) return await this.handleTest(req, res, url, raw);
		if (this.unreachable || url.pathname !== `/webhook/${WEBHOOK_ID}/notifications`) {
			res.writeHead(404, { 'Content-Type': 'text/plain' });
			res.end('The requested webhook is not registered.');
			return;
		}
		// n8n's body parser: JSON bodies parsed, others left as text.
		const body = (req.headers['content-type'] ?? '').includes('json') && raw ? JSON.parse(raw) : {};
		const request = Object.assign(req, {
			body,
			query: Object.fromEntries(url.searchParams),
			params: {},
		});
		const workflow = this.loadWorkflow();
		const additionalData = this.additionalData({
			httpRequest: request as never,
			httpResponse: res as never,
		});
		const context = new WebhookContext(
			workflow,
			this.node,
			additionalData,
			'webhook',
			this.webhookData(workflow, additionalData),
			[],
			null,
		);
		this.captureLogs(context);
		const nodeType = this.n8n.nodeTypes.getByNameAndVersion(TRIGGER, 1);
		const record: HostResponse = { status: 0, body: '' };
		this.responses.push(record);
		const end = res.end.bind(res);
		res.end = ((chunk?: unknown) => {
			record.status = res.statusCode;
			if (typeof chunk === 'string') record.body = chunk;
			return end(chunk as never);
		}) as typeof res.end;
		const started = Date.now();
		record.startedAt = started;
		try {
			const result = await nodeType.webhook!.call(context);
			record.heldMs = Date.now() - started;
			if (!result.noWebhookResponse && !res.headersSent) {
				res.writeHead(200, { 'Content-Type': 'application/json' });
				res.end(JSON.stringify({ message: 'Webhook call received' }));
			}
			// LiveWebhooks: the response callback saves this request's static data …
			this.save(workflow);
			// … and WorkflowRunner.run creates the execution of what webhook() returned.
			const items = result.workflowData?.[0] ?? [];
			if (items.length)
				this.executions.push({ source: 'webhook', items: items.map((i) => i.json) });
		} catch (error) {
			record.error = error as Error;
			if (!res.headersSent) {
				res.writeHead(500);
				res.end('Error in workflow');
			}
		}
	}
}
