import { getCategories } from '../../shared/categories';
import { redactMethods } from '../../shared/redact';
import { getCalendarGroups, getTimeZones } from './loadOptions';
import { searchCalendars, searchEvents, searchRemovableCalendars } from './listSearch';
import { getRoomLists, getRooms, searchRoomLists, searchRooms } from './rooms';

/** Each method's errors pass the one redaction step (shared/redact.ts). */
export const listSearch = redactMethods({
	searchCalendars,
	searchEvents,
	searchRemovableCalendars,
	searchRoomLists,
	searchRooms,
});
export const loadOptions = redactMethods({
	getCalendarGroups,
	getTimeZones,
	getCategories,
	getRooms,
	getRoomLists,
});
