import type { IDataObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { GraphRequestOptions, GraphTransport } from './client';
import { graphApiError } from './errors';
import { buildQueryString } from './request';
import { isRetryable, retryDelayMs, sleep } from './retry';

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
	const attempts = new Array<number>(requests.length).fill(0);
	let pending = requests.map((_, index) => index);
	while (pending.length) {
		const retry: number[] = [];
		let waitMs = 0;
		for (let start = 0; start < pending.length; start += GRAPH_BATCH_LIMIT) {
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
				});
			} catch (error) {
				// The call failed as a whole (a 504 that must not be repeated, throttling beyond the
				// budget, the network): only its own requests fail; those of earlier and later calls
				// keep their results, so a re-run of the failed items does not repeat the done ones.
				const httpCode = error instanceof NodeApiError ? Number(error.httpCode) || 0 : 0;
				for (const index of chunk) {
					attempts[index]++;
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
				attempts[index]++;
				const sub = byId.get(index);
				const status = sub?.status ?? 500;
				const headers = Object.fromEntries(
					Object.entries(sub?.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
				);
				if (
					status >= 400 &&
					isRetryable(transport.policy, status, requests[index].method) &&
					attempts[index] <= transport.policy.maxRetries
				) {
					retry.push(index);
					waitMs = Math.max(
						waitMs,
						retryDelayMs(transport.policy, attempts[index], headers['retry-after']),
					);
					continue;
				}
				const subBody = (sub?.body ?? undefined) as IDataObject | undefined;
				results[index] = { index, status, headers, body: subBody };
				if (status >= 400) {
					const request = requests[index];
					results[index].error = graphApiError(
						{
							status,
							body: subBody ?? '',
							method: request.method,
							path: request.path,
							attempts: attempts[index],
						},
						transport.errorContext(request),
					);
				}
			}
		}
		if (retry.length) {
			transport.ctx.logger.warn(
				`Microsoft Graph throttled ${retry.length} batched request(s); sending them again in ${waitMs} ms`,
			);
			await sleep(waitMs);
		}
		pending = retry;
	}
	return results;
}
