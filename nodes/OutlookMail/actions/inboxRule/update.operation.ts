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
	getRuleId,
	nameField,
	predicatesCollection,
	RULE_NOT_FOUND,
	ruleFields,
	ruleLocator,
	rulePath,
	rulePermission,
	sequenceField,
} from './shared';

const properties: INodeProperties[] = [
	ruleLocator,
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [enabledField, nameField, sequenceField],
	},
	predicatesCollection(
		'conditions',
		"Filled in, these replace all of the rule's conditions (Graph replaces them as a whole); empty, the rule keeps its own",
	),
	actionsCollection(
		"Filled in, these replace all of the rule's actions (Graph replaces them as a whole); empty, the rule keeps its own",
	),
	predicatesCollection(
		'exceptions',
		"Filled in, these replace all of the rule's exceptions; empty, the rule keeps its own",
	),
];

/** Like Create: actions that forward or redirect make it a rule that sends. */
export const declaration: OperationDeclaration = {
	does: 'send',
	reaches: FORWARDING_FIELDS,
	sendsOnlyWhenReaching: true,
};

export const description = updateDisplayOptions(
	{ show: { resource: ['inboxRule'], operation: ['update'] } },
	properties,
);

/** PATCH what is given. https://learn.microsoft.com/graph/api/messagerule-update */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const ruleId = getRuleId(this, i);
	const body = ruleFields(this, i, this.getNodeParameter('updateFields', i, {}) as IDataObject);
	const root = getMailboxRoot(this, i);
	const transport = await GraphTransport.create(this, i);
	for (const [name, label] of [
		['conditions', 'Conditions'],
		['exceptions', 'Exceptions'],
	] as const) {
		const predicates = buildPredicates(
			this,
			i,
			this.getNodeParameter(name, i, {}) as IDataObject,
			label,
		);
		if (predicates) body[name] = predicates;
	}
	const actions = await buildActions(
		this,
		i,
		this.getNodeParameter('actions', i, {}) as IDataObject,
		transport,
		root,
	);
	if (actions) body.actions = actions;
	if (!Object.keys(body).length) {
		throw new NodeOperationError(this.getNode(), 'Nothing to update', {
			itemIndex: i,
			description: 'Add a field under Update Fields, or fill in Conditions, Actions or Exceptions.',
		});
	}
	return await transport.request<IDataObject>({
		method: 'PATCH',
		path: rulePath(root, ruleId),
		body,
		itemIndex: i,
		notFound: RULE_NOT_FOUND,
		...rulePermission(this, i, 'write', 'change inbox rules'),
	});
}
