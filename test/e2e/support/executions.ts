/**
 * Workflows on the live n8n through its REST API, as the editor does: create, run manually
 * (`POST /rest/workflows/:id/run` from the Manual Trigger), and read the finished execution.
 */
import type { N8nRest } from './n8n';

/** n8n stores execution data with `flatted` (objects hoisted into an array, strings by index). */
export function parseFlatted(text: string): unknown {
	const input = JSON.parse(text) as unknown[];
	const revived = new Set<object>();
	const revive = (value: unknown): unknown => {
		if (typeof value !== 'object' || value === null || revived.has(value)) return value;
		revived.add(value);
		const record = value as Record<string, unknown>;
		for (const key of Object.keys(record)) {
			const v = record[key];
			if (typeof v === 'string') record[key] = revive(input[Number(v)]);
			else if (typeof v === 'object') revive(v);
		}
		return value;
	};
	return revive(input[0]);
}

export interface WorkflowNode {
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	id?: string;
	/** Nodes that receive webhooks (triggers, send-and-wait) need one. */
	webhookId?: string;
}

export interface CreatedWorkflow {
	id: string;
	versionId: string;
	name: string;
}

export interface NodeRun {
	json: Record<string, unknown>;
	binary?: Record<string, { fileName?: string; mimeType?: string; fileSize?: string }>;
}

export interface ExecutionResult {
	id: string;
	status: string;
	finished: boolean;
	/** Items of the first output of each node's last run. */
	output(node: string): NodeRun[];
	/** The error of a node, if it failed. */
	error(node: string): { message?: string; description?: string } | undefined;
	lastNodeExecuted?: string;
	raw: Record<string, unknown>;
}

/** Nodes in a row, each connected to the next on main output 0. */
export function chain(nodes: Array<Omit<WorkflowNode, 'position'>>): {
	nodes: WorkflowNode[];
	connections: Record<string, unknown>;
} {
	const placed = nodes.map((n, i) => ({ ...n, position: [i * 220, 0] as [number, number] }));
	const connections: Record<string, unknown> = {};
	for (let i = 0; i + 1 < placed.length; i++) {
		connections[placed[i].name] = {
			main: [[{ node: placed[i + 1].name, type: 'main', index: 0 }]],
		};
	}
	return { nodes: placed, connections };
}

export async function createWorkflow(
	rest: N8nRest,
	name: string,
	workflow: { nodes: WorkflowNode[]; connections: Record<string, unknown> },
	settings: Record<string, unknown> = {},
): Promise<CreatedWorkflow> {
	return await rest.data<CreatedWorkflow>('POST', '/rest/workflows', {
		name,
		active: false,
		settings: { executionOrder: 'v1', ...settings },
		...workflow,
	});
}

export async function readExecution(rest: N8nRest, id: string): Promise<ExecutionResult> {
	const execution = await rest.data<
		Record<string, unknown> & { data: string; status: string; finished: boolean }
	>('GET', `/rest/executions/${id}`);
	const data = parseFlatted(execution.data) as {
		resultData: {
			runData: Record<
				string,
				Array<{
					data?: { main?: Array<NodeRun[] | null> };
					error?: { message?: string; description?: string };
				}>
			>;
			lastNodeExecuted?: string;
			error?: { message?: string };
		};
	};
	const runData = data.resultData.runData ?? {};
	return {
		id,
		status: execution.status,
		finished: execution.finished,
		lastNodeExecuted: data.resultData.lastNodeExecuted,
		raw: execution,
		output(node: string) {
			const runs = runData[node];
			if (!runs?.length)
				throw new Error(
					`node "${node}" did not run (ran: ${Object.keys(runData).join(', ')}; error: ${data.resultData.error?.message ?? 'none'})`,
				);
			return runs[runs.length - 1].data?.main?.[0] ?? [];
		},
		error(node: string) {
			const runs = runData[node];
			return runs?.[runs.length - 1]?.error;
		},
	};
}

/** Runs a saved workflow from its Manual Trigger and waits for the execution to end. */
export async function runWorkflow(
	rest: N8nRest,
	workflow: CreatedWorkflow,
	trigger = 'Manual Trigger',
	timeoutMs = 60_000,
): Promise<ExecutionResult> {
	const started = await rest.data<{ executionId?: string; waitingForWebhook?: boolean }>(
		'POST',
		`/rest/workflows/${workflow.id}/run`,
		{
			triggerToStartFrom: { name: trigger },
		},
	);
	if (!started.executionId)
		throw new Error(`n8n did not start an execution: ${JSON.stringify(started)}`);
	return await waitForExecution(rest, started.executionId, timeoutMs);
}

export async function waitForExecution(
	rest: N8nRest,
	id: string,
	timeoutMs = 60_000,
): Promise<ExecutionResult> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const response = await rest.request<{
			data?: { status?: string; finished?: boolean; stoppedAt?: string };
		}>('GET', `/rest/executions/${id}`);
		const status = response.body?.data?.status;
		if (response.status === 200 && status && !['new', 'running', 'waiting'].includes(status))
			return await readExecution(rest, id);
		await new Promise((r) => setTimeout(r, 250));
	}
	throw new Error(`execution ${id} did not finish within ${timeoutMs} ms`);
}

/** Executions of one workflow, newest first. */
export async function listExecutions(
	rest: N8nRest,
	workflowId: string,
): Promise<Array<{ id: string; status: string; mode: string }>> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const result = await rest.data<{ results: Array<{ id: string; status: string; mode: string }> }>(
		'GET',
		`/rest/executions?filter=${filter}`,
	);
	return result.results;
}
