/**
 * One delta sync of the trigger: the step that polling runs at Poll Times and that a change
 * notification runs at once in push mode. Both modes go through here, on the same cursors in static
 * data (cursor.ts), so an item comes from the delta cursor exactly once whichever wakes the sync.
 */
import type { BinaryHelperFunctions, INode, INodeExecutionData, Logger } from 'n8n-workflow';

import type { GraphTransport } from '../shared/graph/client';
import { pollContacts } from './contacts';
import type { TriggerState } from './cursor';
import { CONTACT_EVENTS } from './description';
import { pollCalendarChanges, pollStartingSoon } from './events';
import { pollFlagged } from './flags';
import type { PollLimits } from './messages';
import { pollMessages } from './messages';
import type { TriggerSettings } from './settings';

/** What a sync needs of an n8n context: the poll's and the webhook's both have it. */
export interface SyncContext {
	getNode(): INode;
	logger: Logger;
	helpers: Pick<BinaryHelperFunctions, 'prepareBinaryData'>;
}

/** n8n abandons a poll after its budget; paging stops at half of it and the rest waits for the next sync. */
export const DEFAULT_SYNC_BUDGET_MS = 5 * 60_000;

export function syncLimits(settings: TriggerSettings, budgetMs: number): PollLimits {
	return { deadline: Date.now() + budgetMs / 2, maxItems: settings.maxItemsPerPoll };
}

/** Runs the delta rounds of the configured event; the state's cursors move with the returned items. */
export async function syncChanges(
	ctx: SyncContext,
	transport: GraphTransport,
	settings: TriggerSettings,
	state: TriggerState,
	now: Date,
	limits: PollLimits,
): Promise<INodeExecutionData[]> {
	if (settings.event === 'messageReceived' || settings.event === 'messageUpdated') {
		return await pollMessages(ctx, transport, settings, state, now, limits);
	}
	if (settings.event === 'messageFlagged') {
		return await pollFlagged(ctx, transport, settings, state, now, limits);
	}
	if (CONTACT_EVENTS.includes(settings.event)) {
		return await pollContacts(ctx, transport, settings, state, now, limits);
	}
	if (settings.event === 'eventStartingSoon') {
		return await pollStartingSoon(transport, settings, state, now, limits);
	}
	return await pollCalendarChanges(ctx, transport, settings, state, now);
}
