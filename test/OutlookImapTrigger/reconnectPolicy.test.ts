/**
 * The reconnect policy as a table: every way a session ends, and what comes next. (The same
 * decisions against a real server: faults.dovecot.test.ts and the bench.)
 */
import {
	backoffDelay,
	decide,
	EMPTY_HISTORY,
	type Failure,
	type History,
	type SessionEnd,
} from '../../nodes/OutlookImapTrigger/reconnectPolicy';

const low = () => 0;
const high = () => 0.999;
const failure = (cls: Failure['class'], key: string = cls): Failure => ({
	class: cls,
	key,
	message: cls,
});

function run(ends: SessionEnd[], options = {}) {
	let history: History = EMPTY_HISTORY;
	const out: string[] = [];
	for (const end of ends) {
		const decision = decide(end, history, { random: low, ...options });
		if (decision.action === 'retry') {
			history = decision.history;
			out.push(`retry ${decision.delayMs}`);
		} else out.push(decision.action);
	}
	return out;
}

test('backoff: 1 s, doubling to a 60 s cap, jitter only upwards (never sooner than the curve)', () => {
	expect([1, 2, 3, 4, 7, 8, 20].map((n) => backoffDelay(n, { random: low }))).toEqual([
		1000, 2000, 4000, 8000, 60000, 60000, 60000,
	]);
	expect(backoffDelay(1, { random: high })).toBeLessThan(1500);
	expect(backoffDelay(20, { random: high })).toBeLessThan(90_000);
});

test.each<[string, SessionEnd[], string[]]>([
	['stopped', [{ how: 'stopped' }], ['stop']],
	['planned token renewal: at once', [{ how: 'planned' }], ['retry 0']],
	[
		'a transient failure to start: backs off, reported when the same cause comes a third time',
		Array(3).fill({ how: 'failedStart', failure: failure('transient') }),
		['retry 1000', 'retry 2000', 'report'],
	],
	[
		'transient failures with different causes back off and are not reported (the liveness alarm is)',
		[1, 2, 3, 4, 5, 6, 7, 8].map((n) => ({
			how: 'failedStart',
			failure: failure('transient', `transient:${n % 2 ? 'ECONNRESET' : 'ETIMEDOUT'}`),
		})),
		[
			'retry 1000',
			'retry 2000',
			'retry 4000',
			'retry 8000',
			'retry 16000',
			'retry 32000',
			'retry 60000',
			'retry 60000',
		],
	],
	[
		'the credential refused: reported at once',
		[{ how: 'failedStart', failure: failure('credential') }],
		['report'],
	],
	[
		'a refused login or a missing folder: reported on the third time in a row',
		Array(3).fill({ how: 'failedStart', failure: failure('login') }),
		['retry 1000', 'retry 2000', 'report'],
	],
	[
		'the session ends during the first sync over the same message: backs off, then reported',
		Array(3).fill({ how: 'endedDuringSync', failure: failure('message', 'message:7') }),
		['retry 1000', 'retry 2000', 'report'],
	],
	[
		'ends during the first sync without a known cause (dropped at the first SEARCH): reported the third time',
		Array(3).fill({
			how: 'endedDuringSync',
			failure: failure('transient', 'endedDuringSync'),
		}),
		['retry 1000', 'retry 2000', 'report'],
	],
	[
		'a working session that ended (kick, BYE) after progress: back quickly, history cleared',
		[
			{ how: 'failedStart', failure: failure('transient') },
			{ how: 'ended', livedMs: 500, progressed: true },
			{ how: 'failedStart', failure: failure('transient') },
		],
		['retry 1000', 'retry 0', 'retry 1000'],
	],
	[
		'sessions that end again and again without doing anything back off, then are reported',
		Array(3).fill({ how: 'ended', livedMs: 200, progressed: false }),
		['retry 1000', 'retry 2000', 'report'],
	],
	[
		'a long quiet session that ended: back quickly',
		[{ how: 'ended', livedMs: 3_600_000, progressed: false }],
		['retry 0'],
	],
	[
		'a refused after-emit action on a live connection: reported',
		[{ how: 'ended', livedMs: 100, progressed: true, failure: failure('action') }],
		['report'],
	],
])('%s', (_name, ends, expected) => {
	expect(run(ends)).toEqual(expected);
});

test('a manual run gives up on a transient failure after 3 attempts', () => {
	expect(
		run(Array(3).fill({ how: 'failedStart', failure: failure('transient') }), { manual: true }),
	).toEqual(['retry 1000', 'retry 2000', 'report']);
});

test('a transient cause reported a short while ago is retried on the curve, not reported again', () => {
	const dropped = { how: 'endedDuringSync', failure: failure('transient', 'endedDuringSync') };
	expect(run(Array(6).fill(dropped), { alreadyReported: 'endedDuringSync' })).toEqual([
		'retry 1000',
		'retry 2000',
		'retry 4000',
		'retry 8000',
		'retry 16000',
		'retry 32000',
	]);
	// Another cause is still reported; so is anything in a manual run, where the user waits.
	const refused = { how: 'failedStart', failure: failure('transient', 'transient:ECONNREFUSED') };
	expect(run(Array(3).fill(refused), { alreadyReported: 'endedDuringSync' })).toEqual([
		'retry 1000',
		'retry 2000',
		'report',
	]);
	expect(run(Array(3).fill(dropped), { alreadyReported: 'endedDuringSync', manual: true })).toEqual(
		['retry 1000', 'retry 2000', 'report'],
	);
});
