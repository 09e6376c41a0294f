import { getCategories } from '../../shared/categories';
import { getCalendarGroups, getTimeZones } from './loadOptions';
import { searchCalendars, searchEvents } from './listSearch';
import { getRoomLists, getRooms, searchRoomLists, searchRooms } from './rooms';

export const listSearch = { searchCalendars, searchEvents, searchRoomLists, searchRooms };
export const loadOptions = {
	getCalendarGroups,
	getTimeZones,
	getCategories,
	getRooms,
	getRoomLists,
};
