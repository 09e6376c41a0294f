/**
 * Runs our nodes through n8n's own execution code (n8n-core's ExecuteContext, TriggerContext and
 * LoadOptionsContext; n8n-workflow's Workflow and expression engine), the way n8n runs them,
 * with a credentials helper that keeps credentials in memory like n8n's database would.
 *
 * Only the pieces n8n's server provides around the engine are written here: the credential
 * store (`TestCredentialsHelper`, modelled on packages/cli/src/credentials-helper.ts) and the
 * node-type registry.
 */
import { Container } from '@n8n/di';
import {
	BinaryDataConfig,
	BinaryDataService,
	ExecuteContext,
	ExecutionLifecycleHooks,
	getExecuteTriggerFunctions,
	LoadOptionsContext,
	TriggerContext,
	TriggersAndPollers,
} from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	ICredentials,
	IDataObject,
	IExecuteData,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeParameters,
	INodeProperties,
	INodeType,
	INodeTypes,
	IVersionedNodeType,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
	ITriggerFunctions,
	ITriggerResponse,
	IRun,
	ExecutionError,
} from 'n8n-workflow';
import { ICredentialsHelper, NodeHelpers, Workflow, createRunExecutionData } from 'n8n-workflow';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { OutlookAppOnlyApi } from '../../credentials/OutlookAppOnlyApi.credentials';
import { OutlookOAuth2Api } from '../../credentials/OutlookOAuth2Api.credentials';
import { OAuth2Api } from './oauth2-api.credentials';

export const CREDENTIAL_ID = 'cred-outlook-1';
export const CREDENTIAL_NAME = 'Outlook account';

const credentialTypes: Record<string, ICredentialType> = {
	oAuth2Api: new OAuth2Api(),
	outlookOAuth2Api: new OutlookOAuth2Api(),
	outlookAppOnlyApi: new OutlookAppOnlyApi(),
};

export class MapNodeTypes implements INodeTypes {
	constructor(private readonly types: Record<string, INodeType | IVersionedNodeType>) {}

	getByName(name: string) {
		return this.types[name];
	}

	getByNameAndVersion(name: string, version?: number): INodeType {
		const type = this.types[name];
		if (!type) throw new Error(`Unknown node type ${name}`);
		return 'nodeVersions' in type ? type.getNodeType(version) : type;
	}

	getKnownTypes() {
		return {};
	}
}

/** Every credential property of a type, parents first, as n8n merges them. */
export function credentialProperties(type: string): INodeProperties[] {
	const credential = credentialTypes[type];
	if (!credential) throw new Error(`Unknown credential type ${type}`);
	const parents = (credential.extends ?? []).flatMap((parent) => credentialProperties(parent));
	const own = new Set(credential.properties.map((p) => p.name));
	// n8n's CredentialsHelper.getCredentialsProperties adds `oauthTokenData` (default {}) to the
	// root OAuth types, so a credential saved but never connected reaches nodes with `{}`, not
	// undefined (n8n-core then throws "Unable to sign without access token", not "not connected").
	const tokenData: INodeProperties[] = ['oAuth1Api', 'oAuth2Api'].includes(type)
		? [{ displayName: 'oauthTokenData', name: 'oauthTokenData', type: 'json', default: {} }]
		: [];
	return [...parents.filter((p) => !own.has(p.name)), ...credential.properties, ...tokenData];
}

/**
 * A credential as n8n hands it to a node: defaults applied, then every `={{ }}` field resolved with
 * the credential itself as `$self` (what CredentialsHelper.applyDefaultsAndOverwrites does).
 */
const mockNodeType = {
	description: {
		displayName: 'Mock',
		name: 'mock',
		group: [],
		version: 1,
		description: '',
		defaults: {},
		inputs: [],
		outputs: [],
		properties: [],
	},
} as unknown as INodeType;

