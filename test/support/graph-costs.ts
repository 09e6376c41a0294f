/**
 * A cost model of Microsoft Graph and Exchange Online for the Graph stand-in (`graph.costModel()`):
 * what a request costs in time on Graph's side, so that the benches measure the package against
 * the physical floor of a run instead of a fixed delay per request.
 *
 * Microsoft documents the concurrency (the figures below marked so); it publishes no service times,
 * so the time figures are assumptions, kept in one place (GRAPH_COSTS) and printed by the benches:
 *
 * - A request travels half a round trip to Graph and half back (`roundTripMs`, assumed 40 ms).
 * - Exchange works on it `requestBaseMs` (assumed 60 ms), plus `perItemMs` (assumed 0.25 ms) per
 *   item of a list answer (`value`), holding one of the mailbox's lanes meanwhile.
 * - A mailbox has 4 lanes per app: Exchange Online runs at most 4 requests of an app on one mailbox
 *   at once (documented: https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits).
 *   A request that finds all 4 busy waits for one here and is counted (`laneWaits`): real Graph
 *   answers it 429 MailboxConcurrency instead.
 * - `$batch`: Graph's front end spends `batchBaseMs` (assumed 60 ms) on the envelope, holding no
 *   mailbox lane, then runs the sub-requests at most 4 at a time (documented:
 *   https://learn.microsoft.com/graph/json-batching, and the Microsoft answer "Microsoft Graph
 *   dispatches up to four individual requests from a batch to the Outlook service simultaneously",
 *   https://learn.microsoft.com/answers/questions/1660054), each `subRequestMs` (assumed 25 ms,
 *   plus `perItemMs` per listed item) on a lane of its mailbox. A sub-request with `dependsOn`
 *   starts after those it depends on (json-batching#sequencing-requests-with-the-dependson-property).
 * - Answers leave Graph over one link of `linkBytesPerSecond` (assumed 100 Mbit/s) shared by all
 *   of them, one after the other, counting the bytes actually sent (compressed when the stand-in
 *   compresses, see GraphStandIn.compressResponses).
 *
 * The lower bound of a run (`bound()`) is one round trip + max(the server work of the run ÷ 4
 * lanes, its bytes ÷ the link): what the run would take if its work were spread perfectly over the
 * lanes and the link never waited. The server work counts each envelope's base as well.
 *
 * The model plans each request when it arrives (on times it computes, not on when timers fire, so
 * CPU spent in this process does not lengthen Graph's side) and the stand-in holds the answer until
 * the planned time.
 */

import { performance } from 'node:perf_hooks';

export interface GraphCosts {
	/** Client → Graph → client, for every HTTP request (assumed). */
	roundTripMs: number;
	/** Exchange's work on one request, on a mailbox lane (assumed). */
	requestBaseMs: number;
	/** More work per item of a list answer (assumed). */
	perItemMs: number;
	/** Graph's work on a `$batch` envelope, on no mailbox lane (assumed). */
	batchBaseMs: number;
	/** Exchange's work on one `$batch` sub-request, on a lane (assumed). */
	subRequestMs: number;
	/** Requests of one app Exchange runs at once on one mailbox (documented: 4). */
	lanesPerMailbox: number;
	/** Sub-requests of one `$batch` Graph runs at once (documented: 4). */
	batchParallelism: number;
	/** The link all answers share (assumed 100 Mbit/s). */
	linkBytesPerSecond: number;
}

export const GRAPH_COSTS: GraphCosts = {
	roundTripMs: 40,
	requestBaseMs: 60,
	perItemMs: 0.25,
	batchBaseMs: 60,
	subRequestMs: 25,
	lanesPerMailbox: 4,
	batchParallelism: 4,
	linkBytesPerSecond: 100e6 / 8,
};

/** Busy intervals of a resource with `capacity` units (lanes of a mailbox, the link). */
export class Timeline {
	private intervals: Array<{ start: number; end: number; weight: number }> = [];

	peak = 0;

	constructor(readonly capacity: number) {}

