import type {
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { outlookAppOnlyApiTest } from '../shared/auth/appOnlyCredentialTest';
import { optionSubtitle } from '../shared/resources';
import { GraphTransport } from '../shared/graph/client';
import { knownSecrets, redactError } from '../shared/redact';
import { TriggerState } from './cursor';
import { properties } from './description';
import { pollContacts } from './contacts';
import { CONTACT_EVENTS } from './description';
import { pollCalendarChanges, pollStartingSoon } from './events';
import { pollFlagged } from './flags';
import { pollMessages } from './messages';
import { listSearch, loadOptions } from './methods';
import { sample } from './sample';
import { configFingerprint, readSettings } from './settings';

/** n8n abandons a poll after its budget; paging stops at half of it and the rest waits for the next poll. */
const DEFAULT_POLL_BUDGET_MS = 5 * 60_000;

export class OutlookTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Outlook Trigger',
		// n8n's node panel files a trigger under the action node whose type is its own without
		// "Trigger" (editor-ui generateMergedNodesAndActions: name.replace('Trigger', '')): this
		// trigger's events are listed among Outlook Mail's triggers, not as a separate "Outlook".
		name: 'outlookMailTrigger',
		icon: { light: 'file:outlook.svg', dark: 'file:outlook.dark.svg' },
		group: ['trigger'],
		version: 1,
		// The words the Trigger On dropdown shows ("Message Received").
		subtitle: optionSubtitle(properties.find((p) => p.name === 'event')!),
		// Merged under Outlook Mail, n8n's node panel shows this text for Outlook Mail's entry: it
		// says what both do.
		description:
			'Send, read and organise Outlook and Microsoft 365 mail, and start workflows on new, changed or flagged mail, calendar events and contacts (Microsoft Graph)',
		eventTriggerDescription: '',
		defaults: { name: 'Outlook Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		// Authentication chooses the credential (nodes/shared/auth/authenticationDescription.ts);
		// GraphTransport.create reads it, so the delta requests are the same with either.
		credentials: [
			{
				name: 'outlookOAuth2Api',
				required: true,
				displayOptions: { show: { authentication: ['oAuth2'] } },
			},
			{
				name: 'outlookAppOnlyApi',
				required: true,
				displayOptions: { show: { authentication: ['appOnly'] } },
				testedBy: 'outlookAppOnlyApiTest',
			},
		],
		properties,
	};

	methods = { listSearch, loadOptions, credentialTest: { outlookAppOnlyApiTest } };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		try {
			return await pollOnce.call(this);
		} catch (error) {
			// The one redaction step (shared/redact.ts), with the secrets this poll's transport knew.
			throw redactError(error, this.getNode(), knownSecrets(this));
		}
	}
}

/** One poll: read the settings, page the deltas, move the cursors with the items they cover. */
async function pollOnce(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const settings = readSettings(this);
	const transport = await GraphTransport.create(this);
	const now = new Date();
	if (this.getMode() === 'manual') {
		const items = await sample(this, transport, settings, now);
		return items.length ? [items] : null;
	}
	const staticData = this.getWorkflowStaticData('node');
	const state = TriggerState.load(staticData, configFingerprint(settings), now);
	const budget =
		typeof this.getPollBudgetMs === 'function' ? this.getPollBudgetMs() : DEFAULT_POLL_BUDGET_MS;
	const limits = { deadline: Date.now() + budget / 2, maxItems: settings.maxItemsPerPoll };
	let items: INodeExecutionData[];
	if (settings.event === 'messageReceived' || settings.event === 'messageUpdated') {
		items = await pollMessages(this, transport, settings, state, now, limits);
	} else if (settings.event === 'messageFlagged') {
		items = await pollFlagged(this, transport, settings, state, now, limits);
	} else if (CONTACT_EVENTS.includes(settings.event)) {
		items = await pollContacts(this, transport, settings, state, now, limits);
	} else if (settings.event === 'eventStartingSoon') {
		items = await pollStartingSoon(transport, settings, state, now, limits);
	} else {
		items = await pollCalendarChanges(this, transport, settings, state, now);
	}
	// The cursors move in the same step as the items they cover: n8n saves both after this poll.
	state.save(staticData);
	return items.length ? [items] : null;
}