export function resolveCredential(
	type: string,
	data: ICredentialDataDecryptedObject,
): ICredentialDataDecryptedObject {
	const nodeTypes = new MapNodeTypes({ mock: mockNodeType });
	const properties = credentialProperties(type);
	const withDefaults = NodeHelpers.getNodeParameters(
		properties,
		data as INodeParameters,
		true,
		false,
		null,
		null,
	) as ICredentialDataDecryptedObject;
	// Hidden fields are not returned by getNodeParameters for values the user did not set; take their defaults.
	for (const property of properties) {
		if (withDefaults[property.name] === undefined && property.type !== 'notice') {
			withDefaults[property.name] = (data[property.name] ??
				property.default) as ICredentialDataDecryptedObject[string];
		}
	}
	for (const key of Object.keys(data))
		if (withDefaults[key] === undefined) withDefaults[key] = data[key];
	const mockNode: INode = {
		id: 'mock',
		name: 'mock',
		type: 'mock',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const workflow = new Workflow({ nodes: [mockNode], connections: {}, active: false, nodeTypes });
	return workflow.expression.getComplexParameterValue(
		mockNode,
		withDefaults as INodeParameters,
		'internal',
		{},
		undefined,
		undefined,
		withDefaults,
	) as ICredentialDataDecryptedObject;
}

export interface TokenUpdate {
	at: number;
	oauthTokenData: IDataObject;
}

export class TestCredentialsHelper extends ICredentialsHelper {
	readonly store = new Map<string, { type: string; data: ICredentialDataDecryptedObject }>();

	readonly tokenUpdates: TokenUpdate[] = [];

	getParentTypes(name: string): string[] {
		const parents = credentialTypes[name]?.extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		_credentials: ICredentialDataDecryptedObject,
		_type: string,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return requestOptions;
	}

	async preAuthentication(): Promise<undefined> {
		return undefined;
	}

	async runPreAuthentication(): Promise<undefined> {
		return undefined;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('not used by n8n-core in these tests');
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		_mode: WorkflowExecuteMode,
		_executeData?: IExecuteData,
		raw?: boolean,
	): Promise<ICredentialDataDecryptedObject> {
		const stored = this.store.get(nodeCredentials.id ?? '');
		if (!stored) throw new Error(`Credential ${nodeCredentials.id} not found`);
		const data = structuredClone(stored.data);
		return raw ? data : resolveCredential(type, data);
	}

	async updateCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.store.set(nodeCredentials.id ?? '', { type, data: structuredClone(data) });
	}

	async updateCredentialsOauthTokenData(
		nodeCredentials: INodeCredentialsDetails,
		_type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const stored = this.store.get(nodeCredentials.id ?? '');
		if (!stored) throw new Error(`Credential ${nodeCredentials.id} not found`);
		stored.data.oauthTokenData = structuredClone(data.oauthTokenData) as IDataObject;
		this.tokenUpdates.push({
			at: Date.now(),
			oauthTokenData: structuredClone(data.oauthTokenData) as IDataObject,
		});
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		return credentialProperties(type);
	}
}

let binaryDataReady: Promise<void> | undefined;
let binaryStoragePath = '';

/** n8n's binary data service, in 'default' (memory) or 'filesystem' mode as n8n configures it. */
export async function initBinaryData(
	mode: 'default' | 'filesystem' = 'default',
): Promise<BinaryDataService> {
	binaryStoragePath ||= mkdtempSync(join(tmpdir(), 'n8n-binary-'));
	const config = Container.get(BinaryDataConfig);
	config.mode = mode as typeof config.mode;
	config.availableModes = ['default', 'filesystem'] as typeof config.availableModes;
	config.localStoragePath = binaryStoragePath;
	const service = Container.get(BinaryDataService);
	binaryDataReady = service.init();
	await binaryDataReady;
	return service;
}

