// Moved to nodes/shared so the Outlook Trigger outputs messages the same way.
export { SIMPLE_FIELDS, simplifyMessage } from '../../shared/simplify/message';
