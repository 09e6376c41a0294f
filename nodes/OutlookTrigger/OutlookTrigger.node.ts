import type {
	IHookFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { outlookAppOnlyApiTest } from '../shared/auth/appOnlyCredentialTest';
import { optionSubtitle } from '../shared/resources';
import { GraphTransport } from '../shared/graph/client';
import { knownSecrets, redactError } from '../shared/redact';
import { TriggerState } from './cursor';
import { properties, PUSH_EVENTS } from './description';
import { listSearch, loadOptions } from './methods';
import {
	checkSubscription,
	createPushSubscription,
	deletePushSubscription,
	PUSH_WEBHOOK,
	pushPoll,
	receiveNotifications,
} from './push';
import { sample } from './sample';
import { configFingerprint, readSettings } from './settings';
import { DEFAULT_SYNC_BUDGET_MS, syncChanges, syncLimits } from './sync';
import { ownerKey } from './wake';

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
		// Push mode's notification URL. The method is empty unless Delivery is Push for an event Graph
		// notifies of, and n8n registers no webhook for an empty method: a polling trigger has none
		// (docs/outlook-trigger.md). The events are PUSH_EVENTS (description.ts), written into the expression.
		webhooks: [
			{
				name: PUSH_WEBHOOK,
				httpMethod: `={{$parameter["delivery"] === "push" && ${JSON.stringify(PUSH_EVENTS)}.includes($parameter["event"]) ? "POST" : ""}}`,
				responseMode: 'onReceived',
				path: 'notifications',
				ndvHideUrl: true,
				ndvHideMethod: true,
			},
		],
		properties,
	};

	methods = { listSearch, loadOptions, credentialTest: { outlookAppOnlyApiTest } };

	// Errors go through the one redaction step (shared/redact.ts), as the poll's do.
	webhookMethods = {
		default: {
			checkExists: async function (this: IHookFunctions): Promise<boolean> {
				return await redacted(this, async () => await checkSubscription.call(this));
			},
			create: async function (this: IHookFunctions): Promise<boolean> {
				return await redacted(this, async () => await createPushSubscription.call(this));
			},
			delete: async function (this: IHookFunctions): Promise<boolean> {
				return await redacted(this, async () => await deletePushSubscription.call(this));
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await redacted(this, async () => await receiveNotifications.call(this));
	}

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		try {
			return await pollOnce.call(this);
		} catch (error) {
			// The one redaction step (shared/redact.ts), with the secrets this poll's transport knew.
			throw redactError(error, this.getNode(), knownSecrets(this));
		}
	}
}

/** Runs `fn`; what it throws passes the one redaction step with the secrets this context knew. */
async function redacted<T>(
	ctx: IHookFunctions | IWebhookFunctions,
	fn: () => Promise<T>,
): Promise<T> {
	try {
		return await fn();
	} catch (error) {
		throw redactError(error, ctx.getNode(), knownSecrets(ctx));
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
	if (settings.delivery === 'push') {
		const items = await pushPoll(this, transport, settings, now);
		return items.length ? [items] : null;
	}
	const staticData = this.getWorkflowStaticData('node');
	const budget =
		typeof this.getPollBudgetMs === 'function' ? this.getPollBudgetMs() : DEFAULT_SYNC_BUDGET_MS;
	// One poll of a trigger at a time, each from the cursor the one before left: n8n 2.41 starts a
	// scheduled poll whether or not the previous one returned (ScheduledTaskManager fires each Poll
	// Times entry on its own; TriggersAndPollers.runPollFunction only counts the overlap), and two
	// polls reading the same saved cursor would each emit the same changes.
	const items = await oneAtATime(ownerKey(this.getWorkflow().id, this.getNode()), async () => {
		const started = new Date();
		const state = TriggerState.load(staticData, configFingerprint(settings), started);
		const found = await syncChanges(
			this,
			transport,
			settings,
			state,
			started,
			syncLimits(settings, budget),
		);
		// The cursors move in the same step as the items they cover: n8n saves both after this poll.
		state.save(staticData);
		return found;
	});
	return items.length ? [items] : null;
}

/** The tail of each trigger's queue of polls (polling delivery; push mode queues on its owner). */
const pollQueues = new Map<string, Promise<unknown>>();

/** Runs `fn` after the polls of the same trigger queued before it. */
async function oneAtATime<T>(key: string, fn: () => Promise<T>): Promise<T> {
	const run = (pollQueues.get(key) ?? Promise.resolve()).then(fn, fn);
	const tail = run.then(
		() => undefined,
		() => undefined,
	);
	pollQueues.set(key, tail);
	void tail.then(() => {
		if (pollQueues.get(key) === tail) pollQueues.delete(key);
	});
	return await run;
}