export interface RunOptions {
	parameters: INodeParameters;
	items?: INodeExecutionData[];
	typeVersion?: number;
	continueOnFail?: boolean;
	timezone?: string;
	nodeName?: string;
	staticData?: IDataObject;
	mode?: WorkflowExecuteMode;
	/** The execution's cancel signal, as n8n's WorkflowExecute hands it to ExecuteContext. */
	abortSignal?: AbortSignal;
}

export class N8nHarness {
	readonly nodeTypes: MapNodeTypes;

	readonly credentialsHelper: TestCredentialsHelper;

	/** Every error n8n-core reported through the context (continueOnFail and trigger errors). */
	readonly emittedErrors: Error[] = [];

	constructor(
		types: Record<string, INodeType | IVersionedNodeType>,
		credentialData?: ICredentialDataDecryptedObject,
	) {
		this.nodeTypes = new MapNodeTypes(types);
		this.credentialsHelper = new TestCredentialsHelper();
		if (credentialData) this.setCredential(credentialData);
	}

	setCredential(data: ICredentialDataDecryptedObject, id = CREDENTIAL_ID) {
		this.credentialsHelper.store.set(id, { type: 'outlookOAuth2Api', data: structuredClone(data) });
	}

	credential(id = CREDENTIAL_ID): ICredentialDataDecryptedObject {
		return this.credentialsHelper.store.get(id)!.data;
	}

	additionalData(): IWorkflowExecuteAdditionalData {
		return {
			credentialsHelper: this.credentialsHelper,
			executionId: 'test-execution',
			currentNodeExecutionIndex: 0,
			restApiUrl: 'http://127.0.0.1:5678/rest',
			instanceBaseUrl: 'http://127.0.0.1:5678/',
			formBaseUrl: 'http://127.0.0.1:5678/form',
			formWaitingBaseUrl: 'http://127.0.0.1:5678/formWaiting',
			formTestBaseUrl: 'http://127.0.0.1:5678/formTest',
			webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
			webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhookWaiting',
			webhookTestBaseUrl: 'http://127.0.0.1:5678/webhookTest',
			mcpBaseUrl: 'http://127.0.0.1:5678/mcp',
			mcpTestBaseUrl: 'http://127.0.0.1:5678/mcpTest',
			variables: {},
			executeWorkflow: async () => {
				throw new Error('not used');
			},
			getRunExecutionData: async () => undefined,
			getRuntimeCredential: async () => undefined,
			logAiEvent: async () => {},
			startRunnerTask: async () => {
				throw new Error('not used');
			},
		} as unknown as IWorkflowExecuteAdditionalData;
	}

	makeNode(type: string, options: RunOptions): INode {
		return {
			id: 'node-under-test',
			name: options.nodeName ?? 'Node Under Test',
			type,
			typeVersion: options.typeVersion ?? 1,
			position: [0, 0],
			parameters: options.parameters,
			credentials: { outlookOAuth2Api: { id: CREDENTIAL_ID, name: CREDENTIAL_NAME } },
			...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
		};
	}

	makeWorkflow(node: INode, options: Pick<RunOptions, 'timezone' | 'staticData'> = {}): Workflow {
		return new Workflow({
			id: 'wf-test',
			name: 'Test workflow',
			nodes: [node],
			connections: {},
			active: false,
			nodeTypes: this.nodeTypes,
			staticData: options.staticData,
			settings: { timezone: options.timezone ?? 'Europe/Madrid' },
		});
	}

	/** The context of the last execute() (its execution hints, for tests of what the output pane shows). */
	lastContext: ExecuteContext | undefined;

