import type { IDataObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { dataRecord } from '../outsideData';
import type { GraphRequestOptions, GraphTransport } from './client';
import { mayHaveBeenApplied } from './client';
import { MAILBOX_CONCURRENCY_LIMIT } from './concurrency';
import { graphApiError } from './errors';
import { buildQueryString } from './request';
import type { AttemptOutcome } from './retry';
import {
	isIdempotentRequest,
	MAY_HAVE_BEEN_APPLIED,
	mayRepeat,
	parseRetryAfter,
	sendFailureKind,
	withheldRepeat,
	withRetry,
} from './retry';
import { logFor } from '../redact';

/** JSON batching takes at most 20 requests per call. https://learn.microsoft.com/graph/json-batching */
export const GRAPH_BATCH_LIMIT = 20;

export interface BatchResult {
	/** Position in the input array. */
	index: number;
	status: number;
	headers: Record<string, string>;
	body: IDataObject | undefined;
	/** Set when the sub-request failed (after retries), or the `$batch` call that carried it did. */
	error?: NodeApiError | NodeOperationError;
}

/**
 * The error of a failed `$batch` call, as the error of one item it carried: same message,
 * description and status, the item's own index (so n8n names the right item).
 */
export function errorForItem(
	error: unknown,
	itemIndex: number | undefined,
	node: ConstructorParameters<typeof NodeOperationError>[0],
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		// Own properties as they are (an Error's message is not enumerable), prototype kept.
		const copy = Object.create(
			Object.getPrototypeOf(error) as object,
			Object.getOwnPropertyDescriptors(error),
		) as NodeApiError | NodeOperationError;
		copy.context = { ...error.context, itemIndex };
		return copy;
	}
	return new NodeOperationError(node, error as Error, { itemIndex });
}

interface BatchResponseBody {
	responses?: Array<{
		id: string;
		status: number;
		headers?: Record<string, string>;
		body?: unknown;
	}>;
}

function toBatchRequest(
	id: number,
	request: GraphRequestOptions,
	prefer: string,
	dependsOn?: number,
) {
	// Each sub-request carries its own headers; the envelope's Prefer (ImmutableId) does not reach it.
	// https://learn.microsoft.com/graph/json-batching#request-format
	const headers: Record<string, string> = { Prefer: prefer, ...(request.headers ?? {}) };
	if (request.body !== undefined) headers['Content-Type'] = 'application/json';
	return {
		id: String(id),
		method: request.method,
		// Sub-request URLs are relative to the version root, e.g. /me/messages/{id}.
		url: request.path + buildQueryString(request.query),
		...(dependsOn !== undefined ? { dependsOn: [String(dependsOn)] } : {}),
		headers,
		...(request.body !== undefined ? { body: request.body } : {}),
	};
}

/** Whether a request may be sent again after a failure that leaves open whether Graph did it. */
function idempotent(request: GraphRequestOptions): boolean {
	return request.idempotent ?? isIdempotentRequest(request.method, request.path);
}

/**
 * A request that deletes its item: DELETE, or the permanentDelete action. Sent again after a
 * failure that may have come after Graph deleted the item (a 5xx), it finds nothing: that 404 is
 * the deletion the earlier attempt did, as the transport counts it for a request of its own.
 */
function isDeletion(request: GraphRequestOptions): boolean {
	const method = request.method.toUpperCase();
	return (
		method === 'DELETE' ||
		(method === 'POST' && request.path.split('?')[0].endsWith('/permanentDelete'))
	);
}

/**
 * Longest and shortest `dependsOn` chain. A failed sub-request fails the rest of its chain (424),
 * which is sent again; after each envelope with a failure the chains are halved (doubled again
 * after one without), and below MIN_CHAIN the rest goes in parallel envelopes, as without chains.
 */
const MIN_CHAIN = 4;

/** The chunks `pending` is sent in: `count` envelopes of sizes differing by at most one. */
function balancedChunks(pending: number[], count: number): number[][] {
	const chunks: number[][] = [];
	let start = 0;
	for (let k = 0; k < count; k++) {
		const size = Math.floor(pending.length / count) + (k < pending.length % count ? 1 : 0);
		if (size > 0) chunks.push(pending.slice(start, start + size));
		start += size;
	}
	return chunks;
}

