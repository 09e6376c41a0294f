import { relocateOperation } from '../../helpers/relocate';
import type { OperationDeclaration } from '../../../shared/declarations';

export const declaration: OperationDeclaration = { does: 'change' };

/** Copy a message to another folder (through `$batch` for many items). */
export const { description, executeAll } = relocateOperation('copy');