	/** Runs a node's execute() through n8n-core's ExecuteContext; returns its output, or throws what it throws. */
	async execute(type: string, options: RunOptions): Promise<INodeExecutionData[][]> {
		const node = this.makeNode(type, options);
		const parameters = NodeHelpers.getNodeParameters(
			this.nodeTypes.getByNameAndVersion(type, node.typeVersion).description.properties,
			node.parameters,
			true,
			false,
			node,
			this.nodeTypes.getByNameAndVersion(type, node.typeVersion).description,
		);
		node.parameters = parameters ?? node.parameters;
		const workflow = this.makeWorkflow(node, options);
		const items = options.items ?? [{ json: {} }];
		const runExecutionData = createRunExecutionData();
		const executeData: IExecuteData = {
			node,
			data: { main: [items] },
			source: { main: [{ previousNode: 'Start' }] },
		};
		const context = new ExecuteContext(
			workflow,
			node,
			this.additionalData(),
			options.mode ?? 'manual',
			runExecutionData,
			0,
			items,
			{ main: [items] },
			executeData,
			[],
			options.abortSignal,
		);
		this.lastContext = context;
		const nodeType = this.nodeTypes.getByNameAndVersion(type, node.typeVersion);
		if (!nodeType.execute) throw new Error(`${type} has no execute()`);
		const result = await nodeType.execute.call(context);
		return (result ?? []) as INodeExecutionData[][];
	}

	/** A load-options/list-search context for a node with these parameters. */
	loadOptionsContext(type: string, options: RunOptions): LoadOptionsContext {
		const node = this.makeNode(type, options);
		const workflow = this.makeWorkflow(node, options);
		return new LoadOptionsContext(workflow, node, this.additionalData(), 'parameters');
	}

	/** Activates a trigger node through n8n-core's TriggerContext; emitted items land in `emitted`. */
	async activateTrigger(
		type: string,
		options: RunOptions & {
			activation?: 'activate' | 'init' | 'update' | 'manual';
			workflow?: Workflow;
			/** How n8n creates and runs the executions of emit() (see HostModel). */
			host?: HostModel;
		},
	): Promise<TriggerRun> {
		const node = this.makeNode(type, options);
		const nodeType = this.nodeTypes.getByNameAndVersion(type, node.typeVersion);
		node.parameters =
			NodeHelpers.getNodeParameters(
				nodeType.description.properties,
				node.parameters,
				true,
				false,
				node,
				nodeType.description,
			) ?? node.parameters;
		const workflow = options.workflow ?? this.makeWorkflow(node, options);
		const run = new TriggerRun(workflow, node, options.host);
		const mode: WorkflowExecuteMode = options.activation === 'manual' ? 'manual' : 'trigger';
		const context = new TriggerContext(
			workflow,
			node,
			this.additionalData(),
			mode,
			options.activation === 'manual' ? 'manual' : (options.activation ?? 'activate'),
			(data, _responsePromise, donePromise, deduplicationKey) => {
				// n8n saves the static data inside emit(), before the execution is created.
				run.saveStaticData('emit');
				run.emitted.push(...(data[0] ?? []));
				run.createExecution(data[0] ?? [], donePromise, deduplicationKey);
			},
			(error) => run.errors.push(error),
		);
		if (!nodeType.trigger) throw new Error(`${type} has no trigger()`);
		run.response = await nodeType.trigger.call(context);
		// ...and once after activation returned (ActiveWorkflowManager.add → saveStaticData).
		run.saveStaticData();
		return run;
	}

