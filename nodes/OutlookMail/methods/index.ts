import { searchDrafts, searchFolders, searchMessages, searchOwnFolders } from './listSearch';

export const listSearch = { searchDrafts, searchFolders, searchMessages, searchOwnFolders };

/** No option lists are loaded from Graph: every picker is a searchable resource locator. */
export const loadOptions = {};
