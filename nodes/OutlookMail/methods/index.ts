import { redactMethods } from '../../shared/redact';
import { searchFolders, searchMessages } from './listSearch';

/** Each method's errors pass the one redaction step (shared/redact.ts). */
export const listSearch = redactMethods({ searchFolders, searchMessages });

/** No option lists are loaded from Graph: every picker is a searchable resource locator. */
export const loadOptions = redactMethods({});