	/**
	 * "Fetch Test Event" as n8n runs it: n8n-core's TriggersAndPollers wires emit/emitError to the
	 * manual response, then WorkflowExecute.executeTriggerNode awaits manualTriggerFunction() and
	 * then that response. Resolves to the emitted items, or rejects with what the editor shows.
	 */
	async runManualTrigger(
		type: string,
		options: RunOptions,
	): Promise<{ items: INodeExecutionData[]; close: () => Promise<void> }> {
		const node = this.makeNode(type, options);
		const nodeType = this.nodeTypes.getByNameAndVersion(type, node.typeVersion);
		node.parameters =
			NodeHelpers.getNodeParameters(
				nodeType.description.properties,
				node.parameters,
				true,
				false,
				node,
				nodeType.description,
			) ?? node.parameters;
		const workflow = this.makeWorkflow(node, options);
		const additionalData = this.additionalData();
		additionalData.hooks = new ExecutionLifecycleHooks('manual', 'test-execution', {
			id: workflow.id,
			name: workflow.name ?? '',
			active: false,
			isArchived: false,
			nodes: [node],
			connections: {},
			createdAt: new Date(),
			updatedAt: new Date(),
			activeVersionId: null,
		});
		const response = await Container.get(TriggersAndPollers).runTriggerFunction(
			workflow,
			node,
			getExecuteTriggerFunctions,
			additionalData,
			'manual',
			'manual',
		);
		const close = async () => await response?.closeFunction?.();
		try {
			// workflow-execute.js executeTriggerNode: these two awaits, in this order.
			if (response?.manualTriggerFunction !== undefined) await response.manualTriggerFunction();
			const items = ((await response?.manualTriggerResponse) ?? [])[0] ?? [];
			return { items, close };
		} catch (error) {
			await close();
			throw error;
		}
	}
}

/**
 * How n8n 2.41 turns an emit() into an execution (trigger-execution-context.factory.js). The emit
 * saves the static data fire-and-forget and returns; the execution is created afterwards by several
 * database queries (plus the Redis job in queue mode), one creation after another when they queue
 * up on the pool; `donePromise` is settled when the execution has finished. When n8n stops
 * (SIGTERM) it closes the triggers (closeFunction, awaited) and then its database pool: a creation
 * still queued then fails with "Cannot use a pool after calling end on the pool". Nothing saves the
 * static data on that path.
 */
export interface HostModel {
	/** Time to create one execution; creations queue one after another, always after emit() returned. Default 1 ms. */
	creationMs?: number;
	/** Time from creation until the execution has finished; 'never' within the test (queue mode's workers are busy). Default 0. */
	runMs?: number | 'never';
	/** n8n listens to SIGTERM/SIGINT itself (it does, from start-up); registered before trigger() runs. */
	handlesSignals?: boolean;
	/**
	 * How emit()'s static-data saves land. n8n starts each one fire-and-forget (`void
	 * saveStaticData(workflow)`), so the saves of emits close together run side by side; on
	 * PostgreSQL they take different pool connections and may commit out of order.
	 * 'inOrder' (default): each save lands before the next. 'latestOvertaken': every emit's save is
	 * overtaken by the one before it, so what n8n holds is the static data of the emit before the
	 * last (the queue-mode e2e saw this: the stored cursor went 5 → 7 while 8 was emitted).
	 */
	staticDataSaves?: 'inOrder' | 'latestOvertaken';
	/**
	 * n8n's executions table, which outlives a restart: pass the same object to the activation
	 * after a restart. n8n 2.41 keeps emit()'s deduplication key in a unique column of it and
	 * refuses a second execution with a key it holds (execution-persistence.js, DuplicateExecutionError).
	 */
	database?: HostDatabase;
	/** false: n8n before the deduplication column, which ignores the key. Default true. */
	honoursDeduplicationKeys?: boolean;
}

/** What n8n's database keeps across restarts, for the host model. */
export interface HostDatabase {
	/** Deduplication keys of the executions n8n created. */
	deduplicationKeys: Set<string>;
}

export class TriggerRun {
	readonly emitted: INodeExecutionData[] = [];

	/** The items of each execution n8n created: one entry per emit() whose execution exists. */
	readonly executions: INodeExecutionData[][] = [];

	/** The items of emits whose execution n8n could not create because it had closed its database. */
	readonly lost: INodeExecutionData[][] = [];

	/** The items of emits whose execution n8n refused: one with the same deduplication key exists. */
	readonly duplicates: INodeExecutionData[][] = [];

	/** Deduplication key of each emit, in order (undefined where the trigger gave none). */
	readonly deduplicationKeys: Array<string | undefined> = [];

	/** True once the host model's database pool was closed (stopHost). */
	private databaseClosed = false;

