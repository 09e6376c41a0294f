import { EMITTED_WINDOW_SIZE, TriggerState, digest } from '../../nodes/OutlookTrigger/cursor';
import { cursorAfterLostSync } from '../../nodes/OutlookTrigger/messages';

describe('Outlook Trigger cursor (static data)', () => {
	it('keeps the newest EMITTED_WINDOW_SIZE emitted keys and saves them as JSON', () => {
		const staticData = {};
		const state = TriggerState.load(staticData, 'config', new Date('2026-12-01T00:00:00Z'));
		expect(state.fresh).toBe(true);
		for (let i = 0; i <= EMITTED_WINDOW_SIZE; i++) state.remember(`r${i}`);
		expect(state.hasEmitted('r0')).toBe(false);
		expect(state.hasEmitted('r1')).toBe(true);
		expect(state.hasEmitted(`r${EMITTED_WINDOW_SIZE}`)).toBe(true);
		state.save(staticData);
		const reloaded = TriggerState.load(
			JSON.parse(JSON.stringify(staticData)),
			'config',
			new Date('2026-12-02T00:00:00Z'),
		);
		expect(reloaded.fresh).toBe(false);
		expect(reloaded.startedAt).toBe('2026-12-01T00:00:00.000Z');
		expect(reloaded.hasEmitted('r1')).toBe(true);
		// About 30 bytes per remembered item.
		expect(JSON.stringify(staticData).length).toBeLessThan(EMITTED_WINDOW_SIZE * 30);
	});

	it('another configuration starts over; a poll works on a copy until it saves', () => {
		const staticData = {};
		const state = TriggerState.load(staticData, 'a', new Date());
		state.source('inbox').link = 'https://graph.example/v1.0/x?$deltatoken=1';
		state.save(staticData);
		const copy = TriggerState.load(staticData, 'a', new Date());
		copy.source('inbox').link = 'changed';
		expect(TriggerState.load(staticData, 'a', new Date()).source('inbox').link).toBe(
			'https://graph.example/v1.0/x?$deltatoken=1',
		);
		expect(TriggerState.load(staticData, 'b', new Date()).fresh).toBe(true);
	});

	it('another configuration keeps the emitted window (not the cursors, nor the known table)', () => {
		const staticData = {};
		const state = TriggerState.load(staticData, 'a', new Date('2026-12-01T00:00:00Z'));
		state.source('inbox').link = 'https://graph.example/v1.0/x?$deltatoken=1';
		state.remember('r1');
		state.known.k = 'f';
		state.save(staticData);
		const other = TriggerState.load(staticData, 'b', new Date('2026-12-02T00:00:00Z'));
		expect(other.fresh).toBe(true);
		expect(other.startedAt).toBe('2026-12-02T00:00:00.000Z');
		expect(other.hasEmitted('r1')).toBe(true);
		expect(other.source('inbox')).toEqual({ initial: true });
		expect(other.known.k).toBeUndefined();
	});

	it('a first round that lost its sync state starts again as a first round, of a folder that joined later too', () => {
		expect(cursorAfterLostSync({ initial: true, link: 'x' })).toEqual({ initial: true });
		const joinedAfter = '2026-12-01T00:00:00.000Z';
		expect(cursorAfterLostSync({ initial: true, link: 'x', joinedAfter })).toEqual({
			initial: true,
			joinedAfter,
		});
	});

	it('hashes IDs to 12 characters', () => {
		expect(digest('AAMkAGI2TG93AAA=')).toHaveLength(12);
		expect(digest('a')).not.toBe(digest('b'));
	});
});
