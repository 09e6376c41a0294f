/**
 * How Graph runs the sub-requests of a `$batch` (for the stand-in), with `dependsOn`:
 * - a sub-request that depends on others runs after them; when one of them failed it is not run
 *   and answers 424 Failed Dependency (documented:
 *   https://learn.microsoft.com/graph/json-batching#sequencing-requests-with-the-dependson-property);
 * - a batch is either fully sequential (each request depends on the one before it) or fully
 *   parallel (none depends on another): anything else is refused 400 "Batch should be either fully
 *   sequential or fully parallel" (the page's own tip; the refusal as reported in
 *   https://github.com/microsoftgraph/microsoft-graph-docs/issues/16280);
 * - a dependency must come earlier in the array, or Graph refuses the batch 400 "Invalid
 *   dependency for request Id" (reported: https://github.com/microsoftgraph/msgraph-sdk-dotnet-core/issues/891).
 */

export interface BatchRequestEntry {
	id?: unknown;
	dependsOn?: unknown;
}

export interface SubAnswer {
	id: unknown;
	status: number;
	headers: Record<string, string>;
	body: unknown;
}

function dependenciesOf(entry: BatchRequestEntry): string[] {
	return Array.isArray(entry.dependsOn) ? entry.dependsOn.map(String) : [];
}

/** Why Graph refuses the batch's `dependsOn` as a whole, or undefined when it accepts it. */
export function dependsOnRefusal(requests: BatchRequestEntry[]): string | undefined {
	const seen = new Set<string>();
	for (const entry of requests) {
		for (const dependency of dependenciesOf(entry)) {
			if (!seen.has(dependency)) return `Invalid dependency for request Id ${String(entry.id)}`;
		}
		seen.add(String(entry.id));
	}
	const dependent = requests.filter((entry) => dependenciesOf(entry).length > 0).length;
	if (dependent === 0) return undefined;
	const sequential = requests.every((entry, k) => {
		const on = dependenciesOf(entry);
		return k === 0 ? on.length === 0 : on.length === 1 && on[0] === String(requests[k - 1].id);
	});
	return sequential ? undefined : 'Batch should be either fully sequential or fully parallel.';
}

/**
 * Answers the sub-requests: a sequential batch one after the other, a parallel one `parallel` at a
 * time. `run` answers one; a sub-request whose dependency failed answers 424 without running.
 * Returns the answers in request order and which of them ran.
 */
export async function runSubRequests(
	requests: BatchRequestEntry[],
	run: (entry: BatchRequestEntry) => Promise<SubAnswer>,
	parallel: number,
): Promise<Array<{ answer: SubAnswer; ran: boolean }>> {
	const out: Array<{ answer: SubAnswer; ran: boolean }> = [];
	const failed = new Set<string>();
	const sequential = requests.some((entry) => dependenciesOf(entry).length > 0);
	const wave = sequential ? 1 : Math.max(1, parallel);
	for (let start = 0; start < requests.length; start += wave) {
		const answers = await Promise.all(
			requests.slice(start, start + wave).map(async (entry) => {
				if (dependenciesOf(entry).some((dependency) => failed.has(dependency))) {
					return {
						ran: false,
						answer: {
							id: entry.id,
							status: 424,
							headers: { 'Content-Type': 'application/json' },
							body: {
								error: { code: 'FailedDependency', message: 'The dependency failed.' },
							},
						},
					};
				}
				return { ran: true, answer: await run(entry) };
			}),
		);
		for (const result of answers) {
			if (result.answer.status >= 400) failed.add(String(result.answer.id));
			out.push(result);
		}
	}
	return out;
}
