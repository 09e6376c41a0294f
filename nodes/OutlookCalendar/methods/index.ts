import { getCalendarGroups, getTimeZones } from './loadOptions';
import { searchCalendars, searchEvents, searchRemovableCalendars } from './listSearch';

export const listSearch = { searchCalendars, searchEvents, searchRemovableCalendars };
export const loadOptions = { getCalendarGroups, getTimeZones };
