import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { CLOUD_ENVIRONMENTS } from '../../../shared/auth/environments';
import { getMailboxRoot, updateDisplayOptions } from '../../../shared/descriptions';
import { GraphTransport } from '../../../shared/graph/client';
import { segment } from '../../../shared/graph/request';
import type { OperationResult } from '../../../shared/router';
import { getMessageId, messageLocator } from '../../descriptions/locators';
import { runBatched } from '../../helpers/bulk';
import { mailPermission } from '../../helpers/permissions';
import type { OperationDeclaration } from '../../../shared/declarations';

const properties: INodeProperties[] = [
	messageLocator(),
	{
		displayName: 'Delete Permanently',
		name: 'permanent',
		type: 'boolean',
		default: false,
		description:
			'Whether to purge the message (on: Outlook and users cannot recover it) or move it to Deleted Items (off)',
	},
];

export const declaration: OperationDeclaration = { does: 'change' };

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['delete'] } },
	properties,
);

/**
 * To Deleted Items is a move to the well-known folder `deleteditems`. Permanently is the
 * `permanentDelete` action: it puts the message in the Purges folder of the mailbox's dumpster,
 * which Outlook cannot reach. `DELETE` would not do: it moves the message to Recoverable Items,
 * where the user can still restore it. `permanentDelete` is newer than the OpenAPI description the
 * package is checked against (test/support/graph-contract.ts allows it as a documented exception)
 * and Microsoft offers it in the global service only.
 * https://learn.microsoft.com/graph/api/message-permanentdelete, /graph/api/message-delete
 */
export async function executeAll(
	this: IExecuteFunctions,
	itemIndexes: number[],
): Promise<Array<OperationResult | Error>> {
	// An item whose Delete Permanently cannot be read fails alone, in build below.
	const purging = itemIndexes.filter((i) => {
		try {
			return this.getNodeParameter('permanent', i, false) === true;
		} catch {
			return false;
		}
	});
	const national = purging.length ? await nationalCloud(this, purging[0]) : undefined;
	return await runBatched(this, itemIndexes, (i) => {
		const root = getMailboxRoot(this, i);
		const messageId = getMessageId(this, i);
		const permanent = this.getNodeParameter('permanent', i, false) === true;
		if (permanent && national) {
			throw new NodeOperationError(
				this.getNode(),
				`Delete Permanently is not available in ${national}: Microsoft Graph offers permanentDelete in its global service only`,
				{
					itemIndex: i,
					description:
						'Turn Delete Permanently off to move the message to Deleted Items; purging it there needs Outlook or an administrator.',
				},
			);
		}
		const path = `${root}/messages/${segment(messageId)}`;
		const permission = mailPermission(this, i, 'write', 'delete messages');
		return {
			request: permanent
				? { method: 'POST', path: `${path}/permanentDelete`, itemIndex: i, ...permission }
				: {
						method: 'POST',
						path: `${path}/move`,
						body: { destinationId: 'deleteditems' },
						itemIndex: i,
						...permission,
					},
			output: () => ({ id: messageId, deleted: true, permanent }),
		};
	});
}

/** The national cloud the credential points at (its display name), or undefined for the global service. */
async function nationalCloud(
	ctx: IExecuteFunctions,
	itemIndex: number,
): Promise<string | undefined> {
	const transport = await GraphTransport.create(ctx, itemIndex);
	const origin = new URL(transport.graphBase).origin;
	const cloud = Object.entries(CLOUD_ENVIRONMENTS).find(
		([name, environment]) => name !== 'global' && new URL(environment.graph).origin === origin,
	);
	return cloud?.[1].displayName;
}
