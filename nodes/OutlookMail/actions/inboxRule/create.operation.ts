import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { getMailboxRoot, updateDisplayOptions } from '../../../shared/descriptions';
import type { OperationDeclaration } from '../../../shared/declarations';
import { GraphTransport } from '../../../shared/graph/client';
import {
	actionsCollection,
	buildActions,
	buildPredicates,
	enabledField,
	FORWARDING_FIELDS,
	nameField,
	predicatesCollection,
	ruleFields,
	rulePermission,
	rulesPath,
	sequenceField,
} from './shared';

const properties: INodeProperties[] = [
	{ ...nameField, required: true },
	{ ...sequenceField, required: true },
	enabledField,
	predicatesCollection(
		'conditions',
		'The rule acts on a message that meets all of these; none: on every message',
	),
	actionsCollection('What the rule does with a message (at least one action)'),
	predicatesCollection('exceptions', 'The rule skips a message that meets any of these'),
];

/**
 * A rule that forwards or redirects has Exchange send every matching message to those addresses,
 * from now on and without anyone sending it: it counts as sending, to the forward and redirect
 * targets. A rule without those actions only changes the mailbox.
 */
export const declaration: OperationDeclaration = {
	does: 'send',
	reaches: FORWARDING_FIELDS,
	sendsOnlyWhenReaching: true,
};

export const description = updateDisplayOptions(
	{ show: { resource: ['inboxRule'], operation: ['create'] } },
	properties,
);

/** https://learn.microsoft.com/graph/api/mailfolder-post-messagerules (displayName, sequence and actions are required) */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const body = ruleFields(this, i, {
		displayName: this.getNodeParameter('displayName', i, ''),
		sequence: this.getNodeParameter('sequence', i, 1),
		isEnabled: this.getNodeParameter('isEnabled', i, true),
	});
	const conditions = buildPredicates(
		this,
		i,
		this.getNodeParameter('conditions', i, {}) as IDataObject,
		'Conditions',
	);
	const exceptions = buildPredicates(
		this,
		i,
		this.getNodeParameter('exceptions', i, {}) as IDataObject,
		'Exceptions',
	);
	const root = getMailboxRoot(this, i);
	const transport = await GraphTransport.create(this, i);
	const actions = await buildActions(
		this,
		i,
		this.getNodeParameter('actions', i, {}) as IDataObject,
		transport,
		root,
	);
	if (!actions) {
		throw new NodeOperationError(this.getNode(), 'The rule has no action', {
			itemIndex: i,
			description: 'Add at least one action under Actions, e.g. Move to Folder or Mark as Read.',
		});
	}
	return await transport.request<IDataObject>({
		method: 'POST',
		path: rulesPath(root),
		body: {
			...body,
			...(conditions ? { conditions } : {}),
			actions,
			...(exceptions ? { exceptions } : {}),
		},
		itemIndex: i,
		...rulePermission(this, i, 'write', 'create inbox rules'),
	});
}