	/** Units in use at `time`. */
	private loadAt(time: number): number {
		let load = 0;
		for (const i of this.intervals) if (i.start <= time && time < i.end) load += i.weight;
		return load;
	}

	/** The most units in use at any time in [start, end). */
	private maxLoad(start: number, end: number): number {
		let max = this.loadAt(start);
		for (const i of this.intervals)
			if (i.start > start && i.start < end) max = Math.max(max, this.loadAt(i.start));
		return max;
	}

	/** The earliest start at or after `ready` when `weight` more units are free for `duration`. */
	earliest(ready: number, duration: number, weight = 1): number {
		if (duration <= 0) return ready;
		const candidates = [ready, ...this.intervals.map((i) => i.end).filter((end) => end > ready)];
		candidates.sort((a, b) => a - b);
		for (const start of candidates) {
			if (this.maxLoad(start, start + duration) + weight <= this.capacity) return start;
		}
		return candidates[candidates.length - 1];
	}

	add(start: number, end: number, weight = 1) {
		if (end <= start) return;
		this.intervals.push({ start, end, weight });
		this.peak = Math.max(this.peak, this.maxLoad(start, end));
	}

	/** Forgets intervals that ended before `time` (they can no longer overlap anything new). */
	forgetBefore(time: number) {
		this.intervals = this.intervals.filter((i) => i.end >= time);
	}
}

/** One request of a run as the model planned it (ms from the run's first request). */
export interface TraceEntry {
	sent: number;
	/** Exchange's work on it (an envelope: from dispatching its first sub-request to its last's end). */
	start: number;
	end: number;
	delivery: number;
	/** List items (an envelope: its sub-requests). */
	items: number;
	batch: boolean;
}

/** The most entries whose sent → delivered intervals overlap. */
export function mostAtOnce(entries: TraceEntry[]): number {
	const events = entries.flatMap((e) => [
		[e.sent, 1],
		[e.delivery, -1],
	]);
	events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
	let now = 0;
	let most = 0;
	for (const [, step] of events) most = Math.max(most, (now += step));
	return most;
}

/** The model at a tenth of the time (and ten times the link): for tests, where only the plan matters. */
export const FAST_COSTS: Partial<GraphCosts> = {
	roundTripMs: 4,
	requestBaseMs: 6,
	perItemMs: 0.025,
	batchBaseMs: 6,
	subRequestMs: 2.5,
	linkBytesPerSecond: 1e9 / 8,
};

/** What the model saw during a run. */
export interface CostStats {
	/** HTTP requests (a `$batch` envelope is one). */
	requests: number;
	/** Sub-requests inside `$batch` envelopes. */
	subRequests: number;
	/** Items of list answers. */
	items: number;
	/** Answer bytes sent (compressed where compressed). */
	bytes: number;
	/** The same answers before compression. */
	rawBytes: number;
	/** Server work per mailbox in ms: lane work plus envelope bases. */
	serverWorkMs: Record<string, number>;
	/** Requests (or sub-requests) that found all lanes of their mailbox busy (real Graph: 429). */
	laneWaits: number;
	/** Most requests on a mailbox's lanes at once. */
	peakOnServer: Record<string, number>;
	/**
	 * Most requests of a mailbox in flight at once, from sending to the answer's arrival (an
	 * envelope counts as many as it ran sub-requests at once).
	 */
	peakInFlight: Record<string, number>;
	/** When the first request arrived and the last answer was delivered (performance.now()). */
	firstArrival?: number;
	lastDelivery?: number;
	/** The run's first request (`trace`'s zero) as a time since the epoch (ms), to line up with the client's clock. */
	zeroEpoch?: number;
	/** Each request's plan, in ms from the run's first request (for looking at a run's schedule). */
	trace: TraceEntry[];
}

export interface Bound {
	/** one round trip + max(workMs, linkMs) */
	ms: number;
	/** The busiest mailbox's server work ÷ its lanes. */
	workMs: number;
	/** All bytes ÷ the link. */
	linkMs: number;
}

