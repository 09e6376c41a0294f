import { relocateOperation } from '../../helpers/relocate';

/** Copy a message to another folder (through `$batch` for many items). */
export const { description, executeAll } = relocateOperation('copy');
