import { searchFolders, searchMessages } from './listSearch';

export const listSearch = { searchFolders, searchMessages };

/** No option lists are loaded from Graph: every picker is a searchable resource locator. */
export const loadOptions = {};
