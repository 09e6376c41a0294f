import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { appOnlyAccessHint } from '../auth/appOnlyErrors';
import { describeMicrosoftError, explainMicrosoftError } from '../auth/microsoft-errors';
import { PERMISSION_GROUPS, scopeIncludes } from '../auth/scopes';

/** Graph codes for a missing Exchange right (Send As, Send on Behalf) rather than a Graph permission. */
const SENDER_RIGHT_CODES = new Set(['ERRORSENDASDENIED']);

/** Graph's error body: https://learn.microsoft.com/graph/errors */
export interface GraphErrorBody {
	error?: { code?: string; message?: string; innerError?: Record<string, unknown> };
}

export interface GraphFailure {
	status: number;
	body: unknown;
	method: string;
	/** Path relative to the Graph version root, without the query string. */
	path: string;
	attempts?: number;
	retryAfter?: string | null;
}

export interface ErrorContext {
	node: INode;
	itemIndex?: number;
	/** The delegated permission the operation needs, e.g. Mail.Send. */
	permission?: string;
	/** What the operation does, for the message: "send mail". */
	action?: string;
	/** For a 404: what is missing and the fix, instead of the generic text. */
	notFound?: string;
	/** The scope string Microsoft granted (oauthTokenData.scope). */
	grantedScope?: string;
	/** Set for the app-only credential: the token's roles (application permissions) and the app's ID. */
	appOnly?: { roles?: string[]; clientId?: string };
}

export function graphErrorParts(body: unknown): { code: string; message: string } {
	let parsed = body;
	if (typeof body === 'string') {
		try {
			parsed = JSON.parse(body);
		} catch {
			return { code: '', message: body.slice(0, 500) };
		}
	}
	const error = (parsed as GraphErrorBody | undefined)?.error;
	return { code: error?.code ?? '', message: error?.message ?? '' };
}

function permissionHint(ctx: ErrorContext): string | undefined {
	if (!ctx.permission) return undefined;
	// X.ReadWrite grants everything X.Read does, and X.ReadWrite.Shared what X.Read.Shared does (the
	// trigger names Mail.Read.Shared, the credential offers Mail.ReadWrite.Shared): a 403 for a read
	// with the ReadWrite variant granted is not the scope, and the choice to add is the one offered.
	const readWrite = /\.Read(\.Shared)?$/.test(ctx.permission)
		? ctx.permission.replace(/\.Read(\.Shared)?$/, '.ReadWrite$1')
		: undefined;
	const group =
		PERMISSION_GROUPS.find((g) => g.graphScopes.includes(ctx.permission as string)) ??
		(readWrite ? PERMISSION_GROUPS.find((g) => g.graphScopes.includes(readWrite)) : undefined);
	const choice = group ? `*${group.name}*` : ctx.permission;
	const granted =
		scopeIncludes(ctx.grantedScope, ctx.permission) ||
		(readWrite !== undefined && scopeIncludes(ctx.grantedScope, readWrite));
	const what = ctx.action ? ` to ${ctx.action}` : '';
	if (ctx.grantedScope && granted) {
		return (
			`${ctx.permission} is needed${what}. The credential holds it, so the mailbox owner has not given you access ` +
			'to this mailbox or folder (for shared mailboxes: Full Access or folder permissions in Exchange).'
		);
	}
	if (ctx.grantedScope) {
		return (
			`${ctx.permission} is needed${what}, and the credential's granted permissions do not include it. ` +
			`Add ${choice} to the credential's permissions, grant it in the app registration, and reconnect.`
		);
	}
	return `${ctx.permission} is needed${what}; add ${choice} to the credential's permissions, grant it in the app registration, and reconnect.`;
}

/**
 * The fix texts name "the Mailbox field" and "My Mailbox"; Outlook Calendar (OAuth2) calls that
 * field Calendar Owner and the option Me (nodes/shared/descriptions.ts mailboxProperties).
 */
function inNodeWords(text: string, node: INode): string {
	const calendarOwner =
		/(^|\.)outlookCalendar$/.test(node.type) && node.parameters?.authentication !== 'appOnly';
	if (!calendarOwner) return text;
	return text
		.replace(/\bMailbox field\b/g, 'Calendar Owner field')
		.replace(/"My Mailbox"/g, '"Me"');
}

/**
 * A failed Graph response as a NodeApiError that says what happened and what to do. The original
 * Graph code stays in the message so users can search for it.
 */
export function graphApiError(failure: GraphFailure, ctx: ErrorContext): NodeApiError {
	const { code, message } = graphErrorParts(failure.body);
	const status = failure.status;
	const head = `Microsoft Graph answered ${status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`;
	// Known Microsoft codes are rewritten into cause and fix (nodes/shared/auth/microsoft-errors.ts);
	// the code itself stays in the message.
	const explained = explainMicrosoftError({ code, message, status });
	let description: string | undefined;
	if (status === 403) {
		description =
			// Not a Graph permission but an Exchange right on the From address: say which one.
			(SENDER_RIGHT_CODES.has(code.toUpperCase())
				? describeMicrosoftError({ code, message, status })
				: undefined) ??
			(ctx.appOnly && appOnlyAccessHint({ ...ctx.appOnly, ...ctx, code, message })) ??
			permissionHint(ctx) ??
			describeMicrosoftError({ code, message, status }) ??
			'The credential lacks a permission for this operation, or the mailbox owner has not shared it with you.';
	} else if (status === 404 && ctx.notFound) {
		// The operation knows what is missing (a category, a rule, a room list) and how to fix it.
		description = ctx.notFound;
	} else if (
		(status === 429 || status === 503 || status === 504) &&
		failure.attempts &&
		failure.attempts > 1
	) {
		const advice =
			explained?.fix ??
			"Try later, lower the workflow's rate, or raise Max Retries in the credential.";
		description = `Microsoft Graph was still throttling or unavailable after ${failure.attempts} attempts. ${advice}`;
	} else if (explained) {
		description = `${explained.cause} ${explained.fix}`;
	} else if (status === 401) {
		description =
			'The access token was refused even after n8n refreshed it. Open the credential and click Reconnect.';
	} else if (status === 404) {
		description =
			'The item, folder or mailbox does not exist or is not visible to the connected account. Check the ID and the Mailbox field.';
	}
	if (description) description = inNodeWords(description, ctx.node);
	const attempts =
		failure.attempts && failure.attempts > 1 ? ` (after ${failure.attempts} attempts)` : '';
	const text = `${head}${attempts}`;
	const error = new NodeApiError(
		ctx.node,
		{ status, code, message, method: failure.method, path: failure.path } as JsonObject,
		{
			message: text,
			description,
			httpCode: String(status),
			itemIndex: ctx.itemIndex,
		},
	);
	// NodeApiError swaps a message containing a Node.js error code for a network text, and
	// "ResourceNotFound" contains "ENOTFOUND": keep Graph's own words.
	if (error.message !== text) {
		error.messages = error.messages.filter((m) => m !== text);
		error.message = text;
	}
	return error;
}
