/**
 * n8n's deduplication key for the execution of one emitted message.
 *
 * n8n saves a trigger's static data fire-and-forget inside emit() (2.41:
 * `trigger-execution-context.factory.js`, `void saveStaticData(workflow)`), so the saves of emits
 * close together run side by side. On PostgreSQL they take different pool connections and can
 * commit out of order: the cursor written for an earlier message can land after the one for the
 * last, and a restart then reads a cursor one message behind what was emitted (seen in the
 * queue-mode e2e: the stored cursor went 5 → 7 while 8 had been emitted; after the restart,
 * message 8 ran again). The cursor alone cannot prevent that.
 *
 * emit()'s fourth argument closes the gap: n8n 2.41 stores it in a unique column of its executions
 * (migration AddExecutionDeduplicationKey1778000000000) and refuses a second execution with the
 * same key ("Scheduled execution skipped: duplicate deduplication key"). A message is named by
 * its folder's UIDVALIDITY and its UID (RFC 9051 §2.3.1.1), so the same message emitted again
 * after a restart is refused, and a rebuilt folder (new UIDVALIDITY) gives new keys. n8n before the
 * column ignores the argument. Keys are global in n8n's database, so the workflow and the node are
 * part of them; the rest is hashed to stay well under the column's 255 characters.
 */
import { createHash } from 'node:crypto';

import type { EmittedMessageId } from './sync';

export function deduplicationKey(
	workflowId: string | undefined,
	nodeId: string,
	mailbox: string,
	message: EmittedMessageId,
): string {
	const digest = createHash('sha256')
		.update(JSON.stringify([nodeId, mailbox, message.uidValidity, message.uid]))
		.digest('hex')
		.slice(0, 40);
	return `outlook-imap:${workflowId ?? 'unsaved'}:${digest}`;
}
