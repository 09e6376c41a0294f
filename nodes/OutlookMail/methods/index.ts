import { getCategories } from '../../shared/categories';
import { searchContactFolders } from '../../shared/contactFolders';
import { redactMethods } from '../../shared/redact';
import { searchDrafts, searchFolders, searchMessages, searchOwnFolders } from './listSearch';
import { searchCategories, searchContacts, searchInboxRules } from './mailboxLists';

/** Each method's errors pass the one redaction step (shared/redact.ts). */
export const listSearch = redactMethods({
	searchDrafts,
	searchFolders,
	searchMessages,
	searchOwnFolders,
	searchContacts,
	searchContactFolders,
	searchCategories,
	searchInboxRules,
});

/** The category fields offer the mailbox's categories; every other picker is a resource locator. */
export const loadOptions = redactMethods({ getCategories });