/** A `$batch` sub-request as the model plans it. */
export interface PlannedSubRequest {
	id: string;
	mailbox: string;
	items: number;
	dependsOn: string[];
	/** False when it did not run (a failed dependency: 424). */
	ran: boolean;
}

export class GraphCostModel {
	readonly costs: GraphCosts;

	stats: CostStats = GraphCostModel.emptyStats();

	private lanes = new Map<string, Timeline>();

	private inFlight = new Map<string, Timeline>();

	private link = new Timeline(1);

	constructor(costs: Partial<GraphCosts> = {}) {
		this.costs = { ...GRAPH_COSTS, ...costs };
	}

	private static emptyStats(): CostStats {
		return {
			requests: 0,
			subRequests: 0,
			items: 0,
			bytes: 0,
			rawBytes: 0,
			serverWorkMs: {},
			laneWaits: 0,
			peakOnServer: {},
			peakInFlight: {},
			trace: [],
		};
	}

	/** Starts a new run: statistics from zero (the plan of requests still under way is kept). */
	resetStats() {
		this.stats = GraphCostModel.emptyStats();
		for (const timeline of [...this.lanes.values(), ...this.inFlight.values()]) timeline.peak = 0;
	}

	private lanesOf(mailbox: string): Timeline {
		let timeline = this.lanes.get(mailbox);
		if (!timeline) {
			timeline = new Timeline(this.costs.lanesPerMailbox);
			this.lanes.set(mailbox, timeline);
		}
		return timeline;
	}

	private inFlightOf(mailbox: string): Timeline {
		let timeline = this.inFlight.get(mailbox);
		if (!timeline) {
			timeline = new Timeline(Infinity);
			this.inFlight.set(mailbox, timeline);
		}
		return timeline;
	}

	/**
	 * Work `duration` on a lane of `mailbox` from `ready` on (and, for a sub-request, when its
	 * envelope has a turn free too): its start and end. Finding no free lane at `ready` is a lane wait.
	 */
	private onLane(
		mailbox: string,
		ready: number,
		duration: number,
		envelope?: Timeline,
	): [number, number] {
		const lanes = this.lanesOf(mailbox);
		let start = ready;
		for (;;) {
			const laneStart = lanes.earliest(start, duration);
			const turn = envelope ? envelope.earliest(laneStart, duration) : laneStart;
			start = turn;
			if (turn === laneStart) break;
		}
		if (lanes.earliest(ready, duration) > ready) this.stats.laneWaits++;
		lanes.add(start, start + duration);
		envelope?.add(start, start + duration);
		this.stats.peakOnServer[mailbox] = Math.max(this.stats.peakOnServer[mailbox] ?? 0, lanes.peak);
		this.addWork(mailbox, duration);
		return [start, start + duration];
	}

	private addWork(mailbox: string, ms: number) {
		this.stats.serverWorkMs[mailbox] = (this.stats.serverWorkMs[mailbox] ?? 0) + ms;
	}

	/** The answer of `bytes` leaves Graph when ready and the link is free; when it reaches the client. */
	private deliver(
		arrival: number,
		mailbox: string,
		ready: number,
		bytes: number,
		rawBytes: number,
		weight: number,
	): number {
		const transfer = (bytes / this.costs.linkBytesPerSecond) * 1000;
		const start = this.link.earliest(ready, transfer);
		this.link.add(start, start + transfer);
		const delivery = start + transfer + this.costs.roundTripMs / 2;
		const sent = arrival - this.costs.roundTripMs / 2;
		const flying = this.inFlightOf(mailbox);
		flying.add(sent, delivery, weight);
		this.stats.peakInFlight[mailbox] = Math.max(this.stats.peakInFlight[mailbox] ?? 0, flying.peak);
		this.stats.requests++;
		this.stats.bytes += bytes;
		this.stats.rawBytes += rawBytes;
		this.stats.firstArrival = Math.min(this.stats.firstArrival ?? sent, sent);
		this.stats.lastDelivery = Math.max(this.stats.lastDelivery ?? delivery, delivery);
		this.forget(sent);
		return delivery;
	}

