import { getCalendarGroups, getTimeZones } from './loadOptions';
import { searchCalendars, searchEvents } from './listSearch';

export const listSearch = { searchCalendars, searchEvents };
export const loadOptions = { getCalendarGroups, getTimeZones };