/**
 * Sends many requests as `$batch` calls and returns one result per request, in input order.
 *
 * Up to 20 requests go in one envelope whose sub-requests Graph runs 4 at a time. More go in
 * envelopes that are each one `dependsOn` chain ("fully sequential"), 4 envelopes at once: Graph
 * runs a chain one sub-request after the other, so each envelope holds one of the mailbox's 4
 * slots, and while one envelope travels or is unpacked the other three keep Exchange working (one
 * parallel envelope at a time leaves the mailbox idle for its round trip and Graph's own work on
 * it). The envelopes share the requests evenly, 4 × ⌈n / 80⌉ of them.
 * https://learn.microsoft.com/graph/json-batching#sequencing-requests-with-the-dependson-property,
 * /graph/throttling-limits#outlook-service-limits
 *
 * A throttled sub-request (per the credential's retry policy) is sent again on its own, in a
 * later round, after its Retry-After; a sub-request that failed because the one before it in its
 * chain failed (424) is sent again at once, in a new chain; the others are not repeated. A
 * sub-request that is not idempotent (Copy, a create) is never repeated after a failure that may
 * have come after Graph did it, nor is it when its envelope fails that way: then only the
 * envelope's idempotent sub-requests go again, and the others fail saying they may have been done.
 * Failures become per-item errors.
 */