	/** Old intervals cannot matter to requests planned from now on (they arrive later). */
	private forget(now: number) {
		const horizon = now - 60_000;
		for (const timeline of [...this.lanes.values(), ...this.inFlight.values(), this.link])
			timeline.forgetBefore(horizon);
	}

	/**
	 * Plans a request that reached the stand-in at `received` (performance.now()) and was answered
	 * with `items` list items in `bytes` bytes; returns when the client gets the answer.
	 */
	planRequest(
		received: number,
		answer: { mailbox: string; items: number; bytes: number; rawBytes: number },
	): number {
		const { mailbox, items } = answer;
		// The stand-in is reached at once; the model puts the client half a round trip away.
		const arrival = received + this.costs.roundTripMs / 2;
		const [, done] = this.onLane(
			mailbox,
			arrival,
			this.costs.requestBaseMs + this.costs.perItemMs * items,
		);
		this.stats.items += items;
		const delivery = this.deliver(arrival, mailbox, done, answer.bytes, answer.rawBytes, 1);
		this.traceRequest(
			received,
			done - this.costs.requestBaseMs - this.costs.perItemMs * items,
			done,
			delivery,
			items,
			false,
		);
		return delivery;
	}

	/**
	 * Plans a `$batch` envelope: its base, then the sub-requests in order, each when those it
	 * depends on have ended, at most `batchParallelism` at once, each on a lane of its mailbox.
	 */
	planBatch(
		received: number,
		subRequests: PlannedSubRequest[],
		answer: { bytes: number; rawBytes: number },
	): number {
		const arrival = received + this.costs.roundTripMs / 2;
		const mailbox = subRequests[0]?.mailbox ?? 'other';
		const dispatched = arrival + this.costs.batchBaseMs;
		this.addWork(mailbox, this.costs.batchBaseMs);
		const ends = new Map<string, number>();
		const envelope = new Timeline(this.costs.batchParallelism);
		let last = dispatched;
		for (const sub of subRequests) {
			this.stats.subRequests++;
			const ready = Math.max(dispatched, ...sub.dependsOn.map((id) => ends.get(id) ?? dispatched));
			if (!sub.ran) {
				ends.set(sub.id, ready);
				continue;
			}
			const duration = this.costs.subRequestMs + this.costs.perItemMs * sub.items;
			this.stats.items += sub.items;
			// Graph dispatches at most 4 of the envelope at once (not a lane wait: its own pace).
			const turn = envelope.earliest(ready, duration);
			const [, end] = this.onLane(sub.mailbox, turn, duration, envelope);
			ends.set(sub.id, end);
			last = Math.max(last, end);
		}
		// Sent → answered, an envelope weighs as many requests as it ran at once.
		const delivery = this.deliver(
			arrival,
			mailbox,
			last,
			answer.bytes,
			answer.rawBytes,
			Math.max(1, envelope.peak),
		);
		this.traceRequest(received, dispatched, last, delivery, subRequests.length, true);
		return delivery;
	}

	private traceRequest(
		received: number,
		start: number,
		end: number,
		delivery: number,
		items: number,
		batch: boolean,
	) {
		const zero = this.stats.firstArrival ?? received;
		this.stats.zeroEpoch ??= performance.timeOrigin + zero;
		const at = (time: number) => Math.round((time - zero) * 10) / 10;
		this.stats.trace.push({
			sent: at(received),
			start: at(start),
			end: at(end),
			delivery: at(delivery),
			items,
			batch,
		});
	}

	/** The lower bound of the run so far (see the file comment). */
	bound(): Bound {
		const work = Math.max(0, ...Object.values(this.stats.serverWorkMs));
		const workMs = work / this.costs.lanesPerMailbox;
		const linkMs = (this.stats.bytes / this.costs.linkBytesPerSecond) * 1000;
		return { ms: this.costs.roundTripMs + Math.max(workMs, linkMs), workMs, linkMs };
	}
}
