import { getCategories } from '../../shared/categories';
import { searchContactFolders } from '../../shared/contactFolders';
import { redactMethods } from '../../shared/redact';
import { searchFolders, searchMessages } from './listSearch';
import { searchCategories, searchContacts, searchInboxRules } from './mailboxLists';

/** Each method's errors pass the one redaction step (shared/redact.ts). */
export const listSearch = redactMethods({
	searchFolders,
	searchMessages,
	searchContacts,
	searchContactFolders,
	searchCategories,
	searchInboxRules,
});

/** The category fields offer the mailbox's categories; every other picker is a resource locator. */
export const loadOptions = redactMethods({ getCategories });
