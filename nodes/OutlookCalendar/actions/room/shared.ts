/** The room-list picker of the Room operations. */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { readLocator } from '../../../shared/locators';
import { isEmailAddress } from '../../helpers/addresses';

export function roomListLocator(overrides: Partial<INodeProperties> = {}): INodeProperties {
	return {
		displayName: 'Room List',
		name: 'roomList',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: 'A room list (a building or a floor, as the organisation groups its rooms)',
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchRoomLists', searchable: true },
			},
			{
				displayName: 'By Email Address',
				name: 'address',
				type: 'string',
				placeholder: 'e.g. building1@contoso.com',
			},
		],
		...overrides,
	};
}

/** The room list's email address; undefined when an optional field is empty. */
export function getRoomListAddress(
	ctx: IExecuteFunctions,
	itemIndex: number,
	name = 'roomList',
	label = 'Room List',
): string | undefined {
	const text = String(readLocator(ctx, name, itemIndex).value ?? '').trim();
	if (!text) return undefined;
	if (!isEmailAddress(text)) {
		throw new NodeOperationError(
			ctx.getNode(),
			`"${text.slice(0, 80)}" in the field ${label} is not a room list's email address`,
			{
				itemIndex,
				description:
					"Graph finds a room list's rooms by the list's email address (e.g. building1@contoso.com), not its ID. Pick it from the list.",
			},
		);
	}
	return text;
}
