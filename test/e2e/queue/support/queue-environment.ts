/**
 * The queue-mode e2e environment: the stand-ins (identity provider, Graph with the demo mailbox),
 * a Dovecot for the IMAP trigger, Redis + PostgreSQL, and a main with two workers. Reuses the
 * single-process suite's credential helpers (connect flow through n8n's OAuth2 callback) by
 * pointing them at the queue main.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { startDovecot, type Dovecot } from '../../../support/dovecot';
import { GraphStandIn } from '../../../support/graph-standin';
import { IdentityProviderStandIn } from '../../../support/identity-provider';
import { addDemoData } from '../../support/demo-data';
import { E2eEnvironment } from '../../support/environment';
import { e2eEnvironment } from '../../support/n8n';
import type { N8nRest } from '../../support/n8n';
import { QUEUE_PORTS, QueueCluster, startServices, stopServices, type Services } from './cluster';

export interface QueueWorkflowNode {
	name: string;
	type: string;
	typeVersion: number;
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	executeOnce?: boolean;
	webhookId?: string;
}

export interface SavedWorkflow {
	id: string;
	versionId: string;
	name: string;
}

/** Nodes in a row on main output 0, saved through the REST API as the editor does. */
export async function saveChain(
	rest: N8nRest,
	name: string,
	nodes: QueueWorkflowNode[],
): Promise<SavedWorkflow> {
	const placed = nodes.map((n, i) => ({ id: randomUUID(), position: [i * 220, 0], ...n }));
	const connections: Record<string, unknown> = {};
	for (let i = 0; i + 1 < placed.length; i++)
		connections[placed[i].name] = {
			main: [[{ node: placed[i + 1].name, type: 'main', index: 0 }]],
		};
	return await rest.data<SavedWorkflow>('POST', '/rest/workflows', {
		name,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: placed,
		connections,
	});
}

/** Publishes (activates) a saved workflow: its trigger starts on the main, its webhooks answer. */
export async function activate(rest: N8nRest, workflow: SavedWorkflow): Promise<void> {
	await rest.data('POST', `/rest/workflows/${workflow.id}/activate`, {
		versionId: workflow.versionId,
	});
}

export async function deactivate(rest: N8nRest, workflow: SavedWorkflow): Promise<void> {
	await rest.data('POST', `/rest/workflows/${workflow.id}/deactivate`, {});
}

export interface ExecutionSummary {
	id: string;
	status: string;
	mode: string;
	createdAt: string;
	startedAt?: string;
	stoppedAt?: string;
}

/** Every execution of a workflow (all pages of GET /rest/executions). */
export async function allExecutions(
	rest: N8nRest,
	workflowId: string,
): Promise<ExecutionSummary[]> {
	const all: ExecutionSummary[] = [];
	// n8n 2.41 pages the execution list with an opaque `cursor` (it refuses `lastId`): follow `nextCursor`.
	let cursor: string | undefined;
	for (;;) {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const page = await rest.data<{
			results: ExecutionSummary[];
			count: number;
			nextCursor?: string | null;
		}>(
			'GET',
			`/rest/executions?filter=${filter}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
		);
		all.push(...page.results);
		if (!page.nextCursor || page.results.length === 0) return all;
		cursor = page.nextCursor;
	}
}

export class QueueEnvironment extends E2eEnvironment {
	services!: Services;

	cluster!: QueueCluster;

	dovecot!: Dovecot;

	readonly stateDir = join(e2eEnvironment().runDir, 'queue-services');

	async start(): Promise<void> {
		mkdirSync(this.stateDir, { recursive: true });
		this.idp = await IdentityProviderStandIn.start({ port: QUEUE_PORTS.idp });
		this.graph = await GraphStandIn.start(this.idp, QUEUE_PORTS.graph);
		this.mailbox = addDemoData(this.graph);
		[this.services, this.dovecot] = await Promise.all([
			startServices(this.stateDir),
			startDovecot({ idpUrl: this.idp.url }),
		]);
		// Concurrency 2: eight simultaneous executions cannot all fit on one worker, so both take some.
		this.cluster = new QueueCluster(this.services, { workers: 2, concurrency: 2 });
		await this.cluster.start();
		this.rest = this.cluster.rest;
	}

	async restartMain(whileDown?: () => Promise<void>): Promise<void> {
		await this.cluster.restartMain(whileDown);
		this.rest = this.cluster.rest;
	}

	async stop(): Promise<void> {
		await this.cluster?.stop();
		await stopServices(this.stateDir).catch(() => undefined);
		await this.dovecot?.stop();
		await this.graph?.close();
		await this.idp?.close();
	}

	webhookUrl(path: string): string {
		return `${this.cluster.main.url}/webhook/${path}`;
	}
}