	private creations: Promise<void> = Promise.resolve();

	private readonly hostSignalListener = () => undefined;

	readonly errors: Error[] = [];

	response: ITriggerResponse | undefined;

	/**
	 * The static data as n8n last saved it (after activation returned, and inside each emit): what
	 * a restart of n8n would load. Undefined when n8n would have saved nothing.
	 */
	persisted: IDataObject | undefined;

	constructor(
		readonly workflow: Workflow,
		readonly node: INode,
		readonly host: HostModel = {},
	) {
		if (host.handlesSignals) {
			process.on('SIGTERM', this.hostSignalListener);
			process.on('SIGINT', this.hostSignalListener);
		}
	}

	/** emit()'s execution, as the host model creates and finishes it. */
	createExecution(
		items: INodeExecutionData[],
		done?: Parameters<ITriggerFunctions['emit']>[2],
		deduplicationKey?: string,
	) {
		const { creationMs = 1, runMs = 0 } = this.host;
		this.deduplicationKeys.push(deduplicationKey);
		const finish = () => {
			if (runMs === 'never') return;
			const result = { status: 'success' } as unknown as IRun;
			if (runMs === 0) done?.resolve(result);
			else setTimeout(() => done?.resolve(result), runMs);
		};
		this.creations = this.creations.then(async () => {
			if (!this.databaseClosed) await new Promise((resolve) => setTimeout(resolve, creationMs));
			if (this.databaseClosed) {
				this.lost.push(items);
				done?.reject(new Error('Cannot use a pool after calling end on the pool'));
				return;
			}
			const database = this.host.database;
			if (deduplicationKey && database && this.host.honoursDeduplicationKeys !== false) {
				if (database.deduplicationKeys.has(deduplicationKey)) {
					// n8n logs "duplicate deduplication key" and settles the donePromise with nothing.
					this.duplicates.push(items);
					done?.resolve(undefined as unknown as IRun);
					return;
				}
				database.deduplicationKeys.add(deduplicationKey);
			}
			this.executions.push(items);
			finish();
		});
	}

	/**
	 * n8n told to stop (SIGTERM): the signal goes to every listener, n8n closes the trigger and waits
	 * for closeFunction, then closes its database; creations still queued fail. Resolves once they did.
	 */
	async stopHost() {
		process.emit('SIGTERM');
		await this.response?.closeFunction?.();
		this.databaseClosed = true;
		this.releaseSignals();
		await this.creations;
	}

	private releaseSignals() {
		process.removeListener('SIGTERM', this.hostSignalListener);
		process.removeListener('SIGINT', this.hostSignalListener);
	}

	get staticData(): IDataObject {
		return this.workflow.getStaticData('node', this.node);
	}

	/** The snapshot of the latest emit's save, while it waits to be overtaken ('latestOvertaken'). */
	private overtaken: IDataObject | undefined;

	/** WorkflowStaticDataService.saveStaticData: only when n8n's change flag is set, then cleared. */
	saveStaticData(when: 'emit' | 'activation' = 'activation') {
		const data = this.workflow.staticData as IDataObject & { __dataChanged?: boolean };
		if (data.__dataChanged !== true) return;
		const snapshot = JSON.parse(JSON.stringify(data)) as IDataObject;
		data.__dataChanged = false;
		if (when === 'emit' && this.host.staticDataSaves === 'latestOvertaken') {
			// This save commits first; the one before it commits after and is what n8n holds.
			if (this.overtaken) this.persisted = this.overtaken;
			this.overtaken = snapshot;
			return;
		}
		this.persisted = snapshot;
	}

	/** The static data a restarted n8n would hand the trigger: a copy of what was saved. */
	restartStaticData(): IDataObject {
		return JSON.parse(JSON.stringify(this.persisted ?? {})) as IDataObject;
	}

	async close() {
		this.releaseSignals();
		await this.response?.closeFunction?.();
	}
}

export type { IRun, ExecutionError };