export async function graphBatch(
	transport: GraphTransport,
	requests: GraphRequestOptions[],
): Promise<BatchResult[]> {
	const results: BatchResult[] = new Array(requests.length);
	let pending = requests.map((_, index) => index);
	let chainLength = GRAPH_BATCH_LIMIT;
	let chains = true;
	// Deletions sent again after a failure that may have come after Graph did them.
	const mayBeGone = new Set<number>();
	// One round sends what is pending; throttled sub-requests make the loop wait and go again.
	// Every pending request is on the same attempt, so the round number is each one's attempt.
	await withRetry<void>(
		transport.policy,
		async (attempt): Promise<AttemptOutcome<void>> => {
			const retry: number[] = [];
			let retryAfter: string | undefined;
			let longestWait: number | undefined;

			/** One envelope; returns the requests of it that did not run (their dependency failed). */
			const send = async (chunk: number[], sequential: boolean): Promise<number[]> => {
				transport.throwIfCancelled();
				const body = {
					requests: chunk.map((index, k) =>
						toBatchRequest(
							index,
							requests[index],
							transport.preferHeader(requests[index]),
							sequential && k > 0 ? chunk[k - 1] : undefined,
						),
					),
				};
				let response: BatchResponseBody;
				try {
					response = await transport.request<BatchResponseBody>({
						method: 'POST',
						path: '/$batch',
						body,
						itemIndex: requests[chunk[0]].itemIndex,
						batchPaths: chunk.map((index) => requests[index].path),
						batchSequential: sequential,
						// The transport repeats the envelope only when each of its sub-requests may be repeated.
						idempotent: chunk.every((index) => idempotent(requests[index])),
						// Repeated after a failure that may have come after Graph ran it: its deletions may be done.
						onAmbiguousRepeat: () => {
							for (const index of chunk) if (isDeletion(requests[index])) mayBeGone.add(index);
						},
					});
				} catch (error) {
					// A cancelled execution ends here (already a NodeOperationError from the transport).
					// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
					if (transport.cancelSignal()?.aborted) throw error;
					// The call failed as a whole (a 504 that must not be repeated, throttling beyond the
					// budget, the network): only its own requests fail; those of earlier and later calls
					// keep their results, so a re-run of the failed items does not repeat the done ones.
					const httpCode = error instanceof NodeApiError ? Number(error.httpCode) || 0 : 0;
					// Graph may have run some of it: the idempotent sub-requests go again in the next round.
					const resend = mayHaveBeenApplied(error);
					for (const index of chunk) {
						if (resend && idempotent(requests[index])) {
							retry.push(index);
							if (isDeletion(requests[index])) mayBeGone.add(index);
						}
						results[index] = {
							index,
							status: httpCode,
							headers: {},
							body: undefined,
							error: errorForItem(error, requests[index].itemIndex, transport.ctx.getNode()),
						};
					}
					return [];
				}
				const byId = new Map((response.responses ?? []).map((r) => [Number(r.id), r]));
				const notRun: number[] = [];
				for (const index of chunk) {
					const sub = byId.get(index);
					const status = sub?.status ?? 500;
					// 424 Failed Dependency: it never ran (the one before it in the chain failed).
					if (sequential && status === 424) {
						notRun.push(index);
						continue;
					}
					const headers = dataRecord(
						Object.entries(sub?.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v] as const),
					);
					const subBody = (sub?.body ?? undefined) as IDataObject | undefined;
					const request = requests[index];
					if (status === 404 && mayBeGone.has(index)) {
						logFor(transport.ctx).warn(
							'Microsoft Graph failed while deleting, and the repeated request found the item gone: counted as deleted',
						);
						results[index] = { index, status: 204, headers, body: undefined };
						continue;
					}
					results[index] = { index, status, headers, body: subBody };
					if (status < 400) continue;
					const error = graphApiError(
						{
							status,
							body: subBody ?? '',
							method: request.method,
							path: request.path,
							attempts: attempt,
						},
						transport.errorContext(request),
					);
					results[index].error = error;
					const failure = { status, retryAfter: headers['retry-after'] };
					if (withheldRepeat(transport.policy, failure, idempotent(request))) {
						error.description = [error.description, MAY_HAVE_BEEN_APPLIED]
							.filter(Boolean)
							.join(' ');
					} else if (mayRepeat(transport.policy, failure, idempotent(request))) {
						retry.push(index);
						if (isDeletion(request) && sendFailureKind(status, failure.retryAfter) === 'ambiguous')
							mayBeGone.add(index);
						// The longest Retry-After of the round: one wait serves them all. Each may be
						// seconds or an HTTP date (RFC 9110 §10.2.3), so they are compared as waits.
						const wait = parseRetryAfter(headers['retry-after']);
						if (wait !== undefined && (longestWait === undefined || wait > longestWait)) {
							longestWait = wait;
							retryAfter = headers['retry-after'];
						}
					}
				}
				return notRun;
			};

			/** Parallel envelopes of up to 20, one after the other. */
			const inParallel = async (indexes: number[]) => {
				for (let start = 0; start < indexes.length; start += GRAPH_BATCH_LIMIT)
					await send(indexes.slice(start, start + GRAPH_BATCH_LIMIT), false);
			};

			if (!chains || pending.length <= GRAPH_BATCH_LIMIT) {
				await inParallel(pending);
			} else {
				const lanes = MAILBOX_CONCURRENCY_LIMIT;
				const queue = balancedChunks(
					pending,
					lanes * Math.ceil(pending.length / (lanes * GRAPH_BATCH_LIMIT)),
				);
				const leftOver: number[] = [];
				const worker = async () => {
					for (let chunk = queue.shift(); chunk; chunk = queue.shift()) {
						if (!chains) {
							leftOver.push(...chunk);
							continue;
						}
						const notRun = await send(chunk, true);
						if (!notRun.length) {
							chainLength = Math.min(GRAPH_BATCH_LIMIT, chainLength * 2);
							continue;
						}
						// A failure cut the chain: the rest goes again at once, in shorter chains.
						if (chainLength <= MIN_CHAIN) chains = false;
						chainLength = Math.max(MIN_CHAIN, chainLength >> 1);
						for (let start = notRun.length; start > 0; start -= chainLength)
							queue.unshift(notRun.slice(Math.max(0, start - chainLength), start));
					}
				};
				await Promise.all(Array.from({ length: lanes }, worker));
				// Failures in chain after chain: the rest in parallel envelopes, as without chains.
				if (leftOver.length) await inParallel(leftOver.sort((a, b) => a - b));
			}
			pending = retry;
			if (!retry.length) return { done: undefined };
			// Spent budget: the throttled ones keep the error of their last answer.
			return {
				retry: {
					retryAfter,
					reason: `Microsoft Graph throttled or failed ${retry.length} batched request(s)`,
				},
				giveUp: () => undefined,
			};
		},
		{ log: (message) => logFor(transport.ctx).warn(message), signal: transport.cancelSignal() },
	);
	return results;
}
