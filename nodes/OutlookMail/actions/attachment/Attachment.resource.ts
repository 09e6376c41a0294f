import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/router';

// Placeholder until the Attachment resource lands.
export const description: INodeProperties[] = [];
export const operations: Record<string, OperationModule> = {};
