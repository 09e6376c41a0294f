import { getCategories } from '../../shared/categories';
import { searchFolders, searchMessages } from './listSearch';
import { searchContactFolders } from '../../shared/contactFolders';
import { searchCategories, searchContacts, searchInboxRules } from './mailboxLists';

export const listSearch = {
	searchFolders,
	searchMessages,
	searchContacts,
	searchContactFolders,
	searchCategories,
	searchInboxRules,
};

/** The category fields offer the mailbox's categories; every other picker is a resource locator. */
export const loadOptions = { getCategories };
