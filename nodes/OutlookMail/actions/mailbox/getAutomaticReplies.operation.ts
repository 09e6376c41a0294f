import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { getMailboxRoot, updateDisplayOptions } from '../../../shared/descriptions';
import { GraphTransport } from '../../../shared/graph/client';
import { settingsPermission, simplifyAutomaticReplies } from '../../helpers/automaticReplies';
import type { OperationDeclaration } from '../../../shared/declarations';

const properties: INodeProperties[] = [];

export const declaration: OperationDeclaration = { does: 'read' };

export const description = updateDisplayOptions(
	{ show: { resource: ['mailbox'], operation: ['getAutomaticReplies'] } },
	properties,
);

/**
 * `GET {mailbox}/mailboxSettings` (Graph's description of the mail API has no path for the
 * `automaticRepliesSetting` property alone; `$select` asks for just it and the time zone).
 * https://learn.microsoft.com/graph/api/user-get-mailboxsettings
 */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const root = getMailboxRoot(this, i);
	const transport = await GraphTransport.create(this, i);
	const settings = await transport.request<IDataObject>({
		method: 'GET',
		path: `${root}/mailboxSettings`,
		query: { $select: 'automaticRepliesSetting,timeZone' },
		itemIndex: i,
		...settingsPermission(this, i, 'read', 'read automatic replies'),
	});
	return {
		...simplifyAutomaticReplies(settings.automaticRepliesSetting as IDataObject | undefined),
		mailboxTimeZone: settings.timeZone,
	};
}
