/**
 * A node as an AI Agent's tool, through the path n8n-core takes when an agent calls it:
 * `createNodeAsTool` (the tool's name, description and `$fromAI` schema as the model gets them)
 * and `makeHandleToolInvocation` (the model's arguments → the node's execute → the answer, or the
 * error message the model reads), in a SupplyDataContext, against the Graph stand-in.
 */
import { SupplyDataContext } from 'n8n-core';
import { createNodeAsTool } from 'n8n-core/dist/execution-engine/node-execution-context/utils/create-node-as-tool';
import { makeHandleToolInvocation } from 'n8n-core/dist/execution-engine/node-execution-context/utils/get-input-connection-data';
import type {
	INode,
	INodeParameters,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeHelpers, createRunExecutionData, deepCopy } from 'n8n-workflow';

import type { N8nHarness } from './n8n-harness';

/**
 * The tool variant n8n runs: built from the node's own description when a workflow runs (n8n
 * `NodeTypes.getByNameAndVersion` → `convertNodeToAiTool`, without `usableAsTool.replacements`,
 * which only the editor's copy gets).
 */
export function toolVariant(node: INodeType): INodeType {
	const description: INodeTypeDescription = deepCopy(node.description);
	description.name += 'Tool';
	description.displayName += ' Tool';
	description.inputs = [];
	description.outputs = [NodeConnectionTypes.AiTool];
	delete description.usableAsTool;
	// n8n adds its own Tool Description fields only when the node has none (as it did for Outlook
	// Calendar before it brought its own).
	if (!description.properties.some((p) => p.name === 'toolDescription')) {
		const hasOperation = description.properties.some(
			(p) => p.name === 'resource' || p.name === 'operation',
		);
		const descriptionType: INodeProperties = {
			displayName: 'Tool Description',
			name: 'descriptionType',
			type: 'options',
			noDataExpression: true,
			options: [
				{ name: 'Set Automatically', value: 'auto' },
				{ name: 'Set Manually', value: 'manual' },
			],
			default: 'auto',
		};
		const text: INodeProperties = {
			displayName: 'Description',
			name: 'toolDescription',
			type: 'string',
			default: description.description,
			required: true,
			...(hasOperation ? { displayOptions: { show: { descriptionType: ['manual'] } } } : {}),
		};
		description.properties.push(...(hasOperation ? [descriptionType, text] : [text]));
	}
	return Object.assign(Object.create(node) as INodeType, { description });
}

/** The variant as n8n hands it to the editor: the replacements spread over the description. */
export function editorToolVariant(node: INodeType): INodeTypeDescription {
	const usable = node.description.usableAsTool;
	const base: INodeTypeDescription =
		typeof usable === 'object'
			? ({ ...deepCopy(node.description), ...usable.replacements } as INodeTypeDescription)
			: deepCopy(node.description);
	base.name += 'Tool';
	base.displayName += ' Tool';
	base.inputs = [];
	base.outputs = [NodeConnectionTypes.AiTool];
	return base;
}

export const fromAI = (key: string, type: 'string' | 'number' | 'boolean' = 'string') =>
	`={{ $fromAI('${key}', '', '${type}') }}`;

export interface AgentTool {
	name: string;
	description: string;
	schema: unknown;
	invoke(args: Record<string, unknown>): Promise<unknown>;
}

/** The tool n8n hands the agent for a node of `type` with these parameters. */
export function agentTool(
	harness: N8nHarness,
	type: string,
	tool: INodeType,
	parameters: INodeParameters,
	options: { typeVersion?: number; nodeName?: string } = {},
): AgentTool {
	const node: INode = harness.makeNode(type, {
		parameters,
		nodeName: options.nodeName ?? 'Outlook',
		typeVersion: options.typeVersion ?? 1,
	});
	node.parameters =
		NodeHelpers.getNodeParameters(
			tool.description.properties,
			node.parameters,
			true,
			false,
			node,
			tool.description,
		) ?? node.parameters;
	const workflow = harness.makeWorkflow(node);
	const runExecutionData = createRunExecutionData();
	const agent = { ...node, name: 'AI Agent', type: '@n8n/n8n-nodes-langchain.agent' };
	const contextFactory = (runIndex: number) =>
		new SupplyDataContext(
			workflow,
			node,
			harness.additionalData(),
			'manual',
			runExecutionData,
			runIndex,
			[{ json: {} }],
			{ main: [[{ json: {} }]] },
			NodeConnectionTypes.AiTool,
			{ node, data: { main: [[{ json: {} }]] }, source: null },
			[],
			undefined,
			agent,
		);
	const { response } = createNodeAsTool({
		node,
		nodeType: tool,
		handleToolInvocation: makeHandleToolInvocation(contextFactory, node, tool, runExecutionData),
		context: contextFactory(0),
		itemIndex: 0,
	});
	return response as unknown as AgentTool;
}

/** What the model reads back: the JSON answer, or the error message n8n returns. */
export async function callTool(
	tool: AgentTool,
	args: Record<string, unknown>,
): Promise<{ answer?: unknown; error?: string }> {
	try {
		return { answer: JSON.parse(String(await tool.invoke(args))) as unknown };
	} catch (error) {
		return { error: (error as Error).message };
	}
}
