import { getCategories } from '../../shared/categories';
import { getCalendarGroups, getTimeZones } from './loadOptions';
import { searchCalendars, searchEvents, searchRemovableCalendars } from './listSearch';
import { getRoomLists, getRooms, searchRoomLists, searchRooms } from './rooms';

export const listSearch = {
	searchCalendars,
	searchEvents,
	searchRemovableCalendars,
	searchRoomLists,
	searchRooms,
};
export const loadOptions = {
	getCalendarGroups,
	getTimeZones,
	getCategories,
	getRooms,
	getRoomLists,
};
