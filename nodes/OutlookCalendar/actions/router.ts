import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { routeItems } from '../../shared/router';
import { resourceMap, type Resource } from '../../shared/resources';
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

/** Hands the items to the shared item loop with this node's resources. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await routeItems.call(this, map);
}
