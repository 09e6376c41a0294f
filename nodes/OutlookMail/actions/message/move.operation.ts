import { relocateOperation } from '../../helpers/relocate';

/** Move a message to another folder (through `$batch` for many items). */
export const { description, executeAll } = relocateOperation('move');
