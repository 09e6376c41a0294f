import type {
	INodeType,
	IRun,
	INodeTypeDescription,
	ITriggerFunctions,
	ITriggerResponse,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { outlookAppOnlyApiTest } from '../shared/auth/appOnlyCredentialTest';
import { properties } from './description';
import { listSearch } from './methods';
import { readSettings, signedInUser } from './settings';
import { deduplicationKey } from './deduplication';
import { onHostStop } from './hostStop';
import { InFlight, drainBudgetMs } from './inFlight';
import {
	APP_ONLY_MAILBOX_REQUIRED,
	MISSING_PERMISSION_MESSAGE,
	credentialAllowsImap,
	imapTokenSource,
	triggerAuthentication,
} from './token';
import { ImapWatcher } from './watcher';
import { knownSecrets, logFor, redactError, rememberSecrets, tokenForms } from '../shared/redact';

/** How many of the newest messages a manual run in the editor emits, to show the data's shape. */
const MANUAL_SAMPLE_SIZE = 3;

/**
 * How long activation waits for the folder to open. A trigger that cannot work (credential
 * refused, folder missing, login refused) then fails its activation, and n8n retries it with a
 * growing delay instead of the trigger reporting the same error every few seconds. A failure that
 * comes later (a slow sign-in or login) is reported through emitError, like any other.
 */
const ACTIVATION_WAIT_MS = 30_000;

export class OutlookImapTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Outlook IMAP Trigger',
		// Its own entry in n8n's node panel ("Outlook IMAP"): n8n files a trigger under an action node
		// only when its type is that node's plus "Trigger" (editor-ui generateMergedNodesAndActions),
		// and the community-node lint wants a trigger's name to end in "Trigger", so one trigger can
		// join Outlook Mail: the Outlook Trigger (outlookMailTrigger) does.
		name: 'outlookImapTrigger',
		icon: { light: 'file:outlook.svg', dark: 'file:outlook.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["mailbox"] || "Own mailbox"}}',
		description:
			'Starts the workflow when mail arrives in an Outlook or Microsoft 365 mailbox (IMAP IDLE, OAuth2 or app-only)',
		eventTriggerDescription: 'Waiting for you to send an email to the mailbox',
		defaults: { name: 'Outlook IMAP Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		// Authentication chooses the credential (nodes/shared/auth/authenticationDescription.ts);
		// written inline because the lint rule credential-test-required reads literal arrays only.
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

	methods = { listSearch, credentialTest: { outlookAppOnlyApiTest } };

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		try {
			return await startTrigger.call(this);
		} catch (error) {
			// Activation errors pass the one redaction step too (shared/redact.ts).
			throw redactError(error, this.getNode(), knownSecrets(this));
		}
	}
}

/**
 * Activation: the token source, the settings and the watcher. Everything the trigger hands to n8n
 * (errors, log lines) passes the one redaction step with the secrets known for this activation:
 * the credential's, the rotated tokens and the current IMAP token in the forms it is sent.
 */
async function startTrigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
	const node = this.getNode();
	const log = logFor(this);
	const redacted = (message: string, description?: string) =>
		redactError(new NodeOperationError(node, message, { description }), node, knownSecrets(this));
	const authentication = triggerAuthentication(this.getNodeParameter('authentication', 'oAuth2'));
	const source = await imapTokenSource(this, authentication);
	const { credential } = source;
	if (authentication === 'oAuth2' && !credentialAllowsImap(credential))
		throw new NodeOperationError(node, MISSING_PERMISSION_MESSAGE);
	// The token goes only to the credential's IMAP host (readEndpoint checks the node's option).
	const settings = readSettings(this, credential);
	if (authentication === 'appOnly' && !settings.endpoint.user)
		throw new NodeOperationError(node, APP_ONLY_MAILBOX_REQUIRED);
	const user = settings.endpoint.user ?? (await signedInUser(this, credential));
	const manual = this.getMode() === 'manual';
	// The emits whose executions n8n has not finished yet (inFlight.ts).
	const inFlight = new InFlight(log, () => this.helpers.createDeferredPromise<IRun>());

	const watcher = new ImapWatcher({
		endpoint: { ...settings.endpoint, user },
		folder: settings.folder,
		start: settings.start,
		filters: settings.filters,
		afterEmit: settings.afterEmit,
		output: settings.output,
		receive: settings.receive,
		alertAfterMs: settings.alertAfterMs,
		// The same trigger across n8n's re-activations in this process (watcher.ts recentReports).
		reportScope: `${this.getWorkflow().id ?? ''}/${node.id}/${user}/${settings.folder}`,
		failActivation: !manual,
		staticData: this.getWorkflowStaticData('node'),
		getToken: async (options) => {
			const token = await source.getToken(options);
			rememberSecrets(this, 'imapToken', tokenForms(user, token.accessToken));
			return token;
		},
		retryLoginWithFreshToken: source.retryLoginWithFreshToken,
		loginFix: source.loginFix(user),
		prepareBinary: async (data, fileName, mimeType) =>
			await this.helpers.prepareBinaryData(data, fileName, mimeType),
		emit: (items, message) => {
			if (manual) return this.emit([items]);
			const json = items[0]?.json ?? {};
			const subject = typeof json.subject === 'string' ? json.subject : undefined;
			// n8n refuses a second execution of the same message, whatever static data a restart
			// reads (deduplication.ts).
			const key = message
				? deduplicationKey(
						this.getWorkflow().id,
						node.id,
						`${user.toLowerCase()}/${settings.folder}`,
						message,
					)
				: undefined;
			this.emit([items], undefined, inFlight.track({ uid: Number(json.uid), subject }), key);
		},
		emitError: (error) => this.emitError(redacted(error.message, error.description)),
		logger: log,
		sample: manual ? MANUAL_SAMPLE_SIZE : undefined,
	});

	// Once n8n is told to stop, nothing more is emitted (hostStop.ts), and closing waits for the
	// executions of what was emitted to be created while n8n's database is still open
	// (inFlight.ts: an emit racing n8n's shutdown can lose its execution while the cursor covering
	// it is saved).
	let hostStopping = false;
	const releaseHostStop = onHostStop(() => {
		hostStopping = true;
		void watcher.stop();
	});
	const logger = log;
	const closeFunction = async () => {
		releaseHostStop();
		await watcher.stop();
		if (!hostStopping || !inFlight.size) return;
		const budgetMs = drainBudgetMs();
		const waiting = inFlight.size;
		const started = Date.now();
		logger.info(
			`Outlook IMAP Trigger: n8n is stopping; waiting up to ${budgetMs / 1000} s for n8n to start the executions of ${waiting} emitted message(s)`,
		);
		const left = await inFlight.drain(budgetMs);
		logger.info(
			`Outlook IMAP Trigger: ${waiting - left} of ${waiting} emitted message(s) settled in ${Date.now() - started} ms${left ? `; ${left} execution(s) still running, started long before` : ''}`,
		);
	};
	if (manual) {
		// The editor waits for the first emit: the newest messages, or the next one to arrive.
		// A run that cannot connect ends with the error (n8n awaits this before the emitted data).
		return {
			closeFunction,
			manualTriggerFunction: async () => {
				watcher.start();
				try {
					await watcher.sampled;
				} catch (error) {
					await watcher.stop();
					const { message, description } = error as Error & { description?: string };
					throw redacted(message, description);
				}
			},
		};
	}
	watcher.start();
	const failure = await watcher.firstOutcome(ACTIVATION_WAIT_MS);
	if (failure && failure.class !== 'transient') {
		releaseHostStop();
		await watcher.stop();
		throw redacted(failure.message, failure.description);
	}
	return { closeFunction };
}
