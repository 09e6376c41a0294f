/**
 * imapflow's private API, in one place. The trigger needs two things imapflow does not export as
 * public API: its SEARCH compiler (criteria object → IMAP syntax) and its command runner, for raw
 * SEARCH criteria typed by the user (the public search() takes only an object).
 *
 * Checked against imapflow IMAPFLOW_VERIFIED_VERSION (dist/cjs/imap-flow.js exec() and preCheck,
 * dist/cjs/search-compiler.js). test/shared/imap/imapflow-shim.test.ts fails when an upgrade
 * changes them: re-read those files, adjust this shim, then bump the version below.
 */
import type { ImapFlow, SearchObject } from 'imapflow';
import { searchCompiler } from 'imapflow/lib/search-compiler';

export const IMAPFLOW_VERIFIED_VERSION = '2.10.2';

export type ImapAttribute =
	| { type: 'ATOM' | 'STRING' | 'SEQUENCE'; value: string }
	/** Sent as {n} and the bytes: how imapflow's compiler sends non-ASCII search text. */
	| { type: 'LITERAL'; value: Buffer };
export type ImapAttributes = Array<ImapAttribute | ImapAttributes>;

/** The private members of ImapFlow this shim uses. */
interface ImapFlowInternals {
	/** Ends IDLE before a command, the way imapflow's run() does (a command sent during IDLE is never answered). */
	preCheck?: false | (() => Promise<void>);
	exec(
		command: string,
		attributes: ImapAttributes,
		options: {
			untagged: Record<
				string,
				(untagged: { attributes?: Array<{ value?: unknown }>; numbers?: number[] }) => Promise<void>
			>;
		},
	): Promise<{ next(): void }>;
}

/** SEARCH criteria as IMAP attributes, built by imapflow's own compiler. */
export function compileSearch(client: unknown, criteria: SearchObject): ImapAttributes {
	return Object.keys(criteria).length
		? (searchCompiler(client as ImapFlow, criteria) as unknown as ImapAttributes)
		: [];
}

/** `UID SEARCH <attributes>` through imapflow's command runner: the UIDs the server returned. */
export async function rawUidSearch(client: unknown, attributes: ImapAttributes): Promise<number[]> {
	const internal = client as ImapFlowInternals;
	if (typeof internal.preCheck === 'function') await internal.preCheck();
	const found: number[] = [];
	const response = await internal.exec('UID SEARCH', attributes, {
		untagged: {
			SEARCH: async (untagged) => {
				if (untagged.numbers) found.push(...untagged.numbers);
				else for (const attribute of untagged.attributes ?? []) found.push(Number(attribute.value));
			},
		},
	});
	response.next();
	return found;
}
