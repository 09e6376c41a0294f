import { getCategories } from '../../shared/categories';
import { searchDrafts, searchFolders, searchMessages, searchOwnFolders } from './listSearch';
import { searchContactFolders } from '../../shared/contactFolders';
import { searchCategories, searchContacts, searchInboxRules } from './mailboxLists';

export const listSearch = {
	searchDrafts,
	searchFolders,
	searchMessages,
	searchOwnFolders,
	searchContacts,
	searchContactFolders,
	searchCategories,
	searchInboxRules,
};

/** The category fields offer the mailbox's categories; every other picker is a resource locator. */
export const loadOptions = { getCategories };
