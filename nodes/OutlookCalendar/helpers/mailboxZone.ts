/**
 * The default time zone of the calendar operations: the mailbox's own (Outlook's Settings →
 * Calendar → Time zone, Graph's `mailboxSettings.timeZone`), read once per execution and mailbox;
 * the workflow's time zone when the credential may not read mailbox settings (MailboxSettings.Read
 * is not among the common permissions), with a hint in the output pane and the log, never an error.
 * https://learn.microsoft.com/graph/api/user-get-mailboxsettings
 *
 * `mailboxSettings.timeZone` is a Windows name ("W. Europe Standard Time") or, when set through
 * Graph, an IANA name; resolveZone maps either with CLDR's windowsZones (windows-iana). A custom
 * zone (`tzone://Microsoft/Custom`) has no IANA equivalent: the workflow's zone is used then too.
 */
import type { IDataObject, IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

import { getMailboxRoot } from '../../shared/descriptions';
import { GraphTransport } from '../../shared/graph/client';
import type { CalendarZone } from './timeZones';
import { resolveZone, zoneFromParameter } from './timeZones';
import { logFor } from '../../shared/redact';

/** Graph's delegated permissions that allow GET mailboxSettings of the signed-in user. */
const MAILBOX_SETTINGS_SCOPES = /(^|[\s/])MailboxSettings\.(Read|ReadWrite)(\s|$)/i;

interface MailboxDefault {
	zone: CalendarZone;
	/** Why the workflow's zone is used instead of the mailbox's; undefined when it is the mailbox's. */
	fallback?: string;
}

/** One lookup per execution (the context object) and mailbox root. */
const lookups = new WeakMap<IExecuteFunctions, Map<string, Promise<MailboxDefault>>>();
/** One hint per execution and reason. */
const hinted = new WeakMap<IExecuteFunctions, Set<string>>();

function workflowZone(
	ctx: IExecuteFunctions | ILoadOptionsFunctions,
	itemIndex: number,
): CalendarZone {
	return zoneFromParameter(ctx, itemIndex, '');
}

/** The mailbox's zone as the node reads it when it runs (the Time Zone list names it the same way). */
async function readMailboxZone(
	ctx: IExecuteFunctions | ILoadOptionsFunctions,
	itemIndex: number,
	root: string,
): Promise<MailboxDefault> {
	const transport = await GraphTransport.create(ctx, itemIndex);
	const workflow = workflowZone(ctx, itemIndex);
	const label =
		root === '/me' ? 'your mailbox' : `the mailbox ${decodeURIComponent(root.slice(7))}`;
	// The delegated token says what it grants: without MailboxSettings.Read the request would be a 403.
	if (
		transport.grantedScope !== undefined &&
		!MAILBOX_SETTINGS_SCOPES.test(transport.grantedScope)
	) {
		return {
			zone: workflow,
			fallback: `The credential has no Read Mailbox Settings permission (MailboxSettings.Read), so times without an offset are read in the workflow's time zone ${workflow.iana}, not in the time zone of ${label}. Add the permission to the credential and reconnect, or set Time Zone.`,
		};
	}
	let settings: IDataObject;
	try {
		settings = await transport.request<IDataObject>({
			method: 'GET',
			path: `${root}/mailboxSettings`,
			itemIndex,
			permission: 'MailboxSettings.Read',
			action: 'read mailbox settings',
		});
	} catch (error) {
		const status = Number((error as { httpCode?: string }).httpCode);
		const why =
			status === 403 || status === 401
				? 'Microsoft refused to read its mailbox settings (MailboxSettings.Read is missing, or the mailbox is not yours)'
				: `its mailbox settings could not be read (${(error as Error).message})`;
		return {
			zone: workflow,
			fallback: `Times without an offset are read in the workflow's time zone ${workflow.iana}, not in the time zone of ${label}: ${why}. Set Time Zone to choose one.`,
		};
	}
	const name = typeof settings.timeZone === 'string' ? settings.timeZone.trim() : '';
	const zone = name ? resolveZone(name) : undefined;
	if (!zone) {
		return {
			zone: workflow,
			fallback: `The time zone of ${label} ("${name || 'not set'}") has no IANA equivalent, so times without an offset are read in the workflow's time zone ${workflow.iana}. Set Time Zone to choose one.`,
		};
	}
	return { zone };
}

/**
 * The Time Zone list's first entry (the empty value): named after the zone the node then uses, read
 * the way the run reads it, so the label, the default and the behaviour agree: "Mailbox Time Zone
 * (Europe/Berlin)", or "Workflow Time Zone (…)" with the reason when the mailbox's cannot be read.
 */
export async function defaultZoneOption(
	ctx: ILoadOptionsFunctions,
): Promise<{ name: string; value: ''; description: string }> {
	let found: MailboxDefault;
	try {
		found = await readMailboxZone(ctx, 0, getMailboxRoot(ctx));
	} catch (error) {
		// No credential chosen yet, or one that cannot sign in: the run reads the mailbox's zone then.
		return {
			name: "Mailbox Time Zone (the mailbox's, read when the node runs)",
			value: '',
			description: `The time zone of the mailbox's Outlook settings; the workflow's time zone ${workflowZone(ctx, 0).iana} when the credential may not read mailbox settings. (${(error as Error).message})`,
		};
	}
	if (found.fallback)
		return {
			name: `Workflow Time Zone (${found.zone.iana})`,
			value: '',
			description: found.fallback,
		};
	return {
		name: `Mailbox Time Zone (${found.zone.iana})`,
		value: '',
		description: `The time zone of the mailbox's Outlook settings (${found.zone.windows})`,
	};
}

/**
 * The zone of an item: the Time Zone field when set (field-named error if unknown), else the
 * mailbox's time zone, else the workflow's (with a hint).
 */
export async function zoneFor(
	ctx: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
	field = 'Time Zone',
): Promise<CalendarZone> {
	if (typeof value === 'string' && value.trim())
		return zoneFromParameter(ctx, itemIndex, value, field);
	const root = getMailboxRoot(ctx, itemIndex);
	let perMailbox = lookups.get(ctx);
	if (!perMailbox) lookups.set(ctx, (perMailbox = new Map()));
	let lookup = perMailbox.get(root);
	if (!lookup) perMailbox.set(root, (lookup = readMailboxZone(ctx, itemIndex, root)));
	const found = await lookup;
	if (found.fallback) {
		let done = hinted.get(ctx);
		if (!done) hinted.set(ctx, (done = new Set()));
		if (!done.has(found.fallback)) {
			done.add(found.fallback);
			ctx.addExecutionHints({ message: found.fallback, location: 'outputPane' });
			logFor(ctx).info(found.fallback);
		}
	}
	return found.zone;
}
