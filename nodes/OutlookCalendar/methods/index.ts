import { redactMethods } from '../../shared/redact';
import { getCalendarGroups, getTimeZones } from './loadOptions';
import { searchCalendars, searchEvents } from './listSearch';

/** Each method's errors pass the one redaction step (shared/redact.ts). */
export const listSearch = redactMethods({ searchCalendars, searchEvents });
export const loadOptions = redactMethods({ getCalendarGroups, getTimeZones });
