import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { routeItems } from '../../shared/router';
import { resourceMap, type Resource } from '../../shared/resources';
import { toolSafeResources, type ToolPolicyConfig } from '../../shared/toolPolicy/policy';
import { readLocatorId } from '../descriptions/locators';
import * as availability from './availability/Availability.resource';
import * as calendar from './calendar/Calendar.resource';
import * as event from './event/Event.resource';
import * as room from './room/Room.resource';

/** The node's resources: the Resource field, the fields and the router are built from this list. */
export const resources: Resource[] = [
	event.resource,
	calendar.resource,
	availability.resource,
	room.resource,
];

const map = resourceMap(resources);

/**
 * The implicit recipients of calendar operations are read from the event they act on; the sender
 * of a new meeting from the calendar it is created in.
 */
const toolPolicy: ToolPolicyConfig = {
	node: 'calendar',
	itemId: (ctx, i, field) =>
		field === 'calendar'
			? (readLocatorId(ctx, i, 'calendar', { optional: true }) ?? '')
			: (readLocatorId(ctx, i, 'eventId') as string),
};

/**
 * Hands the items to the shared item loop with this node's resources; as an AI tool, inside the
 * limits the author set (nodes/shared/toolPolicy/).
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await routeItems.call(this, toolSafeResources(this, map, toolPolicy));
}
