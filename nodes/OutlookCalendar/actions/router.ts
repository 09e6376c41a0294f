import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { routeItems } from '../../shared/router';
import * as availability from './availability/Availability.resource';
import * as calendar from './calendar/Calendar.resource';
import * as event from './event/Event.resource';

/** Hands the items to the shared item loop with this node's resources. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await routeItems.call(this, {
		event: event.operations,
		calendar: calendar.operations,
		availability: availability.operations,
	});
}
