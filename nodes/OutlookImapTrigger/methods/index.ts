import { redactMethods } from '../../shared/redact';
import { searchFolders } from './listSearch';

/** Each method's errors pass the one redaction step (shared/redact.ts). */
export const listSearch = redactMethods({ searchFolders });
