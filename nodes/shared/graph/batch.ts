import type { IDataObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { dataRecord } from '../outsideData';
import type { GraphRequestOptions, GraphTransport } from './client';
import { graphApiError } from './errors';
import { buildQueryString } from './request';
import type { AttemptOutcome } from './retry';
import { isRetryable, withRetry } from './retry';
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

function toBatchRequest(id: number, request: GraphRequestOptions, prefer: string) {
	// Each sub-request carries its own headers; the envelope's Prefer (ImmutableId) does not reach it.
	// https://learn.microsoft.com/graph/json-batching#request-format
	const headers: Record<string, string> = { Prefer: prefer, ...(request.headers ?? {}) };
	if (request.body !== undefined) headers['Content-Type'] = 'application/json';
	return {
		id: String(id),
		method: request.method,
		// Sub-request URLs are relative to the version root, e.g. /me/messages/{id}.
		url: request.path + buildQueryString(request.query),
		headers,
		...(request.body !== undefined ? { body: request.body } : {}),
	};
}

/**
 * Sends many requests as `$batch` calls of 20 and returns one result per request, in input order.
 * A throttled sub-request (per the credential's retry policy) is sent again on its own, in a
 * later batch, after its Retry-After; the others are not repeated. Failures become per-item errors.
 */
export async function graphBatch(
	transport: GraphTransport,
	requests: GraphRequestOptions[],
): Promise<BatchResult[]> {
	const results: BatchResult[] = new Array(requests.length);
	let pending = requests.map((_, index) => index);
	// One round sends what is pending; throttled sub-requests make the loop wait and go again.
	// Every pending request is on the same attempt, so the round number is each one's attempt.
	await withRetry<void>(
		transport.policy,
		async (attempt): Promise<AttemptOutcome<void>> => {
			const retry: number[] = [];
			let retryAfter: string | undefined;
			for (let start = 0; start < pending.length; start += GRAPH_BATCH_LIMIT) {
				transport.throwIfCancelled();
				const chunk = pending.slice(start, start + GRAPH_BATCH_LIMIT);
				const body = {
					requests: chunk.map((index) =>
						toBatchRequest(index, requests[index], transport.preferHeader(requests[index])),
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
					});
				} catch (error) {
					// A cancelled execution ends here (already a NodeOperationError from the transport).
					// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
					if (transport.cancelSignal()?.aborted) throw error;
					// The call failed as a whole (a 504 that must not be repeated, throttling beyond the
					// budget, the network): only its own requests fail; those of earlier and later calls
					// keep their results, so a re-run of the failed items does not repeat the done ones.
					const httpCode = error instanceof NodeApiError ? Number(error.httpCode) || 0 : 0;
					for (const index of chunk) {
						results[index] = {
							index,
							status: httpCode,
							headers: {},
							body: undefined,
							error: errorForItem(error, requests[index].itemIndex, transport.ctx.getNode()),
						};
					}
					continue;
				}
				const byId = new Map((response.responses ?? []).map((r) => [Number(r.id), r]));
				for (const index of chunk) {
					const sub = byId.get(index);
					const status = sub?.status ?? 500;
					const headers = dataRecord(
						Object.entries(sub?.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v] as const),
					);
					const subBody = (sub?.body ?? undefined) as IDataObject | undefined;
					results[index] = { index, status, headers, body: subBody };
					if (status < 400) continue;
					const request = requests[index];
					results[index].error = graphApiError(
						{
							status,
							body: subBody ?? '',
							method: request.method,
							path: request.path,
							attempts: attempt,
						},
						transport.errorContext(request),
					);
					if (isRetryable(transport.policy, status, request.method)) {
						retry.push(index);
						// The longest Retry-After of the round: one wait serves them all.
						const seconds = headers['retry-after'];
						if (seconds && (retryAfter === undefined || Number(seconds) > Number(retryAfter)))
							retryAfter = seconds;
					}
				}
			}
			pending = retry;
			if (!retry.length) return { done: undefined };
			// Spent budget: the throttled ones keep the error of their last answer.
			return {
				retry: {
					retryAfter,
					reason: `Microsoft Graph throttled ${retry.length} batched request(s)`,
				},
				giveUp: () => undefined,
			};
		},
		{ log: (message) => logFor(transport.ctx).warn(message), signal: transport.cancelSignal() },
	);
	return results;
}
