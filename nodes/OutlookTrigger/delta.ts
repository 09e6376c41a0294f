/**
 * One round of a Graph delta query, page by page: follow `@odata.nextLink` until an
 * `@odata.deltaLink` ends the round; the deltaLink starts the next round. Links are opaque and
 * followed as Graph gave them (the transport checks they stay on the credential's Graph host).
 * https://learn.microsoft.com/graph/delta-query-overview
 *
 * A round may pause after any page (the poll's time budget or item cap): the nextLink is the
 * cursor, and the next poll continues from it. When Graph has lost the sync state (410 Gone,
 * `syncStateNotFound`/`resyncRequired`), the round throws SyncStateLost and the caller starts
 * over with an initial round.
 */
import type { IDataObject, INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { GraphRequestOptions, GraphTransport } from '../shared/graph/client';

/** Graph's documented page-size preference for delta queries. https://learn.microsoft.com/graph/delta-query-messages */
export function maxPageSizePreference(size: number): string {
	return `odata.maxpagesize=${size}`;
}

/** Graph lost the delta's sync state; only an initial round can continue. */
export class SyncStateLost extends Error {
	constructor(readonly graphMessage: string) {
		super(`Microsoft Graph lost the delta sync state: ${graphMessage}`);
		this.name = 'SyncStateLost';
	}
}

const RESYNC_CODES = /syncStateNotFound|resyncRequired|syncStateInvalid/i;

function isSyncStateLost(error: unknown): boolean {
	if (!(error instanceof NodeApiError)) return false;
	if (error.httpCode === '410') return true;
	return RESYNC_CODES.test(`${error.message} ${error.description ?? ''}`);
}

interface DeltaPage {
	value?: IDataObject[];
	'@odata.nextLink'?: string;
	'@odata.deltaLink'?: string;
}

export interface DeltaRoundResult {
	/** The deltaLink (complete) or the nextLink to continue from (paused). */
	link: string;
	complete: boolean;
	requests: number;
}

export interface DeltaRoundOptions {
	/** The first request of an initial round (used when there is no link). */
	initial: GraphRequestOptions;
	/** A saved deltaLink or nextLink. */
	link?: string;
	/** Headers a continued request needs again (`Prefer` is per request: page size, time zone). */
	prefer?: string[];
	timeZone?: string;
	permission?: string;
	action?: string;
	/** Handles one page; may be async (attachments). */
	onPage(items: IDataObject[]): Promise<void> | void;
	/** Asked after each page that has a nextLink: true pauses the round there. */
	shouldPause(): boolean;
}

export async function runDeltaRound(
	transport: GraphTransport,
	options: DeltaRoundOptions,
): Promise<DeltaRoundResult> {
	let next: GraphRequestOptions = options.link
		? {
				method: 'GET',
				path: options.link,
				prefer: options.prefer,
				timeZone: options.timeZone,
				permission: options.permission,
				action: options.action,
			}
		: options.initial;
	let requests = 0;
	const followed = new Set<string>();
	for (;;) {
		let page: DeltaPage;
		try {
			requests++;
			page = await transport.request<DeltaPage>(next);
		} catch (error) {
			if (isSyncStateLost(error)) {
				// A signal to the caller, which resyncs; never reaches n8n (see resyncFailed).
				// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
				throw new SyncStateLost((error as Error).message);
			}
			// A NodeApiError/NodeOperationError from the transport, already telling the user what to do.
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
			throw error;
		}
		await options.onPage(page.value ?? []);
		const deltaLink = page['@odata.deltaLink'];
		if (deltaLink) return { link: deltaLink, complete: true, requests };
		const nextLink = page['@odata.nextLink'];
		if (!nextLink) {
			throw new NodeOperationError(
				transport.ctx.getNode(),
				'Microsoft Graph ended a delta page with neither @odata.nextLink nor @odata.deltaLink',
			);
		}
		if (followed.has(nextLink)) {
			throw new NodeOperationError(
				transport.ctx.getNode(),
				'Microsoft Graph returned the same delta page link twice; stopped paging',
			);
		}
		followed.add(nextLink);
		if (options.shouldPause()) return { link: nextLink, complete: false, requests };
		next = {
			method: 'GET',
			path: nextLink,
			prefer: options.prefer,
			timeZone: options.timeZone,
			permission: options.permission,
			action: options.action,
		};
	}
}

/** Passes on the transport's error; a sync state lost again right after a resync is reported. */
export function rethrowUnlessResync(node: INode, error: unknown, attempt: number): SyncStateLost {
	if (!(error instanceof SyncStateLost)) {
		// Already a NodeApiError/NodeOperationError from the transport, telling the user what to do.
		throw error;
	}
	if (attempt > 0) {
		throw new NodeOperationError(node, `${error.message} (again, right after a resync)`, {
			description: 'Microsoft Graph keeps losing the delta sync state; the next poll tries again.',
		});
	}
	return error;
}
